"""Run a student's function in a separate, limited Python process and collect its outputs.

What is guaranteed, whatever the student's code does:

- **Nothing secret enters the process.** Only the student's file (copied alone into a fresh
  temporary folder, which is the working directory) and the test inputs go in. Expected values,
  checkers, hidden test sources and quiz keys stay in the grader, which judges every output.
- **The grader survives.** The process runs in its own session with ``python -I`` and a
  scrubbed environment; it gets ``time_limit_s`` of wall-clock time for loading the module and
  answering every call, then the whole process group is killed. ``RLIMIT_AS`` caps its
  memory: ``preexec_fn`` sets a generous cap for start-up, and once numpy/torch are imported
  the bootstrap lowers it to the process's size plus ``memory_limit_mb`` (what the student's
  code may add; torch alone maps about 650 MB, and more on some builds). A crash, hang,
  exception or memory blow-up becomes a reason string in :class:`SandboxRun`, never an
  exception in the grader. Only a sandbox that cannot start at all (before any student code
  runs) raises :class:`SandboxError`: that is a set-up problem, not a student's. (Code that
  switches the audit hook off, see below, could still signal the grader: it runs as the same
  user.)

What is done on top, as defence in depth (not a boundary against a determined attacker):

- Where ``unshare -rnm`` works (Linux with unprivileged user namespaces), the process gets no
  network interfaces at all; Python, its packages, this course and the home folder are mounted
  read-only; and the folders in ``hide`` (exercises, quiz keys, submissions, the output) are
  covered by empty tmpfs mounts, so they are not in its view of the filesystem.
- Inside the process, a trusted bootstrap replaces ``socket.socket``/``create_connection``,
  stubs out ``_posixsubprocess`` (its ``fork_exec`` raises no audit event) and installs an
  audit hook (before the student's module is imported) that refuses sockets, subprocesses,
  signals to other processes, ``chdir``, ctypes, frame/gc introspection, writes outside the
  working folder, reads outside it and the Python installation (in ``/proc`` only the
  process's own entries), and handles on folders outside it (``dir_fd`` would sidestep the
  path checks). ``RLIMIT_FSIZE`` caps each file it writes at ``MAX_FILE_MB``.
- Whatever it writes to the protocol pipe is parsed defensively: a forged, deeply nested or
  huge reply fails that submission, never the grader.

What is NOT guaranteed: the process runs as the teacher's own user, and an audit hook is not
a security boundary. Code that can corrupt its own interpreter's memory (numpy's
``__array_interface__`` accepts any address) can switch the hook off; it then reads whatever
the teacher's user can read outside the hidden folders and, without namespaces, inside them
too, and it can write wherever that user can outside the read-only mounts. Grading also takes
the student's word for ``learner_id`` and code file names. Run code from people you do not
trust in a container or VM as well; these layers keep honest mistakes and casual cheating
away from the keys and the grader.

Example:
    >>> run = run_calls("def f(x):\\n    return x + 1\\n", "f", [(1,), (2,)])  # doctest: +SKIP
    >>> [outcome.value for outcome in run.outcomes]                           # doctest: +SKIP
    [2, 3]
"""

from __future__ import annotations

import functools
import json
import os
import resource
import select
import shlex
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pruneedu.grading import wire

STARTUP_LIMIT_S = 60.0  # importing numpy/torch is not the student's time
STARTUP_MEMORY_MB = 8192  # cap while the trusted imports run; tightened before student code
MAX_REPLY_BYTES = 64 * 1024 * 1024
MAX_FILE_MB = 64  # RLIMIT_FSIZE: no file the student's code writes grows past this


class SandboxError(RuntimeError):
    """The sandboxed Python could not start (before any student code ran)."""


@dataclass(frozen=True)
class CallOutcome:
    """One call's result: ``value`` (decoded, arrays as numpy) when ``ok``, else ``error``."""

    ok: bool
    value: Any = None
    error: str = ""


@dataclass
class SandboxRun:
    """Everything a sandboxed run produced. ``error`` is set when the run as a whole failed
    (the module would not load, a timeout, a crash); calls it never answered carry that reason."""

    outcomes: list[CallOutcome] = field(default_factory=list)
    error: str = ""
    isolation: str = ""


@functools.cache
def namespaces_available() -> bool:
    """Whether ``unshare -rnm`` works here (user, network and mount namespaces)."""
    if shutil.which("unshare") is None:
        return False
    try:
        probe = subprocess.run(["unshare", "-rnm", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def _command(hide: Sequence[Path], workdir: Path) -> tuple[list[str], str]:
    python = [sys.executable, "-I", "-m", "pruneedu.grading.sandbox_child"]
    if not namespaces_available():
        return python, "audit hook"
    keep = [Path(sys.prefix).resolve(), workdir.resolve(), Path(__file__).resolve().parent]
    mounts = []
    # Read-only first, so that even code past the audit hook cannot plant a module or a .pth
    # file that the grader (or the teacher's shell) would run later. Never the working folder.
    for folder in _protected_folders():
        folder = Path(folder).resolve()
        if folder.is_dir() and folder != workdir.resolve() and folder not in workdir.parents:
            quoted = shlex.quote(str(folder))
            mounts.append(f"mount --rbind {quoted} {quoted} 2>/dev/null && "
                          f"mount -o remount,bind,ro {quoted} 2>/dev/null;")
    for folder in hide:
        folder = Path(folder).resolve()
        # Never cover the Python installation, this package or the working folder.
        if folder.is_dir() and not any(k == folder or folder in k.parents for k in keep):
            mounts.append(f"mount -t tmpfs -o size=16k tmpfs {shlex.quote(str(folder))} "
                          "2>/dev/null;")
    script = " ".join(mounts) + ' exec "$@"'
    return ["unshare", "-rnm", "sh", "-c", script, "sandbox", *python], "namespaces + audit hook"


def _protected_folders() -> list[str]:
    """Folders made read-only in the sandbox: Python, its packages, this course, the home."""
    course = Path(__file__).resolve().parents[2]
    return sorted({sys.prefix, sys.base_prefix, *site.getsitepackages(), str(course),
                   str(Path.home())})


def _limit_resources(megabytes: int, file_mb: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 1024 * 1024,) * 2)


def _read_roots() -> list[str]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(),
             str(Path(__file__).resolve().parent.parent), "/proc", "/sys", "/dev"}
    return sorted(roots)


