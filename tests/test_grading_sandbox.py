"""The sandbox survives hostile or broken code and keeps keys, network and files out of reach.

Every hostile case runs twice: with Linux namespaces where this machine has them, and with the
in-process audit hook alone (the fallback on machines without ``unshare``).
"""

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
