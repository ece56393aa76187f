"""Mistakes learners make in relative_index_bytes (never released)."""

import math

import torch

LESSON_TRAPS = {"values_only_from_sparsity", "no_fillers", "floor_division",
                "absolute_positions_as_skips", "filler_span_off_by_one"}


def values_only_from_sparsity(weights, index_bits, value_bits=32):
    """Takes sparsity for the compression ratio: bytes of the kept values, no indices."""
    kept = int((weights != 0).sum())
    return kept * value_bits // 8


def no_fillers(weights, index_bits, value_bits=32):
    """Forgets that long runs of zeros need filler entries."""
    kept = int((weights != 0).sum())
    return math.ceil(kept * (value_bits + index_bits) / 8)


def floor_division(weights, index_bits, value_bits=32):
    """Rounds the bits down to whole bytes."""
    positions = torch.nonzero(weights.flatten()).flatten()
    gaps = torch.diff(positions, prepend=torch.tensor([-1])) - 1
    entries = int((gaps // 2**index_bits + 1).sum())
    return entries * (value_bits + index_bits) // 8


def absolute_positions_as_skips(weights, index_bits, value_bits=32):
    """Counts positions since the previous entry (one too many) instead of zeros skipped."""
    positions = torch.nonzero(weights.flatten()).flatten()
    gaps = torch.diff(positions, prepend=torch.tensor([-1]))
    entries = int((gaps // 2**index_bits + 1).sum())
    return math.ceil(entries * (value_bits + index_bits) / 8)


def filler_span_off_by_one(weights, index_bits, value_bits=32):
    """Lets each filler cover only 2**index_bits - 1 positions."""
    positions = torch.nonzero(weights.flatten()).flatten()
    gaps = torch.diff(positions, prepend=torch.tensor([-1])) - 1
    entries = int((gaps // (2**index_bits - 1) + 1).sum())
    return math.ceil(entries * (value_bits + index_bits) / 8)


def first_row_only(weights, index_bits, value_bits=32):
    """Restarts the count of zeros at the start of every row."""
    entries = 0
    for row in weights.reshape(weights.shape[0], -1) if weights.dim() > 1 else [weights]:
        positions = torch.nonzero(row).flatten()
        gaps = torch.diff(positions, prepend=torch.tensor([-1])) - 1
        entries += int((gaps // 2**index_bits + 1).sum())
    return math.ceil(entries * (value_bits + index_bits) / 8)