class _Channel:
    """Line-based JSON reading from the child's stdout under a deadline."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.buffer = b""

    def receive(self, deadline: float) -> dict:
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk
            if len(self.buffer) > MAX_REPLY_BYTES:
                raise ValueError("the output was too large")
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def send(self, message: dict) -> None:
        self.process.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
        self.process.stdin.flush()


def run_calls(code: str, function: str, calls: Sequence[tuple], *, array_type: str = "numpy",
              time_limit_s: float = 10.0, memory_limit_mb: int = 1024,
              hide: Sequence[Path] = ()) -> SandboxRun:
    """Load ``code`` in a sandboxed process and call ``function(*args)`` for each of ``calls``.

    Args:
        code: the student's source text.
        function: the name to call.
        calls: argument tuples (numpy arrays and plain values).
        array_type: ``"torch"`` hands arrays over as tensors.
        time_limit_s: wall-clock seconds for loading the module and answering every call.
        memory_limit_mb: the memory the student's code may use on top of the interpreter
            with its trusted imports.
        hide: folders to cover with empty mounts where namespaces work (keys, tests, ...).

    Returns:
        A :class:`SandboxRun` with one :class:`CallOutcome` per call.
    """
    with tempfile.TemporaryDirectory(prefix="pruneedu-sandbox-") as tmp:
        workdir = Path(tmp)
        (workdir / "submission.py").write_text(code, encoding="utf-8")
        command, isolation = _command(hide, workdir)
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TMPDIR": tmp, "LANG": "C.UTF-8",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        process = subprocess.Popen(
            command, cwd=tmp, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=functools.partial(_limit_resources, STARTUP_MEMORY_MB + memory_limit_mb,
                                         MAX_FILE_MB),
        )
        run = SandboxRun(isolation=isolation)
        try:
            _converse(process, run, function, calls, array_type, time_limit_s, memory_limit_mb)
        finally:
            _kill(process)
        while len(run.outcomes) < len(calls):
            run.outcomes.append(CallOutcome(False, error=run.error or "not run"))
        return run


def _converse(process: subprocess.Popen, run: SandboxRun, function: str,
              calls: Sequence[tuple], array_type: str, time_limit_s: float,
              memory_limit_mb: int) -> None:
    channel = _Channel(process)
    try:
        channel.send({"function": function, "array_type": array_type,
                      "memory_limit_mb": memory_limit_mb, "read_roots": _read_roots()})
        channel.receive(time.monotonic() + STARTUP_LIMIT_S)
    except (TimeoutError, EOFError, BrokenPipeError, ValueError) as error:
        raise SandboxError(
            f"the sandboxed Python could not start ({type(error).__name__}); check that "
            f"`{sys.executable} -I -c 'import numpy, torch'` works on this machine."
        ) from None
    stage = "loading"
    try:
        deadline = time.monotonic() + time_limit_s
        loaded = channel.receive(deadline)
        if not loaded.get("loaded"):
            run.error = f"the code could not be loaded: {loaded.get('error', 'unknown error')}"
            return
        stage = "running"
        for args in calls:
            channel.send({"args": wire.encode(list(args))})
            reply = channel.receive(deadline)
            if reply.get("ok"):
                run.outcomes.append(CallOutcome(True, value=wire.decode(reply.get("value"))))
            else:
                run.outcomes.append(CallOutcome(False, error=str(reply.get("error"))))
    except TimeoutError:
        run.error = (f"timed out while {stage} (limit {time_limit_s:g} s): "
                     "look for an endless loop or very slow code")
    except (EOFError, BrokenPipeError):
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None  # it closed its output but lives on; _kill ends it
        if code is None:
            run.error = f"the process stopped answering while {stage}"
        elif code < 0:
            run.error = f"the process was killed (signal {-code}) while {stage}"
        else:
            run.error = f"the process exited with status {code} while {stage}"
    except (ValueError, TypeError, KeyError, RecursionError, MemoryError) as error:
        # The student's code can write to the protocol pipe itself: whatever arrives there,
        # however deep or large, is that submission's failure, never the grader's crash.
        run.error = ("the process sent an answer the grader cannot read "
                     f"({type(error).__name__}: {str(error)[:200]})")


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for stream in (process.stdin, process.stdout):
        try:
            stream.close()
        except OSError:
            pass
    process.wait()
