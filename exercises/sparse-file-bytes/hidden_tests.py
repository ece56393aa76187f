"""Hidden tests of relative_index_bytes: the grader runs them; learners never see this file."""

import numpy as np
from public_tests import check_bytes

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(11)


def _pruned(shape, sparsity, seed):
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=shape).astype(np.float32)
    weights[rng.random(shape) < sparsity] = 0.0
    return weights


CASES = [
    TestCase("hidden-layer-90-percent-4-bits", (_pruned((100, 300), 0.9, 1), 4), check_bytes),
    TestCase("hidden-layer-99-percent-5-bits", (_pruned((100, 300), 0.99, 2), 5), check_bytes),
    TestCase("hidden-one-bit-skips", (_pruned((20, 30), 0.7, 3), 1), check_bytes),
    TestCase("hidden-eight-bit-skips", (_pruned((30, 30), 0.995, 4), 8), check_bytes),
    TestCase("hidden-int8-values", (_pruned((50, 40), 0.8, 5), 4, 8), check_bytes),
    TestCase("hidden-exact-multiple-of-span",
             (np.array([0.0] * 8 + [3.0], dtype=np.float32), 2), check_bytes),
    TestCase("hidden-trailing-zeros-are-free",
             (np.array([2.0] + [0.0] * 50, dtype=np.float32), 3), check_bytes),
    TestCase("hidden-conv-filter", (_pruned((4, 3, 5, 5), 0.85, 6), 3), check_bytes),
    TestCase("hidden-all-zero-matrix", (np.zeros((5, 5), dtype=np.float32), 4, 8), check_bytes),
]
