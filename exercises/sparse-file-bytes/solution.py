import math

import torch


def relative_index_bytes(weights: torch.Tensor, index_bits: int, value_bits: int = 32) -> int:
    """Return how many bytes ``weights`` takes in relative-index storage.

    Read the weights in row-major order (``weights.flatten()``). Every nonzero weight becomes
    an entry: its value (``value_bits`` bits) and the number of zeros skipped since the
    previous entry (``index_bits`` bits). A skip can be at most ``2**index_bits - 1``; a longer
    run of zeros needs filler entries (value 0), each of which advances ``2**index_bits``
    positions. Zeros after the last nonzero weight cost nothing.

    Args:
        weights: a pruned tensor of any shape.
        index_bits: bits per skip, from 1 to 8.
        value_bits: bits per value (32 for float32, 8 for int8).

    Returns:
        ``ceil(entries * (value_bits + index_bits) / 8)``, an int.
    """
    positions = torch.nonzero(weights.flatten()).flatten().tolist()
    entries, previous = 0, -1
    for position in positions:
        zeros_skipped = position - previous - 1
        entries += zeros_skipped // 2**index_bits + 1  # fillers, then the value itself
        previous = position
    return math.ceil(entries * (value_bits + index_bits) / 8)
