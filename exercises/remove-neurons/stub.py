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
    raise NotImplementedError("write the body of remove_neurons")
