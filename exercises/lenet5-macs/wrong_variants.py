"""Mistakes learners make in lenet5_macs (never released)."""

LESSON_TRAPS = {"weights_not_positions", "conv2_ignores_conv1", "fc1_reads_800",
                "positions_of_the_input"}


def weights_not_positions(channels1, channels2, hidden):
    """Counts each convolution weight once, as if it were a Linear layer."""
    return channels1 * 25 + channels2 * channels1 * 25 + channels2 * 16 * hidden + hidden * 10


def conv2_ignores_conv1(channels1, channels2, hidden):
    """Gives conv2 the full 20 input channels whatever conv1 keeps."""
    return (channels1 * 25 * 576 + channels2 * 20 * 25 * 64 + channels2 * 16 * hidden
            + hidden * 10)


def fc1_reads_800(channels1, channels2, hidden):
    """Keeps fc1's 800 inputs when conv2 loses channels."""
    return channels1 * 25 * 576 + channels2 * channels1 * 25 * 64 + 800 * hidden + hidden * 10


def positions_of_the_input(channels1, channels2, hidden):
    """Uses the input size (28x28, 12x12) as the number of output positions."""
    return (channels1 * 25 * 28 * 28 + channels2 * channels1 * 25 * 12 * 12
            + channels2 * 16 * hidden + hidden * 10)


def forgets_fc2(channels1, channels2, hidden):
    """Stops after fc1."""
    return channels1 * 25 * 576 + channels2 * channels1 * 25 * 64 + channels2 * 16 * hidden
