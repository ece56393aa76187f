"""Grading the capstone: a learner's compressed model file, measured on the instructor's test
digits, scored by the rubric of :mod:`pruneedu.exercises.capstone`.

The file is never parsed here. Its size is its length in bytes; its accuracy comes from a
sandbox of its own (no learner code in it) that runs :mod:`pruneedu.grading.capstone_probe`
on the file and the test IMAGES and returns predicted digits. The labels stay here, in the
grader, which compares. By default the test digits are the bundled test split (1,000 digits,
the one ``data.load_mnist().test`` gives learners' notebooks, so a learner could have trained
or chosen their model on them: :func:`measured_on` says so, and the grade report and
gradebook.json warn); set ``PRUNEEDU_CAPSTONE_MNIST`` to a folder with the four MNIST IDX
files to grade on the official 10,000-image test set, which no learner's notebook loads.

Example (skipped: it starts a sandbox; tests/test_capstone.py grades real files):
    >>> from pruneedu.exercises import load_exercise
    >>> result = grade_capstone(load_exercise("capstone"), encoded_file)   # doctest: +SKIP
    >>> result.score, result.max_score                                     # doctest: +SKIP
    (10.0, 10.0)
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pruneedu.exercises import Exercise, TestResult
from pruneedu.exercises.capstone import CapstoneSettings, capstone_score
from pruneedu.grading.codegrade import ExerciseResult
from pruneedu.grading.sandbox import run_calls

ENV_FULL_MNIST = "PRUNEEDU_CAPSTONE_MNIST"
MAX_FILE_BYTES = 4_000_000  # a dense LeNet-5 is 1.7 MB; anything larger is not one


@functools.lru_cache(maxsize=2)
def test_digits(root: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The instructor's test images (uint8 ``[N, 28, 28]``) and labels; full MNIST's test set
    when ``root`` (or ``PRUNEEDU_CAPSTONE_MNIST``) names its folder, else the bundled split."""
    from pruneedu import data

    root = root or os.environ.get(ENV_FULL_MNIST) or None
    arrays = data.load_mnist_arrays("full", root) if root else data.load_mnist_arrays()
    return arrays.test


def measured_on() -> dict[str, object]:
    """Which digits measure the capstone, for the gradebook and the grader's report:
    ``source``, ``folder`` (full MNIST's, else None), ``held_by_learners`` and ``warning``
    ("" when learners do not hold them). Reads only the environment.

    Example:
        >>> measured_on()["source"] in ("bundled test split", "full MNIST test set")
        True
    """
    root = os.environ.get(ENV_FULL_MNIST) or None
    if root:
        return {"source": "full MNIST test set", "folder": root, "held_by_learners": False,
                "warning": ""}
    return {"source": "bundled test split", "folder": None, "held_by_learners": True,
            "warning": ("the capstone was measured on the bundled test digits, which every "
                        "learner's notebook loads (a learner could train or choose on them); "
                        f"set {ENV_FULL_MNIST} to a folder with MNIST's official test files "
                        "to grade on digits no learner holds (docs/teaching.md)")}


def encode_file(content: bytes) -> str:
    """A model file as the text a submission carries (base64)."""
    return base64.b64encode(content).decode("ascii")


def grade_capstone(exercise: Exercise, encoded: str, hide: Sequence[Path] = (),
                   isolation: str = "bwrap", time_limit_s: float | None = None,
                   stop: threading.Event | None = None) -> ExerciseResult:
    """Measure one learner's model file (``encoded``: base64) and score it by the rubric.

    ``time_limit_s`` overrides the exercise's own limit; ``stop`` ends the sandbox at once
    (:class:`pruneedu.grading.sandbox.Stopped`), as for code exercises."""
    settings = CapstoneSettings.from_mapping(exercise.settings)
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return _failed(exercise, "the model file could not be read back from the hand-in "
                       "(damaged base64); hand it in again.", isolation)
    if len(content) > MAX_FILE_BYTES:
        return _failed(exercise, f"the model file is {len(content):,} bytes, more than any "
                       "LeNet; save your pruned model with save_compressed.", isolation)
    images, labels = test_digits()
    run = run_calls(_probe_source(), "predict", [(np.frombuffer(content, np.uint8), images)],
                    array_type="torch", time_limit_s=time_limit_s or exercise.time_limit_s,
                    memory_limit_mb=exercise.memory_limit_mb, hide=hide, isolation=isolation,
                    returns="array", stop=stop)
    outcome = run.outcomes[0]
    if not outcome.ok:
        return _failed(exercise, f"the model file could not be used: {outcome.error}",
                       run.isolation)
    predictions = np.asarray(outcome.value)
    if predictions.shape != labels.shape or predictions.dtype.kind not in "iu":
        return _failed(exercise, "the model did not give one digit per test image.",
                       run.isolation)
    accuracy = float((predictions == labels).mean())
    size = len(content)
    score = capstone_score(size, accuracy, settings, exercise.points)
    checks = [
        TestResult("size-within-budget", size <= settings.max_bytes,
                   f"{size:,} bytes; the budget is {settings.max_bytes:,}"),
        TestResult("accuracy-at-the-floor", accuracy >= settings.min_accuracy,
                   f"{accuracy:.1%} on {len(labels):,} test digits; the floor is "
                   f"{settings.min_accuracy:.1%}"),
    ]
    return ExerciseResult(exercise.id, score, exercise.points, checks, [], "", run.isolation)


def _failed(exercise: Exercise, reason: str, isolation: str) -> ExerciseResult:
    return ExerciseResult(exercise.id, 0.0, exercise.points,
                          [TestResult("size-within-budget", False, reason),
                           TestResult("accuracy-at-the-floor", False, reason)],
                          [], reason, isolation, reason)


@functools.lru_cache(maxsize=1)
def _probe_source() -> str:
    return (Path(__file__).parent / "capstone_probe.py").read_text(encoding="utf-8")
