"""Magnitude pruning at any amount in about one forward pass, so a slider can ask for any value.

Magnitude masks are nested: pruning to the amount (target sparsity) s zeroes the s-fraction of
weights with the smallest absolute values, so every mask is "zero the first k of one sorted
order". Sorting once (for the whole model, and for each layer) turns any amount into a cheap
index operation; what remains is one forward pass over the evaluation set. The masks equal
those of ``pruning.prune_weights`` and of ``torch.nn.utils.prune``
(``tests/test_widgets_pruning.py`` checks both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import TensorDataset

from pruneedu import metrics, pruning, training
from pruneedu.pruning._checks import check_amount, check_amounts
from pruneedu.widgets.readouts import measuring
from pruneedu.widgets.timing import one_thread


@dataclass(frozen=True)
class SweepStep:
    """What one pruned model measured (the model itself is rebuilt on demand, not kept)."""

    amount: float                      # the target sparsity asked for, of the weights in scope
    sparsity: float                    # metrics.sparsity of the whole model
    accuracy: float                    # training.evaluate(...).accuracy on the evaluation set
    nonzero: int                       # metrics.parameter_count(model, nonzero_only=True)
    dense_bytes: int                   # metrics.model_size_bytes(model, "dense")
    sparse_bytes: int                  # metrics.model_size_bytes(model, "sparse")
    layer_sparsity: dict[str, float]   # metrics.layer_sparsity(model)


class MagnitudePruner:
    """Magnitude masks of ``net`` for any amount and scope, from one sort; ``net`` is kept.

    A scope is ``"global"`` (one threshold for all layers), ``"layer"`` (each layer pruned to
    the amount on its own) or a layer name such as ``"fc1"`` (that layer alone).

    Example:
        >>> from pruneedu import metrics, models
        >>> pruner = MagnitudePruner(models.lenet_300_100(seed=0))
        >>> round(metrics.layer_sparsity(pruner.pruned_copy(0.9, "fc3"))["fc3"], 3)
        0.9
    """

    def __init__(self, net: nn.Module):
        # A plain dense working copy, whatever masks ``net`` carried; its weights are
        # overwritten for each amount, so only one extra model is ever held.
        self._model = pruning.make_permanent(pruning.copy_model(net))
        self._layers = pruning.prunable_layers(self._model)
        self.layer_names = [name for name, _ in self._layers]
        self._weights = [module.weight.detach().clone() for _, module in self._layers]
        self._sizes = [w.numel() for w in self._weights]
        magnitudes = torch.cat([w.abs().flatten() for w in self._weights])
        self._global_order = torch.argsort(magnitudes, stable=True)  # smallest first
        self._layer_orders = [torch.argsort(w.abs().flatten(), stable=True)
                              for w in self._weights]
        # What no amount changes, counted once: the dense file (same shapes, same floats) and
        # the non-zero parameters outside the pruned weights (biases).
        self._dense_bytes = metrics.model_size_bytes(self._model, "dense")
        self._other_nonzero = (metrics.parameter_count(self._model, nonzero_only=True)
                               - sum(int((w != 0).sum()) for w in self._weights))

    @property
    def scopes(self) -> list[str]:
        return ["global", "layer", *self.layer_names]

    def check_scope(self, scope: str) -> str:
        if scope not in self.scopes:
            raise ValueError(f"scope {scope!r} is not one of {', '.join(map(repr, self.scopes))}; "
                             "use 'global', 'layer' or the name of one layer.")
        return scope

    def keep_masks(self, amount: float, scope: str = "global") -> list[torch.Tensor]:
        """One flat 0/1 mask per layer: 0 where magnitude pruning to ``amount`` removes."""
        self.check_scope(scope)
        if scope == "global":
            total = sum(self._sizes)
            keep = torch.ones(total)
            keep[self._global_order[: check_amount(amount, total)]] = 0.0
            return list(keep.split(self._sizes))
        masks = []
        for name, size, order in zip(self.layer_names, self._sizes, self._layer_orders,
                                     strict=True):
            keep = torch.ones(size)
            if scope in ("layer", name):
                keep[order[: check_amount(amount, size)]] = 0.0
            masks.append(keep)
        return masks

    def model_at(self, amount: float, scope: str = "global") -> nn.Module:
        """The working model pruned to ``amount``: shared, so the next call changes it again."""
        masks = self.keep_masks(amount, scope)
        with torch.no_grad():
            for (_, module), weight, mask in zip(self._layers, self._weights, masks, strict=True):
                torch.mul(weight, mask.view_as(weight), out=module.weight)
        return self._model

    def pruned_copy(self, amount: float, scope: str = "global") -> nn.Module:
        """An independent dense copy of ``net`` with the pruned weights set to zero."""
        return pruning.copy_model(self.model_at(amount, scope))

    @one_thread
    def measure(self, amount: float, eval_set: TensorDataset, scope: str = "global") -> SweepStep:
        """Prune to ``amount`` in ``scope`` and measure accuracy, counts and file sizes."""
        model = self.model_at(amount, scope)
        # metrics.sparsity and friends, from one zero count per layer (the tests compare).
        zeros = [int((module.weight == 0).sum()) for _, module in self._layers]
        return SweepStep(
            amount=amount,
            sparsity=sum(zeros) / sum(self._sizes),
            accuracy=training.evaluate(model, eval_set).accuracy,
            nonzero=self._other_nonzero + sum(self._sizes) - sum(zeros),
            dense_bytes=self._dense_bytes,
            sparse_bytes=metrics.model_size_bytes(model, "sparse"),
            layer_sparsity={name: count / size for name, count, size
                            in zip(self.layer_names, zeros, self._sizes, strict=True)},
        )


def magnitude_sweep(
    net: nn.Module, eval_set: TensorDataset, amounts: Sequence[float], scope: str = "global"
) -> list[SweepStep]:
    """Magnitude pruning of ``net`` to each of ``amounts`` in ``scope``, measured; ``net`` is kept.

    Example:
        >>> import torch
        >>> from pruneedu import models
        >>> net = models.lenet_300_100(seed=0)
        >>> digits = TensorDataset(torch.rand(8, 1, 28, 28), torch.arange(8))
        >>> [round(step.sparsity, 2) for step in magnitude_sweep(net, digits, [0.0, 0.9])]
        [0.0, 0.9]
    """
    amounts = check_amounts(amounts, "amounts")
    pruner = MagnitudePruner(net)
    pruner.check_scope(scope)
    return [pruner.measure(amount, eval_set, scope)
            for amount in measuring(amounts, "pruning levels")]
