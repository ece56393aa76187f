"""Shared pieces of the red-team suites (tests/test_redteam_*.py).

Every attack goes through :func:`attack`, and most run under each isolation mode this machine
supports (the ``mode`` fixture). Under ``unsafe-none`` some attacks are EXPECTED to succeed:
those tests call :func:`unsafe_none_cannot_stop`, which marks them xfail (strict) with the
reason, so the table of what the opt-out mode does not protect stays honest and checked.

bubblewrap being unavailable is a loud skip here, and a failure where
``PRUNEEDU_REQUIRE_BWRAP=1`` (CI sets it: there bubblewrap is installed).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from pruneedu.grading import sandbox

COURSE = Path(__file__).resolve().parents[1]
SECRET_DIR = COURSE / "tests" / "fixtures" / "class" / "exercises" / "zero-fraction"
SECRET = SECRET_DIR / "hidden_tests.py"
SECRET_WORDS = "hidden-five-weights"  # text inside SECRET

# Switches the in-process audit hook off from pure Python (its checks read module globals
# and os.path at run time); everything after it tests the kernel-enforced layers alone.
DISARM = """
import os, sys
for _module in list(sys.modules.values()):
    if hasattr(_module, "_BLOCKED_EVENTS"):
        _module._BLOCKED_EVENTS = ("\\0never",)
        _module._PATH_EVENTS = ("\\0never",)
        if hasattr(_module, "_STUBBED_MODULES"):
            _module._STUBBED_MODULES = ()
_cwd = os.getcwd()
os.path.realpath = lambda path, *args, **kwargs: _cwd
os.path.isdir = lambda path: False
"""


# Switches the audit hook off for real, through memory: numpy's __array_interface__ accepts any
# address, so the code finds the interpreter's list of audit hooks and empties it.
NUMPY_DISARM = """import sys, numpy as np

def _mem(address, count):
    holder = type("Raw", (), {})()
    holder.__array_interface__ = {"data": (address, False), "shape": (count,),
                                  "typestr": "<u8", "version": 3}
    return np.asarray(holder)

