"""Public tests of magnitude_mask: run them with check("magnitude-mask", magnitude_mask)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_shape, show

COUNT_HINT = "count first: prune exactly round(amount * weights.numel()) weights, then pick them."


def check_mask(args: tuple, output) -> Mismatch | None:
    """None when ``output`` is a valid magnitude mask for ``args``, else what is wrong."""
    weights, amount = args
    mask = expect_shape(output, weights.shape, "a mask")
    if isinstance(mask, Mismatch):
        return mask
    if not np.isin(mask, (0, 1)).all():
        return Mismatch("a mask holding only True/False", show(mask))
    keep = mask.astype(bool)
    expected = round(amount * weights.size)
    pruned = int((~keep).sum())
    if pruned != expected:
        return Mismatch(f"{expected} of {weights.size} weights pruned "
                        f"(round({amount} * {weights.size}) = {expected})",
                        f"{pruned} pruned, mask {show(keep)}")
    if keep.any() and (~keep).any():
        largest_pruned = np.abs(weights[~keep]).max()
        smallest_kept = np.abs(weights[keep]).min()
        if largest_pruned > smallest_kept:
            return Mismatch("every pruned |w| no larger than every kept |w|",
                            f"a weight with |w| = {largest_pruned:g} pruned while one with "
                            f"|w| = {smallest_kept:g} is kept")
    return None


def _weights(*values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


CASES = [
    TestCase("half-of-four", (_weights(0.5, -2.0, 0.1, 3.0), 0.5), check_mask,
             "sort the weights by absolute value and prune the smallest ones."),
    TestCase("negative-weights-count-by-size", (_weights(-4.0, 1.0, 2.0, 3.0), 0.25), check_mask,
             "compare |w| (weights.abs()), not the signed values: -4 is a large weight."),
    TestCase("matrix-keeps-its-shape",
             (np.array([[0.3, -0.1, 0.8], [-0.9, 0.05, 0.4]], dtype=np.float32), 0.5),
             check_mask, "flatten to rank the weights, then reshape the mask to weights.shape."),
    TestCase("ties-at-the-threshold", (_weights(1.0, -1.0, 1.0, 1.0, 2.0, 3.0), 0.5),
             check_mask, "four weights tie at |w| = 1: a threshold such as |w| > cut prunes all "
             "four. " + COUNT_HINT),
    TestCase("count-rounds-not-truncates",
             (_weights(0.9, -0.2, 0.35, 1.5, -0.05, 0.6, 2.2, -0.8, 0.15, 1.1), 0.27), check_mask,
             "0.27 * 10 = 2.7 weights: round it to 3, as torch.nn.utils.prune does; int() "
             "would give 2."),
    TestCase("amount-zero-keeps-all", (_weights(0.2, -0.7, 0.0), 0.0), check_mask,
             "with amount 0 nothing is pruned, not even the weight that is already 0."),
    TestCase("all-zero-weights", (np.zeros(4, dtype=np.float32), 0.5), check_mask,
             "all weights tie at 0 here; " + COUNT_HINT),
]
