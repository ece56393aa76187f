import torch


def channel_importance(next_weight: torch.Tensor) -> torch.Tensor:
    """Return the importance of each channel that the next layer reads.

    ``next_weight`` is the weight of the NEXT convolution, shaped ``[out, in, kh, kw]``: its
    slice ``next_weight[:, c]`` holds every weight that reads channel ``c``. The importance of
    channel ``c`` is the L2 norm of that slice (the square root of the sum of its squares).

    Args:
        next_weight: a convolution weight ``[out, in, kh, kw]``.

    Returns:
        A tensor of ``in`` importances, one per input channel.
    """
    raise NotImplementedError("write the body of channel_importance")
