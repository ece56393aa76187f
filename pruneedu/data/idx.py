"""Read the IDX files that MNIST is distributed in (plain or gzip-compressed).

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian 32-bit size per dimension, then the values. MNIST uses type
``0x08`` (unsigned byte): images are 3-dimensional ``[N, 28, 28]``, labels 1-dimensional.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

GZIP_MAGIC = b"\x1f\x8b"
UBYTE = 0x08


def read_bytes(path: Path) -> bytes:
    """The file's content, decompressed when it is gzip (detected from its first bytes)."""
    raw = Path(path).read_bytes()
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"{path} is not a valid gzip file ({error}); delete it and copy it again."
        ) from None


def read_idx(path: str | Path, ndim: int | None = None) -> np.ndarray:
    """Parse an unsigned-byte IDX file into a uint8 array, checking its header and length.

    Args:
        path: the file, plain or ``.gz``.
        ndim: if given, the number of dimensions the file must have (3 for images, 1 for
            labels).

    Raises:
        ValueError: naming the file, if the magic number, the dimensions or the length is
            wrong (e.g. a truncated download).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
        >>> _ = path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))  # 3 labels: 7 2 1
        >>> read_idx(path, ndim=1).tolist()
        [7, 2, 1]
    """
    path = Path(path)
    content = read_bytes(path)
    if len(content) < 4 or content[0] != 0 or content[1] != 0 or content[2] != UBYTE:
        raise ValueError(
            f"{path} is not an unsigned-byte IDX file (bad magic number "
            f"{content[:4].hex() or 'missing'}); check that it is an MNIST file."
        )
    dims = content[3]
    if ndim is not None and dims != ndim:
        raise ValueError(
            f"{path} holds {dims}-dimensional data where {ndim} dimensions were expected; "
            "check that image and label files are not swapped."
        )
    header = 4 + 4 * dims
    if len(content) < header:
        raise ValueError(f"{path} is truncated inside its header; copy the file again.")
    shape = tuple(int(size) for size in np.frombuffer(content, dtype=">u4", count=dims, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64))
    if len(content) != expected:
        raise ValueError(
            f"{path} has {len(content)} bytes but its header announces {expected} "
            "(truncated or padded); copy the file again."
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape).copy()
