"""The learner's side of a code exercise: check your function against the public tests.

Runs in the learner's own notebook, on the learner's own function, so torch may be loaded
(the function receives tensors and networks when the exercise says so). Inputs and outputs
cross :mod:`pruneedu.wire` exactly as they do in the instructor's sandbox, so a function that
passes here is judged the same way there. Messages speak to the learner and never show where
the course keeps its files. Each check is remembered in the learner's folder
(:mod:`pruneedu.exercises.store`) with the function's source, for the progress dashboard and
for :func:`pruneedu.exercises.hand_in`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pruneedu import wire
from pruneedu.exercises.compare import describe_input
from pruneedu.exercises.definition import (
    Exercise,
    TestCase,
    TestResult,
    load_exercise,
    load_exercises,
    run_case,
)
from pruneedu.exercises.extract import course_library_imports

NOT_WRITTEN = "not written yet"
DETAIL_INDENT = " " * 6


@dataclass
class CheckReport:
    """What :func:`check` found: one :class:`TestResult` per public test, and each test's
    input as text (``inputs``, in the same order)."""

    exercise_id: str
    results: list[TestResult] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def all_passed(self) -> bool:
        """True when there were tests and every one passed."""
        return bool(self.results) and self.passed == self.total

    def __repr__(self) -> str:
        return f"<{self.exercise_id}: {self.passed} of {self.total} public tests passed>"


def run_function(exercise: Exercise, func: Callable, cases: Sequence[TestCase]
                 ) -> list[TestResult]:
    """Call ``func`` on each case's inputs the way the sandbox does, and judge each output.

    Inputs travel through the wire codec and arrive as the exercise's array type (and
    networks as ``nn.Module``); outputs travel back and are judged by the case's checker.
    Never raises because of ``func``.
    """
    limits = wire.Limits(allow_nonfinite=exercise.allow_nonfinite,
                         allow_strings=wire.returns_strings(exercise.returns))
    results = []
    for case in cases:
        try:
            args = wire.to_runtime(wire.round_trip(case.args, wire.TRUSTED), exercise.array_type)
            output = func(*args)
        except NotImplementedError:
            results.append(TestResult(case.name, False, NOT_WRITTEN, hint=case.hint))
            continue
        except Exception as error:
            results.append(TestResult(case.name, False, _error_text(error), hint=case.hint))
            continue
        try:
            decoded = wire.round_trip(output, limits)
        except wire.WireError as error:
            results.append(TestResult(case.name, False, f"the result cannot be checked: {error}",
                                      hint=case.hint))
            continue
        results.append(run_case(case, decoded, exercise.returns))
    return results


def check(exercise_id: str, func: Callable, root: Path | None = None) -> Any:
    """Run the PUBLIC tests of an exercise on your function and print a line per test.

    A failing test shows its input, what was expected, what came back and a hint. Never raises
    because of your function: an unfinished stub or an error becomes a printed hint, so a
    notebook keeps running. For the capstone, pass the function that builds your model
    (see :func:`pruneedu.exercises.capstone.check_capstone`).

    Example:
        >>> report = check("magnitude-mask", lambda weights, amount: weights != 0)
        ... # doctest: +ELLIPSIS
        FAIL  ...
        >>> report      # doctest: +ELLIPSIS
        <magnitude-mask: ... public tests passed>
    """
    exercise = _learner_exercise(exercise_id, root)
    if exercise.kind == "capstone":
        from pruneedu.exercises.capstone import check_capstone

        return check_capstone(func, exercise=exercise)
    from pruneedu.exercises import capture

    cases = exercise.public_cases()
    source, _missing = capture.capture_source(func, exercise.function)
    used = course_library_imports(source) if source else []
    if used:  # the grader's sandbox has no course library: agree with it, here and now
        problem = (f"your function uses the course library ({', '.join(used)}), which the "
                   "grader does not load; write that part with numpy or torch yourself")
        results = [TestResult(case.name, False, problem, hint=case.hint) for case in cases]
    else:
        results = run_function(exercise, func, cases)
    report = CheckReport(exercise.id, results,
                         [describe_input(exercise.arguments, case.args) for case in cases])
    _print_report(report, exercise)
    _remember(exercise, report, source)
    return report


def _error_text(error: BaseException) -> str:
    message = str(error).strip()
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _remember(exercise: Exercise, report: CheckReport, source: str | None) -> None:
    from pruneedu.exercises import store

    try:
        store.record_check(exercise.id, report.passed, report.total, source)
    except OSError as error:  # a read-only home must not break the notebook
        warnings.warn(f"Your check result could not be saved ({error.strerror or error}); "
                      "hand_in() will still find your function if this notebook is open.",
                      stacklevel=3)


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


def format_report(report: CheckReport, exercise: Exercise) -> str:
    """The text :func:`check` prints: a line per test, details under each failure, a verdict."""
    lines = []
    for result, shown in zip(report.results, report.inputs, strict=True):
        if result.passed:
            lines.append(f"PASS  {result.name}")
            continue
        lines.append(f"FAIL  {result.name}")
        if result.reason == NOT_WRITTEN:
            continue
        lines.append(f"{DETAIL_INDENT}input:    {shown}")
        if result.expected:
            lines.append(f"{DETAIL_INDENT}expected: {result.expected}")
            lines.append(f"{DETAIL_INDENT}got:      {result.got}")
        else:
            lines.append(f"{DETAIL_INDENT}problem:  {result.reason}")
        if result.hint:
            lines.append(f"{DETAIL_INDENT}hint:     {result.hint}")
    if report.results and all(r.reason == NOT_WRITTEN for r in report.results):
        lines.append(f"`{exercise.function}` still raises NotImplementedError: replace that "
                     "line with your code, run its cell again, then run this check again.")
    elif report.all_passed:
        lines.append(f"All {report.total} public tests pass. The instructor's grader adds "
                     "hidden tests.")
    else:
        lines.append(f"{report.passed} of {report.total} public tests pass: read the first "
                     "failure, fix your function and run both cells again.")
    return "\n".join(lines)


def _print_report(report: CheckReport, exercise: Exercise) -> None:
    print(format_report(report, exercise))
