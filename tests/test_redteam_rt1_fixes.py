"""The fixes for red team round rt1, attacked once more (tests/test_redteam_rt1.py holds the
original attacks): the request channel, hidden inputs in exit texts, memory outside the
address space, what an exercise returns, the sandbox's uid and pid 1, and stale scratch.

Every test here failed on the code before the fixes, or guards a detail the fix relies on
(named in its comment).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from redteam_support import COURSE, DISARM, attack, mode, require_bwrap, survivors_named
from test_redteam_rt1 import PID1_EXEC, RUNNER_CLEARS_ITS_DEATH_SIGNAL

from pruneedu import wire
from pruneedu.exercises import TestCase, check, load_exercise, run_case
from pruneedu.grading import bwrap, codegrade, feedback, learner_texts, sandbox, seccomp
from pruneedu.grading.safe_text import md
from pruneedu.yamlfile import CourseFileError

__all__ = ["mode"]


# --- the request channel ------------------------------------------------------------------

def test_the_channel_is_a_socket_that_proc_cannot_reopen(mode):
    code = DISARM + textwrap.dedent("""
        def f(x):
            kinds, reopened = [], []
            for fd in range(64):
                try:
                    kind = os.readlink(f"/proc/self/fd/{fd}").split(":")[0]
                except OSError:
                    continue
                kinds.append(kind)
                if kind in ("pipe", "socket"):
                    try:
                        os.close(os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK))
                        reopened.append(fd)
                    except OSError:
                        pass
            return [sorted(set(kinds)), reopened]
    """)
    run = attack(code, mode)
    assert run.outcomes[0].ok, run.error
    kinds, reopened = run.outcomes[0].value
    assert "socket" in kinds and "pipe" not in kinds, kinds
    assert reopened == []


# The runner stops reading (it answers call 1 itself from inside the learner's function, then
# sleeps) and the next request is far larger than a socket's buffer: a blocking write would
# wait for ever; the grader must give up at the call's deadline.
STOP_READING = DISARM + '''
import fcntl, socket, threading

REPLY = b'{"n": 2, "ok": true, "value": 1}\\n'

def f(x):
    for fd in range(3, 64):
        try:
            kind = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if kind.startswith("socket:"):
            socket.socket(fileno=os.dup(fd)).sendall(REPLY)
            break
        if kind.startswith("pipe:") and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == 1:
            os.write(fd, REPLY)  # a reply pipe, as the channel once was
            break
    threading.Event().wait()
'''


STOP_READING_GRADER = """
import sys, time
import numpy as np
sys.path.insert(0, {tests!r})
from redteam_support import attack
started = time.monotonic()
big = np.zeros(2 * 2**20)  # 16 MB of float64: about 22 MB of request
run = attack({code!r}, {mode!r}, calls=[(1,), (big,)], time_limit_s=3)
print(round(time.monotonic() - started, 1), "|", run.error)
"""


def test_a_child_that_stops_reading_cannot_block_the_graders_write(mode):
    grader = subprocess.Popen(
        [sys.executable, "-c", STOP_READING_GRADER.format(
            tests=str(Path(__file__).parent), code=STOP_READING, mode=mode)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, cwd=COURSE)
    try:
        output, _ = grader.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(grader.pid, signal.SIGKILL)
        grader.wait()
        pytest.fail("the grader was still blocked writing a request 60 s into a 3 s limit")
    text = output.decode(errors="replace")
    assert grader.returncode == 0, text
    assert "timed out while running" in text, text


# --- hidden inputs in failure texts ------------------------------------------------------

def test_a_crash_after_hidden_inputs_is_told_to_the_learner_as_a_fixed_text(mode):
    # A fault, not kill(): a PID namespace's pid 1 (the runner, where the grader is not root)
    # ignores signals it sends itself.
    code = DISARM + ("import ctypes\ndef f(x):\n    if x > 100:\n"
                     "        ctypes.string_at(0)\n    return x\n")
    run = attack(code, mode, calls=[(1,), (142,)], hidden_from=1)
    assert "SIGSEGV" in run.error, run.error  # the grader's own record keeps it ...
    assert run.learner_error == learner_texts.ENDED  # ... but the learner is never shown it
    assert run.outcomes[1].learner_text == learner_texts.ENDED


def _exercise_feedback(result: codegrade.ExerciseResult) -> str:
    """The feedback section a learner gets for ``result`` (the fixture class's exercise)."""
    from pruneedu.grading.classgrade import ClassGrades, LearnerGrades
    from pruneedu.grading.material import load_material

    fixture = Path(__file__).parent / "fixtures" / "class"
    material = load_material(fixture / "quizzes", fixture / "exercises")
    record = LearnerGrades("ada", exercises={"zero-fraction": result},
                           scores={"zero-fraction": result.score})
    grades = ClassGrades(material, {"ada": record}, [])
    return "\n".join(feedback.item_feedback(grades, "ada", "zero-fraction"))


def test_feedback_prints_the_fixed_text_never_the_error():
    result = codegrade.ExerciseResult("zero-fraction", 0.0, 2.0,
                                      error="the process exited with status 45",
                                      learner_error=learner_texts.ENDED)
    lines = _exercise_feedback(result)
    assert "45" not in lines and md(learner_texts.ENDED) in lines
    loaded = codegrade.ExerciseResult("zero-fraction", 0.0, 2.0,
                                      error="the code could not be loaded: ValueError: 45",
                                      learner_error=learner_texts.LOAD_FAILED)
    lines = _exercise_feedback(loaded)
    assert "45" not in lines and md(learner_texts.LOAD_FAILED) in lines


# --- memory the address-space limit does not count, and other refused calls -------------

SYSCALLS = {
    "memfd_create": "libc.memfd_create(b'x', 0)",
    "shmget": "libc.shmget(0, 4096, 0o1600)",
    "msgget": "libc.msgget(0, 0o1600)",  # 32,000 queues of 16 KB each per IPC namespace
    "semget": "libc.semget(0, 1, 0o1600)",
    "mq_open": "libc.syscall(240, b'q', 0o100 | 2, 0o600, None)",  # x86-64 mq_open
    "socketpair": "libc.socketpair(1, 1, 0, (ctypes.c_int * 2)())",  # buffers outside RLIMIT_AS
    "F_SETPIPE_SZ": "libc.fcntl(os.pipe()[0], 1031, 1 << 20)",
    "pidfd_open": "libc.syscall(434, os.getpid(), 0)",
    "process_madvise": "libc.syscall(440, 0, 0, 0, 0, 0)",
    "PR_SET_PDEATHSIG": "libc.prctl(1, 0, 0, 0, 0)",
    "PR_SET_DUMPABLE": "libc.prctl(4, 1, 0, 0, 0)",
}


@pytest.mark.parametrize("name", list(SYSCALLS))
def test_memory_outside_the_cap_and_undoing_the_runners_state_are_refused(mode, name):
    if seccomp.available():
        pytest.skip(f"libseccomp does not load here ({seccomp.available()}): NOT run")
    if os.uname().machine != "x86_64" and "syscall(" in SYSCALLS[name]:
        pytest.skip("syscall numbers are for x86-64")
    code = DISARM + ("import ctypes\ndef f(x):\n    libc = ctypes.CDLL(None, use_errno=True)\n"
                     f"    return [{SYSCALLS[name]}, ctypes.get_errno()]\n")
    run = attack(code, mode)
    assert run.outcomes[0].ok, run.error
    status, error = run.outcomes[0].value
    assert status == -1 and error in (1, 97), (status, error)  # EPERM, EAFNOSUPPORT


def test_a_thread_started_by_the_learner_is_filtered_too(mode):
    # seccomp filters are per thread: the runner loads its own before any thread exists.
    code = DISARM + textwrap.dedent("""
        import ctypes, threading
        def f(x):
            libc = ctypes.CDLL(None, use_errno=True)
            got = []
            def clear():
                got.append([libc.prctl(1, 0, 0, 0, 0), ctypes.get_errno()])
            thread = threading.Thread(target=clear)
            thread.start()
            thread.join()
            return got[0]
    """)
    run = attack(code, mode)
    assert run.outcomes[0].ok, run.error
    assert run.outcomes[0].value == [-1, 1]


def test_the_runner_is_not_dumpable(mode):
    if seccomp.available():
        pytest.skip(f"libseccomp does not load here ({seccomp.available()}): NOT run")
    code = DISARM + ("import ctypes\ndef f(x):\n    return ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)"
                     "\n")  # PR_GET_DUMPABLE
    run = attack(code, mode)
    assert run.outcomes[0].ok and run.outcomes[0].value == 0, run


# --- who the sandbox is, and its pid 1 ----------------------------------------------------

def test_a_root_graders_sandboxes_each_get_a_uid_of_their_own():
    require_bwrap()
    if os.geteuid() != 0:
        pytest.skip("the grader is not root here: the sandbox's user namespace maps its uid")
    code = "import os\ndef f(x):\n    return [os.getuid(), os.getgid(), os.getgroups()]\n"
    first, second = (attack(code, "bwrap").outcomes[0].value for _ in range(2))
    assert first[0] >= bwrap.HOST_UID_BASE and first[1] == first[0] and first[2] == []
    assert second[0] != first[0]  # RLIMIT_NPROC counts per uid: no sharing between sandboxes


def test_bubblewraps_pid_1_is_out_of_the_runners_reach_when_the_grader_is_root():
    require_bwrap()
    if os.geteuid() != 0:
        pytest.skip("the grader is not root here: the runner is pid 1 itself")
    code = DISARM + textwrap.dedent("""
        def f(x):
            reached = []
            for name in ("mem", "syscall", "environ"):
                try:
                    open(f"/proc/1/{name}", "rb").close()
                    reached.append(name)
                except OSError:
                    pass
            return [os.getpid(), reached]
    """)
    run = attack(code, "bwrap")
    assert run.outcomes[0].ok, run.error
    pid, reached = run.outcomes[0].value
    assert pid != 1 and reached == []


@pytest.fixture
def user_namespace_layout(monkeypatch):
    """The layout of a grader that is not root (runner as pid 1, --as-pid-1), forced here."""
    require_bwrap()
    monkeypatch.setattr(bwrap, "host_uid", lambda: None)


def test_the_runner_is_pid_1_in_the_user_namespace_layout(user_namespace_layout):
    run = attack("import os\ndef f(x):\n    return os.getpid()\n", "bwrap")
    assert run.outcomes[0].value == 1


def test_pid_1_cannot_be_made_to_exec_in_the_user_namespace_layout(user_namespace_layout):
    if os.uname().machine != "x86_64":
        pytest.skip(f"the exploit is x86-64 machine code; this is {os.uname().machine}: NOT run")
    run = attack(PID1_EXEC, "bwrap")
    outcome = run.outcomes[0]
    assert not (outcome.ok and isinstance(outcome.value, dict)), outcome.value


def test_a_runner_clearing_its_death_signal_dies_with_grading_in_the_user_namespace_layout(
        user_namespace_layout):
    name = f"rt1f{os.getpid() % 100000}"[:15]
    attack(RUNNER_CLEARS_ITS_DEATH_SIGNAL.format(name=name), "bwrap", time_limit_s=2)
    assert survivors_named(name) == []


# --- what an exercise returns ----------------------------------------------------------

@pytest.mark.parametrize("returns, value, fits", [
    ("array", np.zeros((2, 3), dtype=np.float32), True),
    ("array", [[1, 0], [0, 1]], True),
    ("array", [[1, 0], [0]], False),  # ragged: an object array or an error in numpy
    ("array", ["x" * 10_000, ""], False),  # a <U10000 array of every entry
    ("array", [2**70], False),  # an object array
    ("array", 3, False),
    ("number", 2.5, True),
    ("number", True, False),
    ("integer", 7, True),
    ("integer", 7.0, False),
    ("list of array", (np.zeros(2), np.ones(3)), True),
    ("list of array", [np.zeros(2), "x"], False),
    ("dict of number or none", None, True),
    ("dict of number or none", {"fc1": 0.5}, True),
    ("dict of number or none", {"fc1": "0.5"}, False),
    ("module", wire.ModuleDescription("Linear", [], {}), True),
    ("data", [1, (2.0, None), {"a": np.zeros(1)}], True),
    ("data", [1, ["nested", 2]], False),
    ("string", "hello", True),
    ("any", ["x", object()], True),
])
def test_check_returns_accepts_only_the_declared_kind(returns, value, fits):
    assert (wire.check_returns(value, returns) == "") is fits


def test_a_returns_declaration_must_name_known_kinds(tmp_path):
    with pytest.raises(ValueError, match="not a kind"):
        wire.parse_returns("tensor")
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "exercise.yaml").write_text("id: odd\ntitle: Odd\nfunction: f\npoints: 1\n"
                                          "returns: list of tensors\n")
    with pytest.raises(CourseFileError, match="returns"):
        load_exercise(folder)
    (folder / "exercise.yaml").write_text("id: odd\ntitle: Odd\nfunction: f\npoints: 1\n")
    assert load_exercise(folder).returns == wire.DEFAULT_RETURNS