def _disarm_with_numpy():
    def mine(event, args):
        pass
    sys.addaudithook(mine)
    ranges, data = [], []
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            low, high = (int(x, 16) for x in parts[0].split("-"))
            if parts[1].startswith("r"):
                ranges.append((low, high))
            if parts[1].startswith("rw") and len(parts) > 5 and "python" in parts[5]:
                data.append((low, high))
    lows = np.array([r[0] for r in ranges], dtype=np.uint64)
    highs = np.array([r[1] for r in ranges], dtype=np.uint64)
    list_type, target = id(list), id(mine)
    def readable(values):
        index = np.searchsorted(lows, values, side="right") - 1
        ok = index >= 0
        ok[ok] &= values[ok] + np.uint64(32) <= highs[index[ok]]
        return ok
    for low, high in data:
        words = _mem(low, (high - low) // 8).copy()
        candidates = np.unique(words[(words % 8 == 0) & (words > 4096)])
        candidates = candidates[readable(candidates)]
        for pointer in candidates.tolist():
            head = _mem(pointer, 4)
            if int(head[1]) != list_type or int(head[2]) != 2:
                continue
            items = int(head[3])
            if not readable(np.array([items], dtype=np.uint64))[0]:
                continue
            if int(_mem(items, 2)[1]) == target:
                _mem(pointer, 4)[2] = 0  # ob_size: the interpreter's audit hooks, emptied
                return True
    return False

DISARMED = _disarm_with_numpy()
"""


def bwrap_reason() -> str:
    return sandbox.isolation_modes()["bwrap"]


def require_bwrap() -> None:
    """Skip loudly (or fail in CI) when bubblewrap isolation does not work here."""
    reason = bwrap_reason()
    if not reason:
        return
    message = f"bubblewrap isolation is unavailable on this machine, test NOT run: {reason}"
    if os.environ.get("PRUNEEDU_REQUIRE_BWRAP") == "1":
        pytest.fail(message)
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(params=sandbox.ISOLATION_MODES)
def mode(request) -> str:
    if request.param == "bwrap":
        require_bwrap()
    return request.param


def unsafe_none_cannot_stop(mode: str, why: str, request) -> None:
    """Mark this attack as one the unsafe-none mode is known not to stop."""
    if mode == "unsafe-none":
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"unsafe-none: {why}"))


def attack(code: str, mode: str, calls=((1,),), *, time_limit_s: float = 5,
           memory_limit_mb: int = 512, hide=(SECRET_DIR,), hidden_from=None,
           allow_nonfinite=False, array_type="numpy", returns="any") -> sandbox.SandboxRun:
    """Run the submission ``code`` (defining ``f``) on ``calls`` under ``mode``. Any value may
    come back (``returns="any"``): an attack that reads a secret returns it as a string."""
    return sandbox.run_calls(code, "f", list(calls), time_limit_s=time_limit_s,
                             memory_limit_mb=memory_limit_mb, hide=list(hide),
                             hidden_from=hidden_from, allow_nonfinite=allow_nonfinite,
                             array_type=array_type, isolation=mode, returns=returns)


def texts(run: sandbox.SandboxRun) -> str:
    """Everything the run brought back, as one string, to search for leaked secrets."""
    parts = [run.error]
    for outcome in run.outcomes:
        parts += [repr(outcome.value), outcome.error]
    return "\n".join(parts)


def shown_to_learner(run: sandbox.SandboxRun, time_limit_s: float) -> list[str]:
    """Every text of ``run`` a learner's feedback may carry, checked to be the grader's own.

    Feedback quotes only ``learner_error`` and each outcome's ``learner_text`` (never a value
    or an error text of the code): an attack that reads hidden inputs back must not find its
    words here, so each must be one of the fixed texts of ``learner_texts``.
    """
    from pruneedu.grading import learner_texts

    shown = [run.learner_error] + [o.learner_text for o in run.outcomes]
    allowed = learner_texts.fixed_texts(time_limit_s) | {""}
    assert set(shown) <= allowed, sorted(set(shown) - allowed)
    return shown


# --- processes: what a submission or a grader leaves running --------------------------------

def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` in the process tree, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone: it only waits to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def scratch_left(grader_pid: int) -> list[str]:
    """The sandbox scratch folders of grader ``grader_pid`` still in the temporary folder."""
    return [name for name in os.listdir(tempfile.gettempdir())
            if name.startswith(f"pruneedu-sandbox-{grader_pid}-")]


@contextmanager
def grader_process(script: str):
    """Run ``script`` (it prints "grading" once it starts grading) in a child Python; yields the
    process once that line came, and kills it at the end whatever happened."""
    grader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    try:
        assert grader.stdout.readline() == b"grading\n"
        yield grader
    finally:
        grader.kill()
        grader.wait()


def interrupt_mid_grading(grader: subprocess.Popen, how: int, sandboxes: int,
                          start_within_s: float) -> tuple[list[int], float]:
    """Wait until ``sandboxes`` sandbox process trees run under ``grader``, send it ``how``;
    return the sandbox processes still alive 10 s after it exited, and how long it took to exit.
    """
    deadline = time.monotonic() + start_within_s
    sandbox: set[int] = set()
    while time.monotonic() < deadline and len(sandbox) < sandboxes:
        time.sleep(0.5)
        sandbox = descendants(grader.pid)
    assert len(sandbox) >= sandboxes, f"{sandboxes} sandbox(es) never ran at once"
    time.sleep(1)
    sandbox = descendants(grader.pid)
    stopped = time.monotonic()
    grader.send_signal(how)
    grader.wait(timeout=30)
    took = time.monotonic() - stopped
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in sandbox):
        time.sleep(0.2)
    return [p for p in sandbox if alive(p)], took


def processes_named(name: str) -> list[int]:
    """Live (not zombie) processes whose name is ``name``."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and Path(f"/proc/{entry}/comm").read_text().strip() == name:
                state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry))
        except OSError:
            pass
    return found


def survivors_named(name: str, wait_s: float = 3) -> list[int]:
    """Processes named ``name`` seen within ``wait_s`` after grading. Each one found is killed
    (it is the test's own submission, found by the name it gave itself) before returning."""
    survivors: list[int] = []
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and not survivors:
        time.sleep(0.5)
        survivors = processes_named(name)
    for pid in survivors:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return survivors


