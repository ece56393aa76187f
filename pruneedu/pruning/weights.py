"""Unstructured (weight) pruning: a thin layer over ``torch.nn.utils.prune``.

Taught in notebook 02-weight-vs-node. Masks, hooks and composition of repeated pruning are
torch's own (``PruningContainer``); this module only chooses what to prune and how much.
"""

from __future__ import annotations

import torch.nn.utils.prune as prune
from torch import nn

from pruneedu.argcheck import check_choice
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amount
from pruneedu.pruning.masks import effective_weight, prunable_layers, pruned_count

SCOPES = ("global", "layer")
METHODS = ("magnitude", "random")
_TORCH_METHODS = {"magnitude": prune.L1Unstructured, "random": prune.RandomUnstructured}


def prune_weights(
    net: nn.Module,
    amount: float | int,
    scope: str = "global",
    method: str = "magnitude",
    layers: list[str] | None = None,
) -> nn.Module:
    """Prune individual weights of the Linear/Conv2d layers of ``net`` in place.

    ``amount`` is the TARGET sparsity, not an extra fraction: a float is the fraction of the
    weights in scope that end up pruned, an int the count that ends up pruned. Pruning a
    model that is already 80% pruned with ``amount=0.9`` prunes 10% more of the weights,
    keeping the old mask (torch combines the masks in a ``PruningContainer``). A target
    below what is already pruned is an error: pruning never brings weights back.

    Args:
        net: the model; biases are never pruned.
        amount: target fraction in [0, 1) or target count of pruned weights.
        scope: ``"global"`` ranks all weights in scope together (one threshold for the whole
            model); ``"layer"`` prunes each layer to ``amount`` on its own.
        method: ``"magnitude"`` prunes the smallest absolute values, ``"random"`` picks at
            random (a baseline; seed torch for repeatable results).
        layers: names of the layers to prune (default: every Linear and Conv2d).

    Returns:
        ``net`` itself, now carrying ``weight_orig``/``weight_mask`` in the pruned layers.

    Example:
        >>> from pruneedu import models
        >>> net = prune_weights(models.lenet_300_100(seed=0), amount=0.9)
        >>> float(net.fc1.weight_mask.mean()) < 0.2
        True
    """
    check_model(net, "prune_weights")
    check_choice(scope, "scope", SCOPES)
    check_choice(method, "method", METHODS)
    targets = prunable_layers(net, layers)
    pruning_method = _TORCH_METHODS[method]
    if scope == "global":
        total = sum(m.weight.numel() for _, m in targets)
        extra = _extra_count(amount, total, sum(pruned_count(m) for _, m in targets), "model")
        parameters = [(m, "weight") for _, m in targets]
        # Fresh scores: after an optimizer step ``m.weight`` is stale until the next forward.
        scores = {(m, "weight"): effective_weight(m) for _, m in targets}
        prune.global_unstructured(
            parameters, pruning_method=pruning_method, importance_scores=scores, amount=extra
        )
        return net
    # Check every layer before touching any, so a bad amount leaves the model as it was.
    extras = [_extra_count(amount, m.weight.numel(), pruned_count(m), n) for n, m in targets]
    for (_, module), extra in zip(targets, extras, strict=True):
        if method == "magnitude":
            prune.l1_unstructured(
                module, "weight", amount=extra, importance_scores=effective_weight(module)
            )
        else:
            prune.random_unstructured(module, "weight", amount=extra)
    return net


def _extra_count(amount: float | int, total: int, already: int, where: str) -> int:
    """How many more weights to prune to reach the target ``amount`` out of ``total``."""
    target = check_amount(amount, total)
    if target < already:
        raise ValueError(
            f"{where} already has {already} of {total} weights pruned ({already / total:.1%}) "
            f"and amount is the target sparsity; pass at least {already / total:.4f}."
        )
    return target - already


def make_permanent(net: nn.Module) -> nn.Module:
    """Fold every pruning mask into its weight (``prune.remove``); outputs stay identical.

    After this the model has plain ``weight`` parameters again (no ``weight_orig`` or
    ``weight_mask``), so it saves and loads like an unpruned model; the zeros remain.

    Example:
        >>> from pruneedu import models
        >>> net = make_permanent(prune_weights(models.lenet_300_100(seed=0), amount=0.5))
        >>> hasattr(net.fc1, "weight_mask")
        False
    """
    check_model(net, "make_permanent")
    for module in net.modules():
        hooks = module._forward_pre_hooks.values()
        names = [h._tensor_name for h in hooks if isinstance(h, prune.BasePruningMethod)]
        for name in names:
            prune.remove(module, name)
    return net
