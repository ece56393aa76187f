"""Proof that each exercise's stub fails its hidden tests before the stub is released.

A stub that still holds (part of) the solution would hand learners points, and text search
cannot see every way to write a solution, so the stub is run: its function is called on every
hidden test's inputs exactly as a learner's ``check()`` calls a learner's function (inputs as
the exercise's array type), and the hidden checker judges the output. Any hidden test a stub
passes stops the release.

The stubs run in one child Python (``python -m pruneedu.grading.stubcheck RESULT FOLDER...``):
they are the instructor's own code, so they need no sandbox, but torch stays out of the
grader's process (and is imported once for all exercises), and a stub that never returns is
stopped after ``TIMEOUT_S`` and named.

Example (skipped here: tests/test_grading_leakcheck.py runs passing and failing stubs):
    >>> hidden_tests_passed_by_stubs([load_exercise("magnitude-mask")])  # doctest: +SKIP
    {'magnitude-mask': []}
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pruneedu
from pruneedu.exercises import Exercise, load_exercise
from pruneedu.exercises.learner import run_function

TIMEOUT_S = 120  # a torch import on a busy machine takes seconds; a stub should take none
SETUP_ERROR = 3  # the child's exit status when a stub cannot be run at all here
_passed_by_digest: dict[str, list[str]] = {}


class StubCheckError(RuntimeError):
    """A stub could not be run, so nothing proves it fails the hidden tests."""


def _digest(exercise: Exercise) -> str:
    """Everything the outcome depends on; a release run twice need not run a stub twice."""
    hasher = hashlib.sha256()
    for path in sorted(p for p in exercise.folder.rglob("*.py") if p.is_file()):
        hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    hasher.update((exercise.folder / "exercise.yaml").read_bytes())
    return hasher.hexdigest()


def hidden_tests_passed_by_stubs(exercises: Sequence[Exercise]) -> dict[str, list[str]]:
    """For each exercise, the names of the hidden tests its stub passes (empty lists are what
    a release needs). Raises StubCheckError when a stub cannot be run here."""
    digests = {exercise.id: _digest(exercise) for exercise in exercises}
    to_run = [e for e in exercises if digests[e.id] not in _passed_by_digest]
    if to_run:
        _run_child(to_run, digests)
    return {e.id: list(_passed_by_digest[digests[e.id]]) for e in exercises}


def _run_child(exercises: list[Exercise], digests: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="pruneedu-stubcheck-") as work:
        result = Path(work) / "result.json"
        # The child imports this very pruneedu, not whichever one its folder would find.
        package_parent = str(Path(pruneedu.__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [package_parent, *filter(None, [os.environ.get("PYTHONPATH")])]))
        command = [sys.executable, "-m", "pruneedu.grading.stubcheck", str(result),
                   *(str(e.folder) for e in exercises)]
        try:
            done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True,
                                  timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            done = None
        finished = json.loads(result.read_text("utf-8")) if result.is_file() else {}
        for exercise in exercises:
            if exercise.id in finished:
                _passed_by_digest[digests[exercise.id]] = finished[exercise.id]
                continue
            if done is None:
                raise StubCheckError(
                    f"the stub of {exercise.id} did not finish within {TIMEOUT_S} s; make its "
                    "function raise NotImplementedError at once.")
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise StubCheckError(
                f"cannot run the stub of {exercise.id} to prove it fails the hidden tests "
                f"({last[:200]}); run release in the course's environment, where its "
                "packages (torch) are installed.")


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
    hidden_only = [case for case in exercise.hidden_cases() if case.name not in public]
    # The same call and judgement as the learner's check(): inputs and outputs through the wire
    # codec, the declared return kind first.
    return [result.name for result in run_function(exercise, function, hidden_only)
            if result.passed]


def _main(argv: list[str]) -> int:
    result, folders = Path(argv[0]), [Path(folder) for folder in argv[1:]]
    finished: dict[str, list[str]] = {}
    for folder in folders:
        try:
            finished[load_exercise(folder).id] = _run_stub(folder)
        except ImportError as error:
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            return SETUP_ERROR
        # Written after each stub, so a stub that hangs is the first one missing.
        result.write_text(json.dumps(finished), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
