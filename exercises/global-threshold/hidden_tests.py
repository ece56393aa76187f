"""Hidden tests of global_magnitude_masks: the grader runs them; learners never see this file."""

import numpy as np
from public_tests import check_masks

from pruneedu.exercises import TestCase

_rng = np.random.default_rng(5)


def _lenet_like(scale_fc3: float) -> list:
    return [(_rng.normal(size=(30, 78)) * 0.05).astype(np.float32),
            (_rng.normal(size=(10, 30)) * 0.2).astype(np.float32),
            (_rng.normal(size=(10, 10)) * scale_fc3).astype(np.float32)]


CASES = [
    TestCase("hidden-layers-of-different-scales", (_lenet_like(1.0), 0.9), check_masks),
    TestCase("hidden-scales-reversed", (_lenet_like(0.001), 0.5), check_masks),
    TestCase("hidden-ties-across-three-layers",
             ([np.ones(3, np.float32), np.ones((2, 2), np.float32), np.array([5.0], np.float32)],
              0.5), check_masks),
    TestCase("hidden-per-layer-rounding-differs",
             ([np.arange(1, 4, dtype=np.float32), np.arange(4, 7, dtype=np.float32),
               np.arange(7, 10, dtype=np.float32)], 0.5), check_masks),
    TestCase("hidden-conv-and-linear",
             ([_rng.normal(size=(4, 2, 3, 3)).astype(np.float32),
               _rng.normal(size=(5, 16)).astype(np.float32)], 0.7), check_masks),
    TestCase("hidden-single-layer", ([_rng.normal(size=(6, 6)).astype(np.float32)], 0.33),
             check_masks),
    TestCase("hidden-negative-large-weights",
             ([-np.abs(_rng.normal(size=8)).astype(np.float32) * 10,
               np.abs(_rng.normal(size=8)).astype(np.float32)], 0.5), check_masks),
]
