"""Activation-aware scores (Wanda-style): |weight| x the norm of its input, ranked per row.

Taught in notebook 03-challenges. Sun et al. (2023, "Wanda") score weight W_ij by
|W_ij| * ||X_j||, where ||X_j|| is the L2 norm of input feature j over a small calibration set,
and prune the lowest-scoring share of each output row, updating nothing. With ``norms=None``
the same per-row rule uses the magnitude |W_ij| alone, the fair comparison. Masks are
``torch.nn.utils.prune`` masks (``custom_from_mask``).
"""

from __future__ import annotations

import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amount
from pruneedu.pruning.masks import effective_weight


def linear_layers(net: nn.Module) -> dict[str, nn.Linear]:
    """The Linear layers of ``net`` by name, in model order."""
    return {name: m for name, m in net.named_modules() if isinstance(m, nn.Linear)}


def input_norms(net: nn.Module, images: torch.Tensor) -> dict[str, torch.Tensor]:
    """The L2 norm of each input feature of each Linear layer while ``net`` reads ``images``.

    ``images`` is a calibration batch, e.g. ``mnist.train.tensors[0]`` (a few thousand digits).

    Example:
        >>> from pruneedu import models
        >>> norms = input_norms(models.lenet_300_100(seed=0), torch.ones(4, 1, 28, 28))
        >>> [tuple(v.shape) for v in norms.values()], float(norms["fc1"][0])
        ([(784,), (300,), (100,)], 2.0)
    """
    check_model(net, "input_norms")
    norms: dict[str, torch.Tensor] = {}
    hooks = [module.register_forward_hook(
        lambda _m, inputs, _out, name=name: norms.__setitem__(
            name, inputs[0].detach().flatten(0, -2).norm(dim=0)))
        for name, module in linear_layers(net).items()]
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            net(images)
    finally:
        for hook in hooks:
            hook.remove()
        net.train(was_training)
    return norms


def row_scores(weight: torch.Tensor, norm: torch.Tensor | None = None) -> torch.Tensor:
    """|W|, or |W| x ||X_j|| (one norm per input column) when ``norm`` is given."""
    scores = weight.detach().abs()
    return scores if norm is None else scores * norm


def prune_within_rows(net: nn.Module, amount: float,
                      norms: dict[str, torch.Tensor] | None = None) -> nn.Module:
    """Prune the lowest-scoring ``amount`` of every output row of every Linear layer, in place.

    Scores are |W| (``norms=None``) or Wanda's |W| x ||X_j|| (``norms`` from
    :func:`input_norms`). Every row ends with the same share pruned.

    Example:
        >>> from pruneedu import metrics, models
        >>> net = prune_within_rows(models.lenet_300_100(seed=0), 0.5)
        >>> metrics.layer_sparsity(net)
        {'fc1': 0.5, 'fc2': 0.5, 'fc3': 0.5}
    """
    check_model(net, "prune_within_rows")
    layers = linear_layers(net)
    if norms is not None and set(norms) != set(layers):
        raise ValueError("norms must hold one entry per Linear layer; compute them with "
                         "pruning.input_norms(net, images) on this model.")
    masks = {}
    for name, module in layers.items():
        scores = row_scores(effective_weight(module), None if norms is None else norms[name])
        count = check_amount(amount, scores.shape[1], "weights", f"each row of {name}")
        lowest = scores.argsort(dim=1, stable=True)[:, :count]
        masks[name] = torch.ones_like(scores).scatter_(1, lowest, 0.0)
    for name, module in layers.items():
        prune.custom_from_mask(module, "weight", masks[name])
    return net
