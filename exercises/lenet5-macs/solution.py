def lenet5_macs(channels1: int, channels2: int, hidden: int) -> int:
    """Return the multiply-accumulate operations (MACs) LeNet-5 needs for one 28x28 image.

    The network: ``conv1`` (5x5 filters, 1 input channel, ``channels1`` outputs, no padding),
    2x2 max pooling, ``conv2`` (5x5 filters, ``channels2`` outputs), 2x2 max pooling, then
    ``fc1`` with ``hidden`` neurons reading the flattened ``channels2 x 4 x 4`` values, and
    ``fc2`` with 10 outputs. A convolution uses each of its weights once per output position;
    a Linear layer once per image. Count only the weights of conv1, conv2, fc1 and fc2.

    Args:
        channels1: output channels of conv1 (20 in the full model).
        channels2: output channels of conv2 (50).
        hidden: neurons of fc1 (500).

    Returns:
        MACs per image, an int.
    """
    conv1 = channels1 * 1 * 5 * 5 * 24 * 24  # 28 - 5 + 1 = 24 positions per side
    conv2 = channels2 * channels1 * 5 * 5 * 8 * 8  # after pooling: 12 - 5 + 1 = 8
    fc1 = channels2 * 4 * 4 * hidden  # after pooling: 4 x 4 per channel
    fc2 = hidden * 10
    return conv1 + conv2 + fc1 + fc2
