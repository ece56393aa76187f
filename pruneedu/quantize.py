"""Int8 after pruning: prune first, make it permanent, then quantize.

Taught in notebook 03-challenges. Dynamic quantization stores Linear weights as int8 with a
symmetric scale (zero point 0), so a pruned weight (exactly 0.0) becomes exactly int8 0:
quantizing after pruning never brings pruned weights back.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn
from torch.ao.quantization import quantize_dynamic

from pruneedu.models import check_model
from pruneedu.pruning import copy_model, make_permanent


def quantize_int8(net: nn.Module) -> nn.Module:
    """A copy of ``net`` whose Linear layers compute with int8 weights (dynamic quantization).

    The copy has its pruning masks made permanent first; the original is not changed.
    Activations are quantized on the fly at each call; Conv2d layers stay float32 (dynamic
    quantization covers Linear layers only). The result runs on CPU.

    Example:
        >>> from pruneedu import models
        >>> small = quantize_int8(models.lenet_300_100(seed=0))
        >>> small.fc1.weight().dtype
        torch.qint8
    """
    check_model(net, "quantize_int8")
    dense = make_permanent(copy_model(net)).to("cpu").eval()
    with warnings.catch_warnings():
        # torch 2.13 marks eager-mode quantization as moving to the separate torchao package;
        # it still works here, and the notice would only distract learners.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*", category=UserWarning)
        return quantize_dynamic(dense, {nn.Linear}, dtype=torch.qint8)
