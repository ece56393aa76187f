"""``--jobs N``: several learners' sandboxes at once give the same files as one at a time, and
stopping the grader (Ctrl-C, a sandbox that cannot start) leaves no sandbox process or scratch
folder behind (issue 13, grading a class)."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from redteam_support import (
    COURSE,
    descendants,
    grader_process,
    interrupt_mid_grading,
    mode,
    scratch_left,
)

from pruneedu.cli import main
from pruneedu.grading import parallel
from pruneedu.grading.attribution import Attributed
from pruneedu.grading.classgrade import GradingSetup
from pruneedu.grading.material import load_material
from pruneedu.grading.sandbox import SandboxError
from pruneedu.grading.submissions import Submission

__all__ = ["mode"]

FIXTURE = Path(__file__).parent / "fixtures" / "class"
LOOP = "def zero_fraction(weights):\n    while True:\n        pass\n"


def _isolation(mode: str) -> list[str]:
    return ["--unsafe-no-isolation"] if mode == "unsafe-none" else []


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    """The fixture class (cal loops until killed at the deadline, fay asks for 8 GB), and kim,
    whose sandbox process ends itself in the middle of the tests."""
    folder = tmp_path_factory.mktemp("jobs") / "submissions"
    shutil.copytree(FIXTURE / "submissions", folder)
    (folder / "kim.zero-fraction.py").write_text(
        "import os\n\ndef zero_fraction(weights):\n    os._exit(3)\n")
    return folder


def _grade(submissions: Path, out: Path, jobs: int, mode: str, command: str = "grade"
           ) -> dict[str, bytes]:
    main([command, str(submissions), "--out", str(out), "--quizzes",
          str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises"),
          "--no-progress", "--jobs", str(jobs), *_isolation(mode)])
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_two_jobs_write_the_same_bytes_as_one(mode, submissions, tmp_path):
    one = _grade(submissions, tmp_path / "one", 1, mode)
    two = _grade(submissions, tmp_path / "two", 2, mode)
    assert "gradebook.json" in one and "gradebook.csv" in one
    assert one == two
    text = one["gradebook.json"].decode()
    # The looping and the crashing learner really were graded as such.
    assert "timed out while running" in text and "exited with status 3" in text


def test_feedback_with_two_jobs_matches_one(mode, submissions, tmp_path):
    one = _grade(submissions, tmp_path / "one", 1, mode, "feedback")
    assert one and one == _grade(submissions, tmp_path / "two", 2, mode, "feedback")


def test_jobs_must_be_a_positive_number(capsys):
    with pytest.raises(SystemExit):
        main(["grade", str(FIXTURE / "submissions"), "--out", "x", "--jobs", "0"])
    assert "1 or more" in capsys.readouterr().err


def _slow_class(root: Path, learners: int) -> tuple[Path, Path]:
    """A copy of the fixture's exercise with a 120 s limit, and learners who all loop."""
    exercises = root / "exercises"
    shutil.copytree(FIXTURE / "exercises", exercises)
    spec = exercises / "zero-fraction" / "exercise.yaml"
    spec.write_text(spec.read_text().replace("time_limit_s: 2", "time_limit_s: 120"))
    submissions = root / "submissions"
    submissions.mkdir()
    for index in range(learners):
        (submissions / f"l{index}.zero-fraction.py").write_text(LOOP)
    return exercises, submissions


GRADER = """
import sys
sys.path.insert(0, {course!r})
from pruneedu.cli import main
print("grading", flush=True)
# --shared-host: a subprocess does not see conftest's machine-to-itself; this tests Ctrl-C.
sys.exit(main(["grade", {subs!r}, "--out", {out!r}, "--quizzes", {quizzes!r},
               "--exercises", {exercises!r}, "--no-progress", "--jobs", "2", "--shared-host",
               *{extra!r}]))
"""


def test_ctrl_c_with_two_jobs_ends_every_sandbox_at_once(mode, tmp_path):
    exercises, subs = _slow_class(tmp_path, 4)
    script = GRADER.format(course=str(COURSE), subs=str(subs), out=str(tmp_path / "out"),
                           quizzes=str(FIXTURE / "quizzes"), exercises=str(exercises),
                           extra=_isolation(mode))
    with grader_process(script) as grader:
        # Two learners at once: two sandbox process trees under the grader.
        survivors, took = interrupt_mid_grading(grader, signal.SIGINT, sandboxes=2,
                                                start_within_s=90)
        # Far sooner than the 120 s the looping learners were allowed.
        assert took < 15
        assert not survivors
        assert scratch_left(grader.pid) == []
        assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_a_sandbox_that_cannot_start_stops_the_others(mode, tmp_path, monkeypatch):
    exercises, subs = _slow_class(tmp_path, 1)
    material = load_material(FIXTURE / "quizzes", exercises)
    real = parallel.grade_learner_code
    started = threading.Event()

    def grade(work, **options):
        if work[0][1] == "broken":
            started.wait(60)
            time.sleep(1)  # the other learner's sandbox is running its endless loop now
            raise SandboxError("the sandbox could not be started (test)")
        started.set()
        return real(work, **options)

    monkeypatch.setattr(parallel, "grade_learner_code", grade)

    def learner(name: str, code: str) -> list[Attributed]:
        submission = Submission(f"{name}.zero-fraction.py", "code", "zero-fraction", name,
                                datetime.now(timezone.utc), code=code)
        return [Attributed(submission, name, False)]

    setup = GradingSetup(jobs=2, isolation=mode)
    before = descendants(os.getpid())
    begun = time.monotonic()
    with pytest.raises(SandboxError):
        list(parallel.run_learners([learner("a", LOOP), learner("b", "broken")], material,
                                   setup, ()))
    assert time.monotonic() - begun < 30  # not the looping learner's 120 s
    assert descendants(os.getpid()) - before == set()
    assert scratch_left(os.getpid()) == []


def test_test_modules_load_only_in_the_calling_thread(monkeypatch, tmp_path):
    # Loading hidden tests swaps sys.modules["public_tests"]: two threads doing it at once
    # gave one exercise another's checkers (seen in the benchmark's 10-exercise class).
    from pruneedu.exercises import Exercise

    loaders = []
    for name in ("public_cases", "hidden_cases"):
        real = getattr(Exercise, name)

        def spy(self, real=real):
            loaders.append(threading.current_thread())
            return real(self)

        monkeypatch.setattr(Exercise, name, spy)
    material = load_material(FIXTURE / "quizzes", FIXTURE / "exercises")
    work = []
    for index in range(4):
        submission = Submission(f"l{index}.zero-fraction.py", "code", "zero-fraction",
                                f"l{index}", datetime.now(timezone.utc),
                                code="def zero_fraction(weights):\n    return 0.0\n")
        work.append([Attributed(submission, f"l{index}", False)])
    results = list(parallel.run_learners(work, material, GradingSetup(jobs=2,
                                                                      isolation="unsafe-none"),
                                         ()))
    assert [items[0].learner_id for items, _ in results] == ["l0", "l1", "l2", "l3"]
    assert all(r["zero-fraction"].total == 3 for _, r in results)
    assert loaders and set(loaders) == {threading.main_thread()}
