"""Code exercises: their definitions (shared with the grader), the learner's ``check()`` and
``hand_in()``.

Importing this package never loads torch (nor ipywidgets), so the instructor's grader can
read exercise definitions; only a learner's function, run by :func:`check`, receives torch
tensors. ``HandInView``, the hand-in button, loads ipywidgets when it is first used.

Example:
    >>> from pruneedu import exercises
    >>> "magnitude-mask" in exercises.load_exercises()
    True
"""

from typing import Any

from pruneedu.exercises.definition import (
    ARRAY_TYPES,
    Exercise,
    Mismatch,
    TestCase,
    TestResult,
    exercises_dir,
    load_exercise,
    load_exercises,
    run_case,
)
from pruneedu.exercises.handin import hand_in
from pruneedu.exercises.learner import CheckReport, check
from pruneedu.exercises.store import check_states

__all__ = [
    "ARRAY_TYPES",
    "CheckReport",
    "Exercise",
    "HandInView",
    "Mismatch",
    "TestCase",
    "TestResult",
    "check",
    "check_states",
    "exercises_dir",
    "hand_in",
    "load_exercise",
    "load_exercises",
    "run_case",
]


def __getattr__(name: str) -> Any:
    if name == "HandInView":
        from pruneedu.exercises.handin_view import HandInView

        return HandInView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
