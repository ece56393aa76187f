"""Hidden tests of magnitude_mask: the grader runs them; learners never see this file."""

import numpy as np
from public_tests import check_mask

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(7)

CASES = [
    # Four tied weights, three to prune: a threshold on |w| would prune all four.
    TestCase("hidden-ties-prune-exact-count",
             (np.array([1.0, -1.0, 1.0, 1.0, 2.0, 3.0], dtype=np.float32), 0.5), check_mask),
    TestCase("hidden-sparsity-zero-keeps-all",
             (np.array([0.2, -0.7, 0.0], dtype=np.float32), 0.0), check_mask),
    TestCase("hidden-sparsity-one-prunes-all",
             (np.array([0.2, -0.7, 0.4], dtype=np.float32), 1.0), check_mask),
    # 0.26 * 10 = 2.6 rounds to 3 (int() would give 2); 0.34 * 10 = 3.4 rounds to 3 (not 4).
    TestCase("hidden-count-rounds-up",
             (_rng.normal(size=10).astype(np.float32), 0.26), check_mask),
    TestCase("hidden-count-rounds-down",
             (_rng.normal(size=10).astype(np.float32), 0.34), check_mask),
    TestCase("hidden-conv-shaped-weights",
             (_rng.normal(size=(2, 3, 2, 2)).astype(np.float32), 0.75), check_mask),
    TestCase("hidden-all-zero-weights", (np.zeros(4, dtype=np.float32), 0.5), check_mask),
]
