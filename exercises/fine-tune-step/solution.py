import torch
from torch import nn


def fine_tune_step(net: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                   lr: float) -> nn.Module:
    """Take ONE step of plain gradient descent on ``net`` and keep its pruned weights at zero.

    The pruned weights are the entries of the weight matrices (``fc1.weight``,
    ``fc2.weight``, ``fc3.weight``) that are exactly zero before the step; biases are never
    pruned and train normally. The step: compute the mean cross-entropy of
    ``net(images)`` against ``labels``, its gradients, then ``parameter -= lr * gradient``
    for every parameter (no momentum, no weight decay).

    Args:
        net: a pruned LeNet-300-100 (pruning made permanent: zeros in its weights).
        images: a batch ``[N, 1, 28, 28]``.
        labels: the digits ``[N]``.
        lr: the learning rate.

    Returns:
        ``net`` after the step (changing it in place is fine).
    """
    # The masks must be read BEFORE the step: afterwards the pruned weights are no longer zero.
    masks = {name: p != 0 for name, p in net.named_parameters() if name.endswith("weight")}
    loss = nn.functional.cross_entropy(net(images), labels)
    net.zero_grad()
    loss.backward()
    with torch.no_grad():  # the update itself must not be recorded for gradients
        for name, parameter in net.named_parameters():
            parameter -= lr * parameter.grad
            if name in masks:
                parameter *= masks[name]
    return net
