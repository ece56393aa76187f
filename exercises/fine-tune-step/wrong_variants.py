"""Mistakes learners make in fine_tune_step (never released)."""

import torch
from torch import nn

LESSON_TRAPS = {"plain_step", "masks_read_after_the_step", "only_fc1_masked"}


def _step(net, images, labels, lr, reduction="mean"):
    loss = nn.functional.cross_entropy(net(images), labels, reduction=reduction)
    net.zero_grad()
    loss.backward()
    with torch.no_grad():
        for parameter in net.parameters():
            parameter -= lr * parameter.grad


def plain_step(net, images, labels, lr):
    """A plain gradient step: the pruned weights come back."""
    _step(net, images, labels, lr)
    return net


def masks_read_after_the_step(net, images, labels, lr):
    """Reads the masks after the step, when the pruned weights are no longer zero."""
    _step(net, images, labels, lr)
    with torch.no_grad():
        for name, parameter in net.named_parameters():
            if name.endswith("weight"):
                parameter *= parameter != 0
    return net


def only_fc1_masked(net, images, labels, lr):
    """Keeps the zeros of fc1 only."""
    mask = net.fc1.weight != 0
    _step(net, images, labels, lr)
    with torch.no_grad():
        net.fc1.weight *= mask
    return net


def summed_loss(net, images, labels, lr):
    """Sums the loss over the batch instead of averaging it."""
    masks = {n: p != 0 for n, p in net.named_parameters() if n.endswith("weight")}
    _step(net, images, labels, lr, reduction="sum")
    with torch.no_grad():
        for name, parameter in net.named_parameters():
            if name in masks:
                parameter *= masks[name]
    return net


def biases_frozen_at_zero(net, images, labels, lr):
    """Masks every parameter, biases included, so a zero bias never trains."""
    masks = {n: p != 0 for n, p in net.named_parameters()}
    _step(net, images, labels, lr)
    with torch.no_grad():
        for name, parameter in net.named_parameters():
            parameter *= masks[name]
    return net
