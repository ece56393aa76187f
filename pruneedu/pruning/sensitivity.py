"""Sensitivity scan: how much accuracy each layer loses when it alone is pruned.

Taught in notebook 03-challenges: layers differ a lot (the first and last usually tolerate
less pruning), which is why a single global threshold or per-layer amounts matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from torch import nn

from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amounts
from pruneedu.pruning.masks import copy_model, prunable_layers, pruned_count
from pruneedu.pruning.weights import prune_weights


@dataclass(frozen=True)
class Sensitivity:
    """Accuracy (0..1) of the model with one layer pruned, per layer and amount."""

    baseline: float
    amounts: tuple[float, ...]
    accuracy: dict[str, tuple[float, ...]]

    def markdown(self) -> str:
        """The table as Markdown: one row per layer, one column per amount (layer sparsity)."""
        header = "| layer | " + " | ".join(f"{a:.0%}" for a in self.amounts) + " |"
        rule = "|---|" + "---:|" * len(self.amounts)
        rows = [
            f"| {name} | " + " | ".join(f"{a:.2%}" for a in values) + " |"
            for name, values in self.accuracy.items()
        ]
        return "\n".join([f"Unpruned accuracy: {self.baseline:.2%}", "", header, rule, *rows])


def sensitivity_scan(
    net: nn.Module,
    dataset,
    amounts: Sequence[float] = (0.5, 0.75, 0.9, 0.95, 0.99),
    layers: list[str] | None = None,
) -> Sensitivity:
    """Prune each layer alone (magnitude, on a copy) to each amount and measure accuracy.

    Each amount is the target sparsity of that one layer, as in :func:`prune_weights`. A
    layer that is already pruned beyond an amount stays as it is for that column. The model
    itself is not changed.

    Example:
        >>> from pruneedu import data, models
        >>> net = models.pretrained("lenet-300-100")
        >>> scan = sensitivity_scan(net, data.load_mnist().val, amounts=[0.5, 0.99])
        >>> list(scan.accuracy), scan.amounts
        (['fc1', 'fc2', 'fc3'], (0.5, 0.99))
    """
    from pruneedu import training

    check_model(net, "sensitivity_scan")
    targets = prunable_layers(net, layers)
    amounts = check_amounts(amounts, "amounts")
    if not amounts:
        raise ValueError("amounts is empty; pass at least one, such as [0.5, 0.9].")
    accuracy: dict[str, tuple[float, ...]] = {}
    for name, module in targets:
        row = []
        for amount in amounts:
            pruned = copy_model(net)
            already = pruned_count(module) / module.weight.numel()
            prune_weights(pruned, max(amount, already), scope="layer", layers=[name])
            row.append(training.evaluate(pruned, dataset).accuracy)
        accuracy[name] = tuple(row)
    baseline = training.evaluate(copy_model(net), dataset).accuracy
    return Sensitivity(baseline=baseline, amounts=amounts, accuracy=accuracy)
