"""Hidden tests of magnitude_mask: the grader runs them; learners never see this file."""

import numpy as np
from public_tests import COUNT_HINT, check_mask

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(7)

CASES = [
    # Five tied weights, four to prune (round(3.5) = 4): a threshold on |w| prunes all five.
    TestCase("hidden-ties-prune-exact-count",
             (np.array([2.0, -2.0, 2.0, 2.0, 2.0, 5.0, 1.0], dtype=np.float32), 0.5),
             check_mask, hint=COUNT_HINT),
    TestCase("hidden-amount-zero-keeps-all",
             (_rng.normal(size=(3, 4)).astype(np.float32), 0.0), check_mask),
    TestCase("hidden-amount-one-prunes-all",
             (np.array([0.2, -0.7, 0.4], dtype=np.float32), 1.0), check_mask),
    TestCase("hidden-count-rounds-up", (_rng.normal(size=10).astype(np.float32), 0.26),
             check_mask),
    TestCase("hidden-count-rounds-down", (_rng.normal(size=10).astype(np.float32), 0.34),
             check_mask),
    TestCase("hidden-conv-shaped-weights",
             (_rng.normal(size=(2, 3, 2, 2)).astype(np.float32), 0.75), check_mask),
    TestCase("hidden-negative-weights", (-np.abs(_rng.normal(size=12)).astype(np.float32), 0.5),
             check_mask),
    TestCase("hidden-all-zero-matrix", (np.zeros((3, 3), dtype=np.float32), 0.4), check_mask),
    TestCase("hidden-layer-sized", (_rng.normal(size=(100, 300)).astype(np.float32), 0.9),
             check_mask),
]
