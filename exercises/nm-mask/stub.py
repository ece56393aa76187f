import torch


def nm_mask(weight: torch.Tensor, n: int = 2, m: int = 4) -> torch.Tensor:
    """Return an N:M mask: in every group of ``m`` consecutive weights of a row, keep the ``n``
    with the largest absolute value and prune the rest.

    Groups run along each row (the inputs of a Linear weight ``[out, in]``): weights
    ``0..m-1`` of a row form the first group, ``m..2m-1`` the second, and so on. Exactly ``n``
    weights survive in every group, even when several tie.

    Args:
        weight: a Linear weight ``[out, in]`` with ``in`` a multiple of ``m``.
        n: weights kept per group.
        m: group size.

    Returns:
        A boolean mask with the shape of ``weight``.
    """
    raise NotImplementedError("write the body of nm_mask")
