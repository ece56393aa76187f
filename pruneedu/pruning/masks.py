"""Which layers can be pruned, and the weights a (possibly masked) model really computes with.

``torch.nn.utils.prune`` keeps a pruned weight as two tensors, ``weight_orig`` and
``weight_mask``, and recomputes ``weight = weight_orig * weight_mask`` before each forward
pass. Between an optimizer step and the next forward pass ``weight`` is stale, so everything
that reads weights (importance scores, sparsity, file sizes) goes through
:func:`effective_weight` instead.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu.models import check_model

PRUNABLE_TYPES = (nn.Linear, nn.Conv2d)


def prunable_layers(net: nn.Module, layers: list[str] | None = None) -> list[tuple[str, nn.Module]]:
    """The Linear and Conv2d layers of ``net`` (or just the named ones), in model order.

    Example:
        >>> from pruneedu import models
        >>> [name for name, _ in prunable_layers(models.lenet_300_100())]
        ['fc1', 'fc2', 'fc3']
    """
    check_model(net, "prunable_layers")
    found = [(name, m) for name, m in net.named_modules() if isinstance(m, PRUNABLE_TYPES)]
    quantized = any(type(m).__module__.startswith("torch.ao.nn.quantized") for m in net.modules())
    if not found and quantized:
        raise ValueError(
            f"{type(net).__name__} is quantized to int8 and can no longer be pruned or "
            "trained; prune the float model first, then call quantize_int8()."
        )
    if not found:
        raise ValueError(
            f"{type(net).__name__} has no Linear or Conv2d layer to prune; pass a model such "
            "as models.lenet_300_100()."
        )
    if layers is None:
        return found
    if isinstance(layers, str) or not all(isinstance(n, str) for n in layers):
        raise TypeError("layers must be a list of layer names such as ['fc1', 'fc2'].")
    by_name = dict(found)
    unknown = [n for n in layers if n not in by_name]
    if unknown:
        raise ValueError(
            f"No prunable layer named {', '.join(map(repr, unknown))}; choose from "
            f"{', '.join(map(repr, by_name))}."
        )
    if not layers:
        raise ValueError("layers is empty; name at least one layer or pass layers=None for all.")
    return [(n, by_name[n]) for n in layers]


def effective_weight(module: nn.Module, name: str = "weight") -> torch.Tensor:
    """``name`` as the layer uses it: ``<name>_orig * <name>_mask`` when masked (detached).

    Example:
        >>> layer = nn.Linear(2, 2)
        >>> torch.equal(effective_weight(layer), layer.weight.detach())
        True
    """
    check_model(module, "effective_weight")
    mask = getattr(module, name + "_mask", None)
    if mask is None:
        if not isinstance(getattr(module, name, None), torch.Tensor):
            raise ValueError(
                f"{type(module).__name__} has no tensor named {name!r}; pass a layer such as "
                "net.fc1."
            )
        return getattr(module, name).detach()
    return (getattr(module, name + "_orig") * mask).detach()


def pruned_count(module: nn.Module, name: str = "weight") -> int:
    """How many entries of ``name`` are masked out (0 when the layer carries no mask)."""
    mask = getattr(module, name + "_mask", None)
    return 0 if mask is None else int((mask == 0).sum())


def effective_state_dict(net: nn.Module) -> dict[str, torch.Tensor]:
    """The state dict with every ``*_orig``/``*_mask`` pair folded into one plain tensor.

    This is what the model computes with, and what a saved file of it needs to hold.

    Example:
        >>> import torch.nn.utils.prune as prune
        >>> layer = nn.Linear(2, 2)
        >>> _ = prune.l1_unstructured(layer, "weight", amount=2)
        >>> sorted(effective_state_dict(layer))
        ['bias', 'weight']
    """
    check_model(net, "effective_state_dict")
    state = net.state_dict()
    folded: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if key.endswith("_mask") and key[: -len("_mask")] + "_orig" in state:
            continue
        if key.endswith("_orig") and key[: -len("_orig")] + "_mask" in state:
            base = key[: -len("_orig")]
            folded[base] = (value * state[base + "_mask"]).detach()
        else:  # quantized models also hold non-tensor entries (dtypes, packed params)
            folded[key] = value.detach() if isinstance(value, torch.Tensor) else value
    return folded


def copy_model(net: nn.Module) -> nn.Module:
    """A deep copy of ``net`` that also works while it carries pruning masks.

    ``copy.deepcopy`` refuses a masked model: its ``weight`` is computed from
    ``weight_orig * weight_mask`` and is not a leaf tensor. This copies the model with that
    cached product detached, then recomputes it in both models.

    Example:
        >>> import torch.nn.utils.prune as prune
        >>> layer = prune.l1_unstructured(nn.Linear(3, 2), "weight", amount=2)
        >>> twin = copy_model(layer)
        >>> torch.equal(twin.weight, layer.weight) and twin.weight_mask is not layer.weight_mask
        True
    """
    check_model(net, "copy_model")
    hooked = _pruning_hooks(net)
    for module, hook in hooked:
        setattr(module, hook._tensor_name, effective_weight(module, hook._tensor_name))
    twin = copy.deepcopy(net)
    for module, hook in hooked + _pruning_hooks(twin):
        hook(module, None)  # what the forward pre-hook does: weight = orig * mask
    return twin


def _pruning_hooks(net: nn.Module) -> list[tuple[nn.Module, prune.BasePruningMethod]]:
    return [
        (module, hook)
        for module in net.modules()
        for hook in module._forward_pre_hooks.values()
        if isinstance(hook, prune.BasePruningMethod)
    ]
