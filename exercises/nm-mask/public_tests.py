"""Public tests of nm_mask: check("nm-mask", nm_mask)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_shape, show


def check_nm(args: tuple, output) -> Mismatch | None:
    weight, n, m = args
    mask = expect_shape(output, weight.shape, "a mask")
    if isinstance(mask, Mismatch):
        return mask
    if not np.isin(mask, (0, 1)).all():
        return Mismatch("a mask holding only True/False", show(mask))
    keep = mask.astype(bool).reshape(weight.shape[0], -1, m)
    sizes = np.abs(weight).reshape(weight.shape[0], -1, m)
    for row in range(keep.shape[0]):
        for group in range(keep.shape[1]):
            kept, values = keep[row, group], sizes[row, group]
            where = f"row {row}, weights {group * m}..{group * m + m - 1}"
            if kept.sum() != n:
                return Mismatch(f"{n} of {m} weights kept in every group ({where}: "
                                f"|w| = {show(values)})", f"{int(kept.sum())} kept there")
            if kept.any() and (~kept).any() and values[~kept].max() > values[kept].min():
                return Mismatch(f"the {n} largest |w| of {show(values)} kept ({where})",
                                f"mask {show(kept)} there")
    return None


def _rows(*rows) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


CASES = [
    TestCase("one-row-two-groups", (_rows([0.1, -3.0, 2.0, 0.5, 4.0, 0.2, 0.3, -0.1]), 2, 4),
             check_nm, "split each row into groups of 4 and keep the 2 largest |w| of EACH "
             "group, not of the whole row."),
    TestCase("groups-run-along-rows",
             (_rows([9.0, 8.0, 0.1, 0.2], [0.3, 0.4, 7.0, 6.0], [5.0, 0.5, 0.6, 4.0],
                    [0.7, 3.0, 2.0, 0.8]), 2, 4), check_nm,
             "a group is m neighbours in the same ROW (weight.reshape(rows, -1, m)), not in a "
             "column."),
    TestCase("ties-keep-exactly-n", (_rows([1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]), 2, 4),
             check_nm, "when weights tie, still keep exactly n per group (torch.topk does)."),
    TestCase("negative-weights-count-by-size", (_rows([-5.0, 1.0, -4.0, 2.0]), 2, 4), check_nm,
             "rank by |w|: -5 and -4 are the largest here."),
    TestCase("one-of-two", (_rows([0.3, -0.9, 0.2, 0.1], [0.5, 0.4, -0.8, 0.9]), 1, 2), check_nm,
             "n and m are arguments: 1:2 keeps one weight of every pair."),
]
