"""Code exercise definitions: what the learner's notebook and the instructor's grader share.

No torch here (the grader imports this module and never loads torch); arrays become torch
tensors only in :func:`to_array_type`, in the learner's or the sandbox's process.

An exercise is a folder ``exercises/<id>/`` holding:

- ``exercise.yaml``: ``id`` (the folder name), ``title``, ``function`` (the name the learner
  writes), ``points``, ``time_limit_s``, ``memory_limit_mb``, ``array_type`` (``torch`` or
  ``numpy``: what arrays the function receives) and ``returns`` (what it must return, such as
  ``array`` or ``list of array``: :func:`pruneedu.wire.parse_returns`; default ``data``, any
  value but strings); an output of another kind fails its test before the checker runs;
- ``stub.py``: the starting point handed to learners (the body raises NotImplementedError);
- ``solution.py``: the reference solution (never released);
- ``public_tests.py`` and ``hidden_tests.py``: each defines ``CASES``, a list of
  :class:`TestCase`. Inputs are numpy arrays and plain values; a case's ``check`` receives the
  inputs and the function's output (arrays as numpy) and returns ``None`` when it passes, or one
  sentence saying what is wrong. ``hidden_tests.py`` may ``import public_tests`` to reuse its
  checkers. Checkers run in the grader's process, never in the learner's code's process.

Example:
    >>> exercise = load_exercise("magnitude-mask")
    >>> exercise.function, exercise.array_type, len(exercise.public_cases()) > 0
    ('magnitude_mask', 'torch', True)
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pruneedu import paths, wire
from pruneedu.yamlfile import CourseFileError, read_yaml

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
    returns: str = wire.DEFAULT_RETURNS

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
    returns = str(spec.get("returns", wire.DEFAULT_RETURNS))
    try:
        wire.parse_returns(returns)
    except ValueError as error:
        raise CourseFileError(f"{spec_path}: {error}") from None
    return Exercise(
        id=spec["id"], title=str(spec["title"]), function=str(spec["function"]),
        points=float(spec["points"]), time_limit_s=float(spec.get("time_limit_s", 10)),
        memory_limit_mb=int(spec.get("memory_limit_mb", 1024)), array_type=array_type,
        folder=folder.resolve(), returns=returns,
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


def run_case(case: TestCase, output: Any, returns: str = wire.DEFAULT_RETURNS) -> TestResult:
    """Judge one output (already decoded to numpy) with the case's checker, once it is of the
    kind the exercise ``returns`` (a checker never sees a list of strings where it expects an
    array: ``np.asarray`` would make gigabytes of it)."""
    problem = wire.check_returns(output, returns)
    if problem:
        return TestResult(case.name, False, problem)
    try:
        problem = case.check(case.args, output)
    except Exception as error:  # a checker that trips over odd output is that output's fault
        problem = f"the result could not be checked ({type(error).__name__}: {error})"
    return TestResult(case.name, problem is None, problem or "")


def _load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise CourseFileError(f"cannot load {path}: the exercise folder is incomplete.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
