"""Public tests of remove_channels: check("remove-channels", remove_channels)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_shape, show


def importance(next_weight: np.ndarray) -> np.ndarray:
    return np.sqrt((next_weight.astype(np.float64) ** 2).sum(axis=(0, 2, 3)))


def check_removal(args: tuple, output) -> Mismatch | None:
    conv_weight, conv_bias, next_weight, amount = args
    channels = conv_weight.shape[0]
    kept = channels - round(amount * channels)
    if not isinstance(output, (list, tuple)) or len(output) != 3:
        return Mismatch("a tuple (conv_weight, conv_bias, next_weight)", show(output))
    weight = expect_shape(output[0], (kept,) + conv_weight.shape[1:], "conv_weight")
    if isinstance(weight, Mismatch):
        return weight
    bias = expect_shape(output[1], (kept,), "conv_bias")
    if isinstance(bias, Mismatch):
        return bias
    following = expect_shape(output[2], (next_weight.shape[0], kept) + next_weight.shape[2:],
                             "next_weight")
    if isinstance(following, Mismatch):
        return following
    # Which original channel each kept filter is: found by its exact weights.
    origin = []
    for i in range(kept):
        matches = [c for c in range(channels) if np.array_equal(weight[i], conv_weight[c])]
        if not matches:
            return Mismatch(f"filter {i} equal to one of the original filters",
                            "a filter that is not one of them")
        origin.append(matches[0])
    scores = importance(next_weight)
    removed = sorted(set(range(channels)) - set(origin))
    if removed and max(scores[removed]) > min(scores[origin]):
        return Mismatch(f"the {kept} channels with the largest importance kept "
                        f"(channels {sorted(np.argsort(-scores, kind='stable')[:kept].tolist())})",
                        f"channels {sorted(origin)} kept")
    for i, c in enumerate(origin):
        if not np.array_equal(bias[i], conv_bias[c]):
            return Mismatch(f"conv_bias[{i}] = {conv_bias[c]:g}, the bias of channel {c} whose "
                            "filter is there", f"{bias[i]:g}")
        if not np.array_equal(following[:, i], next_weight[:, c]):
            return Mismatch(f"next_weight[:, {i}] to read channel {c}, as conv_weight[{i}] is "
                            f"channel {c}", "the weights of another channel")
    return None


_rng = np.random.default_rng(8)


def _layers(channels: int, inputs: int = 2, outputs: int = 3, kernel: int = 3) -> tuple:
    return (_rng.normal(size=(channels, inputs, kernel, kernel)).astype(np.float32),
            _rng.normal(size=channels).astype(np.float32),
            _rng.normal(size=(outputs, channels, kernel, kernel)).astype(np.float32))


def _listened_to() -> tuple:
    conv_weight, conv_bias, next_weight = _layers(4)
    conv_weight[0] *= 100.0  # a strong filter that the next layer ignores
    next_weight[:, 0] *= 0.001
    conv_weight[3] *= 0.001  # a weak filter that the next layer relies on
    next_weight[:, 3] *= 100.0
    return conv_weight, conv_bias, next_weight


CASES = [
    TestCase("keeps-the-important-half", (*_layers(4), 0.5), check_removal,
             "rank channels by the norm of next_weight[:, c] and keep the largest."),
    TestCase("importance-comes-from-the-next-layer", (*_listened_to(), 0.25), check_removal,
             "channel 0 has a large filter but the next layer barely reads it: it goes. Use "
             "next_weight, not conv_weight, to rank."),
    TestCase("both-layers-stay-matched", (*_layers(6, outputs=5), 0.5), check_removal,
             "cut conv_weight, conv_bias and next_weight[:, ...] with the same list of channels, "
             "in the same order."),
    TestCase("count-rounds", (*_layers(10), 0.26), check_removal,
             "remove round(0.26 * 10) = 3 channels, not int(2.6) = 2."),
]
