"""Hidden tests of channel_importance: the grader runs them; learners never see this file."""

import numpy as np
from public_tests import check_importance

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(31)

CASES = [
    TestCase("hidden-square-5x5", (_rng.normal(size=(6, 6, 5, 5)).astype(np.float32),),
             check_importance),
    TestCase("hidden-negative-weights", (-np.abs(_rng.normal(size=(4, 2, 3, 3))).astype(
        np.float32),), check_importance),
    TestCase("hidden-one-output", (_rng.normal(size=(1, 7, 3, 3)).astype(np.float32),),
             check_importance),
    TestCase("hidden-uneven-scales",
             ((_rng.normal(size=(8, 4, 1, 1)) * np.array([0.01, 1, 10, 0.1]).reshape(1, 4, 1, 1)
               ).astype(np.float32),), check_importance),
]
