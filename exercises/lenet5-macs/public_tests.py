"""Public tests of lenet5_macs: check("lenet5-macs", lenet5_macs)."""

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_number


def expected_macs(channels1: int, channels2: int, hidden: int) -> int:
    layers = [channels1 * 25 * 24 * 24, channels2 * channels1 * 25 * 8 * 8,
              channels2 * 16 * hidden, hidden * 10]
    return sum(layers)


def check_macs(args: tuple, output) -> Mismatch | None:
    return expect_number(output, expected_macs(*args), "MACs per image:")


CASES = [
    TestCase("full-lenet5", (20, 50, 500), check_macs,
             "a 5x5 conv on 28x28 pixels has 24x24 output positions, and each weight is used "
             "once per position; after pooling, conv2 runs on 12x12 inputs."),
    TestCase("fewer-conv1-channels-shrink-conv2", (10, 50, 500), check_macs,
             "conv2 reads conv1's channels: each of its filters has channels1 x 5 x 5 weights."),
    TestCase("fc1-reads-conv2-channels", (20, 25, 500), check_macs,
             "fc1 reads channels2 x 4 x 4 flattened values, not a fixed 800."),
    TestCase("tiny-network", (1, 1, 1), check_macs,
             "with one channel each: 25 x 576 + 25 x 64 + 16 + 10."),
]
