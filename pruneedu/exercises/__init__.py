"""Code exercises: their definitions (shared with the grader) and the learner's ``check()``.

Importing this package never loads torch, so the instructor's grader can read exercise
definitions; only a learner's function, run by :func:`check`, receives torch tensors.

Example:
    >>> from pruneedu import exercises
    >>> sorted(exercises.load_exercises())
    ['magnitude-mask']
"""

from pruneedu.exercises.definition import (
    ARRAY_TYPES,
    Exercise,
    TestCase,
    TestResult,
    exercises_dir,
    load_exercise,
    load_exercises,
    run_case,
    to_array_type,
)
from pruneedu.exercises.learner import CheckReport, check

__all__ = [
    "ARRAY_TYPES",
    "CheckReport",
    "Exercise",
    "TestCase",
    "TestResult",
    "check",
    "exercises_dir",
    "load_exercise",
    "load_exercises",
    "run_case",
    "to_array_type",
]
