"""Hidden tests of nm_mask: the grader runs them; learners never see this file."""

import numpy as np
from public_tests import check_nm

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(24)

CASES = [
    TestCase("hidden-lenet-fc2", (_rng.normal(size=(100, 300)).astype(np.float32), 2, 4),
             check_nm),
    TestCase("hidden-tall-narrow", (_rng.normal(size=(40, 8)).astype(np.float32), 2, 4),
             check_nm),
    TestCase("hidden-ties-in-many-groups",
             (np.repeat(np.array([[1.0, 2.0, 2.0, 2.0]], np.float32), 6, axis=0), 2, 4),
             check_nm),
    TestCase("hidden-four-of-eight", (_rng.normal(size=(5, 16)).astype(np.float32), 4, 8),
             check_nm),
    TestCase("hidden-one-row-many-groups", (_rng.normal(size=(1, 64)).astype(np.float32), 2, 4),
             check_nm),
    TestCase("hidden-negative", (-np.abs(_rng.normal(size=(6, 12))).astype(np.float32), 2, 4),
             check_nm),
]
