"""Mistakes learners make in remove_neurons (never released)."""

import copy

import torch
from torch import nn

LESSON_TRAPS = {"next_layer_untouched", "next_layer_rows", "bias_not_sliced",
                "removes_the_kept"}
_FOLLOWING = {"fc1": "fc2", "fc2": "fc3"}


def _rebuild(net, layer, rows, next_columns, next_rows=None, bias_rows=None):
    small = copy.deepcopy(net)
    old, old_next = getattr(net, layer), getattr(net, _FOLLOWING[layer])
    weight = old.weight.detach()[rows]
    bias = old.bias.detach()[bias_rows if bias_rows is not None else rows]
    next_weight = old_next.weight.detach()
    next_weight = next_weight[:, next_columns] if next_columns is not None else next_weight
    next_bias = old_next.bias.detach()
    if next_rows is not None:
        next_weight, next_bias = old_next.weight.detach()[next_rows], next_bias[next_rows]
    new = nn.Linear(weight.shape[1], weight.shape[0])
    new.weight, new.bias = nn.Parameter(weight.clone()), nn.Parameter(bias.clone())
    new_next = nn.Linear(next_weight.shape[1], next_weight.shape[0])
    new_next.weight, new_next.bias = nn.Parameter(next_weight.clone()), nn.Parameter(next_bias.clone())
    setattr(small, layer, new)
    setattr(small, _FOLLOWING[layer], new_next)
    return small


def next_layer_untouched(net, layer, keep):
    """Removes the neurons but leaves the next layer reading all the old inputs."""
    return _rebuild(net, layer, keep, None)


def next_layer_rows(net, layer, keep):
    """Slices the next layer's rows (its own neurons) instead of its input columns."""
    return _rebuild(net, layer, keep, None, next_rows=keep[:getattr(net, _FOLLOWING[layer])
                                                           .out_features])


def bias_not_sliced(net, layer, keep):
    """Keeps the weight rows but leaves the bias at its old length."""
    small = copy.deepcopy(net)
    old = getattr(net, layer)
    with torch.no_grad():
        getattr(small, layer).weight = nn.Parameter(old.weight[keep].clone())
        following = getattr(small, _FOLLOWING[layer])
        following.weight = nn.Parameter(following.weight[:, keep].clone())
    return small


def removes_the_kept(net, layer, keep):
    """Removes the listed neurons instead of keeping them."""
    rest = [i for i in range(getattr(net, layer).out_features) if i not in set(keep)]
    return _rebuild(net, layer, rest, rest)


def shifted_bias(net, layer, keep):
    """Takes the bias entries of the first len(keep) neurons instead of the kept ones."""
    return _rebuild(net, layer, keep, keep, bias_rows=list(range(len(keep))))
