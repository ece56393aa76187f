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
    # Count first, as torch.nn.utils.prune does: a threshold on |w| would prune every tied weight.
    count_to_prune = round(amount * weights.numel())
    keep = torch.ones(weights.numel(), dtype=torch.bool)
    if count_to_prune > 0:
        smallest_first = torch.argsort(weights.abs().flatten(), stable=True)
        keep[smallest_first[:count_to_prune]] = False
    return keep.reshape(weights.shape)
