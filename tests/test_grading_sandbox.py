"""The sandbox survives hostile or broken code and keeps keys, network and files out of reach.

Every hostile case runs twice: with Linux namespaces where this machine has them, and with the
in-process audit hook alone (the fallback on machines without ``unshare``).
"""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pruneedu.grading import sandbox
from pruneedu.grading.sandbox import run_calls

SECRET_DIR = Path(__file__).parent / "fixtures" / "class" / "exercises" / "zero-fraction"
SECRET = SECRET_DIR / "hidden_tests.py"


@pytest.fixture(params=["namespaces", "audit-hook-only"])
def isolation(request, monkeypatch):
    if request.param == "namespaces":
        if not sandbox.namespaces_available():
            pytest.skip("unshare -rnm does not work on this machine")
    else:
        monkeypatch.setattr(sandbox, "namespaces_available", lambda: False)
    return request.param


def one_call(code: str, **limits) -> sandbox.SandboxRun:
    return run_calls(code, "f", [(1,)], time_limit_s=limits.get("time", 2),
                     memory_limit_mb=limits.get("memory", 512), hide=[SECRET_DIR])


def test_outputs_come_back_decoded():
    run = run_calls("def f(x, k):\n    return x * k\n", "f",
                    [(np.array([1.0, 2.0], dtype=np.float32), 3), (2, 5)])
    assert run.error == ""
    assert run.outcomes[0].value.tolist() == [3.0, 6.0]
    assert run.outcomes[0].value.dtype == np.float32
    assert run.outcomes[1].value == 10


def test_an_endless_loop_is_killed_at_the_time_limit(isolation):
    start = time.monotonic()
    run = one_call("def f(x):\n    while True:\n        pass\n", time=1)
    assert time.monotonic() - start < 10
    assert "timed out" in run.error
    assert not run.outcomes[0].ok


def test_reading_the_hidden_tests_fails(isolation):
    run = one_call(f"def f(x):\n    return open({str(SECRET)!r}).read()\n")
    assert not run.outcomes[0].ok
    assert "PermissionError" in run.outcomes[0].error or "FileNotFound" in run.outcomes[0].error
    assert "CASES" not in run.outcomes[0].error


def test_the_key_folder_is_out_of_view_with_namespaces():
    if not sandbox.namespaces_available():
        pytest.skip("unshare -rnm does not work on this machine")
    run = one_call(f"import os\ndef f(x):\n    return os.listdir({str(SECRET_DIR)!r})\n")
    assert run.outcomes[0].ok and run.outcomes[0].value == []


def test_sockets_are_refused(isolation):
    for code in ("import socket\ndef f(x):\n    socket.create_connection(('127.0.0.1', 9))\n",
                 "import _socket\ndef f(x):\n    _socket.socket()\n"):
        run = one_call(code)
        assert not run.outcomes[0].ok
        assert "PermissionError" in run.outcomes[0].error


def test_subprocesses_and_writes_outside_the_folder_are_refused(isolation, tmp_path):
    target = tmp_path / "written-by-student.txt"
    run = one_call(f"def f(x):\n    open({str(target)!r}, 'w').write('x')\n")
    assert "PermissionError" in run.outcomes[0].error
    assert not target.exists()
    run = one_call("import os\ndef f(x):\n    return os.system('true')\n")
    assert "PermissionError" in run.outcomes[0].error


def test_scratch_files_in_the_working_folder_are_allowed(isolation):
    run = one_call("def f(x):\n    open('scratch.txt', 'w').write('7')\n"
                   "    return int(open('scratch.txt').read()) + x\n")
    assert run.outcomes[0].ok and run.outcomes[0].value == 8


def test_a_memory_blow_up_is_a_failure_not_a_crash(isolation):
    run = one_call("def f(x):\n    return len(bytearray(8 * 1024 ** 3))\n", memory=512)
    assert not run.outcomes[0].ok
    assert "MemoryError" in run.outcomes[0].error


