"""Code exercises: loading their definitions and letting a learner check their own function.

An exercise is a folder ``exercises/<id>/`` holding:

- ``exercise.yaml``: ``id`` (the folder name), ``title``, ``function`` (the name the learner
  writes), ``points``, ``time_limit_s``, ``memory_limit_mb`` and ``array_type`` (``torch`` or
  ``numpy``: what arrays the function receives);
- ``stub.py``: the starting point handed to learners (the body raises NotImplementedError);
- ``solution.py``: the reference solution (never released);
- ``public_tests.py`` and ``hidden_tests.py``: each defines ``CASES``, a list of
  :class:`TestCase`. Inputs are numpy arrays and plain values; a case's ``check`` receives the
  inputs and the function's output (arrays as numpy) and returns ``None`` when it passes, or one
  sentence saying what is wrong. ``hidden_tests.py`` may ``import public_tests`` to reuse its
  checkers. Checkers run in the grader's process, never in the learner's code's process.

Example (in a notebook):
    >>> from pruneedu.grading.exercises import check
    >>> report = check("magnitude-mask", magnitude_mask)   # doctest: +SKIP
    PASS  half-of-four ...
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from pruneedu import paths, wire

ARRAY_TYPES = ("torch", "numpy")


@dataclass(frozen=True)
class TestCase:
    """One test of an exercise: call the function with ``args``, then ``check(args, output)``."""

    __test__ = False  # not a pytest test class, despite its name

    name: str
    args: tuple
    check: Callable[[tuple, Any], str | None]


@dataclass(frozen=True)
class TestResult:
    """The outcome of one test: ``reason`` says why it failed (empty when it passed)."""

    __test__ = False

    name: str
    passed: bool
    reason: str = ""


@dataclass(frozen=True)
class Exercise:
    """An exercise definition read from ``exercise.yaml``; files live in ``folder``."""

    id: str
    title: str
    function: str
    points: float
    time_limit_s: float
    memory_limit_mb: int
    array_type: str
    folder: Path

    @property
    def stub_path(self) -> Path:
        return self.folder / "stub.py"

    @property
    def solution_path(self) -> Path:
        return self.folder / "solution.py"

    @property
    def public_tests_path(self) -> Path:
        return self.folder / "public_tests.py"

    @property
    def hidden_tests_path(self) -> Path:
        return self.folder / "hidden_tests.py"

    def public_cases(self) -> list[TestCase]:
        """The tests learners see and run themselves."""
        return _load_module(self.public_tests_path, f"_pruneedu_public_{self.id}").CASES

    def hidden_cases(self) -> list[TestCase]:
        """The instructor's extra tests; load them only in the grader's own process."""
        public = _load_module(self.public_tests_path, f"_pruneedu_public_{self.id}")
        saved = sys.modules.get("public_tests")
        sys.modules["public_tests"] = public  # lets hidden_tests.py reuse the public checkers
        try:
            return _load_module(self.hidden_tests_path, f"_pruneedu_hidden_{self.id}").CASES
        finally:
            if saved is None:
                sys.modules.pop("public_tests", None)
            else:
                sys.modules["public_tests"] = saved


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


def exercises_dir() -> Path:
    """The course's exercise folder (``<course root>/exercises``)."""
    return paths.course_root() / "exercises"


