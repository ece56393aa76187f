"""Channel pruning: remove whole output channels (filters) of convolutional layers.

Taught in notebook 02-weight-vs-node with LeNet-5: removing a channel of ``conv1`` removes
an input channel of ``conv2``; removing a channel of ``conv2`` removes its 4x4 block of the
flattened features that ``fc1`` reads.
"""

from __future__ import annotations

import torch
from torch import nn

from pruneedu.pruning._surgery import PASS_THROUGH, check_arguments, kept_units, sliced_layer
from pruneedu.pruning.masks import copy_model


def prune_channels(
    net: nn.Sequential,
    amount: float | int,
    criterion: str = "l1",
    data: object = None,
    multiple_of: int = 1,
) -> nn.Sequential:
    """Remove the least important output channels of every Conv2d; returns a NEW model.

    Every convolution whose output feeds another convolution or (through ``Flatten``) a
    Linear layer loses the lowest-ranked ``amount`` of its channels, and that consumer loses
    the matching input channels or blocks of flattened inputs. The original is untouched.

    Args:
        net: an ``nn.Sequential`` such as ``models.lenet5()``.
        amount: fraction in [0, 1) or count of channels to remove from each such Conv2d.
        criterion: ``"l1"``/``"l2"``: norm of a channel's filter weights; ``"activation"``:
            its mean absolute activation (after ReLU and pooling) on ``data``.
        data: a TensorDataset or input tensor, needed for ``criterion="activation"``.
        multiple_of: round the number of channels kept in each layer to a multiple of this
            (e.g. 8): CPU and GPU matrix kernels run fastest on such widths, so the
            speedup gets closer to the drop in MACs.

    Returns:
        A physically smaller ``nn.Sequential`` with the same layer names.

    Example:
        >>> from pruneedu import models
        >>> small = prune_channels(models.lenet5(seed=0), amount=0.5)
        >>> small.conv1.out_channels, small.conv2.in_channels, small.fc1.in_features
        (10, 10, 400)
    """
    check_arguments(net, criterion, multiple_of, "prune_channels")
    if not isinstance(net, nn.Sequential):
        raise ValueError("prune_channels() needs an nn.Sequential such as models.lenet5().")
    names = list(net._modules)
    pairs = _producer_consumer_pairs(net, names)
    if not pairs:
        raise ValueError(
            "prune_channels() found no Conv2d feeding another layer; use it on a "
            "convolutional model such as models.lenet5()."
        )
    taps = {names[p]: net._modules[_tap_name(names, p, c, net)] for p, c in pairs}
    keep = kept_units(net, taps, criterion, data, amount, multiple_of, "prune_channels", "channels")

    small = copy_model(net)
    keep_in: dict[int, torch.Tensor] = {}
    for producer, consumer in pairs:
        channels = keep[names[producer]]
        consumer_layer = net._modules[names[consumer]]
        if isinstance(consumer_layer, nn.Linear):
            # Flatten lays channels out one after another: channel c owns one block of inputs.
            block = consumer_layer.in_features // net._modules[names[producer]].out_channels
            channels = (channels[:, None] * block + torch.arange(block)).flatten()
        keep_in[consumer] = channels
    for index in sorted(set(keep_in) | {p for p, _ in pairs}):
        name = names[index]
        small._modules[name] = sliced_layer(net._modules[name], keep.get(name), keep_in.get(index))
    return small


def _producer_consumer_pairs(net: nn.Sequential, names: list[str]) -> list[tuple[int, int]]:
    """(conv index, index of the layer that reads its channels) for each prunable conv."""
    pairs = []
    for index, name in enumerate(names):
        if not isinstance(net._modules[name], nn.Conv2d):
            continue
        for later in range(index + 1, len(names)):
            module = net._modules[names[later]]
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                conv = net._modules[name]
                if isinstance(module, nn.Linear) and module.in_features % conv.out_channels:
                    raise ValueError(
                        f"{names[later]} has {module.in_features} inputs, not a multiple of "
                        f"{name}'s {conv.out_channels} channels; prune_channels() cannot "
                        "match them."
                    )
                pairs.append((index, later))
                break
            if isinstance(module, nn.Flatten) or isinstance(module, PASS_THROUGH):
                continue
            raise ValueError(
                f"prune_channels() cannot see through {names[later]} "
                f"({type(module).__name__}); only ReLU-like, pooling and Flatten layers may "
                "follow a convolution."
            )
    return pairs


def _tap_name(names: list[str], producer: int, consumer: int, net: nn.Sequential) -> str:
    """The last per-channel layer before the consumer (skipping Flatten, which mixes shapes)."""
    for index in range(consumer - 1, producer, -1):
        if not isinstance(net._modules[names[index]], nn.Flatten):
            return names[index]
    return names[producer]
