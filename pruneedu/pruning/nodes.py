"""Node pruning: remove whole hidden neurons of a multilayer perceptron.

Taught in notebook 02-weight-vs-node. Unlike weight pruning, the result is a smaller dense
model, so it runs faster with ordinary (dense) kernels.
"""

from __future__ import annotations

import torch
from torch import nn

from pruneedu.pruning._surgery import PASS_THROUGH, check_arguments, kept_units, sliced_layer
from pruneedu.pruning.masks import copy_model


def prune_nodes(
    net: nn.Sequential,
    amount: float | int = 0.5,
    criterion: str = "l1",
    data: object = None,
    multiple_of: int = 1,
) -> nn.Sequential:
    """Remove the least important neurons of every hidden Linear layer; returns a NEW model.

    Each hidden layer (every Linear except the last) loses the lowest-ranked ``amount`` of
    its neurons (float: fraction, int: count per layer), and the next Linear loses the
    matching input columns. All layers are ranked on the original model. The output layer
    keeps all its neurons. The original model is left untouched; weight-pruning masks, if
    present, are carried over (sliced).

    Args:
        net: an ``nn.Sequential`` whose Linear layers are separated only by elementwise
            layers such as ReLU (e.g. ``models.lenet_300_100()``).
        amount: fraction in [0, 1) or count of neurons to remove from each hidden layer.
        criterion: ``"l1"``/``"l2"``: norm of a neuron's incoming weights;
            ``"activation"``: its mean absolute activation on ``data``.
        data: a TensorDataset or input tensor, needed for ``criterion="activation"``.
        multiple_of: round the number of neurons kept in each layer to a multiple of this
            (e.g. 16): CPU and GPU matrix kernels work in blocks of 8-16 floats and run
            fastest on such widths, so the speedup gets closer to the drop in MACs
            (``benchmarks/bench_pruning.py`` measures how close, table 2).

    Returns:
        A physically smaller ``nn.Sequential`` with the same layer names.

    Example:
        >>> from pruneedu import models
        >>> small = prune_nodes(models.lenet_300_100(seed=0), amount=0.5)
        >>> small.fc1.out_features, small.fc2.out_features, small.fc3.out_features
        (150, 50, 10)
    """
    check_arguments(net, criterion, multiple_of, "prune_nodes")
    names = list(net._modules)
    linear = [i for i, n in enumerate(names) if isinstance(net._modules[n], nn.Linear)]
    if not isinstance(net, nn.Sequential) or len(linear) < 2:
        raise ValueError(
            "prune_nodes() needs an nn.Sequential with at least two Linear layers, such as "
            "models.lenet_300_100()."
        )
    pairs = list(zip(linear[:-1], linear[1:], strict=True))
    for producer, consumer in pairs:
        between = [net._modules[n] for n in names[producer + 1 : consumer]]
        if not all(isinstance(m, PASS_THROUGH) for m in between):
            raise ValueError(
                f"prune_nodes() cannot see through the layers between {names[producer]} and "
                f"{names[consumer]}; only elementwise layers such as ReLU may sit between them."
            )
    # A neuron's activation is read just before the next Linear, after its ReLU.
    taps = {names[p]: net._modules[names[c - 1]] for p, c in pairs}
    keep = kept_units(net, taps, criterion, data, amount, multiple_of, "prune_nodes", "neurons")

    small = copy_model(net)
    previous: torch.Tensor | None = None
    for index in linear:
        name = names[index]
        keep_out = keep.get(name)  # None for the output layer: it keeps every neuron
        small._modules[name] = sliced_layer(net._modules[name], keep_out, previous)
        previous = keep_out
    return small
