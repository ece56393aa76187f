"""Public tests of relative_index_bytes: check("sparse-file-bytes", relative_index_bytes)."""

import math

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_number


def expected_bytes(weights: np.ndarray, index_bits: int, value_bits: int = 32) -> int:
    """The reference count, worked out independently with numpy."""
    positions = np.flatnonzero(weights.reshape(-1))
    gaps = np.diff(positions, prepend=-1) - 1
    entries = int((gaps // 2**index_bits + 1).sum())
    return math.ceil(entries * (value_bits + index_bits) / 8)


def check_bytes(args: tuple, output) -> Mismatch | None:
    expected = expected_bytes(*args)
    if isinstance(output, float) and output.is_integer():
        output = int(output)
    return expect_number(output, expected, "a byte count of")


def _row(*values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


FILLER_HINT = ("a skip holds at most 2**index_bits - 1 zeros; each filler entry covers "
               "2**index_bits positions, so a run of z zeros needs z // 2**index_bits fillers.")

CASES = [
    TestCase("dense-row-pays-for-indices-too", (_row(1.0, 2.0, 3.0, 4.0), 4), check_bytes,
             "every kept value carries its index: 4 entries of 32 + 4 bits, not 4 * 4 bytes."),
    TestCase("skips-that-fit", (_row(0.0, 0.0, 5.0, 0.0, 7.0), 2), check_bytes,
             "count the zeros BETWEEN entries: 2 before the 5, then 1 before the 7."),
    TestCase("largest-skip-needs-no-filler", (_row(0.0, 0.0, 0.0, 1.0), 2), check_bytes,
             "3 zeros fit in a 2-bit skip (its largest value is 2**2 - 1 = 3)."),
    TestCase("long-run-needs-fillers", (_row(*[0.0] * 9, 1.0), 2), check_bytes, FILLER_HINT),
    TestCase("all-zero-tensor", (np.zeros(8, dtype=np.float32), 3), check_bytes,
             "a tensor with no nonzero weight has no entries at all."),
    TestCase("bytes-round-up", (_row(1.0, 0.0, 2.0, 3.0), 3), check_bytes,
             "3 entries of 35 bits are 105 bits: that needs 14 whole bytes (use math.ceil)."),
    TestCase("matrix-read-row-by-row",
             (np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]], dtype=np.float32), 1), check_bytes,
             "flatten the matrix first: the run of zeros continues from one row into the next."),
]
