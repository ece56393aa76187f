"""The learner's side of a code exercise: check your function against the public tests.

Runs in the learner's own notebook, on the learner's own function, so torch may be loaded
(the function receives tensors when the exercise says so). Messages speak to the learner and
never show where the course keeps its files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pruneedu import wire
from pruneedu.exercises.definition import (
    Exercise,
    TestResult,
    load_exercise,
    load_exercises,
    run_case,
)

NOT_WRITTEN = "not written yet"


@dataclass
class CheckReport:
    """What :func:`check` found: one :class:`TestResult` per public test."""

    exercise_id: str
    results: list[TestResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    def __repr__(self) -> str:
        return f"<{self.exercise_id}: {self.passed} of {self.total} public tests passed>"


def check(exercise_id: str, func: Callable, root: Path | None = None) -> CheckReport:
    """Run the PUBLIC tests of an exercise on your function and print a line per test.

    Never raises because of your function: an unfinished stub or an error becomes a printed
    hint, so a notebook keeps running.

    Example:
        >>> report = check("magnitude-mask", lambda weights, sparsity: weights != 0)
        ... # doctest: +ELLIPSIS
        FAIL  ...
        >>> report      # doctest: +ELLIPSIS
        <magnitude-mask: ... public tests passed>
    """
    exercise = _learner_exercise(exercise_id, root)
    report = CheckReport(exercise.id)
    for case in exercise.public_cases():
        try:  # the values cross the wire as in the grader: ModelSpec inputs, caps, NaN
            args = wire.to_runtime(wire.round_trip(list(case.args), wire.TRUSTED),
                                   exercise.array_type)
            output = wire.round_trip(func(*args), wire.Limits(
                allow_strings=wire.returns_strings(exercise.returns)))
        except NotImplementedError:
            report.results.append(TestResult(case.name, False, NOT_WRITTEN))
            continue
        except Exception as error:
            report.results.append(TestResult(case.name, False, f"{type(error).__name__}: {error}"))
            continue
        report.results.append(run_case(case, output, exercise.returns))
    _print_report(report, exercise)
    return report


def _learner_exercise(exercise_id: str, root: Path | None) -> Exercise:
    """The exercise with its public tests loaded, or a ValueError a learner can act on."""
    try:
        exercise = load_exercise(exercise_id, root)
        exercise.public_cases()
        return exercise
    except ValueError:
        pass
    try:
        known = ", ".join(load_exercises(root)) or "none"
    except ValueError:
        known = "none that load"
    if exercise_id in known.split(", "):
        raise ValueError(f"the exercise {exercise_id!r} is incomplete in your copy of the "
                         "course; tell your instructor.") from None
    raise ValueError(f"there is no exercise {exercise_id!r} in this course; check the name "
                     f"(the exercises are: {known}).") from None


def _print_report(report: CheckReport, exercise: Exercise) -> None:
    for result in report.results:
        print(f"PASS  {result.name}" if result.passed else f"FAIL  {result.name}: {result.reason}")
    if report.results and all(r.reason == NOT_WRITTEN for r in report.results):
        print(f"`{exercise.function}` still raises NotImplementedError: replace that line with "
              "your code, run its cell again, then run this check again.")
    elif report.passed == report.total:
        print(f"All {report.total} public tests pass. The instructor's grader adds hidden tests.")
    else:
        print(f"{report.passed} of {report.total} public tests pass: read the first failure, "
              "fix your function and run both cells again.")
