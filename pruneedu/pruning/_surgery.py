"""Shared machinery for structured pruning: rank units, then rebuild layers without them.

A "unit" is a neuron of a Linear layer (a row of its weight) or an output channel of a
Conv2d. Removing a unit deletes its row/filter and bias entry in the producing layer and the
matching input columns/channels of the consuming layer, so the new model is physically
smaller. Masks left by weight pruning travel along, sliced the same way.
"""

from __future__ import annotations

import torch
import torch.nn.utils.prune as prune
from torch import nn
from torch.utils.data import TensorDataset

from pruneedu.argcheck import check_choice, check_int
from pruneedu.data import check_dataset
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amount
from pruneedu.pruning.masks import effective_weight

CRITERIA = ("l1", "l2", "activation")

# Layers that act on each unit separately, so a unit can be removed straight through them.
PASS_THROUGH = (
    nn.ReLU,
    nn.LeakyReLU,
    nn.Tanh,
    nn.Sigmoid,
    nn.GELU,
    nn.Dropout,
    nn.Identity,
    nn.MaxPool2d,
    nn.AvgPool2d,
)


def check_arguments(net: object, criterion: object, multiple_of: object, function: str) -> None:
    """The argument checks prune_nodes and prune_channels share (before any work is done)."""
    check_model(net, function)
    check_choice(criterion, "criterion", CRITERIA)
    check_int(multiple_of, "multiple_of", minimum=1, example="8")


def weight_importance(module: nn.Module, criterion: str) -> torch.Tensor:
    """L1 or L2 norm of each unit's incoming (effective) weights, one value per unit."""
    weight = effective_weight(module).flatten(1)
    return weight.abs().sum(1) if criterion == "l1" else weight.pow(2).sum(1).sqrt()


def activation_importance(
    net: nn.Module, taps: dict[str, nn.Module], data: object, function: str
) -> dict[str, torch.Tensor]:
    """Mean absolute output of each unit, read at the module ``taps[name]`` while ``net`` runs.

    The tap sits after the unit's activation (and pooling), just before the consuming layer,
    so a unit that never fires scores zero.
    """
    inputs = _inputs_of(data, function)
    sums: dict[str, torch.Tensor] = {}

    def make_hook(name: str):
        def hook(_module, _inputs, output):
            per_unit = output.detach().abs().transpose(0, 1).flatten(1).mean(1)
            sums[name] = sums.get(name, 0) + per_unit * output.shape[0]

        return hook

    handles = [tap.register_forward_hook(make_hook(name)) for name, tap in taps.items()]
    parameter = next(net.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(inputs), 1024):
                net(inputs[start : start + 1024].to(device))  # a model on a GPU needs GPU inputs
    except RuntimeError as error:
        raise ValueError(
            f"{function}() could not run the model on data of shape {list(inputs.shape)} "
            f"({str(error).splitlines()[0]}); pass images shaped like the model's training "
            "data, such as mnist.val."
        ) from error
    finally:
        for handle in handles:
            handle.remove()
        net.train(was_training)
    return {name: total / len(inputs) for name, total in sums.items()}


def _inputs_of(data: object, function: str) -> torch.Tensor:
    if isinstance(data, TensorDataset):
        return check_dataset(data)[0]  # catches images in 0-255 or of the wrong shape
    if not isinstance(data, torch.Tensor):
        raise TypeError(
            f'{function}(criterion="activation") needs data: a TensorDataset such as '
            "mnist.val or a tensor of input images."
        )
    if len(data) == 0:
        raise ValueError(f"{function}() got empty data; pass at least one input image.")
    return data


def kept_units(
    net: nn.Module,
    taps: dict[str, nn.Module],
    criterion: str,
    data: object,
    amount: float | int,
    multiple_of: int,
    function: str,
    unit: str,
) -> dict[str, torch.Tensor]:
    """For each producing layer named in ``taps``: the indices of its units that survive.

    ``taps[name]`` is where the unit's activation is read for ``criterion="activation"``;
    the other criteria score the layer ``name``'s own weights. ``unit`` (``"neurons"`` or
    ``"channels"``) is what the error messages call a unit.
    """
    if criterion == "activation":
        scores = activation_importance(net, taps, data, function)
    else:
        scores = {name: weight_importance(net.get_submodule(name), criterion) for name in taps}
    return {name: units_to_keep(scores[name], amount, name, multiple_of, unit) for name in taps}


def units_to_keep(
    importance: torch.Tensor,
    amount: float | int,
    layer: str,
    multiple_of: int = 1,
    unit: str = "neurons",
) -> torch.Tensor:
    """Indices (in original order) of the units that survive removing the lowest ``amount``.

    With ``multiple_of > 1`` the number kept is rounded to the nearest multiple of it (at
    least one multiple, at most all units): matrix kernels run fastest on such widths.
    """
    total = importance.numel()
    remove = check_amount(amount, total, unit, layer)
    if remove >= total:
        raise ValueError(
            f"amount={amount} would remove all {total} {unit} of {layer}; use a smaller amount."
        )
    kept = total - remove
    if multiple_of > 1:
        kept = min(total, max(multiple_of, round(kept / multiple_of) * multiple_of))
    ranked = torch.argsort(importance, descending=True, stable=True)
    return ranked[:kept].sort().values


def sliced_layer(
    module: nn.Module, keep_out: torch.Tensor | None, keep_in: torch.Tensor | None
) -> nn.Module:
    """A new Linear/Conv2d holding only the kept output units and input columns/channels."""
    masked = hasattr(module, "weight_mask")
    weight = (module.weight_orig if masked else module.weight).detach()
    mask = module.weight_mask if masked else None
    bias = None if module.bias is None else module.bias.detach()
    if keep_out is not None:
        weight = weight[keep_out]
        mask = None if mask is None else mask[keep_out]
        bias = None if bias is None else bias[keep_out]
    if keep_in is not None:
        weight = weight[:, keep_in]
        mask = None if mask is None else mask[:, keep_in]
    factory = {"device": weight.device, "dtype": weight.dtype}
    if isinstance(module, nn.Linear):
        new = nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None, **factory)
    else:
        if module.groups != 1:
            raise ValueError("Structured pruning supports ordinary convolutions (groups=1) only.")
        new = nn.Conv2d(
            weight.shape[1],
            weight.shape[0],
            module.kernel_size,
            stride=module.stride,
            padding=module.padding,
            dilation=module.dilation,
            bias=bias is not None,
            padding_mode=module.padding_mode,
            **factory,
        )
    with torch.no_grad():
        new.weight.copy_(weight)
        if bias is not None:
            new.bias.copy_(bias)
    if mask is not None:
        prune.custom_from_mask(new, "weight", mask.clone())
    return new
