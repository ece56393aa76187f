"""The two MNIST networks of Han et al. 2015, "Learning both Weights and Connections".

Both are ``nn.Sequential`` with named layers, so ``net.fc1`` works and pruning code can walk
the layers in order. Taught in notebook 01-introduction (LeNet-300-100) and 02-weight-vs-node
(LeNet-5's channels).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


def lenet_300_100(seed: int | None = None) -> nn.Sequential:
    """LeNet-300-100: a 784-300-100-10 perceptron with 266,610 parameters.

    Args:
        seed: if given, the initial weights are drawn from ``torch.manual_seed(seed)``.

    Example:
        >>> net = lenet_300_100(seed=0)
        >>> sum(p.numel() for p in net.parameters())
        266610
    """
    if seed is not None:
        torch.manual_seed(seed)
    return nn.Sequential(
        OrderedDict(
            [
                ("flatten", nn.Flatten()),
                ("fc1", nn.Linear(28 * 28, 300)),
                ("relu1", nn.ReLU()),
                ("fc2", nn.Linear(300, 100)),
                ("relu2", nn.ReLU()),
                ("fc3", nn.Linear(100, 10)),
            ]
        )
    )


def lenet5(seed: int | None = None) -> nn.Sequential:
    """LeNet-5 as in Han et al. (Caffe's variant): 431,080 parameters.

    Two 5x5 convolutions (20 and 50 channels), each followed by 2x2 max pooling, then a
    800-500-10 classifier.

    Example:
        >>> net = lenet5(seed=0)
        >>> sum(p.numel() for p in net.parameters())
        431080
    """
    if seed is not None:
        torch.manual_seed(seed)
    return nn.Sequential(
        OrderedDict(
            [
                ("conv1", nn.Conv2d(1, 20, kernel_size=5)),
                ("relu1", nn.ReLU()),
                ("pool1", nn.MaxPool2d(2)),
                ("conv2", nn.Conv2d(20, 50, kernel_size=5)),
                ("relu2", nn.ReLU()),
                ("pool2", nn.MaxPool2d(2)),
                ("flatten", nn.Flatten()),
                ("fc1", nn.Linear(50 * 4 * 4, 500)),
                ("relu3", nn.ReLU()),
                ("fc2", nn.Linear(500, 10)),
            ]
        )
    )
