"""Red team, processes and resources: nothing the learner starts survives grading or leaves
files behind, the grader cannot be signalled or traced, the network is out of reach, and
bombs (fork, threads, memory, disk, CPU) end as that submission's failure (issue 9)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
from redteam_support import (
    COURSE,
    DISARM,
    attack,
    grader_process,
    interrupt_mid_grading,
    mode,
    require_bwrap,
    scratch_left,
)
from redteam_support import unsafe_none_cannot_stop as cannot_stop

from pruneedu.grading import bwrap, seccomp

__all__ = ["mode"]

DAEMON = DISARM + """
import os, time
def f(target):
    try:
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(2)
                with open(target, "w") as out:
                    out.write("mallory,mallory,99\\n")
                os._exit(0)
            os._exit(0)
    except OSError as error:
        return "fork refused: " + str(error)
    time.sleep(1)  # let the daemon leave the process group before the grader kills it
    return "daemon started"
"""


def test_a_daemon_started_by_the_submission_does_not_outlive_grading(mode, tmp_path):
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("ada,ada,10\n")
    run = attack(DAEMON, mode, calls=[(str(gradebook),)])
    assert run.outcomes[0].ok, run.error
    time.sleep(3)  # the daemon would have written by now
    assert gradebook.read_text() == "ada,ada,10\n"


def test_a_daemon_dies_with_the_sandbox_even_if_fork_were_allowed(monkeypatch, tmp_path):
    # The PID namespace alone, with the seccomp filter that forbids fork taken away.
    require_bwrap()
    monkeypatch.setattr(seccomp, "base_filter", lambda: seccomp._compile([]))
    monkeypatch.setattr(seccomp, "exec_filter", lambda: seccomp._compile([]))
    marker = "/tmp/daemon-alive"  # the sandbox's own /tmp: gone with it, so write outside
    code = DAEMON.replace("time.sleep(2)", "time.sleep(2)\n                open('" + marker
                          + "', 'w').close()")
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("ada,ada,10\n")
    run = attack(code, "bwrap", calls=[(str(gradebook),)])
    assert run.outcomes[0].value == "daemon started", run.error  # fork did work here
    time.sleep(3)
    assert gradebook.read_text() == "ada,ada,10\n"


@pytest.mark.parametrize("spawn", [
    "os.fork()", "os.posix_spawn('/bin/true', ['true'], {})", "os.execv('/bin/true', ['true'])",
    "__import__('pty').fork()",
    "ctypes.CDLL(None, use_errno=True).syscall(57) or ctypes.get_errno() and -1",  # raw fork
])
def test_new_processes_and_exec_are_refused_past_the_hook(mode, spawn):
    run = attack(DISARM + f"import os, ctypes\ndef f(x):\n    return {spawn}\n", mode)
    assert not run.outcomes[0].ok or run.outcomes[0].value == -1, run.outcomes[0]
    assert run.error == ""  # the sandbox itself carried on


def test_a_fork_bomb_ends_as_a_failure(mode):
    code = DISARM + "import os\ndef f(x):\n    while True:\n        os.fork()\n"
    start = time.monotonic()
    run = attack(code, mode, time_limit_s=5)
    assert not run.outcomes[0].ok
    assert "PermissionError" in run.outcomes[0].error
    assert time.monotonic() - start < 30


def test_a_thread_bomb_ends_as_a_failure(mode):
    code = ("import threading, time\ndef f(x):\n    while True:\n"
            "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n")
    run = attack(code, mode, time_limit_s=10)
    assert not run.outcomes[0].ok
    assert "RuntimeError" in run.outcomes[0].error or "MemoryError" in run.outcomes[0].error


@pytest.mark.parametrize("bomb", [
    "len(bytearray(8 * 1024 ** 3))",
    "__import__('numpy').ones(2 ** 31).sum()",
    "[list(range(10 ** 6)) for _ in range(10 ** 4)]",
])
def test_a_memory_bomb_ends_as_a_failure(mode, bomb):
    run = attack(f"def f(x):\n    return {bomb}\n", mode, memory_limit_mb=256)
    assert not run.outcomes[0].ok
    assert "MemoryError" in run.outcomes[0].error or "killed" in run.outcomes[0].error


def test_a_file_that_fills_the_disk_is_stopped(mode):
    code = ("def f(x):\n    with open('big.bin', 'wb') as out:\n"
            "        for _ in range(200):\n            out.write(bytes(2 ** 20))\n    return 1\n")
    run = attack(code, mode)
    assert not run.outcomes[0].ok
    assert run.outcomes[0].error


def test_an_endless_loop_is_killed_at_the_deadline(mode):
    start = time.monotonic()
    run = attack("def f(x):\n    while True:\n        pass\n", mode, time_limit_s=1)
    assert "timed out" in run.error and time.monotonic() - start < 10


def test_the_grader_cannot_be_signalled(mode, request):
    cannot_stop(mode, "the code runs as the grader's user and can signal it", request)
    # Signal 0 asks "could I?" without harming the test run; SIGKILL would need the same right.
    # The runner is the sandbox's pid 1: its parent is outside, so getppid() is 0 (and kill(0)
    # would mean its own process group).
    code = DISARM + ("import ctypes, os\ndef f(grader):\n    libc = ctypes.CDLL(None)\n"
                     "    return [p for p in (grader, os.getppid()) if p not in (0, 1) and "
                     "libc.kill(p, 0) == 0]\n")
    run = attack(code, mode, calls=[(os.getpid(),)])
    assert run.outcomes[0].ok and run.outcomes[0].value == []


def test_kill_everything_reaches_only_the_sandbox(tmp_path):
    require_bwrap()  # under unsafe-none this would kill every process of the user
    # ctypes, not os.kill: the audit hook would refuse os.kill before the kernel had a say.
    code = DISARM + ("import ctypes\ndef f(x):\n    libc = ctypes.CDLL(None, use_errno=True)\n"
                     "    return [libc.kill(-1, 9), ctypes.get_errno()]\n")
    run = attack(code, "bwrap")
    assert run.outcomes[0].ok, run.error  # the sandbox's own process was spared: no others
    assert os.getppid() > 1  # this test process and its parent are alive


@pytest.mark.parametrize("call", [
    "libc.ptrace(16, grader, 0, 0)",  # PTRACE_ATTACH
    "libc.process_vm_readv(grader, 0, 0, 0, 0, 0)",
    "libc.syscall(321, 5, 0, 0)",  # bpf(BPF_PROG_LOAD)
    "libc.syscall(298, 0, 0, -1, -1, 0)",  # perf_event_open
    "libc.syscall(323, 0)",  # userfaultfd
    "libc.syscall(425, 8, 0)",  # io_uring_setup
    "libc.syscall(250, 0, 0, 0, 0, 0)",  # keyctl
])
def test_tracing_the_grader_and_risky_syscalls_are_refused(mode, call):
    if os.uname().machine != "x86_64" and "syscall(" in call:
        pytest.skip("syscall numbers are for x86-64")
    code = DISARM + ("import ctypes\ndef f(grader):\n"
                     "    libc = ctypes.CDLL(None, use_errno=True)\n"
                     f"    return [{call}, ctypes.get_errno()]\n")
    run = attack(code, mode, calls=[(os.getpid(),)])
    assert run.outcomes[0].ok, run.error
    assert run.outcomes[0].value == [-1, 1]  # EPERM


def test_the_network_is_out_of_reach(mode):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.settimeout(1)
    code = DISARM + ("import socket\ndef f(port):\n    try:\n"
                     "        socket.create_connection(('127.0.0.1', port), timeout=2)\n"
                     "    except OSError as error:\n        return 'refused: ' + str(error)\n"
                     "    return 'connected'\n")
    try:
        run = attack(code, mode, calls=[(port,)])
        assert run.outcomes[0].value.startswith("refused")
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_unix_sockets_of_the_host_are_out_of_reach(mode, request, tmp_path):
    if seccomp.available():  # where the filter loads, unsafe-none refuses new sockets too
        cannot_stop(mode, "a Unix socket the teacher's user can open is reachable", request)
    path = str(tmp_path / "agent.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen()
    abstract = socket.socket(socket.AF_UNIX)
    name = f"\0pruneedu-redteam-{os.getpid()}"
    abstract.bind(name.encode())
    abstract.listen()
    code = DISARM + ("import socket\ndef f(path, name):\n    reached = []\n"
                     "    for address in (path, name.encode('latin-1')):\n"
                     "        try:\n            socket.socket(socket.AF_UNIX).connect(address)\n"
                     "            reached.append(address)\n        except OSError:\n"
                     "            pass\n    return len(reached)\n")
    try:
        run = attack(code, mode, calls=[(path, name)])
        assert run.outcomes[0].ok and run.outcomes[0].value == 0
    finally:
        server.close()
        abstract.close()


LITTER = """
import os, tempfile
def f(x):
    for folder in FOLDERS:
        try:
            os.makedirs(os.path.join(folder, "TOKEN-dir", "deep"), exist_ok=True)
            open(os.path.join(folder, "TOKEN"), "w").write("x")
            os.chmod(os.path.join(folder, "TOKEN-dir"), 0)
        except OSError:
            pass
    tempfile.mkstemp(prefix="TOKEN")
    return 1
