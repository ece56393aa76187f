"""The capstone: deliver a pruned LeNet whose compressed file fits a budget at an accuracy floor.

The learner writes ``capstone_model(mnist)``, returning ``(net, storage)``;
:func:`check_capstone` builds it, writes it with ``pruning.save_compressed`` into the
learner's folder (that file is what :func:`pruneedu.exercises.hand_in` hands in) and reports
its size and its accuracy on the VALIDATION digits. The instructor's grader
(:mod:`pruneedu.grading.capstone`) measures the same file on test digits the learner never
chose with, and scores it by :func:`capstone_score`.

The rubric (settings in ``exercises/capstone/exercise.yaml``, under ``capstone:``):

- size credit: 1 at or under ``max_bytes``, falling linearly to 0 at
  ``max_bytes * (1 + size_slack)``;
- accuracy credit: 1 at or above ``min_accuracy``, falling linearly to 0 at
  ``min_accuracy - accuracy_slack``;
- score = points x size credit x accuracy credit. Both must hold for full points, and a tiny
  model that has forgotten the digits earns nothing for its size.

Example:
    >>> settings = CapstoneSettings(max_bytes=20000, min_accuracy=0.93)
    >>> capstone_score(20000, 0.95, settings, points=10)
    10.0
    >>> capstone_score(30000, 0.92, settings, points=10)   # half the size credit, 0.8 accuracy
    4.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pruneedu import paths

FILE_NAME = "capstone.pedu"
NETWORKS = ("lenet_300_100", "lenet5")


@dataclass(frozen=True)
class CapstoneSettings:
    """The budget, the floor and the partial-credit slopes (see the module docstring)."""

    max_bytes: int
    min_accuracy: float
    size_slack: float = 1.0
    accuracy_slack: float = 0.05

    @classmethod
    def from_mapping(cls, values: dict) -> CapstoneSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown capstone settings {unknown}; use {sorted(known)}.")
        settings = cls(**values)
        if settings.max_bytes <= 0 or not 0 < settings.min_accuracy <= 1 \
                or settings.size_slack <= 0 or settings.accuracy_slack <= 0:
            raise ValueError("capstone settings need max_bytes > 0, 0 < min_accuracy <= 1 and "
                             "positive slacks.")
        return settings


def size_credit(size: int, settings: CapstoneSettings) -> float:
    """1 within the budget, falling linearly to 0 at ``(1 + size_slack)`` times it."""
    over = (size - settings.max_bytes) / (settings.size_slack * settings.max_bytes)
    return float(min(1.0, max(0.0, 1.0 - over)))


def accuracy_credit(accuracy: float, settings: CapstoneSettings) -> float:
    """1 at or above the floor, falling linearly to 0 at ``floor - accuracy_slack``."""
    short = (settings.min_accuracy - accuracy) / settings.accuracy_slack
    return float(min(1.0, max(0.0, 1.0 - short)))


def capstone_score(size: int, accuracy: float, settings: CapstoneSettings,
                   points: float) -> float:
    """Points for a model file of ``size`` bytes with test ``accuracy`` (0..1)."""
    return round(points * size_credit(size, settings) * accuracy_credit(accuracy, settings), 4)


def capstone_path() -> Path:
    """Where :func:`check_capstone` writes the learner's model file."""
    return paths.user_data_dir() / "capstone" / FILE_NAME


@dataclass(frozen=True)
class CapstoneReport:
    """What :func:`check_capstone` measured: the file, its size, validation accuracy, and the
    score the rubric would give at that accuracy (the grader uses test digits instead)."""

    path: Path | None
    size_bytes: int
    val_accuracy: float
    estimate: float
    max_score: float

    @property
    def written(self) -> bool:
        return self.path is not None


def check_capstone(func: Callable, exercise: Any = None, mnist: Any = None) -> CapstoneReport:
    """Build your capstone model with ``func(mnist)``, save it, and measure it.

    Never raises because of ``func``: an unfinished stub or an error is printed with a hint.

    Example (a model that is neither pruned nor trained: far over the budget):
        >>> from pruneedu import models
        >>> report = check_capstone(lambda mnist: (models.lenet_300_100(seed=0), "sparse-int8"))
        ... # doctest: +ELLIPSIS
        file size:           269,5... bytes (OVER the budget of 16,000)
        ...
        >>> report.estimate
        0.0
    """
    from pruneedu.exercises.definition import load_exercise

    exercise = exercise or load_exercise("capstone")
    settings = CapstoneSettings.from_mapping(exercise.settings)
    empty = CapstoneReport(None, 0, 0.0, 0.0, exercise.points)
    from pruneedu import data, pruning, training

    mnist = mnist or data.load_mnist()
    try:
        net, storage = func(mnist)
    except NotImplementedError:
        print(f"`{exercise.function}` still raises NotImplementedError: write it, run its cell "
              "again, then run this check again.")
        return empty
    except Exception as error:
        print(f"Your capstone_model raised {type(error).__name__}: {error}")
        return empty
    problem = _model_problem(net, storage, pruning.STORAGES)
    if problem:
        print(f"Your capstone_model must return (net, storage): {problem}")
        return empty
    path = capstone_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    size = pruning.save_compressed(net, path, storage=storage)
    accuracy = training.evaluate(net, mnist.val).accuracy
    estimate = capstone_score(size, accuracy, settings, exercise.points)
    print(_verdict(size, accuracy, settings, estimate, exercise.points))
    return CapstoneReport(path, size, accuracy, estimate, exercise.points)


def _model_problem(net: Any, storage: Any, storages: tuple[str, ...]) -> str:
    from torch import nn

    if not isinstance(net, nn.Module):
        return f"net is a {type(net).__name__}, not a network."
    if storage not in storages:
        return f"storage {storage!r} is not one of {', '.join(storages)}."
    return ""


def _verdict(size: int, accuracy: float, settings: CapstoneSettings, estimate: float,
             points: float) -> str:
    fits = "within" if size <= settings.max_bytes else "OVER"
    good = "at or above" if accuracy >= settings.min_accuracy else "BELOW"
    return "\n".join([
        f"file size:           {size:,} bytes ({fits} the budget of {settings.max_bytes:,})",
        f"validation accuracy: {accuracy:.1%} ({good} the floor of {settings.min_accuracy:.1%})",
        f"the rubric at this accuracy: {estimate:g} of {points:g} points. The grader measures "
        "the same file on test digits you have not used, so leave yourself a margin.",
    ])
