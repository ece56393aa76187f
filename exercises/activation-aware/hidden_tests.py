"""Hidden tests of activation_aware_scores: the grader runs them; learners never see this."""

import numpy as np
from public_tests import check_scores

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(71)

CASES = [
    TestCase("hidden-lenet-fc2", (_rng.normal(size=(100, 300)).astype(np.float32),
                                  np.maximum(_rng.normal(size=(64, 300)), 0).astype(np.float32)),
             check_scores),
    TestCase("hidden-square", (_rng.normal(size=(5, 5)).astype(np.float32),
                               _rng.normal(size=(5, 5)).astype(np.float32)), check_scores),
    TestCase("hidden-one-sample", (_rng.normal(size=(3, 4)).astype(np.float32),
                                   _rng.normal(size=(1, 4)).astype(np.float32)), check_scores),
    TestCase("hidden-uneven-inputs",
             (_rng.normal(size=(4, 6)).astype(np.float32),
              (_rng.normal(size=(10, 6)) * np.array([0, 1, 10, 0.1, 5, 0])).astype(np.float32)),
             check_scores),
]
