import torch


def activation_aware_scores(weight: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    """Return the activation-aware score of every weight of a Linear layer.

    The score of ``weight[i, j]`` is ``|weight[i, j]|`` times the L2 norm of input feature
    ``j`` over the batch: ``sqrt(sum over samples n of inputs[n, j] ** 2)``. A weight on an
    input that is always zero scores 0, however large it is.

    Args:
        weight: a Linear weight ``[out, in]``.
        inputs: a batch of that layer's inputs ``[N, in]``.

    Returns:
        Scores with the shape of ``weight``.
    """
    raise NotImplementedError("write the body of activation_aware_scores")
