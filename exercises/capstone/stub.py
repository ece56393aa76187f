import torch
from torch import nn

from pruneedu import data, models, pruning, training


def capstone_model(mnist: data.MNIST) -> tuple[nn.Module, str]:
    """Return your pruned network and the storage to save it with.

    Deliver a LeNet-300-100 or a LeNet-5 (start from ``models.pretrained(...)`` or train your
    own) whose file written by ``pruning.save_compressed(net, file, storage)`` is at most the
    budget in bytes, and whose accuracy on the instructor's test digits is at least the floor.
    Choose every setting by looking at ``mnist.train`` and ``mnist.val`` only: the test
    digits are for the grader.

    Args:
        mnist: the course's digits (``data.load_mnist()``).

    Returns:
        ``(net, storage)``: the network and one of ``pruning.STORAGES``.
    """
    raise NotImplementedError("write the body of capstone_model")
