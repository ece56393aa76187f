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
    raise NotImplementedError("write the body of lenet5_macs")
