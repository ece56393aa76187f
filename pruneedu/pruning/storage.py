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
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np
import torch
from torch import nn

from pruneedu.argcheck import check_choice
from pruneedu.models import check_model
from pruneedu.pruning.masks import effective_state_dict

STORAGES = ("dense", "sparse", "int8", "sparse-int8")
_MAGIC, _VERSION = b"PEDU", 1
_DENSE, _INT8, _SPARSE, _SPARSE_INT8 = range(4)


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
    start = file.tell()
    file.write(_MAGIC + struct.pack("<BH", _VERSION, len(state)))
    for name, tensor in state.items():
        values = tensor.detach().cpu().to(torch.float32).numpy()
        encoding, payload = _encode(values, storage)
        raw_name = name.encode("utf-8")
        file.write(struct.pack("<B", len(raw_name)) + raw_name)
        file.write(struct.pack("<BB", encoding, values.ndim))
        file.write(struct.pack(f"<{values.ndim}I", *values.shape))
        file.write(payload)
    return file.tell() - start


def load_compressed(file: BinaryIO | str | Path) -> dict[str, torch.Tensor]:
    """Read a file written by :func:`save_compressed` back into a float32 state dict.

    ``file`` is an open binary file (or ``io.BytesIO``) or a path to read.

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
    if file.read(4) != _MAGIC:
        raise ValueError("This is not a PruneEdu model file; pass a file from save_compressed().")
    version, count = struct.unpack("<BH", _take(file, 3))
    if version != _VERSION:
        raise ValueError(f"Model file version {version} is not supported; re-save the model.")
    state = {}
    for _ in range(count):
        (name_length,) = struct.unpack("<B", _take(file, 1))
        name = _take(file, name_length).decode("utf-8")
        encoding, ndim = struct.unpack("<BB", _take(file, 2))
        shape = struct.unpack(f"<{ndim}I", _take(file, 4 * ndim))
        state[name] = torch.from_numpy(_decode(file, encoding, shape))
    return state


def _encode(values: np.ndarray, storage: str) -> tuple[int, bytes]:
    dense = (_DENSE, values.astype("<f4").tobytes())
    if values.ndim < 2 or storage == "dense":
        return dense
    quantized = storage in ("int8", "sparse-int8")
    candidates = [(_INT8, _encode_int8(values)) if quantized else dense]
    if storage.startswith("sparse"):
        candidates.append(_encode_sparse(values, quantized))
    return min(candidates, key=lambda candidate: len(candidate[1]))


def _row_scales(values: np.ndarray) -> np.ndarray:
    peak = np.abs(values.reshape(values.shape[0], -1)).max(axis=1)
    return np.where(peak > 0, peak / 127.0, 1.0).astype("<f4")


def _quantize(values: np.ndarray, scales: np.ndarray) -> np.ndarray:
    rows = values.reshape(values.shape[0], -1) / scales[:, None]
    return np.clip(np.rint(rows), -127, 127).astype(np.int8)


def _encode_int8(values: np.ndarray) -> bytes:
    scales = _row_scales(values)
    return scales.tobytes() + _quantize(values, scales).tobytes()


def _encode_sparse(values: np.ndarray, quantized: bool) -> tuple[int, bytes]:
    flat = values.reshape(-1)
    positions = np.flatnonzero(flat)
    gaps = np.diff(positions, prepend=-1) - 1  # zeros skipped before each kept value
    value_bits = 8 if quantized else 32
    bits = min(range(1, 9), key=lambda k: (len(gaps) + int((gaps >> k).sum())) * (value_bits + k))
    span = 1 << bits  # positions one filler entry advances
    per_value = gaps // span + 1  # fillers needed before each value, plus the value itself
    real = np.cumsum(per_value) - 1
    skips = np.full(int(per_value.sum()), span - 1, dtype=np.int64)
    skips[real] = gaps % span
    header = struct.pack("<BI", bits, len(skips))
    if quantized:
        scales = _row_scales(values)
        q = _quantize(values, scales).reshape(-1)
        stored = np.zeros(len(skips), dtype=np.int8)
        stored[real] = q[positions]
        body = scales.tobytes() + stored.tobytes()
    else:
        stored = np.zeros(len(skips), dtype="<f4")
        stored[real] = flat[positions]
        body = stored.tobytes()
    packed = np.packbits(
        ((skips[:, None] >> np.arange(bits)) & 1).astype(np.uint8), bitorder="little"
    )
    return (_SPARSE_INT8 if quantized else _SPARSE), header + body + packed.tobytes()


def _decode(file: BinaryIO, encoding: int, shape: tuple[int, ...]) -> np.ndarray:
    numel = int(np.prod(shape))
    rows = shape[0] if shape else 1
    if encoding == _DENSE:
        return np.frombuffer(_take(file, 4 * numel), dtype="<f4").reshape(shape).copy()
    if encoding == _INT8:
        scales = np.frombuffer(_take(file, 4 * rows), dtype="<f4")
        q = np.frombuffer(_take(file, numel), dtype=np.int8).reshape(rows, -1)
        return (q * scales[:, None]).astype(np.float32).reshape(shape)
    if encoding not in (_SPARSE, _SPARSE_INT8):
        raise ValueError(f"Unknown tensor encoding {encoding}; the file is damaged, re-save it.")
    bits, count = struct.unpack("<BI", _take(file, 5))
    if encoding == _SPARSE_INT8:
        scales = np.frombuffer(_take(file, 4 * rows), dtype="<f4")
        stored = np.frombuffer(_take(file, count), dtype=np.int8).astype(np.float32)
    else:
        stored = np.frombuffer(_take(file, 4 * count), dtype="<f4")
    packed = np.frombuffer(_take(file, (count * bits + 7) // 8), dtype=np.uint8)
    unpacked = np.unpackbits(packed, count=count * bits, bitorder="little").reshape(count, bits)
    skips = unpacked.astype(np.int64) @ (1 << np.arange(bits))
    flat = np.zeros(numel, dtype=np.float32)
    flat[np.cumsum(skips + 1) - 1] = stored
    if encoding == _SPARSE_INT8:
        flat = (flat.reshape(rows, -1) * scales[:, None]).reshape(-1)
    return flat.reshape(shape)


def _take(file: BinaryIO, size: int) -> bytes:
    """Exactly ``size`` bytes of ``file``, or a one-sentence error if the file ends first."""
    chunk = file.read(size)
    if len(chunk) != size:
        raise ValueError(
            "The model file ends too early (it is truncated or damaged); save the model again "
            "with save_compressed()."
        )
    return chunk
