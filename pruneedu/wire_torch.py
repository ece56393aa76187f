"""The torch side of :mod:`pruneedu.wire`: rebuilding a :class:`~pruneedu.wire.ModelSpec`.

Only the process that runs a learner's function imports this (the sandbox, or a notebook's
``check()``); the grader never does, so it never imports torch.

Example:
    >>> import numpy as np
    >>> from pruneedu.wire import ModelSpec
    >>> state = {"fc1.weight": np.zeros((300, 784), "float32")}
    >>> build_model(ModelSpec("lenet_300_100", state), strict=False).fc1.out_features
    300
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import prune

from pruneedu import models
from pruneedu.wire import MODEL_CONSTRUCTORS, ModelSpec, WireError

_SIZE_ATTRIBUTES = {nn.Linear: ("out_features", "in_features"),
                    nn.Conv2d: ("out_channels", "in_channels")}


def build_model(spec: ModelSpec, strict: bool = True) -> nn.Module:
    """The network ``spec`` describes: its constructor's layers with ``spec.state`` loaded.

    A tensor whose shape differs from the constructor's replaces the parameter (a smaller
    model after node pruning), and the layer's size attributes follow it. ``strict``: every
    parameter of the model must be in the state.
    """
    if spec.constructor not in MODEL_CONSTRUCTORS:
        raise WireError(f"unknown model constructor {spec.constructor!r}.")
    with torch.device("meta"):  # no random initialisation: every tensor comes from the state
        net = getattr(models, spec.constructor)()
    state = dict(spec.state)
    for key in [k for k in state if k.endswith("_mask")]:
        base = key[: -len("_mask")]
        owner, name = _owner(net, base)
        orig = state.pop(f"{base}_orig", None)
        if orig is None:
            raise WireError(f"{key} has no matching _orig entry.")
        layer = net.get_submodule(owner)
        setattr(layer, name, nn.Parameter(torch.from_numpy(orig.copy())))
        prune.custom_from_mask(layer, name, torch.from_numpy(state.pop(key).copy()))
    for key, array in state.items():
        owner, name = _owner(net, key)
        layer = net.get_submodule(owner)
        tensor = torch.from_numpy(array.copy())
        if name in layer._parameters:
            layer._parameters[name] = nn.Parameter(tensor)
        elif name in layer._buffers:
            layer._buffers[name] = tensor
        else:
            raise WireError(f"the model has no tensor named {key!r}.")
    for layer in net.modules():
        sizes = _SIZE_ATTRIBUTES.get(type(layer))
        weight = getattr(layer, "weight", None)
        if sizes and weight is not None and not weight.is_meta:
            setattr(layer, sizes[0], weight.shape[0])
            setattr(layer, sizes[1], weight.shape[1])
    missing = [name for name, tensor in net.state_dict().items() if tensor.is_meta]
    if missing and strict:
        raise WireError(f"the model state lacks {', '.join(missing[:5])}.")
    return net.eval()


def _owner(net: nn.Module, key: str) -> tuple[str, str]:
    owner, _, name = key.rpartition(".")
    try:
        net.get_submodule(owner)
    except AttributeError:
        raise WireError(f"the model has no layer {owner!r}.") from None
    return owner, name
