"""Fixtures several test modules share: the MNIST data, the course's results scripts loaded as
modules, and small random digit sets for the widget tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mnist():
    from pruneedu import data

    return data.load_mnist()


@pytest.fixture(scope="session")
def load_script():
    """Loads ``scripts/<name>.py`` (a script, not a package) as a module, fresh on each call:
    ``load_script("make_results_02").AMOUNTS``."""
    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def random_digits():
    """Makes MNIST-shaped random digits (seed 0) in the splits asked for, train first:
    ``random_digits(train=96, test=64).test`` is a TensorDataset of 64 images and labels."""
    import torch
    from torch.utils.data import TensorDataset

    def make(test: int, train: int | None = None) -> SimpleNamespace:
        generator = torch.Generator().manual_seed(0)

        def split(n: int) -> TensorDataset:
            images = torch.rand(n, 1, 28, 28, generator=generator)
            return TensorDataset(images, torch.randint(0, 10, (n,), generator=generator))

        if train is None:
            return SimpleNamespace(test=split(test))
        return SimpleNamespace(train=split(train), test=split(test))

    return make
