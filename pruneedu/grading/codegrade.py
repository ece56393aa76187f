"""Grading one code submission: run its function on every test in the sandbox, judge here.

The score is ``points * passed / total`` over the public and hidden tests together. Public
results keep their names and reasons (a learner may see them); hidden results are reported to
the learner only as a count, because their names and reasons describe the hidden inputs.
Whatever the learner's code produced after hidden inputs had entered its process is never
quoted: ``ExerciseResult.error_quotable`` says whether ``error`` may be shown to the learner,
and a public result produced that late carries :data:`WITHHELD` instead of its reason.

Example (skipped here: it runs code in the sandbox, which tests/test_exercises.py and
tests/test_grading_grade.py exercise):
    >>> from pruneedu.exercises import load_exercise
    >>> exercise = load_exercise("magnitude-mask")
    >>> result = grade_code(exercise, exercise.stub_path.read_text())  # doctest: +SKIP
    >>> result.score, result.max_score                                 # doctest: +SKIP
    (0.0, 5.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pruneedu.exercises import Exercise, TestResult, run_case
from pruneedu.grading.sandbox import run_calls

WITHHELD = ("it failed after hidden test inputs had reached your code, so the grader does not "
            "show its details")


@dataclass(frozen=True)
class ExerciseResult:
    """One learner's result on one exercise; ``error`` explains a run that failed as a whole
    (for the instructor; shown to the learner only when ``error_quotable``)."""

    exercise_id: str
    score: float
    max_score: float
    public: list[TestResult] = field(default_factory=list)
    hidden: list[TestResult] = field(default_factory=list)
    error: str = ""
    isolation: str = ""
    error_quotable: bool = True

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.public) + sum(r.passed for r in self.hidden)

    @property
    def total(self) -> int:
        return len(self.public) + len(self.hidden)


def grade_code(exercise: Exercise, code: str, hide: Sequence[Path] = (),
               time_limit_s: float | None = None, isolation: str = "bwrap") -> ExerciseResult:
    """Run ``code`` against the exercise's public and hidden tests in one sandboxed process.

    Args:
        exercise: the exercise definition (its tests load here, in the grader).
        code: the learner's source text.
        hide: folders the sandbox covers (quiz keys, exercises, submissions).
        time_limit_s: overrides the exercise's own limit (tests use a short one).
        isolation: ``"bwrap"`` or ``"unsafe-none"`` (see :mod:`pruneedu.grading.sandbox`).
    """
    public, hidden = exercise.public_cases(), exercise.hidden_cases()
    cases = public + hidden
    run = run_calls(code, exercise.function, [case.args for case in cases],
                    array_type=exercise.array_type,
                    time_limit_s=time_limit_s or exercise.time_limit_s,
                    memory_limit_mb=exercise.memory_limit_mb, hide=hide,
                    hidden_from=len(public), isolation=isolation, returns=exercise.returns)
    results = []
    for index, (case, outcome) in enumerate(zip(cases, run.outcomes, strict=True)):
        if outcome.ok:
            result = run_case(case, outcome.value, exercise.returns)
        else:
            result = TestResult(case.name, False, outcome.error)
        if index < len(public) and not outcome.quotable and not result.passed:
            result = TestResult(case.name, False, WITHHELD)
        results.append(result)
    passed = sum(result.passed for result in results)
    score = exercise.points * passed / len(cases) if cases else 0.0
    return ExerciseResult(exercise.id, score, exercise.points, results[: len(public)],
                          results[len(public):], run.error, run.isolation, run.error_quotable)
