"""N:M semi-structured sparsity: keep the n largest of every m neighbouring weights (2:4).

Taught in notebook 02-weight-vs-node. In each output row of a Linear weight, the inputs are
cut into groups of m neighbours and only the n largest-magnitude weights of each group stay.
The mask is exactly 1 - n/m sparse, with the same pattern density everywhere, which is what
sparse tensor cores on recent NVIDIA GPUs can skip (2:4, Mishra et al. 2021). On a CPU those
zeros are ordinary zeros: no speed-up. Masks are ``torch.nn.utils.prune`` masks
(``custom_from_mask``), so ``make_permanent`` and fine-tuning work as for any pruning.
"""

from __future__ import annotations

import math

import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu.argcheck import check_int
from pruneedu.models import check_model
from pruneedu.pruning.masks import effective_weight, prunable_layers


def n_of_m_mask(weight: torch.Tensor, n: int = 2, m: int = 4) -> torch.Tensor:
    """The 0/1 mask keeping the ``n`` largest |w| of every ``m`` neighbours along each row.

    Example:
        >>> n_of_m_mask(torch.tensor([[0.1, -3.0, 2.0, 0.5, 1.0, 0.0, -1.5, 0.2]])).tolist()
        [[0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]]
    """
    rows = weight.detach().reshape(weight.shape[0], -1)
    if rows.shape[1] % m:
        raise ValueError(f"a row of {rows.shape[1]} weights does not split into groups of "
                         f"{m}; choose m that divides {rows.shape[1]}, such as 4.")
    groups = rows.abs().reshape(rows.shape[0], -1, m)
    keep = groups.argsort(dim=-1, descending=True, stable=True)[..., :n]
    return torch.zeros_like(groups).scatter_(-1, keep, 1.0).reshape(weight.shape)


def prune_n_of_m(net: nn.Module, n: int = 2, m: int = 4,
                 layers: list[str] | None = None) -> nn.Module:
    """Give every Linear layer of ``net`` (or the named ones) an n:m mask, in place.

    Args:
        net: the model; only Linear weights are pruned (biases never).
        n: weights kept in each group; m: the group size (neighbours along a row).
        layers: names of Linear layers (default: all of them).

    Returns:
        ``net``, carrying ``weight_orig``/``weight_mask`` like any pruned model.

    Example:
        >>> from pruneedu import metrics, models
        >>> metrics.sparsity(prune_n_of_m(models.lenet_300_100(seed=0)))
        0.5
    """
    check_model(net, "prune_n_of_m")
    check_int(m, "m", minimum=1, example="4")
    check_int(n, "n", minimum=0, example="2")
    if n > m:
        raise ValueError(f"n={n} is more than the group size m={m}; keep at most m weights, "
                         "e.g. n=2, m=4.")
    targets = [(name, module) for name, module in prunable_layers(net, layers)
               if isinstance(module, nn.Linear)]
    if not targets:
        raise ValueError("prune_n_of_m prunes Linear layers and found none; pass a model "
                         "such as models.lenet_300_100().")
    masks = [n_of_m_mask(effective_weight(module), n, m) for _, module in targets]  # check all
    for (_, module), mask in zip(targets, masks, strict=True):
        if hasattr(module, "weight_mask"):  # keep what was pruned before, as prune_weights does
            mask = mask * module.weight_mask
        prune.custom_from_mask(module, "weight", mask)
    return net


def n_of_m_storage_bytes(weights: int, n: int = 2, m: int = 4, value_bytes: int = 4) -> dict:
    """The storage arithmetic of an n:m layout: each kept value plus its position in its group.

    Returns {"kept", "value_bytes", "position_bits", "position_bytes", "total", "dense"} for
    ``weights`` weights (biases not included).

    Example:
        >>> n_of_m_storage_bytes(266_200)["total"]  # 2:4 of LeNet-300-100's weights
        565675
    """
    kept = weights * n // m
    bits = math.ceil(math.log2(m)) if m > 1 else 0
    values = kept * value_bytes
    positions = math.ceil(kept * bits / 8)
    return {"kept": kept, "value_bytes": values, "position_bits": bits,
            "position_bytes": positions, "total": values + positions,
            "dense": weights * value_bytes}