def test_exceptions_exits_and_syntax_errors_become_reasons():
    run = one_call("def f(x):\n    return 1 / 0\n")
    assert "ZeroDivisionError" in run.outcomes[0].error and "line 2" in run.outcomes[0].error
    run = one_call("import os\nos._exit(3)\n")
    assert run.error == "the process exited with status 3 while loading"
    run = one_call("def f(x)\n    return 1\n")
    assert run.error.startswith("the code could not be loaded: SyntaxError")
    run = one_call("def g(x):\n    return 1\n")
    assert "no function named f" in run.error


def test_printing_does_not_break_the_protocol():
    run = one_call("print('{\"ok\": true, \"value\": 99}')\ndef f(x):\n    print('noise')\n"
                   "    return x + 1\n")
    assert run.outcomes[0].ok and run.outcomes[0].value == 2


def test_the_child_environment_is_scrubbed(monkeypatch):
    monkeypatch.setenv("PRUNEEDU_SECRET_PATH", "/keys")
    run = one_call("import os\ndef f(x):\n    return sorted(os.environ)\n")
    assert run.outcomes[0].ok
    assert "PRUNEEDU_SECRET_PATH" not in run.outcomes[0].value
    assert "PRUNEEDU_HOME" not in run.outcomes[0].value


def test_the_memory_limit_leaves_room_for_honest_code(isolation):
    run = one_call("def f(x):\n    return len(bytearray(100 * 1024 ** 2))\n", memory=256)
    assert run.outcomes[0].ok and run.outcomes[0].value == 100 * 1024 ** 2
    run = one_call("def f(x):\n    return len(bytearray(400 * 1024 ** 2))\n", memory=256)
    assert "MemoryError" in run.outcomes[0].error


