"""Test inputs the exercises share, made with numpy alone (the grader never loads torch).

Example:
    >>> state = lenet_300_100_state(seed=0)
    >>> state["fc1.weight"].shape, state["fc3.bias"].dtype
    ((300, 784), dtype('float32'))
"""

from __future__ import annotations

import numpy as np

from pruneedu.wire import ModelSpec

LENET_300_100_SHAPES = {"fc1": (300, 784), "fc2": (100, 300), "fc3": (10, 100)}


def lenet_300_100_state(seed: int, zero_fraction: float = 0.0) -> dict[str, np.ndarray]:
    """Random LeNet-300-100 weights (scaled like torch's default initialisation), with about
    ``zero_fraction`` of each weight matrix set to exactly zero (pruned)."""
    rng = np.random.default_rng(seed)
    state = {}
    for layer, (rows, columns) in LENET_300_100_SHAPES.items():
        bound = 1 / np.sqrt(columns)
        weight = rng.uniform(-bound, bound, size=(rows, columns)).astype(np.float32)
        if zero_fraction:
            weight[rng.random(weight.shape) < zero_fraction] = 0.0
        state[f"{layer}.weight"] = weight
        state[f"{layer}.bias"] = rng.uniform(-bound, bound, size=rows).astype(np.float32)
    return state


def lenet_300_100(seed: int, zero_fraction: float = 0.0) -> ModelSpec:
    """A LeNet-300-100 as a test input: the learner's function receives an ``nn.Sequential``."""
    return ModelSpec("lenet_300_100", lenet_300_100_state(seed, zero_fraction))


def digit_batch(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` random images float32 ``[N, 1, 28, 28]`` in [0, 1] and labels int64 ``[N]``."""
    rng = np.random.default_rng(seed)
    images = rng.random((count, 1, 28, 28)).astype(np.float32)
    return images, rng.integers(0, 10, size=count).astype(np.int64)
