import copy

import torch
from torch import nn


def remove_neurons(net: nn.Sequential, layer: str, keep: list[int]) -> nn.Sequential:
    """Return a NEW, smaller LeNet-300-100 in which ``layer`` keeps only the neurons ``keep``.

    A neuron of a Linear layer is a row of its weight and one entry of its bias. When a neuron
    goes, the next Linear layer loses the input column that read it, so the two layers still
    fit together. Every other layer stays as it is, and ``net`` itself is not changed.

    Args:
        net: a LeNet-300-100 (``fc1``, ``fc2``, ``fc3`` with ReLUs in between).
        layer: ``"fc1"`` or ``"fc2"``; the next Linear layer is ``fc2`` or ``fc3``.
        keep: the indices of the neurons to keep, in increasing order.

    Returns:
        The smaller model, with new ``nn.Linear`` layers where shapes changed.
    """
    following = {"fc1": "fc2", "fc2": "fc3"}[layer]
    index = torch.tensor(keep, dtype=torch.long)
    small = copy.deepcopy(net)
    old, old_next = getattr(net, layer), getattr(net, following)
    new = nn.Linear(old.in_features, len(keep))
    new_next = nn.Linear(len(keep), old_next.out_features)
    with torch.no_grad():  # copying weights is not a step to differentiate
        new.weight.copy_(old.weight[index])
        new.bias.copy_(old.bias[index])
        new_next.weight.copy_(old_next.weight[:, index])  # the inputs that read the kept neurons
        new_next.bias.copy_(old_next.bias)
    setattr(small, layer, new)
    setattr(small, following, new_next)
    return small
