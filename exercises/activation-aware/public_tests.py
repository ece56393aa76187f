"""Public tests of activation_aware_scores: check("activation-aware", activation_aware_scores)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_close


def check_scores(args: tuple, output) -> Mismatch | None:
    weight, inputs = args
    norms = np.sqrt((inputs.astype(np.float64) ** 2).sum(axis=0))
    return expect_close(output, np.abs(weight.astype(np.float64)) * norms, "scores",
                        atol=1e-5, rtol=1e-4)


_rng = np.random.default_rng(17)


def _silent_input() -> tuple:
    weight = np.array([[5.0, 0.1, -0.2], [-4.0, 0.3, 0.1]], dtype=np.float32)
    inputs = _rng.normal(size=(6, 3)).astype(np.float32)
    inputs[:, 0] = 0.0
    return weight, inputs


CASES = [
    TestCase("as-many-samples-as-features",
             (_rng.normal(size=(2, 3)).astype(np.float32),
              _rng.normal(size=(3, 3)).astype(np.float32)), check_scores,
             "the norm runs over the samples (dim 0 of inputs): one norm per input feature, "
             "multiplying column j of the weight."),
    TestCase("a-silent-input-scores-zero", _silent_input(), check_scores,
             "input 0 is always 0, so its large weights score 0."),
    TestCase("l2-norm-not-squared",
             (np.ones((1, 2), np.float32), np.array([[3.0, 1.0], [4.0, 0.0]], np.float32)),
             check_scores, "the L2 norm of (3, 4) is 5: take the square root."),
    TestCase("negative-weights", (np.array([[-2.0, 1.0]], np.float32),
                                  np.array([[1.0, 1.0]], np.float32)), check_scores,
             "use |weight|: a score is never negative."),
]
