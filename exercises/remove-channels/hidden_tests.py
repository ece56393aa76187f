"""Hidden tests of remove_channels: the grader runs them; learners never see this file."""

import numpy as np
from public_tests import check_removal

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(81)


def _layers(channels, inputs, outputs, kernel):
    return (_rng.normal(size=(channels, inputs, kernel, kernel)).astype(np.float32),
            _rng.normal(size=channels).astype(np.float32),
            _rng.normal(size=(outputs, channels, kernel, kernel)).astype(np.float32))


CASES = [
    TestCase("hidden-lenet5-conv1", (*_layers(20, 1, 50, 5), 0.5), check_removal),
    TestCase("hidden-remove-one", (*_layers(7, 3, 4, 1), 0.1), check_removal),
    TestCase("hidden-remove-none", (*_layers(5, 2, 2, 3), 0.0), check_removal),
    TestCase("hidden-count-rounds", (*_layers(10, 2, 3, 3), 0.36), check_removal),
    TestCase("hidden-many-outputs", (*_layers(8, 2, 16, 3), 0.75), check_removal),
]
