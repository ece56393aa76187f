"""How many bytes a pruned tensor takes in relative-index storage (Han et al., 2016).

Each kept value is stored with the number of zeros skipped since the previous entry, in
``index_bits`` bits. A run of zeros longer than the largest skip, ``2**index_bits - 1``, is
bridged by filler entries (value 0) that each advance ``2**index_bits`` positions. So a
tensor at 90% sparsity does not take 10% of its dense size: every entry carries its index, and
fillers appear where zeros run long. :mod:`pruneedu.pruning.storage` writes exactly these
entries (its ``sparse`` encoding, plus a 5-byte header per tensor, choosing the best
``index_bits``). Taught in lesson 1; learners write the same count.

Example:
    >>> import torch
    >>> relative_index_bytes(torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 2.0]), index_bits=2)
    9
"""

from __future__ import annotations

import math

import torch

from pruneedu.argcheck import check_int


def relative_index_entries(weights: torch.Tensor, index_bits: int) -> int:
    """Entries (kept values plus fillers) the tensor needs, read in row-major order.

    Example:
        >>> relative_index_entries(torch.tensor([0.0] * 9 + [1.0]), index_bits=2)
        3
    """
    check_int(index_bits, "index_bits", minimum=1, example="4")
    positions = torch.nonzero(weights.detach().reshape(-1)).reshape(-1)
    if positions.numel() == 0:
        return 0
    gaps = torch.diff(positions, prepend=torch.tensor([-1])) - 1
    return int((gaps // (1 << index_bits) + 1).sum())


def relative_index_bytes(weights: torch.Tensor, index_bits: int, value_bits: int = 32) -> int:
    """Bytes of the entries: ``ceil(entries * (value_bits + index_bits) / 8)``; 32-bit values
    are float32, 8-bit values int8.

    Example:
        >>> relative_index_bytes(torch.ones(4), index_bits=4)
        18
    """
    check_int(value_bits, "value_bits", minimum=1, example="32")
    entries = relative_index_entries(weights, index_bits)
    return math.ceil(entries * (value_bits + index_bits) / 8)
