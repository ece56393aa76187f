"""The PruneEdu model file format at the byte level, with numpy only (no torch).

:mod:`pruneedu.pruning.storage` (``save_compressed``/``load_compressed``) turns models into
arrays and back; this module turns arrays into bytes and back, so that code without torch (or
inside the grader's sandbox, which parses files handed in by learners) reads the same format.
The layout and the encodings are described in :mod:`pruneedu.pruning.storage`.

Example:
    >>> import io
    >>> buffer = io.BytesIO()
    >>> _ = write_arrays({"w": np.eye(3, dtype=np.float32)}, buffer, "sparse")
    >>> _ = buffer.seek(0)
    >>> read_arrays(buffer)["w"].tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
"""

from __future__ import annotations

import math
import struct
from typing import BinaryIO

import numpy as np

STORAGES = ("dense", "sparse", "int8", "sparse-int8")
_MAGIC, _VERSION = b"PEDU", 1
_DENSE, _INT8, _SPARSE, _SPARSE_INT8 = range(4)


def write_arrays(arrays: dict[str, np.ndarray], file: BinaryIO, storage: str) -> int:
    """Write named float arrays to ``file`` in the ``storage`` encoding; returns bytes written."""
    start = file.tell()
    file.write(_MAGIC + struct.pack("<BH", _VERSION, len(arrays)))
    for name, array in arrays.items():
        values = np.asarray(array, dtype=np.float32)
        encoding, payload = _encode(values, storage)
        raw_name = name.encode("utf-8")
        file.write(struct.pack("<B", len(raw_name)) + raw_name)
        file.write(struct.pack("<BB", encoding, values.ndim))
        file.write(struct.pack(f"<{values.ndim}I", *values.shape))
        file.write(payload)
    return file.tell() - start


# Every model of the course holds under half a million numbers; a header may ask for any
# number (a 40-byte sparse file for 8 billion zeros), so every reader is capped.
DEFAULT_MAX_ELEMENTS = 10_000_000


def read_arrays(file: BinaryIO, max_elements: int | None = DEFAULT_MAX_ELEMENTS
                ) -> dict[str, np.ndarray]:
    """Read a file written by :func:`write_arrays` into float32 arrays.

    ``max_elements`` caps the elements of all arrays together, checked before anything is
    allocated (a hostile header could otherwise ask for terabytes; None: no cap, for files
    you wrote yourself). Raises ValueError with
    one sentence for a file that is not ours, damaged, truncated or over the cap.
    """
    if file.read(4) != _MAGIC:
        raise ValueError("This is not a PruneEdu model file; pass a file from save_compressed().")
    version, count = struct.unpack("<BH", _take(file, 3))
    if version != _VERSION:
        raise ValueError(f"Model file version {version} is not supported; re-save the model.")
    arrays: dict[str, np.ndarray] = {}
    elements = 0
    for _ in range(count):
        (name_length,) = struct.unpack("<B", _take(file, 1))
        try:
            name = _take(file, name_length).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("A tensor name in the model file is not UTF-8; the file is "
                             "damaged, save the model again.") from None
        encoding, ndim = struct.unpack("<BB", _take(file, 2))
        shape = struct.unpack(f"<{ndim}I", _take(file, 4 * ndim))
        elements += math.prod(shape)
        if max_elements is not None and elements > max_elements:
            raise ValueError(f"The model file holds more than {max_elements:,} numbers; it is "
                             "not a LeNet, save your pruned LeNet instead.")
        if name in arrays:
            raise ValueError(f"The model file holds the tensor {name!r} twice; save the model "
                             "again.")
        arrays[name] = _decode(file, encoding, shape)
    return arrays


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
    if not 1 <= bits <= 8 or count > numel:  # each entry advances at least one position
        raise ValueError("A sparse tensor in the model file has an impossible header; the file "
                         "is damaged, save the model again.")
    packed = np.frombuffer(_take(file, (count * bits + 7) // 8), dtype=np.uint8)
    unpacked = np.unpackbits(packed, count=count * bits, bitorder="little").reshape(count, bits)
    skips = unpacked.astype(np.int64) @ (1 << np.arange(bits))
    flat = np.zeros(numel, dtype=np.float32)
    positions = np.cumsum(skips + 1) - 1
    if count and positions[-1] >= numel:
        raise ValueError("A sparse tensor in the model file runs past its shape; the file is "
                         "damaged, save the model again.")
    flat[positions] = stored
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
