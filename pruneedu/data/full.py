"""The full MNIST set (60,000 training and 10,000 test images) from its four IDX files.

Files are looked for in ``root`` and in torchvision's ``root/MNIST/raw`` layout, plain or
``.gz``. Each must match the well-known MD5 of the compressed or the uncompressed file.
Nothing is downloaded unless ``download=True``. The parsed arrays are cached in
``paths.cache_dir()`` under a name built from the files' checksums.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path
from typing import NamedTuple

import numpy as np
from tqdm.auto import tqdm

from pruneedu.data.idx import read_idx
from pruneedu.paths import cache_dir

# name -> (MD5 of name.gz, MD5 of the uncompressed file), as published with the dataset
# and used by torchvision and TensorFlow.
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train-images-idx3-ubyte": (
        "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "6bbc9ace898e44ae57da46a324031adb",
    ),
    "train-labels-idx1-ubyte": (
        "d53e105ee54ea40749a09fcbcd1e9432",
        "a25bea736e30d166cdddb491f175f624",
    ),
    "t10k-images-idx3-ubyte": (
        "9fb629c4189551a2d022fa330f9573f3",
        "2646ac647ad5339dbf082846283269ea",
    ),
    "t10k-labels-idx1-ubyte": (
        "ec29112dd5afa0611ce80d1b7f02629c",
        "27ae3e4e09519cfbb04c329615203637",
    ),
}
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


class FullArrays(NamedTuple):
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def md5sum(path: Path) -> str:
    """Hex MD5 of a file, read in 1 MiB blocks."""
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_file(root: Path, name: str) -> Path | None:
    """The first of ``root/name``, ``root/name.gz``, ``root/MNIST/raw/name(.gz)`` that exists."""
    for folder in (root, root / "MNIST" / "raw"):
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def verify(path: Path, name: str) -> str:
    """Check ``path`` against the known MD5 sums of ``name``; return its MD5."""
    found = md5sum(path)
    if found not in MNIST_FILES[name]:
        raise ValueError(
            f"{path} does not match the MNIST checksum for {name} (MD5 {found}), so it is "
            "corrupt or a different file; replace it with a fresh copy."
        )
    return found


def fetch(url: str, destination: Path) -> None:
    """Stream ``url`` into ``destination`` with a progress bar (tests replace this)."""
    with urllib.request.urlopen(url, timeout=30) as response, open(destination, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, desc=destination.name) as bar:
            for block in iter(lambda: response.read(1 << 16), b""):
                out.write(block)
                bar.update(len(block))


def download_file(root: Path, name: str) -> Path:
    """Fetch ``name.gz`` into ``root``, trying each mirror until one passes the checksum.

    Raises:
        ValueError: every mirror that answered sent a file with the wrong checksum.
        ConnectionError: no mirror could be reached.
    """
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"{name}.gz"
    partial = root / f"{name}.gz.part"
    failures: list[str] = []
    bad_checksum = False
    for mirror in MIRRORS:
        url = f"{mirror}{name}.gz"
        try:
            fetch(url, partial)
        except OSError as error:
            failures.append(f"{url}: {error}")
            partial.unlink(missing_ok=True)
            continue
        if md5sum(partial) != MNIST_FILES[name][0]:
            bad_checksum = True
            failures.append(f"{url}: wrong checksum")
            partial.unlink()
            continue
        partial.replace(final)
        return final
    message = (
        f"Could not download {name}.gz ({'; '.join(failures)}); copy the file into {root} by hand."
    )
    raise ValueError(message) if bad_checksum else ConnectionError(message)


def load_full_arrays(root: Path, download: bool = False) -> FullArrays:
    """Find, verify, parse (or load from cache) the four MNIST files under ``root``.

    Raises:
        FileNotFoundError: a file is missing and ``download`` is False.
        ValueError: a file fails its checksum or is not a valid IDX file.

    With the four files in a folder, ``load_full_arrays(folder).train_images.shape`` is
    ``(60000, 28, 28)``; the course does not ship them, so the example shows the other case.

    Example:
        >>> import tempfile
        >>> load_full_arrays(Path(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        FileNotFoundError: MNIST file train-images-idx3-ubyte (or ...gz) is not in ...
    """
    paths: dict[str, Path] = {}
    for name in MNIST_FILES:
        path = find_file(root, name)
        if path is None:
            if not download:
                raise FileNotFoundError(
                    f"MNIST file {name} (or {name}.gz) is not in {root} or {root}/MNIST/raw; "
                    "put the four MNIST files there, or pass download=True to fetch them."
                )
            path = download_file(root, name)
        paths[name] = path
    checksums = [verify(paths[name], name) for name in MNIST_FILES]
    key = hashlib.md5("".join(checksums).encode()).hexdigest()[:12]
    cached = cache_dir() / f"mnist-full-{key}.npz"
    if cached.is_file():
        try:
            with np.load(cached) as stored:
                return FullArrays(*(stored[field] for field in FullArrays._fields))
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below
    arrays = FullArrays(
        train_images=read_idx(paths["train-images-idx3-ubyte"], ndim=3),
        train_labels=read_idx(paths["train-labels-idx1-ubyte"], ndim=1).astype(np.int64),
        test_images=read_idx(paths["t10k-images-idx3-ubyte"], ndim=3),
        test_labels=read_idx(paths["t10k-labels-idx1-ubyte"], ndim=1).astype(np.int64),
    )
    for part, images, labels in (
        ("train", arrays.train_images, arrays.train_labels),
        ("t10k", arrays.test_images, arrays.test_labels),
    ):
        if images.shape[1:] != (28, 28) or len(images) != len(labels):
            raise ValueError(
                f"The {part} files hold images of shape {images.shape} and {len(labels)} "
                "labels, not N images of 28x28 with one label each; replace them."
            )
        if labels.size and labels.max() > 9:
            raise ValueError(f"The {part} labels file holds labels above 9; replace it.")
    partial = cached.with_suffix(f".{os.getpid()}.tmp.npz")  # no clash between processes
    np.savez(partial, **arrays._asdict())
    partial.replace(cached)
    return arrays
