"""Proof that each exercise's stub fails its hidden tests before the stub is released.

A stub that still holds (part of) the solution would hand learners points, and text search
cannot see every way to write a solution, so the stub is run: its function is called on every
hidden test's inputs exactly as a learner's ``check()`` calls a learner's function (inputs as
the exercise's array type), and the hidden checker judges the output. Any hidden test the stub
passes stops the release.

The run happens in a child Python (``python -m pruneedu.grading.stubcheck FOLDER RESULT``):
the stub is the instructor's own code, so it needs no sandbox, but torch stays out of the
grader's process and a stub that never returns is stopped after ``TIMEOUT_S``.

Example (skipped here: tests/test_grading_release.py runs a passing and a failing stub):
    >>> hidden_tests_passed_by_stub(load_exercise("magnitude-mask"))  # doctest: +SKIP
    []
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from pruneedu.exercises import Exercise, load_exercise, run_case, to_array_type

TIMEOUT_S = 120  # a torch import on a busy machine takes seconds; a stub should take none
SETUP_ERROR = 3  # the child's exit status when the stub cannot be run at all here
_passed_by_digest: dict[str, list[str]] = {}


class StubCheckError(RuntimeError):
    """The stub could not be run, so nothing proves it fails the hidden tests."""


def _digest(exercise: Exercise) -> str:
    """Everything the outcome depends on; a release run twice need not run a stub twice."""
    hasher = hashlib.sha256()
    for path in sorted(p for p in exercise.folder.rglob("*.py") if p.is_file()):
        hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    hasher.update((exercise.folder / "exercise.yaml").read_bytes())
    return hasher.hexdigest()


def hidden_tests_passed_by_stub(exercise: Exercise) -> list[str]:
    """Names of the hidden tests the exercise's stub passes (an empty list is what a release
    needs). Raises StubCheckError when the stub cannot be run here."""
    digest = _digest(exercise)
    if digest in _passed_by_digest:
        return list(_passed_by_digest[digest])
    with tempfile.TemporaryDirectory(prefix="pruneedu-stubcheck-") as work:
        result = Path(work) / "result.json"
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pruneedu.grading.stubcheck", str(exercise.folder),
                 str(result)], cwd=work, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise StubCheckError(
                f"the stub of {exercise.id} ran for {TIMEOUT_S} s without finishing; make the "
                "stub's function raise NotImplementedError at once.") from None
        if done.returncode != 0 or not result.is_file():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise StubCheckError(
                f"cannot run the stub of {exercise.id} to prove it fails the hidden tests "
                f"({last[:200]}); run release in the course's environment, where its "
                "packages (torch) are installed.")
        passed = json.loads(result.read_text(encoding="utf-8"))["passed"]
    _passed_by_digest[digest] = list(passed)
    return passed


def _as_checked(value: Any) -> Any:
    """The output as a hidden checker receives it from the grader: arrays as numpy."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)):
        return type(value)(_as_checked(item) for item in value)
    return value


def _run_stub(folder: Path) -> list[str]:
    """In the child: the hidden tests the stub passes. ImportError is a set-up problem (the
    exercise's packages are missing here), not a failing stub, so it propagates."""
    exercise = load_exercise(folder)
    spec = importlib.util.spec_from_file_location("_pruneedu_stub", exercise.stub_path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except ImportError:
        raise
    except Exception:
        return []  # a stub that cannot even load passes nothing
    function = getattr(module, exercise.function, None)
    if not callable(function):
        return []
    public = {case.name for case in exercise.public_cases()}
    passed = []
    for case in exercise.hidden_cases():
        if case.name in public:
            continue
        try:
            output = function(*to_array_type(case.args, exercise.array_type))
        except ImportError:
            raise
        except Exception:
            continue
        if run_case(case, _as_checked(output)).passed:
            passed.append(case.name)
    return passed


def _main(argv: list[str]) -> int:
    folder, result = Path(argv[0]), Path(argv[1])
    try:
        passed = _run_stub(folder)
    except ImportError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return SETUP_ERROR
    result.write_text(json.dumps({"passed": passed}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
