"""Grading code submissions: run each function on its tests in the sandbox, judge here.

Only the named function is graded: the submitted text is first reduced to that function, its
imports and the helpers it uses (:func:`pruneedu.exercises.extract.extract_function`), so a
notebook export full of ``seed_everything(0)``, ``check(...)`` calls and prints scores exactly
what the function deserves. A file that does not parse, or lacks the function, scores 0 with
that reason.

The score is ``points * passed / total`` over the public and hidden tests together. Public
results keep their names (a learner may see them); hidden results are reported to the
learner only as a count, because their names describe the hidden inputs. Nothing the
learner's code produced is ever quoted to them, whenever it ran: a failed test's ``reason``
is one of the fixed texts of :mod:`pruneedu.grading.learner_texts`, chosen from what the
grader saw, and ``ExerciseResult.learner_error`` is the fixed text for ``error`` (which keeps
the code's own words for the instructor). The one exception is grader-made text about the
submitted file itself (it does not parse, the function is missing), which no run produced.
All of one learner's functions run in ONE sandbox (:func:`grade_learner_code`), with each
exercise's own deadline. The capstone (a model file, not a function) is graded by
:mod:`pruneedu.grading.capstone`.

Example (skipped here: it runs code in the sandbox, which tests/test_exercise_grading.py and
tests/test_grading_grade.py exercise):
    >>> from pruneedu.exercises import load_exercise
    >>> exercise = load_exercise("magnitude-mask")
    >>> result = grade_code(exercise, exercise.stub_path.read_text())  # doctest: +SKIP
    >>> result.score, result.max_score                                 # doctest: +SKIP
    (0.0, 5.0)
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pruneedu.exercises import Exercise, TestResult, run_case
from pruneedu.exercises.extract import extract_function
from pruneedu.grading import learner_texts
from pruneedu.grading.sandbox import Job, SandboxRun, run_jobs


@dataclass(frozen=True)
class ExerciseResult:
    """One learner's result on one exercise; ``error`` explains a run that failed as a whole
    (for the instructor: it may quote the code); ``learner_error`` is what a learner is told
    about it."""

    exercise_id: str
    score: float
    max_score: float
    public: list[TestResult] = field(default_factory=list)
    hidden: list[TestResult] = field(default_factory=list)
    error: str = ""
    isolation: str = ""
    learner_error: str = ""

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.public) + sum(r.passed for r in self.hidden)

    @property
    def total(self) -> int:
        return len(self.public) + len(self.hidden)


def grade_code(exercise: Exercise, code: str, hide: Sequence[Path] = (),
               time_limit_s: float | None = None, isolation: str = "bwrap") -> ExerciseResult:
    """Grade one submission of one exercise in its own sandbox.

    Args:
        exercise: the exercise definition (its tests load here, in the grader).
        code: the learner's source text (for the capstone: the model file, base64).
        hide: folders the sandbox must not see (quiz keys, exercises, submissions).
        time_limit_s: overrides the exercise's own limit (tests use a short one).
        isolation: ``"bwrap"`` or ``"unsafe-none"`` (see :mod:`pruneedu.grading.sandbox`).
    """
    return grade_learner_code([(exercise, code)], hide, time_limit_s, isolation)[exercise.id]


def grade_learner_code(work: Sequence[tuple[Exercise, str]], hide: Sequence[Path] = (),
                       time_limit_s: float | None = None, isolation: str = "bwrap",
                       stop: threading.Event | None = None) -> dict[str, ExerciseResult]:
    """Grade ONE learner's submissions, all functions in one sandbox; results by exercise id.

    ``work`` pairs each exercise with the learner's text for it (never mix learners: they
    would share a sandbox). ``stop``: set it (from another thread) to end the sandbox at once
    (:class:`pruneedu.grading.sandbox.Stopped` is raised).
    """
    results: dict[str, ExerciseResult] = {}
    jobs, graded = [], []
    for exercise, code in work:
        if exercise.kind == "capstone":
            from pruneedu.grading.capstone import grade_capstone

            results[exercise.id] = grade_capstone(exercise, code, hide=hide, isolation=isolation,
                                                  time_limit_s=time_limit_s, stop=stop)
            continue
        extracted = extract_function(code, exercise.function)
        public, hidden = exercise.public_cases(), exercise.hidden_cases()
        if extracted.problem:
            results[exercise.id] = _unrunnable(exercise, public, hidden, extracted.problem,
                                               isolation)
            continue
        jobs.append(Job(extracted.code, exercise.function,
                        [case.args for case in public + hidden], hidden_from=len(public),
                        array_type=exercise.array_type,
                        time_limit_s=time_limit_s or exercise.time_limit_s,
                        memory_limit_mb=exercise.memory_limit_mb,
                        allow_nonfinite=exercise.allow_nonfinite, returns=exercise.returns))
        graded.append((exercise, public, hidden))
    if jobs:
        runs = run_jobs(jobs, isolation=isolation, forbidden=hide, stop=stop)
        for (exercise, public, hidden), run in zip(graded, runs, strict=True):
            results[exercise.id] = _judge(exercise, public, hidden, run)
    return results


def _judge(exercise: Exercise, public: list, hidden: list, run: SandboxRun) -> ExerciseResult:
    cases = public + hidden
    results = []
    for case, outcome in zip(cases, run.outcomes, strict=True):
        if outcome.ok and run_case(case, outcome.value, exercise.returns).passed:
            results.append(TestResult(case.name, True, hint=case.hint))
        else:  # the checker's reason quotes the value: the learner gets the grader's words
            told = learner_texts.WRONG_RESULT if outcome.ok else outcome.learner_text
            results.append(TestResult(case.name, False, told, hint=case.hint))
    passed = sum(result.passed for result in results)
    score = exercise.points * passed / len(cases) if cases else 0.0
    return ExerciseResult(exercise.id, score, exercise.points, results[: len(public)],
                          results[len(public):], run.error, run.isolation, run.learner_error)


def _unrunnable(exercise: Exercise, public: list, hidden: list, problem: str,
                isolation: str) -> ExerciseResult:
    return ExerciseResult(exercise.id, 0.0, exercise.points,
                          [TestResult(case.name, False, problem) for case in public],
                          [TestResult(case.name, False, problem) for case in hidden],
                          problem, isolation, problem)
