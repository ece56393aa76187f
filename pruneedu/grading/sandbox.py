"""Run learners' functions in an isolated process and bring back their outputs, never a verdict.

Isolation modes (:data:`ISOLATION_MODES`):

- ``"bwrap"`` (the default): each sandbox is a bubblewrap container, see
  :mod:`pruneedu.grading.bwrap` for what it sees (an allow-list, read-only, with no course,
  keys, submissions or output in it) and :mod:`pruneedu.grading.seccomp` for the system calls
  it may not make (no new processes, no exec, no mounts or namespaces, no ptrace, no sockets
  but Unix ones). Where it cannot be set up, every call raises :class:`IsolationUnavailable`
  with one sentence saying why and what to install: grading fails closed.
- ``"unsafe-none"``: an explicit opt-out for machines without it. The code runs as the
  teacher's user, seen only by an audit hook (which hostile code can switch off), resource
  limits, and the seccomp filter where libseccomp loads. Nothing here stops such code from
  reading the teacher's files once past the hook.

Whatever the mode: one sandbox serves ONE learner (:func:`run_jobs` takes that learner's jobs);
each job has its own deadline, and a job that hangs, crashes or garbles the channel is ended
by killing the sandbox, which then restarts for the remaining jobs. The sandbox receives
inputs and returns values over a Unix socket pair (a pipe could be reopened from inside and
jammed), written without blocking past the job's deadline; expected values and checkers stay
here. Replies are parsed within caps (:data:`MAX_REPLY_BYTES` a reply,
:data:`MAX_SESSION_BYTES` in all of one learner's sandboxes, and
:class:`pruneedu.wire.Limits`), NaN/infinity are refused unless a job allows them, strings
unless its ``returns`` kind does, and a value of another kind than ``returns`` fails the
call. Every error text from the child is cleaned
(control and bidi characters removed) and cut to :data:`MAX_ERROR_CHARS`; it is for the
instructor. What a learner may be told is a separate fixed text the grader picks from what it
observed (``learner_text``, ``learner_error``: see :mod:`pruneedu.grading.learner_texts`),
never the child's words: code can carry hidden inputs across sandboxes and grading runs in
host state such as the page cache. Public calls of all jobs run before any hidden call.
An interrupted grader (exception, SIGINT, SIGTERM,
SIGKILL) takes its sandboxes with it, and nothing of them stays in ``/tmp``.

The API is safe to call from several threads or processes at once (no ``preexec_fn``, no
shared state but cached probes).

Example:
    >>> run = run_calls("def f(x):\\n    return x + 1\\n", "f", [(1,), (2,)])  # doctest: +SKIP
    >>> [outcome.value for outcome in run.outcomes]                           # doctest: +SKIP
    [2, 3]
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pruneedu import wire
from pruneedu.grading import bwrap, learner_texts, seccomp

ISOLATION_MODES = ("bwrap", "unsafe-none")
STARTUP_LIMIT_S = 90.0  # importing numpy/torch is not the learner's time
MAX_FILE_MB = 64
MAX_REPLY_BYTES = 16 * 2**20
MAX_SESSION_BYTES = 64 * 2**20
MAX_ERROR_CHARS = 300
SCRATCH_PREFIX = "pruneedu-sandbox-"  # unsafe-none only: bubblewrap's scratch is a tmpfs
SCRATCH_MARKER = ".pruneedu-grader"  # "<pid> <start time>" of the grader that made the folder
NPROC_IN_SANDBOX = 64  # threads included; numpy and torch need a few
_PROBE_LOCK = threading.Lock()


class SandboxError(RuntimeError):
    """A sandbox could not start (before any learner code ran): a set-up problem."""


class IsolationUnavailable(SandboxError):
    """The requested isolation mode does not work on this machine."""


@dataclass(frozen=True)
class Job:
    """One exercise of one learner: load ``code``, then call ``function(*args)`` per call.

    ``calls[hidden_from:]`` are the hidden tests' inputs (None: all public). ``time_limit_s``
    covers loading and every call; ``memory_limit_mb`` is what the code may add to Python
    with its imports; ``array_type`` (``"numpy"`` or ``"torch"``) is how arrays arrive.
    ``returns`` is the kind of value the function must return (see
    :func:`pruneedu.wire.check_returns`); anything else fails that call before a checker sees
    it, and strings are refused by the decoder unless the kind allows them.
    """

    code: str
    function: str
    calls: Sequence[tuple]
    hidden_from: int | None = None
    array_type: str = "numpy"
    time_limit_s: float = 10.0
    memory_limit_mb: int = 1024
    allow_nonfinite: bool = False
    returns: str = wire.DEFAULT_RETURNS

    def is_hidden(self, index: int) -> bool:
        return self.hidden_from is not None and index >= self.hidden_from


@dataclass(frozen=True)
class CallOutcome:
    """One call's result: ``value`` (decoded: numpy arrays, ModuleDescription...) when ``ok``,
    else ``error`` (cleaned, for the instructor) and ``learner_text``, the fixed text a
    learner may be shown (:mod:`pruneedu.grading.learner_texts`)."""

    ok: bool
    value: Any = None
    error: str = ""
    hidden: bool = False
    learner_text: str = ""


@dataclass
class SandboxRun:
    """Everything one job produced. ``error`` is set when the job failed as a whole (its code
    would not load, a timeout, a crash); calls it never answered carry that reason.
    ``learner_error`` is the fixed text a learner may be shown instead of ``error``."""

    outcomes: list[CallOutcome] = field(default_factory=list)
    error: str = ""
    learner_error: str = ""
    isolation: str = ""


def clean_text(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """Child text made safe to store and show: control, format (bidi, zero-width), private and
    unassigned characters dropped, line breaks made spaces, at most ``limit`` characters.

    Example:
        >>> clean_text("bad\\u202e\\x1b[2Jthing\\nhere")
        'bad[2Jthing here'
    """
    kept = []
    # Cut before cleaning: a child may send megabytes of "error"; only the start is kept, and
    # dropped characters make at most the spaces at its ends, so a few times the limit is enough.
    for char in str(text)[: 4 * limit + 16]:
        kind = unicodedata.category(char)
        if char in "\t\n\r" or kind in ("Zl", "Zp"):
            kept.append(" ")
        elif kind[0] != "C":
            kept.append(char)
    cleaned = "".join(kept).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def isolation_modes() -> dict[str, str]:
    """Each mode and why it does not work here (empty when it does).

    Example:
        >>> isolation_modes()["unsafe-none"]
        ''
    """
    with _PROBE_LOCK:
        return {"bwrap": bwrap.unavailable_reason(), "unsafe-none": ""}


def require_isolation(isolation: str) -> None:
    """Raise :class:`IsolationUnavailable` (one sentence: why, what to do) unless it works."""
    if isolation not in ISOLATION_MODES:
        raise ValueError(f"unknown isolation {isolation!r}; use one of {ISOLATION_MODES}.")
    reason = isolation_modes()[isolation]
    if reason:
        raise IsolationUnavailable(
            f"Code grading needs bubblewrap isolation, which cannot start here: {reason}; "
            "or grade without isolation, at your own risk, with --unsafe-no-isolation.")


class Stopped(Exception):
    """The grader asked the sandbox to stop (``run_jobs``'s ``stop`` event): it was ended."""


STOP_CHECK_S = 0.1  # how soon a set stop event ends a sandbox waiting on its channel


class _Broken(Exception):
    """The sandbox stopped answering properly; the session must end."""


class _Session:
    """One running sandbox process and its request/reply channel (a Unix socket pair)."""

    def __init__(self, isolation: str, jobs: Sequence[Job], forbidden: Sequence[Path],
                 stop: threading.Event | None = None) -> None:
        self.isolation = isolation
        self.stop = stop
        self.loaded: set[int] = set()
        self.received = 0  # bytes this learner's sandboxes sent: run_jobs carries it over
        self.number = 0
        self.buffer = b""
        self.scratch: tempfile.TemporaryDirectory | None = None
        self.runner: int | None = None  # a pidfd of the sandbox's pid 1, killed on close
        torch = any(job.array_type == "torch" for job in jobs)
        config = {"uid": None, "site": bwrap.site_folders(),
                  "preload": ["numpy"] + ["torch"] * torch,
                  "memory_mb": max(job.memory_limit_mb for job in jobs),
                  "cpu_s": int(sum(job.time_limit_s for job in jobs)) + 5,
                  "file_mb": MAX_FILE_MB, "nproc": None, "seccomp": [], "parent_pid": None}
        try:
            bwrap.check_exposure(forbidden)
        except bwrap.ExposureError as error:
            raise SandboxError(str(error)) from None
        roots = [*bwrap.read_only_folders(), "/dev/null", "/dev/urandom", "/dev/zero"]
        startup = time.monotonic() + STARTUP_LIMIT_S
        # A socket, not pipes: /proc/self/fd/N reopens a pipe for writing (the child could fill
        # the grader's request pipe itself); a socket cannot be reopened that way.
        self.channel, inside = socket.socketpair()
        try:
            if isolation == "bwrap":
                uid = bwrap.host_uid()
                fd = bwrap.seccomp_pipe()
                info, info_inside = os.pipe()
                try:
                    try:
                        argv = bwrap.command(bwrap.runner_argv(bwrap.python_executable(),
                                                               bwrap.RUNNER_ROOT),
                                             fd, torch, info_inside, uid)
                        self.process = self._spawn(argv, inside,
                                                   env={"PATH": "/usr/bin:/bin"},
                                                   pass_fds=(fd, info_inside))
                    finally:
                        os.close(fd)
                        os.close(info_inside)
                    self.runner = _runner_pidfd(info, self.process.pid, startup)
                finally:
                    os.close(info)
                config["uid"] = uid
                config["nproc"] = NPROC_IN_SANDBOX  # its own uid or user namespace counts
                config["seccomp"] = [base64.b64encode(seccomp.exec_filter()).decode()]
                roots.append(bwrap.RUNNER_ROOT)
                self.workdir = "/tmp"
            else:
                _remove_stale_scratch()
                self.scratch = tempfile.TemporaryDirectory(
                    prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")
                root = Path(self.scratch.name)
                (root / SCRATCH_MARKER).write_text(_marker_text())
                (root / "work").mkdir()
                for relative in bwrap.runner_files(torch):
                    target = root / "runner" / "pruneedu" / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(bwrap.PACKAGE / relative, target)
                self.workdir = str(root / "work")
                if seccomp.available() == "":  # where libseccomp loads, the filters hold too
                    config["seccomp"] = [base64.b64encode(p).decode()
                                         for p in (seccomp.base_filter(), seccomp.exec_filter())]
                config["parent_pid"] = os.getpid()
                roots.append(str(root / "runner"))
                env = dict(bwrap.ENVIRONMENT, HOME=self.workdir, TMPDIR=self.workdir)
                self.process = self._spawn(
                    bwrap.runner_argv(sys.executable, str(root / "runner")), inside,
                    cwd=self.workdir, env=env)
        except BaseException:
            if hasattr(self, "process"):
                self.close()  # a started sandbox never outlives a failed start
            else:
                self.channel.close()
            raise
        finally:
            inside.close()
        self.channel.setblocking(False)
        config["read_roots"] = roots
        try:
            self._send(config, startup)
            ready = self._receive(startup)
            if ready.get("ready") is not True:
                raise _Broken("no ready message")
        except Stopped:
            self.close()
            raise
        except (_Broken, TimeoutError) as error:
            self.close()
            raise SandboxError(
                f"the sandboxed Python could not start ({error or type(error).__name__}); "
                f"check that `{sys.executable} -I -c 'import numpy, torch'` works here."
            ) from None

    def _spawn(self, argv: list[str], channel: socket.socket, **options: Any
               ) -> subprocess.Popen:
        try:
            return subprocess.Popen(argv, stdin=channel.fileno(), stdout=channel.fileno(),
                                    stderr=subprocess.DEVNULL, start_new_session=True,
                                    **options)
        except OSError as error:
            if self.scratch is not None:
                _remove_tree(self.scratch.name)
            raise SandboxError(f"the sandbox could not be started ({error.strerror or error}); "
                               f"check that {argv[0]} runs on this machine.") from None

    def _wait_for(self, events: int, deadline: float) -> None:
        """Until the channel is ready for ``events``; TimeoutError at ``deadline``, Stopped
        soon after the stop event is set."""
        poller = select.poll()
        poller.register(self.channel.fileno(), events)
        while True:
            if self.stop is not None and self.stop.is_set():
                raise Stopped
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            wait = remaining if self.stop is None else min(remaining, STOP_CHECK_S)
            if poller.poll(wait * 1000):
                return

    def _send(self, message: dict, deadline: float) -> None:
        """Write a request without ever blocking past ``deadline``: the child may stop reading
        (or shrink its buffer) to make a blocking write wait for ever."""
        data = memoryview(json.dumps(message).encode() + b"\n")
        while data:
            self._wait_for(select.POLLOUT, deadline)
            try:
                data = data[self.channel.send(data):]
            except BlockingIOError:
                continue
            except OSError:
                raise _Broken("the process stopped") from None

    def _receive(self, deadline: float) -> dict:
        while b"\n" not in self.buffer:
            self._wait_for(select.POLLIN, deadline)
            try:
                chunk = self.channel.recv(1 << 20)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                raise _Broken(self._exit_reason(deadline))
            self.buffer += chunk
            self.received += len(chunk)
            if len(self.buffer) > MAX_REPLY_BYTES or self.received > MAX_SESSION_BYTES:
                raise _Broken("the process sent more output than the grader accepts "
                              f"({MAX_REPLY_BYTES // 2**20} MB a result, "
                              f"{MAX_SESSION_BYTES // 2**20} MB in all)")
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = wire.parse(line, wire.Limits(max_bytes=MAX_REPLY_BYTES,
                                                   allow_nonfinite=True))
        except wire.WireError as error:
            raise _Broken(f"the process sent an answer the grader cannot read ({error})") from None
        if not isinstance(message, dict):
            raise _Broken("the process sent an answer the grader cannot read (not an object)")
        return message

    def _exit_reason(self, deadline: float) -> str:
        # The child may close its end and sleep on: waiting for its exit is the job's time,
        # not the grader's (red-team round 5), and close() kills it afterwards anyway.
        try:
            code = self.process.wait(timeout=min(5.0, max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            return "the process closed its channel and stopped answering"
        if code < 0 or code > 128:
            number = -code if code < 0 else code - 128
            name = signal.Signals(number).name if number in signal.Signals._value2member_map_ \
                else str(number)
            return f"the process was killed ({name}; a time, memory or file-size limit?)"
        return f"the process exited with status {code}"

    def request(self, message: dict, deadline: float) -> dict:
        self.number += 1
        message["n"] = self.number
        self._send(message, deadline)
        reply = self._receive(deadline)
        if reply.get("n") != self.number:
            raise _Broken("the process sent an answer the grader cannot read (out of order)")
        return reply

    def close(self) -> None:
        process = self.process
        if self.runner is not None:
            # The runner is the pid 1 of the sandbox's PID namespace: killing it ends every
            # process in there, whatever happened to bubblewrap or its death signal.
            try:
                signal.pidfd_send_signal(self.runner, signal.SIGKILL)
            except OSError:
                pass
            os.close(self.runner)
            self.runner = None
        if process.returncode is None:  # once reaped, the number may be someone else's
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.channel.close()
        process.wait()
        if self.scratch is not None:
            _remove_tree(self.scratch.name)
            self.scratch = None

    def clean(self, text: Any) -> str:
        text = str(text)
        if self.scratch is not None:  # random per run: two gradings must write the same text
            text = text.replace(self.workdir, "<work>")
            text = text.replace(self.scratch.name, "<scratch>")
        return clean_text(text)


def _runner_pidfd(info: int, bubblewrap_pid: int, deadline: float) -> int | None:
    """A pidfd of the sandbox's pid 1, from bubblewrap's ``--info-fd`` report (None when
    bubblewrap failed before reporting: the start then fails on its own)."""
    data, report = b"", None
    poller = select.poll()
    poller.register(info, select.POLLIN)
    while report is None and len(data) < 4096:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            return None
        chunk = os.read(info, 4096)
        if not chunk:
            return None
        data += chunk
        try:
            report = json.loads(data)
        except ValueError:
            continue  # not all of it yet
    try:
        pidfd = os.pidfd_open(report["child-pid"])
    except (KeyError, TypeError, OSError):
        return None
    pid = report["child-pid"]
    # The pid is bubblewrap's child until bubblewrap ends; check that it still is (the pidfd
    # now holds that process, whatever later reuses the number).
    try:
        with open(f"/proc/{pid}/status") as handle:
            status = dict(line.split(":", 1) for line in handle if ":" in line)
        if int(status["PPid"]) == bubblewrap_pid and status["NSpid"].split()[-1] == "1":
            return pidfd
    except (OSError, KeyError, ValueError):
        pass
    os.close(pidfd)
    return None


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks after boot), None when there is none."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _marker_text() -> str:
    return f"{os.getpid()} {_process_start(os.getpid())}"


def _read_marker(folder: str) -> tuple[int, str] | None:
    """The (pid, start) of the grader that made ``folder``, None when it is not ours to read."""
    try:
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fd = os.open(SCRATCH_MARKER, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder_fd)
        try:
            pid, started = os.read(fd, 100).decode("ascii").split()
        finally:
            os.close(fd)
        return int(pid), started
    except (OSError, ValueError):
        return None
    finally:
        os.close(folder_fd)


def _remove_stale_scratch() -> None:
    """Scratch folders of unsafe-none graders that were killed (SIGKILL leaves no ``finally``).

    Only real folders (never links) owned by this user and holding the marker a grader writes
    are removed, and only when the grader named in the marker (pid and start time) is gone:
    anyone may create names in ``/tmp``."""
    folder = tempfile.gettempdir()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not name.startswith(SCRATCH_PREFIX):
            continue
        path = os.path.join(folder, name)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            continue
        owner = _read_marker(path)
        if owner is not None and _process_start(owner[0]) != owner[1]:
            _remove_tree(path)


def _unlock(path: str) -> None:
    """Make the folder ``path`` (ours, not a link) removable; anything else is left alone."""
    if hasattr(os, "O_PATH"):
        try:
            fd = os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_DIRECTORY)
        except OSError:
            return
        try:
            if os.fstat(fd).st_uid == os.geteuid():
                os.chmod(f"/proc/self/fd/{fd}", 0o700)  # the inode fd holds, not a path
        except OSError:
            pass
        finally:
            os.close(fd)
        return
    try:
        info = os.lstat(path)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid():
            os.chmod(path, 0o700, follow_symlinks=False)
    except (OSError, NotImplementedError):
        pass


def _remove_tree(path: str) -> None:
    """Remove a scratch folder that the learner's code may have locked (mode 000 folders) or
    filled with links: folders inside it are unlocked, links are removed, never followed, and
    nothing above ``path`` is touched."""
    def retry(_function, failed_path, _error):
        for target in (os.path.dirname(failed_path), failed_path):
            if target == path or target.startswith(path + os.sep):
                _unlock(target)
        try:
            info = os.lstat(failed_path)
        except OSError:
            return
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(failed_path, ignore_errors=True)
        else:
            try:
                os.unlink(failed_path)
            except OSError:
                pass

    shutil.rmtree(path, onerror=retry)


def _plan(jobs: Sequence[Job]) -> list[tuple[int, int | None]]:
    """Loads and public calls of every job first, then the hidden calls."""
    public = [(j, None) for j in range(len(jobs))]
    public += [(j, i) for j, job in enumerate(jobs) for i in range(len(job.calls))
               if not job.is_hidden(i)]
    hidden = [(j, i) for j, job in enumerate(jobs) for i in range(len(job.calls))
              if job.is_hidden(i)]
    return public + hidden


def run_jobs(jobs: Sequence[Job], *, isolation: str = "bwrap",
             forbidden: Sequence[Path] = (), stop: threading.Event | None = None
             ) -> list[SandboxRun]:
    """Run one learner's jobs in one sandbox (restarted after a job that fails it).

    Args:
        jobs: ONE learner's exercises; never mix learners in one call.
        isolation: ``"bwrap"`` or ``"unsafe-none"`` (see the module docstring).
        forbidden: folders that must never be visible (keys, submissions, output): the call
            refuses to start a sandbox whose mounts would contain one.
        stop: an event another thread may set (Ctrl-C, another learner's set-up failure):
            the sandbox is then ended within about :data:`STOP_CHECK_S` and Stopped raised.

    Returns:
        One :class:`SandboxRun` per job, with one :class:`CallOutcome` per call.

    Raises:
        IsolationUnavailable: ``isolation`` does not work here.
        SandboxError: a sandbox could not start (no learner code had run yet).
        Stopped: ``stop`` was set; the sandbox is gone.

    Example:
        >>> runs = run_jobs([Job("def f(x):\\n    return -x\\n", "f", [(1,)])])  # doctest: +SKIP
        >>> runs[0].outcomes[0].value                                           # doctest: +SKIP
        -1
    """
    require_isolation(isolation)
    for job in jobs:
        wire.parse_returns(job.returns)  # a ValueError for a kind nobody can return
    runs = [SandboxRun([None] * len(job.calls), isolation=isolation) for job in jobs]
    spent = [0.0] * len(jobs)
    session: _Session | None = None
    received = 0  # the reply cap is the learner's, not a sandbox's: code can end its own
    try:
        for j, i in _plan(jobs):
            job, run = jobs[j], runs[j]
            if run.error:
                continue
            if session is None:
                if stop is not None and stop.is_set():
                    raise Stopped
                session = _Session(isolation, jobs, forbidden, stop)
                session.received += received
            stage = "loading" if i is None or j not in session.loaded else "running"
            started = time.monotonic()
            deadline = started + max(0.0, job.time_limit_s - spent[j])
            try:
                if j not in session.loaded:
                    reply = session.request({"load": j, "code": job.code,
                                             "function": job.function,
                                             "array_type": job.array_type}, deadline)
                    session.loaded.add(j)
                    if reply.get("loaded") is not True:
                        run.error = ("the code could not be loaded: "
                                     + session.clean(reply.get("error", "unknown error")))
                        run.learner_error = learner_texts.LOAD_FAILED
                        continue
                if i is not None:
                    stage = "running"
                    reply = session.request({"call": j, "args": wire.encode(list(job.calls[i]))},
                                            deadline)
                    run.outcomes[i] = _outcome(reply, job, i, session)
            except TimeoutError:
                run.error = (f"timed out while {stage} (limit {job.time_limit_s:g} s): look for "
                             "an endless loop or very slow code")
                run.learner_error = learner_texts.timed_out(job.time_limit_s)
                received = session.received
                session.close()
                session = None
            except _Broken as error:
                # An exit status or signal is the child's choice, so a learner is told only
                # that the process ended (it could encode hidden inputs in the number).
                run.error = f"{clean_text(str(error))} while {stage}"
                run.learner_error = learner_texts.ENDED
                received = session.received
                session.close()
                session = None
            finally:
                spent[j] += time.monotonic() - started
    finally:
        if session is not None:
            session.close()
    for job, run in zip(jobs, runs, strict=True):
        for i, outcome in enumerate(run.outcomes):
            if outcome is None:
                run.outcomes[i] = CallOutcome(False, error=run.error or "not run",
                                              hidden=job.is_hidden(i),
                                              learner_text=run.learner_error
                                              or learner_texts.ENDED)
    return runs


def _outcome(reply: dict, job: Job, index: int, session: _Session) -> CallOutcome:
    hidden = job.is_hidden(index)
    if reply.get("ok") is True:
        limits = wire.Limits(max_bytes=MAX_REPLY_BYTES, allow_nonfinite=job.allow_nonfinite,
                             allow_strings=wire.returns_strings(job.returns))
        try:
            value = wire.decode(reply.get("value"), limits)
        except wire.WireError as error:
            return CallOutcome(False, error=f"the result cannot be accepted: {error}",
                               hidden=hidden, learner_text=learner_texts.NOT_ACCEPTED)
        problem = wire.check_returns(value, job.returns)
        if problem:
            return CallOutcome(False, error=problem, hidden=hidden,
                               learner_text=learner_texts.NOT_ACCEPTED)
        return CallOutcome(True, value=value, hidden=hidden)
    told = learner_texts.NOT_ACCEPTED if reply.get("unsendable") is True else learner_texts.RAISED
    return CallOutcome(False, error=session.clean(reply.get("error", "unknown error")),
                       hidden=hidden, learner_text=told)


def run_calls(code: str, function: str, calls: Sequence[tuple], *, array_type: str = "numpy",
              time_limit_s: float = 10.0, memory_limit_mb: int = 1024,
              hide: Sequence[Path] = (), hidden_from: int | None = None,
              allow_nonfinite: bool = False, isolation: str = "bwrap",
              returns: str = wire.DEFAULT_RETURNS,
              stop: threading.Event | None = None) -> SandboxRun:
    """One job in its own sandbox: :func:`run_jobs` for a single exercise.

    ``hide``: folders that must not be visible (see ``forbidden`` in :func:`run_jobs`);
    ``stop``: as in :func:`run_jobs`.
    """
    job = Job(code, function, list(calls), hidden_from, array_type, time_limit_s,
              memory_limit_mb, allow_nonfinite, returns)
    return run_jobs([job], isolation=isolation, forbidden=hide, stop=stop)[0]
