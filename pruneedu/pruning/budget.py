"""Per-layer amounts from a sensitivity scan, to meet a size budget at an accuracy floor.

A sensitivity scan (:func:`pruneedu.pruning.sensitivity_scan`) says how accurate the model
stays when ONE layer is pruned to each amount. The simplest use of it: give every layer the
largest amount it tolerates alone, then check that the weights left fit the budget. Layers
pruned together lose more than each alone, so the chosen amounts are a starting point to
check on the validation set, not a promise. Taught in lesson 3; learners write the same rule.

Example:
    >>> from pruneedu.pruning.sensitivity import Sensitivity
    >>> scan = Sensitivity(0.95, (0.5, 0.9), {"fc1": (0.95, 0.94), "fc2": (0.94, 0.80)})
    >>> amounts_for_budget(scan, {"fc1": 1000, "fc2": 100}, floor=0.93, budget=200)
    {'fc1': 0.9, 'fc2': 0.5}
"""

from __future__ import annotations

from collections.abc import Mapping

from pruneedu.pruning.sensitivity import Sensitivity


def amounts_for_budget(scan: Sensitivity, sizes: Mapping[str, int], floor: float,
                       budget: int) -> dict[str, float] | None:
    """For each scanned layer, the largest scanned amount whose accuracy is at least
    ``floor`` (0.0 when none is); None when the weights then kept exceed ``budget``.

    Args:
        scan: the sensitivity scan (its ``amounts`` and per-layer ``accuracy``).
        sizes: weights per layer (e.g. ``{"fc1": 235200, ...}``); layers in the scan only.
        floor: the accuracy (0..1) each layer must keep on its own.
        budget: the most weights that may remain, over the scanned layers.

    Example:
        >>> scan = Sensitivity(0.95, (0.5,), {"fc1": (0.90,)})
        >>> amounts_for_budget(scan, {"fc1": 10}, floor=0.93, budget=5) is None
        True
    """
    chosen = {}
    for layer, accuracies in scan.accuracy.items():
        tolerated = [a for a, acc in zip(scan.amounts, accuracies, strict=True) if acc >= floor]
        chosen[layer] = max(tolerated, default=0.0)
    kept = sum(sizes[layer] - round(amount * sizes[layer]) for layer, amount in chosen.items())
    return chosen if kept <= budget else None
