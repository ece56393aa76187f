"""N:M (semi-structured) sparsity: in every group of ``m`` consecutive weights of a row, keep
the ``n`` largest in magnitude.

2:4 is the pattern NVIDIA's sparse tensor cores (A100 and later) run at up to twice the dense
speed: exactly half of the weights go, but in a fixed pattern the hardware can skip, unlike
unstructured pruning. Groups run along each row's inputs (the reduction dimension of the
matrix product), as the hardware expects. Taught in lesson 2; notebook learners write their
own ``nm_mask`` and compare it with this one.

Example:
    >>> import torch
    >>> nm_mask(torch.tensor([[0.1, -3.0, 2.0, 0.5]]))
    tensor([[False,  True,  True, False]])
"""

from __future__ import annotations

import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu.argcheck import check_int
from pruneedu.models import check_model
from pruneedu.pruning.masks import effective_weight, prunable_layers


def nm_mask(weight: torch.Tensor, n: int = 2, m: int = 4) -> torch.Tensor:
    """A boolean mask keeping the ``n`` largest ``|w|`` of every ``m`` consecutive inputs.

    ``weight`` is a Linear weight ``[out, in]`` or a Conv2d weight ``[out, in, kh, kw]``
    (grouped along its flattened inputs); the number of inputs per row must be a multiple of
    ``m``. Ties keep the earlier weight, so exactly ``n`` survive in every group.

    Example:
        >>> nm_mask(torch.tensor([[1.0, 1.0, 1.0, 1.0, 0.0, 5.0, -6.0, 0.1]])).int()
        tensor([[1, 1, 0, 0, 0, 1, 1, 0]], dtype=torch.int32)
    """
    check_int(n, "n", minimum=1, example="2")
    check_int(m, "m", minimum=1, example="4")
    if n > m:
        raise ValueError(f"n={n} is larger than m={m}; keep at most m weights of every m.")
    if weight.dim() < 2:
        raise ValueError("nm_mask() needs a weight with rows of inputs ([out, in] or "
                         f"[out, in, kh, kw]), not shape {list(weight.shape)}.")
    rows = weight.detach().reshape(weight.shape[0], -1)
    if rows.shape[1] % m:
        raise ValueError(f"each row has {rows.shape[1]} inputs, not a multiple of m={m}; "
                         "N:M sparsity needs whole groups.")
    groups = rows.abs().reshape(rows.shape[0], -1, m)
    order = torch.argsort(groups, dim=2, descending=True, stable=True)
    keep = torch.zeros_like(groups, dtype=torch.bool)
    keep.scatter_(2, order[:, :, :n], True)
    return keep.reshape(weight.shape)


def prune_nm(net: nn.Module, n: int = 2, m: int = 4, layers: list[str] | None = None
             ) -> nn.Module:
    """Apply an N:M mask (``torch.nn.utils.prune.custom_from_mask``) to each layer in place.

    By default every Linear and Conv2d whose inputs per row divide by ``m`` is pruned; the
    others (such as LeNet-5's ``conv1``, with 25 inputs per filter) are left dense. Masks
    combine with earlier pruning as torch combines them.

    Example:
        >>> from pruneedu import metrics, models
        >>> net = prune_nm(models.lenet_300_100(seed=0))
        >>> round(metrics.sparsity(net), 2)
        0.5
    """
    check_model(net, "prune_nm")
    for name, module in prunable_layers(net, layers):
        weight = effective_weight(module)
        if weight[0].numel() % m:
            if layers is not None:
                raise ValueError(f"{name} has {weight[0].numel()} inputs per row, not a "
                                 f"multiple of m={m}; leave it out of layers.")
            continue
        prune.custom_from_mask(module, "weight", nm_mask(weight, n, m))
    return net