# --- the page cache as a covert channel (red-team rounds 2 and 4) ----------------------------
# A big file under /usr is read through the page cache every sandbox shares: evicting a page
# (posix_fadvise DONTNEED) or reading it writes one bit, timing a read reads it back. The code
# strings are parts of a submission, formatted with ``path`` (see page_cache_file).
COVERT_COMMON = '''
import os, time
FILE = {path!r}
STEP, BITS, COPIES = 1 << 20, 8, 3
PAGES = [STEP * (1 + i) for i in range(BITS * COPIES)]
MARKERS = [STEP * (2 + BITS * COPIES + i) for i in range(COPIES)]

def _open():
    fd = os.open(FILE, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)  # one page per read, no read-ahead
    return fd

def _evict(fd, offset):
    os.posix_fadvise(fd, offset, 4096, os.POSIX_FADV_DONTNEED)

def _cold(fd, offset):
    start = time.perf_counter_ns()
    os.pread(fd, 1, offset)
    return time.perf_counter_ns() - start > 25_000
'''
# Clear the markers at module load: nothing is sent yet.
COVERT_CLEAR = '''
_fd = _open()
for _marker in MARKERS:
    _evict(_fd, _marker)
'''
# At module load: the markers are warm only after a sender ran, so read the bits and raise them
# (a learner's error message); else clear the markers for the sender to come.
COVERT_READ = '''
_fd = _open()
if sum(_cold(_fd, marker) for marker in MARKERS) >= 2:
    for _marker in MARKERS:  # nothing sent yet: clear the markers
        _evict(_fd, _marker)
else:
    bits = [sum(not _cold(_fd, PAGES[i * COPIES + c]) for c in range(COPIES)) >= 2
            for i in range(BITS)]
    raise ValueError("read back " + str(sum(bit << i for i, bit in enumerate(bits))))
'''
# f(-1) is the public call; a hidden call f(secret) writes the secret's bits, then the markers.
COVERT_SEND = '''
def f(x):
    if x < 0:
        return 0  # the public call
    fd = _open()
    for i in range(BITS):
        for copy in range(COPIES):
            page = PAGES[i * COPIES + copy]
            os.pread(fd, 1, page) if (x >> i) & 1 else _evict(fd, page)
    for marker in MARKERS:
        os.pread(fd, 1, marker)
    os._exit(3)
'''


def shared_cold_file() -> str | None:
    """A big file under /usr whose pages this machine really evicts and reloads (else None)."""
    candidates = []
    for folder in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/jvm",
                   "/usr/share/package-lists", "/usr/lib/chromium", "/usr/lib/gcc"):
        for here, _dirs, names in os.walk(folder):
            for name in names:
                path = os.path.join(here, name)
                if os.path.isfile(path) and not os.path.islink(path) \
                        and os.path.getsize(path) > 40 * 2**20:
                    candidates.append(path)
    for path in sorted(candidates):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
            cold = warm = 0
            for offset in range(2**20, 10 * 2**20, 2**20):
                os.posix_fadvise(fd, offset, 4096, os.POSIX_FADV_DONTNEED)
                start = time.perf_counter_ns()
                os.pread(fd, 1, offset)
                cold += time.perf_counter_ns() - start > 25_000
                start = time.perf_counter_ns()
                os.pread(fd, 1, offset)
                warm += time.perf_counter_ns() - start <= 25_000
            if cold == warm == 9:
                return path
        finally:
            os.close(fd)
    return None


def page_cache_file() -> str:
    """The file for the covert channel; skips loudly where bubblewrap or such a file is missing."""
    require_bwrap()
    path = shared_cold_file()
    if path is None:
        pytest.skip("no big file under /usr whose pages this machine evicts on request: the "
                    "page-cache channel cannot be shown here, test NOT run")
    return path


def live_pair_leaks(receiver: str, sender: str,
                    tries: Sequence[tuple[int, float]] = ((173, 1.5), (82, 3.0))) -> list:
    """Two learners' sandboxes alive at once (``--jobs 2``): learner B's ``receiver`` code is
    in its public call while learner A's ``sender`` code gets a secret as a hidden input.
    Each try waits ``wait_s`` for B to be up; returns the secrets B's value read back (the
    finding), after checking that B's learner is shown only fixed texts."""
    import threading
    import time

    leaked = []
    for secret, wait_s in tries:
        runs: dict[str, sandbox.SandboxRun] = {}

        def receive(runs: dict) -> None:
            runs["b"] = sandbox.run_calls(receiver, "f", [(0,)], time_limit_s=15,
                                          isolation="bwrap", returns="integer")

        learner_b = threading.Thread(target=receive, args=(runs,))
        learner_b.start()
        time.sleep(wait_s)  # learner B's sandbox is up and in its public call
        sandbox.run_calls(sender, "f", [(-1,), (secret,)], hidden_from=1, time_limit_s=10,
                          isolation="bwrap", returns="integer")
        learner_b.join()
        shown_to_learner(runs["b"], 15)
        leaked += [o.value for o in runs["b"].outcomes if o.ok and o.value == secret]
        if leaked:
            break  # one exact read-back is the finding
    return leaked
