"""Mistakes learners make in nm_mask (never released)."""

import torch

LESSON_TRAPS = {"half_of_each_row", "groups_down_columns", "threshold_keeps_ties",
                "signed_values", "fixed_two_of_four"}


def half_of_each_row(weight, n=2, m=4):
    """Keeps the largest n/m of each row, ignoring the groups."""
    count = weight.shape[1] * n // m
    keep = torch.zeros_like(weight, dtype=torch.bool)
    keep.scatter_(1, torch.topk(weight.abs(), count, dim=1).indices, True)
    return keep


def groups_down_columns(weight, n=2, m=4):
    """Forms groups of m weights down each column instead of along each row."""
    groups = weight.abs().t().reshape(weight.shape[1], -1, m)
    keep = torch.zeros_like(groups, dtype=torch.bool)
    keep.scatter_(2, torch.topk(groups, n, dim=2).indices, True)
    return keep.reshape(weight.shape[1], weight.shape[0]).t()


def threshold_keeps_ties(weight, n=2, m=4):
    """Keeps every weight at least as large as the group's n-th largest: ties keep extra."""
    groups = weight.abs().reshape(weight.shape[0], -1, m)
    cut = torch.topk(groups, n, dim=2).values[:, :, -1:]
    return (groups >= cut).reshape(weight.shape)


def signed_values(weight, n=2, m=4):
    """Keeps the n largest signed values, so negative weights always go."""
    groups = weight.reshape(weight.shape[0], -1, m)
    keep = torch.zeros_like(groups, dtype=torch.bool)
    keep.scatter_(2, torch.topk(groups, n, dim=2).indices, True)
    return keep.reshape(weight.shape)


def fixed_two_of_four(weight, n=2, m=4):
    """Ignores n and m and always does 2:4."""
    groups = weight.abs().reshape(weight.shape[0], -1, 4)
    keep = torch.zeros_like(groups, dtype=torch.bool)
    keep.scatter_(2, torch.topk(groups, 2, dim=2).indices, True)
    return keep.reshape(weight.shape)


def keeps_the_smallest(weight, n=2, m=4):
    """Keeps the n smallest |w| of each group."""
    groups = weight.abs().reshape(weight.shape[0], -1, m)
    keep = torch.zeros_like(groups, dtype=torch.bool)
    keep.scatter_(2, torch.topk(groups, n, dim=2, largest=False).indices, True)
    return keep.reshape(weight.shape)
