"""Deterministic, stratified train/validation/test splits."""

from __future__ import annotations

import numpy as np


def stratified_split(
    labels: np.ndarray, fractions: tuple[float, ...], seed: int = 0
) -> list[np.ndarray]:
    """Split example indices into parts that each keep the class proportions of ``labels``.

    Every class is shuffled with its own draw from ``numpy.random.default_rng(seed)`` (the
    same on every machine, and the global NumPy state is never touched), then cut by
    ``fractions``; the last part takes what is left, so nothing is dropped. Each part is
    shuffled once more, so its first few examples show a mix of classes.

    Args:
        labels: class of each example, shape ``[N]``.
        fractions: share of each class for every part but the last, e.g. ``(0.7, 0.1)`` for
            three parts of 70%, 10% and 20%.
        seed: the same seed gives the same split.

    Returns:
        One index array per part (``len(fractions) + 1`` of them), disjoint and together
        covering ``0..N-1``.

    Example:
        >>> import numpy as np
        >>> train, test = stratified_split(np.array([0, 0, 0, 0, 1, 1, 1, 1]), (0.75,))
        >>> sorted(np.bincount(np.array([0, 0, 0, 0, 1, 1, 1, 1])[test]).tolist())
        [1, 1]
    """
    labels = np.asarray(labels)
    if any(f < 0 for f in fractions) or sum(fractions) > 1:
        raise ValueError(
            f"Split fractions must be non-negative and sum to at most 1, got {fractions}; "
            "choose smaller fractions."
        )
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[] for _ in range(len(fractions) + 1)]
    for cls in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == cls))
        bounds = np.round(np.cumsum(fractions) * len(members)).astype(int)
        for part, chunk in zip(parts, np.split(members, bounds), strict=True):
            part.append(chunk)
    return [rng.permutation(np.concatenate(part)) for part in parts]