def test_a_sandbox_that_cannot_start_is_a_setup_error(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(sandbox.SandboxError, match="could not start"):
        one_call("def f(x):\n    return x\n")


# --- Found by the adversarial review: each of these once got past the sandbox. ---


def test_the_grader_and_other_processes_cannot_be_signalled(isolation):
    # Signal 0 only asks "may I?": before the fix a student could SIGKILL the grader this way.
    run = one_call("import os\ndef f(x):\n    os.kill(os.getppid(), 0)\n    return 'sent'\n")
    assert not run.outcomes[0].ok and "PermissionError" in run.outcomes[0].error
    run = one_call("import os\ndef f(x):\n    os.killpg(os.getpgid(os.getppid()), 0)\n")
    assert not run.outcomes[0].ok and "PermissionError" in run.outcomes[0].error


def test_the_graders_memory_environment_and_command_line_are_out_of_reach(isolation,
                                                                          monkeypatch):
    # /proc/<grader>/mem holds the loaded keys and checkers; environ may hold tokens.
    monkeypatch.setenv("PRUNEEDU_REVIEW_TOKEN", "do-not-leak")
    for what in ("environ", "cmdline", "maps"):
        run = one_call(f"import os\ndef f(x):\n    return open('/proc/%d/{what}' % os.getppid(),"
                       " 'rb').read().decode('latin-1')\n")
        assert not run.outcomes[0].ok, what
        assert "PermissionError" in run.outcomes[0].error
    # The process's own /proc entries stay readable (numpy and torch look at them).
    run = one_call("def f(x):\n    return len(open('/proc/self/status').read()) > 0\n")
    assert run.outcomes[0].ok and run.outcomes[0].value is True


def test_a_folder_handle_cannot_carry_writes_outside_the_working_folder(isolation, tmp_path,
                                                                        monkeypatch):
    # A readable folder (here tmp_path, added to the read roots) opened as a dir_fd once let
    # os.open("x", ..., dir_fd=fd) write there: the audit hook sees only the relative name.
    real_roots = sandbox._read_roots
    monkeypatch.setattr(sandbox, "_read_roots", lambda: [*real_roots(), str(tmp_path)])
    run = one_call(f"import os\ndef f(x):\n    d = os.open({str(tmp_path)!r}, os.O_RDONLY)\n"
                   "    os.close(os.open('planted.pth', os.O_WRONLY | os.O_CREAT, dir_fd=d))\n"
                   "    return 'planted'\n")
    assert not run.outcomes[0].ok and "PermissionError" in run.outcomes[0].error
    assert not (tmp_path / "planted.pth").exists()
    # Reading a file in a read root still works.
    (tmp_path / "data.txt").write_text("7")
    run = one_call(f"def f(x):\n    return int(open({str(tmp_path / 'data.txt')!r}).read())\n")
    assert run.outcomes[0].ok and run.outcomes[0].value == 7


@pytest.mark.parametrize("reply", [
    b'{"ok": true, "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"ok": true, "value": {"__ndarray__": [1], "dtype": "(4000,4000,4000)u1", "shape": [1]}}',
    b'{"ok": true, "value": {"__ndarray__": ["a"], "dtype": "U900000000", "shape": [1]}}',
    b'{"ok": true, "value": {"__ndarray__": [1], "dtype": "O", "shape": [1]}}',
])
def test_a_forged_reply_is_the_submissions_failure_not_the_graders(reply):
    # The student's code can write to the protocol pipe directly; whatever it writes there,
    # the grader must not crash, recurse or allocate gigabytes.
    forge = (b'{"loaded": true}\n' + reply + b"\n").hex()
    code = ("import os\nfor fd in range(3, 10):\n    try:\n"
            f"        os.write(fd, bytes.fromhex({forge!r}))\n    except OSError:\n"
            "        pass\nimport time\ntime.sleep(0.5)\ndef f(x):\n    return 1\n")
    run = one_call(code)
    assert not run.outcomes[0].ok
    assert "cannot read" in run.outcomes[0].error


def test_a_file_that_fills_the_disk_is_stopped(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_FILE_MB", 1)
    run = one_call("def f(x):\n    with open('big.bin', 'wb') as out:\n"
                   "        out.write(bytes(2 * 1024 ** 2))\n    return 1\n")
    assert not run.outcomes[0].ok
    assert run.outcomes[0].error  # a reason, whatever the signal or exception


FORK_EXEC = ("    r, w = os.pipe()\n    er, ew = os.pipe()\n"
             "    fork_exec({args!r}, [b'/bin/sh'], True, (w, ew), None, None, -1, -1, -1, w,"
             " -1, -1, er, ew, True, False, -1, None, None, None, -1, None, False)\n"
             "    os.close(w)\n    return os.read(r, 100).decode()\n")


@pytest.mark.parametrize("reach", [
    "import _posixsubprocess\nfork_exec = _posixsubprocess.fork_exec\n",
    "import subprocess\nfork_exec = subprocess._fork_exec\n",
    "import sys\nsys.modules.pop('_posixsubprocess', None)\nimport _posixsubprocess\n"
    "fork_exec = _posixsubprocess.fork_exec\n",
    "import importlib, _posixsubprocess\nimportlib.reload(_posixsubprocess)\n"
    "fork_exec = _posixsubprocess.fork_exec\n",
])
def test_the_unaudited_fork_exec_cannot_start_a_process(isolation, reach):
    # _posixsubprocess.fork_exec raises no audit event in Python 3.11: it once ran
    # `cat` on the hidden tests, past both the hook and (unhidden folders) the namespaces.
    code = ("import os\n" + reach + "def f(x):\n"
            + FORK_EXEC.format(args=[b"/bin/sh", b"-c", b"echo escaped"]))
    run = one_call(code)
    assert run.outcomes[0].value != "escaped\n"
    assert not run.outcomes[0].ok
    assert "PermissionError" in run.outcomes[0].error or "PermissionError" in run.error


def test_protected_folders_are_read_only_even_past_the_audit_hook(tmp_path, monkeypatch):
    # Simulates code that got past the hook: the command runs `touch` instead of Python.
    if not sandbox.namespaces_available():
        pytest.skip("unshare -rnm does not work on this machine")
    protected, workdir = tmp_path / "course", tmp_path / "work"
    protected.mkdir()
    workdir.mkdir()
    monkeypatch.setattr(sandbox, "_protected_folders", lambda: [str(protected)])
    command, _ = sandbox._command([], workdir)
    python_at = command.index(sys.executable)
    for target, allowed in ((protected / "planted.pth", False), (workdir / "scratch", True)):
        shell = [*command[:python_at], "touch", str(target)]
        assert (subprocess.run(shell, capture_output=True).returncode == 0) is allowed
        assert target.exists() is allowed
