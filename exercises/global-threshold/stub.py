import torch


def global_magnitude_masks(weights: list[torch.Tensor], amount: float) -> list[torch.Tensor]:
    """Return one mask per layer, pruning the smallest weights of ALL layers together.

    Rank every weight of every tensor in ``weights`` by absolute value on one common scale and
    prune the ``round(amount * total)`` smallest, where ``total`` counts the weights of all
    layers. A layer with small weights may lose most of them; a layer with large weights may
    lose none.

    Args:
        weights: the weight tensors of the layers, of any shapes.
        amount: the fraction of all weights to prune, from 0.0 to 1.0.

    Returns:
        A list of masks, one per layer, each with that layer's shape: True where a weight is
        kept, False where it is pruned.
    """
    raise NotImplementedError("write the body of global_magnitude_masks")
