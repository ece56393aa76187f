"""Activation-aware weight scores: ``|W|`` times how large each input is on real data.

Magnitude pruning treats every input the same; but a small weight on an input that is often
large can matter more than a large weight on an input that is almost always zero. Sun et al.
(2024, "A Simple and Effective Pruning Approach for Large Language Models", Wanda) score each
weight by ``|W_ij| * ||X_j||_2``, the L2 norm of input ``j`` over a batch of calibration data,
and prune within each output row. Taught in lesson 3; learners write their own score and
compare it with plain magnitude.

Example:
    >>> import torch
    >>> scores = activation_aware_scores(torch.tensor([[1.0, -1.0]]),
    ...                                  torch.tensor([[3.0, 0.0], [4.0, 1.0]]))
    >>> scores
    tensor([[5., 1.]])
"""

from __future__ import annotations

import torch

from pruneedu.pruning._checks import check_amount


def activation_aware_scores(weight: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    """``|weight[i, j]| * ||inputs[:, j]||_2`` for a Linear weight ``[out, in]`` and a batch of
    that layer's inputs ``[N, in]``.

    Example:
        >>> activation_aware_scores(torch.ones(2, 3), torch.zeros(5, 3)).sum().item()
        0.0
    """
    if weight.dim() != 2 or inputs.dim() != 2 or inputs.shape[1] != weight.shape[1]:
        raise ValueError(
            f"activation_aware_scores() needs a weight [out, in] and inputs [N, in]; got "
            f"{list(weight.shape)} and {list(inputs.shape)}. Pass the inputs the layer sees.")
    norms = inputs.detach().to(weight.dtype).norm(p=2, dim=0)
    return weight.detach().abs() * norms


def activation_aware_mask(weight: torch.Tensor, inputs: torch.Tensor, amount: float | int
                          ) -> torch.Tensor:
    """Keep-mask pruning ``amount`` of each output row's weights by lowest activation-aware
    score (Wanda compares weights within a row). ``amount``: fraction in [0, 1) or count per row.

    Example:
        >>> activation_aware_mask(torch.tensor([[1.0, -1.0]]),
        ...                       torch.tensor([[3.0, 0.0], [4.0, 1.0]]), 0.5)
        tensor([[ True, False]])
    """
    scores = activation_aware_scores(weight, inputs)
    count = check_amount(amount, scores.shape[1], "weights", "each row")
    keep = torch.ones_like(scores, dtype=torch.bool)
    if count:
        lowest = torch.argsort(scores, dim=1, stable=True)[:, :count]
        keep.scatter_(1, lowest, False)
    return keep


def layer_inputs(net: torch.nn.Module, layer: str, images: torch.Tensor) -> torch.Tensor:
    """What the layer called ``layer`` receives when ``net`` runs on ``images``, flattened to
    ``[N, in]`` (for a Linear layer, its input features).

    Example:
        >>> from pruneedu import models
        >>> layer_inputs(models.lenet_300_100(seed=0), "fc2", torch.zeros(4, 1, 28, 28)).shape
        torch.Size([4, 300])
    """
    module = net.get_submodule(layer)
    seen: list[torch.Tensor] = []
    handle = module.register_forward_pre_hook(lambda _m, args: seen.append(args[0].detach()))
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            net(images)
    finally:
        handle.remove()
        net.train(was_training)
    return seen[0].flatten(1)
