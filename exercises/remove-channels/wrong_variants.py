"""Mistakes learners make in remove_channels (never released)."""

import torch

LESSON_TRAPS = {"ranks_by_own_filters", "bias_left_whole", "next_layer_outputs_cut",
                "sorted_conv_only", "truncating_count"}


def _importance(next_weight):
    return next_weight.pow(2).sum(dim=(0, 2, 3)).sqrt()


def _keep(scores, count):
    return torch.argsort(scores, descending=True)[:count].sort().values


def ranks_by_own_filters(conv_weight, conv_bias, next_weight, amount):
    """Ranks channels by their own filters instead of by what the next layer reads."""
    channels = conv_weight.shape[0]
    keep = _keep(conv_weight.pow(2).sum(dim=(1, 2, 3)), channels - round(amount * channels))
    return conv_weight[keep], conv_bias[keep], next_weight[:, keep]


def bias_left_whole(conv_weight, conv_bias, next_weight, amount):
    """Cuts the filters but keeps every bias entry."""
    channels = conv_weight.shape[0]
    keep = _keep(_importance(next_weight), channels - round(amount * channels))
    return conv_weight[keep], conv_bias, next_weight[:, keep]


def next_layer_outputs_cut(conv_weight, conv_bias, next_weight, amount):
    """Cuts the next layer's output filters (dim 0) instead of its input channels."""
    channels = conv_weight.shape[0]
    keep = _keep(_importance(next_weight), channels - round(amount * channels))
    return conv_weight[keep], conv_bias[keep], next_weight[keep[keep < next_weight.shape[0]]]


def sorted_conv_only(conv_weight, conv_bias, next_weight, amount):
    """Sorts the convolution's channels by importance but keeps the next layer's in index
    order, so the two no longer match."""
    channels = conv_weight.shape[0]
    count = channels - round(amount * channels)
    by_importance = torch.argsort(_importance(next_weight), descending=True)[:count]
    return (conv_weight[by_importance], conv_bias[by_importance],
            next_weight[:, by_importance.sort().values])


def truncating_count(conv_weight, conv_bias, next_weight, amount):
    """int() instead of round() for the number of channels to remove."""
    channels = conv_weight.shape[0]
    keep = _keep(_importance(next_weight), channels - int(amount * channels))
    return conv_weight[keep], conv_bias[keep], next_weight[:, keep]


def removes_the_important(conv_weight, conv_bias, next_weight, amount):
    """Keeps the least important channels."""
    channels = conv_weight.shape[0]
    keep = torch.argsort(_importance(next_weight))[:channels - round(amount * channels)]
    keep = keep.sort().values
    return conv_weight[keep], conv_bias[keep], next_weight[:, keep]
