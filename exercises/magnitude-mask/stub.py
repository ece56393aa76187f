import torch


def magnitude_mask(weights: torch.Tensor, amount: float) -> torch.Tensor:
    """Return a mask that keeps the largest-magnitude weights and prunes the rest.

    Args:
        weights: a tensor of any shape.
        amount: the fraction of the weights to prune, from 0.0 to 1.0.

    Returns:
        A tensor with the shape of ``weights``: True where a weight is kept, False where it is
        pruned. Exactly ``round(amount * weights.numel())`` entries are pruned, and every
        pruned weight is no larger in magnitude than any kept one.
    """
    raise NotImplementedError("write the body of magnitude_mask")