"""
HOST_TMP = ("/tmp", "/dev/shm", "/var/tmp")


def _litter_found(token: str) -> list[str]:
    found = []
    for folder in (*HOST_TMP, os.path.expanduser("~")):
        if os.path.isdir(folder):
            found += [os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(token)]
    return found


def _remove(paths: list[str]) -> None:
    for path in paths:
        if os.path.isdir(path):
            os.chmod(path, 0o700)
            shutil.rmtree(path)
        else:
            os.unlink(path)


def test_nothing_of_the_learner_stays_in_tmp(mode, monkeypatch, tmp_path):
    scratch = tmp_path / "grader-tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    token = f"redteam-leftover-{os.getpid()}"
    folders = '(".", os.environ.get("TMPDIR", "."), os.path.expanduser("~"))'
    run = attack(LITTER.replace("FOLDERS", folders).replace("TOKEN", token), mode)
    assert run.outcomes[0].ok, run.error
    assert list(scratch.iterdir()) == []
    assert _litter_found(token) == []


def test_the_hosts_tmp_folders_are_out_of_reach_past_the_hook(mode, request):
    cannot_stop(mode, "past the audit hook the code writes where the teacher can", request)
    token = f"redteam-host-tmp-{os.getpid()}"
    code = DISARM + LITTER.replace("FOLDERS", repr(HOST_TMP)).replace("TOKEN", token)
    run = attack(code, mode)
    found = _litter_found(token)
    _remove(found)
    assert run.outcomes[0].ok, run.error
    assert found == []


GRADER = """
import sys
sys.path.insert(0, {course!r})
from pruneedu.grading.sandbox import run_calls
print("grading", flush=True)
run_calls("def f(x):\\n    while True:\\n        pass\\n", "f", [(1,)], time_limit_s=120,
          isolation={mode!r})
