"""Measure a model at many amounts once, so a slider only has to look the answers up.

Global magnitude pruning to the amount (target sparsity) s zeroes the s-fraction of weights
with the smallest absolute values. Sorting all magnitudes once turns every step into "zero the
first k of this order": one sort for all steps instead of one per call of
``pruning.prune_weights``, with the same masks (``tests/test_widgets_pruning.py`` checks this
against the library).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import TensorDataset

from pruneedu import metrics, pruning, training
from pruneedu.pruning._checks import check_amounts
from pruneedu.widgets.readouts import measuring


@dataclass(frozen=True)
class SweepStep:
    """One pruned model and what it measured."""

    amount: float          # the target sparsity asked for
    model: nn.Module       # a dense copy with the pruned weights set to zero
    sparsity: float        # metrics.sparsity of the model
    accuracy: float        # training.evaluate(...).accuracy on the evaluation set
    nonzero: int           # metrics.parameter_count(model, nonzero_only=True)
    dense_bytes: int       # metrics.model_size_bytes(model, "dense")
    sparse_bytes: int      # metrics.model_size_bytes(model, "sparse")


def magnitude_sweep(
    net: nn.Module, eval_set: TensorDataset, amounts: Sequence[float]
) -> list[SweepStep]:
    """Global magnitude pruning of ``net`` to each of ``amounts``, measured; ``net`` is kept.

    Example:
        >>> import torch
        >>> from pruneedu import models
        >>> net = models.lenet_300_100(seed=0)
        >>> digits = TensorDataset(torch.rand(8, 1, 28, 28), torch.arange(8))
        >>> [round(step.sparsity, 2) for step in magnitude_sweep(net, digits, [0.0, 0.9])]
        [0.0, 0.9]
    """
    layers = pruning.prunable_layers(net)
    weights = [pruning.effective_weight(module).detach() for _, module in layers]
    magnitudes = torch.cat([w.abs().flatten() for w in weights])
    order = torch.argsort(magnitudes, stable=True)  # smallest first: pruned first
    sizes = [w.numel() for w in weights]
    steps = []
    for amount in measuring(check_amounts(amounts, "amounts"), "pruning levels"):
        keep = torch.ones_like(magnitudes)
        keep[order[: round(amount * len(magnitudes))]] = 0.0
        model = pruning.copy_model(net)
        pruning.make_permanent(model)  # a plain dense model, whatever masks ``net`` carried
        with torch.no_grad():
            for (_, module), mask in zip(pruning.prunable_layers(model), keep.split(sizes),
                                         strict=True):
                module.weight.mul_(mask.view_as(module.weight))
        steps.append(SweepStep(
            amount=amount,
            model=model,
            sparsity=metrics.sparsity(model),
            accuracy=training.evaluate(model, eval_set).accuracy,
            nonzero=metrics.parameter_count(model, nonzero_only=True),
            dense_bytes=metrics.model_size_bytes(model, "dense"),
            sparse_bytes=metrics.model_size_bytes(model, "sparse"),
        ))
    return steps
