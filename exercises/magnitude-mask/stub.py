import torch


def magnitude_mask(weights: torch.Tensor, sparsity: float) -> torch.Tensor:
    """Return a mask that keeps the largest-magnitude weights and prunes the rest.

    Args:
        weights: a tensor of any shape.
        sparsity: the fraction of weights to prune, from 0.0 to 1.0.

    Returns:
        A tensor with the shape of ``weights``: True (or 1) where a weight is kept, False (or 0)
        where it is pruned. Exactly ``round(sparsity * weights.numel())`` entries are pruned,
        and every pruned weight is no larger in magnitude than any kept one.
    """
    raise NotImplementedError("write the body of magnitude_mask")
