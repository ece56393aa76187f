"""A small, honest file format for pruned (and int8-quantized) models.

Taught in notebook 03-challenges: zeros only save bytes if the file format skips them, and
the positions of the kept weights cost bytes too. ``metrics.model_size_bytes`` measures the
files written here.

Layout (little-endian): ``b"PEDU"``, version (u8), tensor count (u16); then per tensor:
name length (u8) and UTF-8 name, encoding (u8), ndim (u8), shape (u32 each), payload.

Encodings of the payload:

* ``dense``: every value as float32.
* ``int8``: one float32 scale per output row (channel), then every value as int8;
  ``value = q * scale`` with ``scale = max|row| / 127``, so a zero stays exactly zero.
* ``sparse``: relative indices as in Han et al. (2016, Deep Compression). The file holds
  entries ``(skip, value)``: ``skip`` zeros, then ``value``. ``skip`` is stored in ``k`` bits;
  a run of zeros longer than ``2**k - 1`` is bridged with filler entries whose value is 0.
  ``k`` (1..8) is chosen per tensor to make the tensor smallest. Header: ``k`` (u8), entry
  count (u32); then the values (float32), then the skips bit-packed.
* ``sparse-int8``: the same entries with int8 values and per-row float32 scales.

Only weight matrices and filters (2-D or more) are quantized or stored sparsely; biases and
other 1-D tensors are stored dense float32. In the sparse modes each weight tensor uses the
sparse encoding only where that is smaller than the dense one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import torch
from torch import nn

from pruneedu.argcheck import check_choice
from pruneedu.models import check_model
from pruneedu.pruning.fileformat import STORAGES, read_arrays, write_arrays
from pruneedu.pruning.masks import effective_state_dict

__all__ = ["STORAGES", "load_compressed", "save_compressed"]


def save_compressed(net: nn.Module, file: BinaryIO | str | Path, storage: str = "sparse") -> int:
    """Write the weights ``net`` computes with (masks folded in) to ``file``; returns bytes.

    ``file`` is an open binary file (or ``io.BytesIO``) or a path to write.

    Example:
        >>> import io
        >>> from pruneedu import models
        >>> buffer = io.BytesIO()
        >>> save_compressed(models.lenet_300_100(seed=0), buffer, storage="dense") > 266610 * 4
        True
    """
    check_model(net, "save_compressed")
    check_choice(storage, "storage", STORAGES)
    state = effective_state_dict(net)
    if not all(isinstance(t, torch.Tensor) and t.is_floating_point() for t in state.values()):
        raise TypeError(
            "save_compressed() stores float models; pass the model before quantize_int8() "
            'and choose storage="int8" or "sparse-int8" to store int8 weights.'
        )
    if isinstance(file, (str, os.PathLike)):
        with open(file, "wb") as opened:
            return _write(state, opened, storage)
    return _write(state, file, storage)


def _write(state: dict[str, torch.Tensor], file: BinaryIO, storage: str) -> int:
    arrays = {name: t.detach().cpu().to(torch.float32).numpy() for name, t in state.items()}
    return write_arrays(arrays, file, storage)


def load_compressed(file: BinaryIO | str | Path) -> dict[str, torch.Tensor]:
    """Read a file written by :func:`save_compressed` back into a float32 state dict.

    ``file`` is an open binary file (or ``io.BytesIO``) or a path to read. A file that holds
    more than ``fileformat.DEFAULT_MAX_ELEMENTS`` (10 million) numbers is refused with a
    ValueError before anything is allocated: a hostile header can ask for any size.

    Example:
        >>> import io
        >>> from pruneedu import models
        >>> net, buffer = models.lenet_300_100(seed=0), io.BytesIO()
        >>> _ = save_compressed(net, buffer, storage="sparse")
        >>> _ = buffer.seek(0)
        >>> torch.equal(load_compressed(buffer)["fc1.weight"], net.fc1.weight)
        True
    """
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as opened:
            return load_compressed(opened)
    return _read(file)


def _read(file: BinaryIO) -> dict[str, torch.Tensor]:
    return {name: torch.from_numpy(array) for name, array in read_arrays(file).items()}
