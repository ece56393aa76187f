"""Public tests of cubic_schedule: check("cubic-schedule", cubic_schedule)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_close, show


def expected_schedule(amount: float, rounds: int, initial_amount: float = 0.0) -> np.ndarray:
    t = np.arange(1, rounds + 1)
    return amount + (initial_amount - amount) * (1 - t / rounds) ** 3


def check_schedule(args: tuple, output) -> Mismatch | None:
    expected = expected_schedule(*args)
    if not isinstance(output, (list, tuple, np.ndarray)):
        return Mismatch(f"a list of {len(expected)} amounts", show(output))
    if len(output) != len(expected):
        return Mismatch(f"{len(expected)} amounts, one per round t = 1..{len(expected)}: "
                        f"{show(np.round(expected, 4))}", f"{len(output)}: {show(output)}")
    return expect_close(np.asarray(output, dtype=float), expected, "amounts", atol=1e-9,
                        rtol=1e-9)


CASES = [
    TestCase("three-rounds-to-ninety", (0.9, 3), check_schedule,
             "round t runs from 1 to rounds: the first target is 0.9 - 0.9 * (2/3)**3 = 0.633."),
    TestCase("starts-from-the-initial-amount", (0.9, 2, 0.5), check_schedule,
             "with initial_amount 0.5 the first round goes from 0.5 to "
             "0.9 + (0.5 - 0.9) * (1/2)**3 = 0.85."),
    TestCase("one-round-goes-all-the-way", (0.8, 1), check_schedule,
             "a single round reaches the final amount."),
    TestCase("fast-then-slow", (0.95, 5), check_schedule,
             "the cube of (1 - t/rounds): steps shrink round after round."),
]