"""


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_grader_takes_its_sandboxes_with_it(mode, how):
    with grader_process(GRADER.format(course=str(COURSE), mode=mode)) as grader:
        survivors, _took = interrupt_mid_grading(grader, how, sandboxes=1, start_within_s=60)
        assert not survivors
        left = scratch_left(grader.pid)
        if mode == "unsafe-none" and left:  # no finally ran: the next grading removes it
            attack("def f(x):\n    return x\n", mode)
            left = [n for n in left if os.path.exists(os.path.join(tempfile.gettempdir(), n))]
        assert left == []


def test_the_graders_stdin_is_out_of_reach(mode, tmp_path):
    secret = tmp_path / "stdin.txt"
    secret.write_text("grader-stdin-secret\n" * 100)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(COURSE)!r})
        from pruneedu.grading.sandbox import run_calls
        code = ("import os, sys\\ndef f(x):\\n    got = sys.stdin.read()\\n"
                "    for fd in range(0, 20):\\n        try:\\n"
                "            os.set_blocking(fd, False)\\n"
                "            got += os.read(fd, 4096).decode('latin-1')\\n"
                "        except (OSError, TypeError):\\n            pass\\n    return got\\n")
        run = run_calls(code, "f", [(1,)], isolation={mode!r}, returns="any")
        print(repr(run))
    """)
    with open(secret) as stdin:
        result = subprocess.run([sys.executable, "-c", script], stdin=stdin, capture_output=True,
                                text=True, timeout=120)
    assert "CallOutcome(ok=True" in result.stdout, result.stderr
    assert "grader-stdin-secret" not in result.stdout


def test_bwrap_keeps_the_course_out_of_its_mounts():
    require_bwrap()
    argv = bwrap.command(["python"], 3, torch=True)
    sources = [argv[i + 1] for i, arg in enumerate(argv) if arg in ("--ro-bind", "--bind")]
    for source in sources:
        assert not str(COURSE).startswith(source.rstrip("/") + "/"), source
        assert Path(source).resolve() != COURSE
    assert "--bind" not in argv  # nothing writable of the host, but the harmless devices
    devices = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--dev-bind"]
    assert devices == [f"/dev/{name}" for name in bwrap.DEVICES]


def test_two_learners_sandboxes_cannot_talk_to_each_other(mode, request):
    # With --jobs, sandboxes run side by side: one learner must not hand answers to another.
    cannot_stop(mode, "processes of the same user share /tmp and the network", request)
    listen = DISARM + textwrap.dedent("""
        import socket, time
        def f(name):
            open("/tmp/answer-drop", "w").write("42")
            try:
                server = socket.socket(socket.AF_UNIX)
            except OSError:
                return "alone"  # seccomp refuses new sockets of any family
            server.bind(name.encode("latin-1"))
            server.listen()
            server.settimeout(8)
            try:
                server.accept()
                return "contacted"
            except OSError:
                return "alone"
    """)
    talk = DISARM + textwrap.dedent("""
        import socket, time
        def f(name):
            found = []
            for _ in range(30):
                time.sleep(0.2)
                try:
                    socket.socket(socket.AF_UNIX).connect(name.encode("latin-1"))
                    found.append("socket")
                    break
                except OSError:
                    pass
            try:
                found.append(open("/tmp/answer-drop").read())
            except OSError:
                pass
            return found
    """)
    name = f"\0pruneedu-two-learners-{os.getpid()}"
    results = {}
    threads = [threading.Thread(target=lambda k=k, c=c: results.__setitem__(
        k, attack(c, mode, calls=[(name,)], time_limit_s=20))) for k, c in (("a", listen),
                                                                            ("b", talk))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert results["b"].outcomes[0].value == [], results["b"]
        assert results["a"].outcomes[0].value == "alone", results["a"]
    finally:
        if os.path.exists("/tmp/answer-drop"):
            os.unlink("/tmp/answer-drop")