def test_the_checker_never_sees_an_output_of_another_kind():
    seen = []
    case = TestCase("c", (np.zeros(2),), lambda args, output: seen.append(output))
    result = run_case(case, ["x" * 100, ""], "array")
    assert not result.passed and "strings" in result.reason and seen == []
    assert run_case(case, np.zeros(2), "array").passed and len(seen) == 1


def test_the_sandbox_refuses_strings_unless_the_exercise_returns_them(mode):
    code = "def f(x):\n    return ['x' * 100, '']\n"
    default = attack(code, mode, returns=wire.DEFAULT_RETURNS)
    assert not default.outcomes[0].ok and "string" in default.outcomes[0].error
    allowed = attack(code, mode, returns="list of string")
    assert allowed.outcomes[0].value == ["x" * 100, ""]
    ragged = attack("def f(x):\n    return [[1, 2], [3]]\n", mode, returns="array")
    assert not ragged.outcomes[0].ok and "rows differ" in ragged.outcomes[0].error


def test_the_shipped_exercise_declares_an_array():
    assert load_exercise("magnitude-mask").returns == "array"


# --- the learner's check() sees what the grader sees ------------------------------------

def test_check_hands_in_networks_and_refuses_nan_like_the_grader(tmp_path, capsys):
    folder = tmp_path / "net-size"
    folder.mkdir()
    (folder / "exercise.yaml").write_text(
        "id: net-size\ntitle: Size\nfunction: size\npoints: 1\narray_type: torch\n"
        "returns: number\n")
    (folder / "public_tests.py").write_text(textwrap.dedent("""
        from pruneedu import models
        from pruneedu.exercises import TestCase
        from pruneedu.wire import ModelSpec

        def exact(args, output):
            return None if output == 7 else f"got {output}"

        STATE = {k: v.numpy() for k, v in models.lenet_300_100(seed=0).state_dict().items()}
        CASES = [TestCase("lenet", (ModelSpec("lenet_300_100", STATE),), exact)]
    """))
    torch = pytest.importorskip("torch")
    received = []

    def size(net):
        received.append(type(net))
        return 7

    assert check("net-size", size, root=tmp_path).passed == 1
    assert issubclass(received[0], torch.nn.Module)  # rebuilt from the ModelSpec
    report = check("net-size", lambda net: float("nan"), root=tmp_path)
    assert report.passed == 0 and "NaN" in report.results[0].reason
    capsys.readouterr()