def load_exercise(exercise: str | Path, root: Path | None = None) -> Exercise:
    """Read one exercise by id (looked up in ``root``) or by folder path.

    Example:
        >>> load_exercise("magnitude-mask").function   # doctest: +SKIP
        'magnitude_mask'
    """
    folder = Path(exercise)
    if not (folder / "exercise.yaml").is_file():
        folder = Path(root or exercises_dir()) / str(exercise)
    spec_path = folder / "exercise.yaml"
    if not spec_path.is_file():
        raise ValueError(f"no exercise '{exercise}' was found: expected the file {spec_path}.")
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8")) or {}
    missing = [key for key in ("id", "title", "function", "points") if key not in spec]
    if missing:
        raise ValueError(f"{spec_path} lacks {', '.join(missing)}; add them to the file.")
    if spec["id"] != folder.name:
        raise ValueError(f"{spec_path} has id '{spec['id']}' but lives in '{folder.name}'; "
                         "make the id equal the folder name.")
    array_type = spec.get("array_type", "numpy")
    if array_type not in ARRAY_TYPES:
        raise ValueError(f"{spec_path}: array_type must be one of {ARRAY_TYPES}, "
                         f"not {array_type!r}.")
    return Exercise(
        id=spec["id"], title=str(spec["title"]), function=str(spec["function"]),
        points=float(spec["points"]), time_limit_s=float(spec.get("time_limit_s", 10)),
        memory_limit_mb=int(spec.get("memory_limit_mb", 1024)), array_type=array_type,
        folder=folder.resolve(),
    )


def load_exercises(root: Path | None = None) -> dict[str, Exercise]:
    """Every exercise under ``root`` (default: the course's), keyed and sorted by id."""
    root = Path(root or exercises_dir())
    if not root.is_dir():
        return {}
    found = [load_exercise(spec.parent) for spec in sorted(root.glob("*/exercise.yaml"))]
    return {exercise.id: exercise for exercise in found}


def to_array_type(value: Any, array_type: str) -> Any:
    """Hand numpy inputs to the function as the arrays it expects (torch tensors or numpy)."""
    if array_type == "torch" and type(value).__module__ == "numpy" and hasattr(value, "shape"):
        import torch  # only in a learner's or the sandbox's process, never in the grader

        return torch.from_numpy(value.copy())
    if isinstance(value, (list, tuple)):
        return type(value)(to_array_type(item, array_type) for item in value)
    return copy.deepcopy(value)


def run_case(case: TestCase, output: Any) -> TestResult:
    """Judge one output (already decoded to numpy) with the case's checker."""
    try:
        problem = case.check(case.args, output)
    except Exception as error:  # a checker that trips over odd output is that output's fault
        problem = f"the result could not be checked ({type(error).__name__}: {error})"
    return TestResult(case.name, problem is None, problem or "")


def check(exercise_id: str, func: Callable, root: Path | None = None) -> CheckReport:
    """Run the PUBLIC tests of an exercise on your function and print a line per test.

    Never raises because of your function: an unfinished stub or an error becomes a printed
    hint, so a notebook keeps running.

    Example:
        >>> check("magnitude-mask", magnitude_mask)   # doctest: +SKIP
    """
    exercise = load_exercise(exercise_id, root)
    report = CheckReport(exercise.id)
    for case in exercise.public_cases():
        try:
            output = wire.decode(wire.encode(func(*to_array_type(case.args, exercise.array_type))))
        except NotImplementedError:
            report.results.append(TestResult(case.name, False, "not written yet"))
            continue
        except Exception as error:
            report.results.append(TestResult(case.name, False, f"{type(error).__name__}: {error}"))
            continue
        report.results.append(run_case(case, output))
    _print_report(report, exercise)
    return report


def _print_report(report: CheckReport, exercise: Exercise) -> None:
    for result in report.results:
        print(f"PASS  {result.name}" if result.passed else f"FAIL  {result.name}: {result.reason}")
    if report.results and all(r.reason == "not written yet" for r in report.results):
        print(f"`{exercise.function}` still raises NotImplementedError: replace that line with "
              "your code, run its cell again, then run this check again.")
    elif report.passed == report.total:
        print(f"All {report.total} public tests pass. The instructor's grader adds hidden tests.")
    else:
        print(f"{report.passed} of {report.total} public tests pass: read the first failure, "
              "fix your function and run both cells again.")


def _load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ValueError(f"cannot load {path}: the exercise folder is incomplete.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
