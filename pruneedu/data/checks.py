"""Check that a dataset is in the course's MNIST format before a model sees it.

The format: a ``TensorDataset`` of two tensors, images float32 ``[N, 1, 28, 28]`` with values in
``[0, 1]`` and labels int64 in ``0..9``. Images ``[N, 28, 28]`` are accepted too (the channel
axis is added), since that is how many MNIST copies come.
"""

from __future__ import annotations

import torch
from torch.utils.data import TensorDataset

NUM_CLASSES = 10


def check_dataset(dataset: TensorDataset) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate an MNIST-style dataset and return its ``(images, labels)`` tensors.

    Args:
        dataset: a ``TensorDataset(images, labels)``; images float ``[N, 1, 28, 28]`` or
            ``[N, 28, 28]`` in ``[0, 1]``, labels integer class numbers ``0..9``.

    Returns:
        ``images`` as float32 ``[N, 1, 28, 28]`` and ``labels`` as int64 ``[N]`` (the
        original tensors when they are already in that form; nothing is copied then).

    Raises:
        TypeError: not a ``TensorDataset`` of two tensors, or the wrong dtypes.
        ValueError: wrong shapes, sizes that differ, pixels outside ``[0, 1]``, labels
            outside ``0..9``, or an empty dataset.

    Example:
        >>> import torch
        >>> from torch.utils.data import TensorDataset
        >>> ds = TensorDataset(torch.zeros(2, 28, 28), torch.tensor([3, 7]))
        >>> images, labels = check_dataset(ds)
        >>> tuple(images.shape)
        (2, 1, 28, 28)
    """
    if not isinstance(dataset, TensorDataset) or len(dataset.tensors) != 2:
        raise TypeError(
            f"Expected a TensorDataset(images, labels), got {type(dataset).__name__}; "
            "build one with torch.utils.data.TensorDataset(images, labels)."
        )
    images, labels = dataset.tensors
    if not images.is_floating_point():
        raise TypeError(
            f"Images must be a float tensor with values in [0, 1], got {images.dtype}; "
            "convert them with images.float() / 255."
        )
    if images.dim() == 3:
        images = images.unsqueeze(1)
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(
            f"Images must have shape [N, 1, 28, 28] or [N, 28, 28], got {list(images.shape)}; "
            "reshape them with images.reshape(-1, 1, 28, 28)."
        )
    if labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        raise TypeError(
            f"Labels must be an integer tensor of class numbers, got {labels.dtype}; "
            "convert them with labels.long()."
        )
    if labels.dim() != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"Labels must have shape [N] with N = {images.shape[0]} (one per image), "
            f"got {list(labels.shape)}; pass one class number per image."
        )
    if images.shape[0] == 0:
        raise ValueError("The dataset is empty; pass at least one image.")
    low, high = float(images.min()), float(images.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"Pixel values must lie in [0, 1], found {low:g} to {high:g}; "
            "if they run to 255, divide the images by 255."
        )
    if int(labels.min()) < 0 or int(labels.max()) >= NUM_CLASSES:
        raise ValueError(
            f"Labels must be digits 0 to {NUM_CLASSES - 1}, found {int(labels.min())} to "
            f"{int(labels.max())}; check that the labels match the images."
        )
    return images.float(), labels.long()
