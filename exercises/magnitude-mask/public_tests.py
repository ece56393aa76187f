"""Public tests of magnitude_mask: run them with check("magnitude-mask", magnitude_mask)."""

import numpy as np

from pruneedu.exercises import TestCase


def check_mask(args: tuple, output) -> str | None:
    """None when ``output`` is a valid magnitude mask for ``args``, else what is wrong."""
    weights, sparsity = args
    mask = np.asarray(output)
    if mask.shape != weights.shape:
        return f"the mask has shape {mask.shape}; it needs the weights' shape {weights.shape}."
    if not np.isin(mask, (0, 1)).all():
        return "the mask must hold only True/False (or 1/0)."
    keep = mask.astype(bool)
    expected = round(sparsity * weights.size)
    pruned = int((~keep).sum())
    if pruned != expected:
        return (f"the mask prunes {pruned} of {weights.size} weights; at sparsity {sparsity} "
                f"it should prune round({sparsity} * {weights.size}) = {expected}.")
    if keep.any() and (~keep).any():
        if np.abs(weights[~keep]).max() > np.abs(weights[keep]).min():
            return "a pruned weight is larger in magnitude than a kept one: prune the smallest |w|."
    return None


CASES = [
    TestCase("half-of-four", (np.array([0.5, -2.0, 0.1, 3.0], dtype=np.float32), 0.5),
             check_mask),
    TestCase("negative-weights-count-by-size",
             (np.array([-4.0, 1.0, 2.0, 3.0], dtype=np.float32), 0.25), check_mask),
    TestCase("matrix-keeps-its-shape",
             (np.array([[0.3, -0.1, 0.8], [-0.9, 0.05, 0.4]], dtype=np.float32), 0.5),
             check_mask),
]
