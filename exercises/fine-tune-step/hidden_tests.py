"""Hidden tests of fine_tune_step: the grader runs them; learners never see this file."""

from public_tests import check_step

from pruneedu.exercises import TestCase
from pruneedu.exercises.fixtures import digit_batch, lenet_300_100


def _case(seed, zero_fraction, count, lr, zero_biases=False):
    images, labels = digit_batch(seed, count)
    spec = lenet_300_100(seed, zero_fraction)
    if zero_biases:  # biases are never pruned: a zero bias must still train
        for layer in ("fc1", "fc2", "fc3"):
            spec.state[f"{layer}.bias"][:] = 0.0
    return (spec, images, labels, lr)


CASES = [
    TestCase("hidden-heavily-pruned", _case(21, 0.97, 16, 0.2), check_step),
    TestCase("hidden-zero-biases-still-train", _case(22, 0.6, 8, 0.1, zero_biases=True),
             check_step),
    TestCase("hidden-large-batch", _case(23, 0.9, 32, 0.05), check_step),
    TestCase("hidden-one-image", _case(24, 0.7, 1, 0.3), check_step),
    TestCase("hidden-small-lr", _case(25, 0.5, 8, 0.001), check_step),
]
