"""Channel importance read from the NEXT layer: how much the network listens to a channel.

A convolution's output channel matters as much as the weights that read it: the slice of the
next layer's weight for that input channel. Its L2 norm is the importance MIT 6.5940's
channel-pruning lab uses. (``prune_channels`` ranks channels by their own filters instead;
both are common.) Taught in lesson 2, where learners write the same score and a
``remove_channels`` that uses it.

Example:
    >>> import torch
    >>> next_weight = torch.zeros(2, 3, 1, 1)
    >>> next_weight[:, 1] = 3.0
    >>> input_channel_importance(next_weight)
    tensor([0.0000, 4.2426, 0.0000])
"""

from __future__ import annotations

import torch


def input_channel_importance(next_weight: torch.Tensor) -> torch.Tensor:
    """L2 norm of each input channel's weights in ``next_weight`` ``[out, in, kh, kw]``
    (or a Linear weight ``[out, in]``): one value per input channel.

    Example:
        >>> input_channel_importance(torch.ones(4, 2, 1, 1))
        tensor([2., 2.])
    """
    if next_weight.dim() < 2:
        raise ValueError("input_channel_importance() needs the next layer's weight, shaped "
                         f"[out, in, ...]; got {list(next_weight.shape)}.")
    per_input = next_weight.detach().transpose(0, 1).reshape(next_weight.shape[1], -1)
    return per_input.norm(p=2, dim=1)
