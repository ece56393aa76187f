"""Code is not graded where other login users' processes run (pruneedu.grading.shared_host).

Red-team round 5: a learner's own process on the grading machine read every hidden input back
from the page cache while the learner's code, in its sandbox, scored full marks. The fake /proc
trees test the rule; the last tests start a real process of another uid (as root only).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pruneedu.cli import main
from pruneedu.grading import shared_host

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
pytestmark = pytest.mark.real_host  # conftest.py: other tests see no other user's process
LEARNER_UID = 4242  # a login user's uid with no account: a hub learner's, as far as /proc says


def _fake_proc(root: Path, uids: list[int]) -> Path:
    for pid, uid in enumerate(uids, start=100):
        (root / str(pid)).mkdir(parents=True)
        (root / str(pid) / "status").write_text(
            f"Name:\tpython\nState:\tS\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n")
    (root / "self").mkdir()  # not a pid: skipped
    return root


def test_processes_of_other_login_users_are_found(tmp_path):
    proc = _fake_proc(tmp_path, [0, 105, shared_host.NOBODY, os.getuid(), 1500, 1500, 2001])
    found = shared_host.other_users(proc, uid_min=1000)
    expected = {1500: 2, 2001: 1}
    expected.pop(os.getuid(), None)  # the grader's own processes never count
    assert found == expected
    message = shared_host.refusal(proc, uid_min=1000)
    assert "3 process(es) of 2 other user(s)" in message and "--shared-host" in message


def test_system_accounts_sandboxes_the_grader_and_sudo_do_not_count(tmp_path, monkeypatch):
    monkeypatch.setenv("SUDO_UID", "1500")
    from pruneedu.grading.bwrap import HOST_UID_BASE

    proc = _fake_proc(tmp_path, [0, 100, 999, shared_host.NOBODY, 1500, HOST_UID_BASE + 7])
    assert shared_host.other_users(proc, uid_min=1000) == {}
    assert shared_host.refusal(proc, uid_min=1000) == ""


def test_uid_min_comes_from_login_defs(tmp_path):
    defs = tmp_path / "login.defs"
    defs.write_text("# comment\nUID_MIN\t\t\t 500\nUID_MAX 60000\n")
    assert shared_host._uid_min(defs) == 500
    assert shared_host._uid_min(tmp_path / "missing") == shared_host.DEFAULT_UID_MIN


@pytest.fixture
def learner_process():
    """A process of another login user, alive while the test grades (root can start one)."""
    if os.geteuid() != 0:
        pytest.skip("starting a process as another user needs root: shared-host refusal NOT "
                    "tested end to end here (the fake /proc tests above still run)")
    process = subprocess.Popen([shutil.which("sleep") or "/bin/sleep", "60"],
                               user=LEARNER_UID, group=LEARNER_UID, cwd="/")
    deadline = time.monotonic() + 10
    while LEARNER_UID not in shared_host.other_users() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield process
    process.kill()
    process.wait()


def _submissions(tmp_path: Path, code: bool) -> Path:
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "ada.demo-quiz.responses.json").write_text(
        (FIXTURE / "submissions" / "ada.demo-quiz.responses.json").read_text())
    if code:
        (folder / "ada.zero-fraction.py").write_text(
            (FIXTURE / "submissions" / "ada.zero-fraction.py").read_text())
    return folder


def test_code_is_not_graded_while_another_users_process_runs(tmp_path, learner_process, capsys):
    from redteam_support import require_bwrap

    require_bwrap()
    subs = _submissions(tmp_path, code=True)
    code = main(["grade", str(subs), "--out", str(tmp_path / "grades"), *MATERIAL,
                 "--lms", "none", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "other user(s) run on this machine" in err, err
    assert not (tmp_path / "grades").exists()  # nothing written, nothing run
    code = main(["grade", str(subs), "--out", str(tmp_path / "grades"), *MATERIAL,
                 "--lms", "none", "--no-progress", "--shared-host"])
    assert code == 0, capsys.readouterr().err
    data = json.loads((tmp_path / "grades" / "gradebook.json").read_text())
    assert data["shared_host"] is True
    assert data["learners"]["ada"]["items"]["zero-fraction"]["status"] == "graded"


def test_quizzes_alone_are_graded_on_a_hub(tmp_path, learner_process, capsys):
    # No code runs for quiz responses: the hub's own collection (docs/jupyterhub.md) stays valid.
    subs = _submissions(tmp_path, code=False)
    code = main(["grade", str(subs), "--out", str(tmp_path / "grades"), *MATERIAL,
                 "--lms", "none", "--no-progress"])
    assert code == 0, capsys.readouterr().err
    data = json.loads((tmp_path / "grades" / "gradebook.json").read_text())
    assert data["shared_host"] is False
