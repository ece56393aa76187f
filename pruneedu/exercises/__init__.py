"""Code exercises: their definitions (shared with the grader), the learner's ``check()`` and
``hand_in()``.

Importing this package never loads torch, so the instructor's grader can read exercise
definitions; only a learner's function, run by :func:`check`, receives torch tensors.

Example:
    >>> from pruneedu import exercises
    >>> "magnitude-mask" in exercises.load_exercises()
    True
"""

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
from pruneedu.exercises.learner import CheckReport, check

__all__ = [
    "ARRAY_TYPES",
    "CheckReport",
    "Exercise",
    "Mismatch",
    "TestCase",
    "TestResult",
    "check",
    "exercises_dir",
    "load_exercise",
    "load_exercises",
    "run_case",
]