# --- the element cap holds through a module's masks -------------------------------------

def test_a_module_description_never_broadcasts_a_mask():
    description = wire.ModuleDescription("Linear", [], {"w_orig": np.ones((3, 1)),
                                                        "w_mask": np.ones((1, 3))})
    with pytest.raises(wire.WireError, match="differ in shape"):
        description.tensors()


# --- stale scratch of unsafe-none ---------------------------------------------------------

def _scratch(folder: Path, marker: str | None) -> Path:
    scratch = folder / f"{sandbox.SCRATCH_PREFIX}999999999-test"
    (scratch / "work").mkdir(parents=True)
    if marker is not None:
        (scratch / sandbox.SCRATCH_MARKER).write_text(marker)
    return scratch


def test_stale_scratch_is_removed_only_with_a_dead_graders_marker(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    unmarked = _scratch(tmp_path, None)
    sandbox._remove_stale_scratch()
    assert unmarked.is_dir()  # not made by a grader of ours: someone else's name in /tmp
    unmarked.joinpath("work").rmdir()
    unmarked.rmdir()
    alive = _scratch(tmp_path, sandbox._marker_text())
    sandbox._remove_stale_scratch()
    assert alive.is_dir()  # this very process is its grader
    alive.joinpath(sandbox.SCRATCH_MARKER).write_text(f"{os.getpid()} 1")  # a reused pid
    sandbox._remove_stale_scratch()
    assert not alive.exists()


def test_removing_a_locked_scratch_never_touches_what_its_links_point_to(tmp_path):
    above = tmp_path.stat().st_mode
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    outside.chmod(0o755)
    scratch = _scratch(tmp_path, "1 1")
    locked = scratch / "work" / "locked"
    locked.mkdir()
    (locked / "inner").symlink_to(outside)
    (scratch / "work" / "link").symlink_to(outside / "keep.txt")
    locked.chmod(0)
    sandbox._remove_tree(str(scratch))
    assert not scratch.exists()
    assert (outside / "keep.txt").read_text() == "keep"
    assert oct(outside.stat().st_mode & 0o777) == oct(0o755)
    assert tmp_path.stat().st_mode == above  # nothing above the scratch folder is touched
