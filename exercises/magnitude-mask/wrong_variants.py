"""Mistakes learners make in magnitude_mask (never released; tests/test_exercise_catalogue.py
checks that the tests catch each one)."""

import torch

# The traps the lesson teaches: a public test must catch these too.
LESSON_TRAPS = {"kthvalue_threshold", "truncating_count", "signed_values", "flat_mask",
                "greater_equal_threshold"}


def kthvalue_threshold(weights, amount):
    """Threshold at the k-th smallest |w| and keep |w| > cut: prunes every tied weight."""
    k = round(amount * weights.numel())
    if k == 0:
        return torch.ones_like(weights, dtype=torch.bool)
    cut = weights.abs().flatten().kthvalue(k).values
    return weights.abs() > cut


def greater_equal_threshold(weights, amount):
    """Keep |w| >= cut: keeps every tied weight, so prunes too few."""
    k = int(amount * weights.numel())
    if k == 0:
        return torch.ones_like(weights, dtype=torch.bool)
    cut = weights.abs().flatten().kthvalue(k).values
    return weights.abs() >= cut


def truncating_count(weights, amount):
    """int() instead of round() for the count."""
    k = int(amount * weights.numel())
    keep = torch.ones(weights.numel(), dtype=torch.bool)
    keep[torch.argsort(weights.abs().flatten())[:k]] = False
    return keep.reshape(weights.shape)


def flat_mask(weights, amount):
    """Forgets to give the mask the weights' shape."""
    k = round(amount * weights.numel())
    keep = torch.ones(weights.numel(), dtype=torch.bool)
    keep[torch.argsort(weights.abs().flatten())[:k]] = False
    return keep


def signed_values(weights, amount):
    """Ranks the signed weights, so large negative weights are pruned first."""
    k = round(amount * weights.numel())
    keep = torch.ones(weights.numel(), dtype=torch.bool)
    keep[torch.argsort(weights.flatten())[:k]] = False
    return keep.reshape(weights.shape)


def prunes_the_largest(weights, amount):
    """Sorts in the wrong direction and prunes the largest weights."""
    k = round(amount * weights.numel())
    keep = torch.ones(weights.numel(), dtype=torch.bool)
    keep[torch.argsort(weights.abs().flatten(), descending=True)[:k]] = False
    return keep.reshape(weights.shape)
