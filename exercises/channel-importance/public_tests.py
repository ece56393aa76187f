"""Public tests of channel_importance: check("channel-importance", channel_importance)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_close


def check_importance(args: tuple, output) -> Mismatch | None:
    (next_weight,) = args
    expected = np.sqrt((next_weight.astype(np.float64) ** 2).sum(axis=(0, 2, 3)))
    return expect_close(output, expected, "importances")


_rng = np.random.default_rng(3)


def _weight(*shape) -> np.ndarray:
    return _rng.normal(size=shape).astype(np.float32)


def _one_silent_channel() -> np.ndarray:
    weight = _weight(4, 3, 2, 2)
    weight[:, 1] = 0.0
    return weight


CASES = [
    TestCase("square-layer", (_weight(3, 3, 2, 2),), check_importance,
             "the norm runs over the OUTPUT channels and the kernel (dims 0, 2, 3), one value "
             "per input channel (dim 1); with as many outputs as inputs the shape cannot tell."),
    TestCase("a-channel-nobody-reads", (_one_silent_channel(),), check_importance,
             "channel 1 has all-zero weights in the next layer, so its importance is 0."),
    TestCase("lenet5-conv2", (_weight(50, 20, 5, 5),), check_importance,
             "conv2 of LeNet-5 reads conv1's 20 channels: 20 importances."),
    TestCase("l2-not-l1", (np.array([[[[3.0]], [[1.0]]], [[[-4.0]], [[1.0]]]],
                                    dtype=np.float32),), check_importance,
             "L2 norm: sqrt(3**2 + (-4)**2) = 5 for channel 0, not |3| + |-4| = 7."),
]
