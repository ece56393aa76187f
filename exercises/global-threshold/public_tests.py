"""Public tests of global_magnitude_masks: check("global-threshold", global_magnitude_masks)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_shape, show

COUNT_HINT = ("count over all layers together: prune round(amount * total weights), then "
              "split the mask back into the layers' shapes.")


def check_masks(args: tuple, output) -> Mismatch | None:
    layers, amount = args
    if not isinstance(output, (list, tuple)) or len(output) != len(layers):
        return Mismatch(f"a list of {len(layers)} masks, one per layer", show(output))
    masks = []
    for index, (weights, mask) in enumerate(zip(layers, output)):
        mask = expect_shape(mask, weights.shape, f"the mask of layer {index}")
        if isinstance(mask, Mismatch):
            return mask
        if not np.isin(mask, (0, 1)).all():
            return Mismatch(f"mask {index} holding only True/False", show(mask))
        masks.append(mask.astype(bool))
    values = np.concatenate([np.abs(w).reshape(-1) for w in layers])
    keep = np.concatenate([m.reshape(-1) for m in masks])
    expected = round(amount * values.size)
    pruned = int((~keep).sum())
    if pruned != expected:
        per_layer = [int((~m).sum()) for m in masks]
        return Mismatch(f"{expected} of {values.size} weights pruned in all "
                        f"(round({amount} * {values.size}) = {expected})",
                        f"{pruned} pruned (per layer: {per_layer})")
    if keep.any() and (~keep).any() and values[~keep].max() > values[keep].min():
        return Mismatch("every pruned |w| no larger than every kept |w|, across all layers",
                        f"a weight with |w| = {values[~keep].max():g} pruned while one with "
                        f"|w| = {values[keep].min():g} is kept")
    return None


def _layer(*values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


CASES = [
    TestCase("small-layer-loses-most",
             ([_layer(0.1, -0.2, 0.3, 0.4), _layer(-5.0, 6.0, -7.0, 8.0)], 0.5), check_masks,
             "rank both layers on one scale: all of the first layer is smaller than any weight "
             "of the second, so a global threshold prunes the first layer entirely."),
    TestCase("count-over-all-layers", ([_layer(1.0, 2.0, 3.0), _layer(4.0, 5.0, 6.0)], 0.5),
             check_masks, COUNT_HINT + " Per layer, round(1.5) twice would prune 4, not 3."),
    TestCase("ties-across-layers", ([_layer(1.0, -1.0, 3.0), _layer(1.0, 1.0, 4.0)], 0.5),
             check_masks, "four weights tie at |w| = 1 across the two layers; " + COUNT_HINT),
    TestCase("shapes-kept", ([np.array([[0.4, -0.1], [2.0, 0.3]], dtype=np.float32),
                              _layer(0.2, -3.0, 0.05)], 0.4), check_masks,
             "give each mask its own layer's shape (keep track of where each layer starts)."),
    TestCase("amount-zero-keeps-all", ([_layer(0.0, 1.0), _layer(-2.0)], 0.0), check_masks,
             "with amount 0 nothing is pruned."),
]
