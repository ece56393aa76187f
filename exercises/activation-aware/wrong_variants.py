"""Mistakes learners make in activation_aware_scores (never released)."""

LESSON_TRAPS = {"norm_per_sample", "squared_norm", "signed_weight", "mean_absolute_input"}


def norm_per_sample(weight, inputs):
    """Takes the norm of each sample (dim 1) instead of each feature."""
    return weight.abs() * inputs.norm(p=2, dim=1)


def squared_norm(weight, inputs):
    """Forgets the square root."""
    return weight.abs() * inputs.pow(2).sum(dim=0)


def signed_weight(weight, inputs):
    """Multiplies the signed weight."""
    return weight * inputs.norm(p=2, dim=0)


def mean_absolute_input(weight, inputs):
    """Uses the mean |input| instead of the L2 norm."""
    return weight.abs() * inputs.abs().mean(dim=0)


def magnitude_only(weight, inputs):
    """Ignores the inputs: plain magnitude."""
    return weight.abs()
