"""Mistakes learners make in channel_importance (never released)."""

LESSON_TRAPS = {"norm_of_each_filter", "l1_norm", "sum_of_squares"}


def norm_of_each_filter(next_weight):
    """Takes the norm of each OUTPUT filter of the next layer (the wrong dimension)."""
    return next_weight.pow(2).sum(dim=(1, 2, 3)).sqrt()


def l1_norm(next_weight):
    """Sums absolute values instead of the L2 norm."""
    return next_weight.abs().sum(dim=(0, 2, 3))


def sum_of_squares(next_weight):
    """Forgets the square root."""
    return next_weight.pow(2).sum(dim=(0, 2, 3))


def signed_sum(next_weight):
    """Sums the signed weights, so positive and negative ones cancel."""
    return next_weight.sum(dim=(0, 2, 3))


def largest_weight(next_weight):
    """Uses the largest |w| of the slice instead of its norm."""
    return next_weight.abs().amax(dim=(0, 2, 3))
