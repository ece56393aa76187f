"""Code exercise definitions: what the learner's notebook and the instructor's grader share.

No torch here (the grader imports this module and never loads torch); inputs become tensors
and networks only in the process that runs the learner's function
(:func:`pruneedu.wire.to_runtime`).

An exercise is a folder ``exercises/<id>/`` holding:

- ``exercise.yaml``: ``id`` (the folder name), ``title``, ``function`` (the name the learner
  writes), ``points``, ``lesson`` (1, 2 or 3: where it is taught), ``time_limit_s``,
  ``memory_limit_mb``, ``array_type`` (``torch`` or ``numpy``: what arrays the function
  receives), ``allow_nonfinite`` (NaN/infinity accepted in results; default no) and ``kind``
  (``function``, the default, or ``capstone``: a model file judged by
  :mod:`pruneedu.exercises.capstone`, whose settings sit under ``capstone:``);
- ``stub.py``: the starting point handed to learners (the body raises NotImplementedError);
- ``solution.py``: the reference solution (never released);
- ``public_tests.py`` and ``hidden_tests.py``: each defines ``CASES``, a list of
  :class:`TestCase`. Inputs are numpy arrays, plain values and :class:`pruneedu.wire.ModelSpec`
  networks; a case's ``check`` receives the inputs and the function's output (arrays as numpy,
  networks as :class:`pruneedu.wire.ModuleDescription`) and returns ``None`` when it passes,
  else a :class:`Mismatch` (what was expected, what came back) or one sentence. ``hint`` says
  what to look at. ``hidden_tests.py`` may ``import public_tests`` to reuse its checkers.
  Checkers run in the grader's process, never in the learner's code's process;
- ``wrong_variants.py``: the mistakes learners really make, as functions (never released;
  ``tests/test_exercise_catalogue.py`` holds every exercise's tests to them).

Example:
    >>> exercise = load_exercise("magnitude-mask")
    >>> exercise.function, exercise.array_type, exercise.arguments
    ('magnitude_mask', 'torch', ('weights', 'amount'))
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from pruneedu import paths
from pruneedu.yamlfile import CourseFileError, read_yaml

ARRAY_TYPES = ("torch", "numpy")
KINDS = ("function", "capstone")
LESSONS = (1, 2, 3)


@dataclass(frozen=True)
class Mismatch:
    """What a checker found: the value it expected and the one that came back, in words."""

    expected: str
    got: str

    def __str__(self) -> str:
        return f"expected {self.expected}; got {self.got}"


@dataclass(frozen=True)
class TestCase:
    """One test of an exercise: call the function with ``args``, then ``check(args, output)``."""

    __test__ = False  # not a pytest test class, despite its name

    name: str
    args: tuple
    check: Callable[[tuple, Any], Mismatch | str | None]
    hint: str = ""


@dataclass(frozen=True)
class TestResult:
    """The outcome of one test: ``reason`` says why it failed (empty when it passed);
    ``expected`` and ``got`` split it when the checker could; ``hint`` is the case's hint."""

    __test__ = False

    name: str
    passed: bool
    reason: str = ""
    expected: str = ""
    got: str = ""
    hint: str = ""


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
    lesson: int | None = None
    kind: str = "function"
    allow_nonfinite: bool = False
    settings: dict = field(default_factory=dict, compare=False, hash=False)

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

    @property
    def wrong_variants_path(self) -> Path:
        return self.folder / "wrong_variants.py"

    @cached_property
    def arguments(self) -> tuple[str, ...]:
        """The parameter names of the stub's function, used to show a test's input."""
        try:
            tree = ast.parse(self.stub_path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            return ()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and node.name == self.function:
                return tuple(arg.arg for arg in node.args.posonlyargs + node.args.args)
        return ()

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


def exercises_dir() -> Path:
    """The course's exercise folder (``<course root>/exercises``)."""
    return paths.course_root() / "exercises"


def load_exercise(exercise: str | Path, root: Path | None = None) -> Exercise:
    """Read one exercise by id (looked up in ``root``) or by folder path.

    Raises :class:`~pruneedu.yamlfile.CourseFileError` (a ValueError) naming the file when the
    exercise is missing or its ``exercise.yaml`` breaks the format above.

    Example:
        >>> load_exercise("magnitude-mask").points
        5.0
    """
    folder = Path(exercise)
    if not (folder / "exercise.yaml").is_file():
        folder = Path(root or exercises_dir()) / str(exercise)
    spec_path = folder / "exercise.yaml"
    if not spec_path.is_file():
        raise CourseFileError(f"no exercise '{exercise}' was found: expected the file "
                              f"{spec_path}.")
    spec = read_yaml(spec_path)
    if not isinstance(spec, dict):
        raise CourseFileError(f"{spec_path} must be a YAML mapping with id, title, function "
                              "and points.")
    missing = [key for key in ("id", "title", "function", "points") if key not in spec]
    if missing:
        raise CourseFileError(f"{spec_path} lacks {', '.join(missing)}; add them to the file.")
    if spec["id"] != folder.name:
        raise CourseFileError(f"{spec_path} has id '{spec['id']}' but lives in '{folder.name}'; "
                              "make the id equal the folder name.")
    array_type = spec.get("array_type", "numpy")
    if array_type not in ARRAY_TYPES:
        raise CourseFileError(f"{spec_path}: array_type must be one of {ARRAY_TYPES}, "
                              f"not {array_type!r}.")
    kind = spec.get("kind", "function")
    if kind not in KINDS:
        raise CourseFileError(f"{spec_path}: kind must be one of {KINDS}, not {kind!r}.")
    lesson = spec.get("lesson")
    if lesson is not None and lesson not in LESSONS:
        raise CourseFileError(f"{spec_path}: lesson must be one of {LESSONS}, not {lesson!r}.")
    settings = spec.get("capstone", {})
    if not isinstance(settings, dict) or (kind == "capstone") != bool(settings):
        raise CourseFileError(f"{spec_path}: a capstone (and only a capstone) has a "
                              "'capstone:' mapping of settings.")
    return Exercise(
        id=spec["id"], title=str(spec["title"]), function=str(spec["function"]),
        points=float(spec["points"]), time_limit_s=float(spec.get("time_limit_s", 10)),
        memory_limit_mb=int(spec.get("memory_limit_mb", 1024)), array_type=array_type,
        folder=folder.resolve(), lesson=lesson, kind=kind,
        allow_nonfinite=bool(spec.get("allow_nonfinite", False)), settings=dict(settings),
    )


def load_exercises(root: Path | None = None) -> dict[str, Exercise]:
    """Every exercise under ``root`` (default: the course's), keyed and sorted by id."""
    root = Path(root or exercises_dir())
    if not root.is_dir():
        return {}
    found = [load_exercise(spec.parent) for spec in sorted(root.glob("*/exercise.yaml"))]
    return {exercise.id: exercise for exercise in found}


def run_case(case: TestCase, output: Any) -> TestResult:
    """Judge one output (already decoded: numpy arrays, module descriptions) with its checker."""
    try:
        problem = case.check(case.args, output)
    except Exception as error:  # a checker that trips over odd output is that output's fault
        problem = f"the result could not be checked ({type(error).__name__}: {error})"
    if problem is None:
        return TestResult(case.name, True, hint=case.hint)
    if isinstance(problem, Mismatch):
        return TestResult(case.name, False, str(problem), problem.expected, problem.got,
                          case.hint)
    return TestResult(case.name, False, str(problem), hint=case.hint)


def _load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise CourseFileError(f"cannot load {path}: the exercise folder is incomplete.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
