"""Red team, round rt6 (a): the code-running side (sandbox, seccomp, channel, capstone).

Each finding is a strict xfail that passes once the attack no longer succeeds; the tests
without a mark are attacks the grader withstood (kept few and fast, as regression guards).
bubblewrap missing is a loud skip (a failure where PRUNEEDU_REQUIRE_BWRAP=1).

The root cause of findings 1-3 is one: the seccomp filters compare the WHOLE 64-bit register
of ``fcntl``'s ``cmd`` and ``prctl``'s ``option`` (libseccomp's ``SCMP_CMP_EQ``), but the
kernel declares both as 32-bit (``unsigned int cmd``, ``int option``) and drops the upper
half. ``syscall(SYS_fcntl, fd, (1 << 32) | F_SETLK, ...)`` therefore passes the filter and the
kernel runs ``F_SETLK``; likewise ``prctl((1 << 32) | PR_SET_PDEATHSIG, 0)``. (The ``ioctl``
rule for ``TIOCSTI`` already masks with 0xFFFFFFFF: the other argument rules do not.)
"""

from __future__ import annotations

import os
import signal
import textwrap
import time
from pathlib import Path

import pytest
from redteam_support import (
    DISARM,
    attack,
    grader_process,
    live_pair_leaks,
    processes_named,
    require_bwrap,
    survivors_named,
)

TESTS = Path(__file__).resolve().parent

# Raw system calls with all six argument registers as 64-bit values (ctypes' default int would
# cut them to 32 bits). x86-64 numbers; other machines skip.
RAW_SYSCALL = DISARM + '''
import ctypes, os, struct, time
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.syscall.argtypes = [ctypes.c_long] + [ctypes.c_ulong] * 5
SYS_FCNTL, SYS_PRCTL, HIGH = 72, 157, 1 << 32

def raw(number, *args):
    return _libc.syscall(number, *(list(args) + [0] * (5 - len(args))))
'''


def _x86_64_only() -> None:
    if os.uname().machine != "x86_64":
        pytest.skip(f"the system call numbers are x86-64's; this is {os.uname().machine}: "
                    "NOT run")


# --- 1. Two live sandboxes pass a hidden input through record locks (fcntl, upper bits set) ---
# Claim: docs/grading-guarantees.md, "Two live sandboxes cannot signal to each other through the
# files they both read. Watching files (inotify_*, fanotify_init, dnotify's F_NOTIFY), locking
# them (flock, fcntl record and open-file-description locks) and leases are refused: with
# --jobs 2 a sandbox given a hidden input passed it to another learner's live sandbox through
# inotify (red-team round 4) and then through flock on a stdlib file (round 5)."
# Attack: seccomp refuses fcntl only when the 64-bit cmd register EQUALS F_SETLK (6) etc.; the
# kernel reads cmd as a 32-bit unsigned int. Learner A's sandbox, given a hidden input, calls
# fcntl(fd, (1 << 32) | F_SETLK) to hold read locks on bytes of the stdlib's os.py (opened
# read-only: every sandbox mounts it), one byte per set bit plus a marker byte; learner B's
# sandbox, in its PUBLIC call, polls fcntl(fd, (1 << 32) | F_GETLK) asking whether a write lock
# would conflict (F_GETLK needs no write access) and returns the bits. Record locks ignore uids,
# so the root layout's separate uids do not help.
# Measured: the secret comes back exactly on the first try under bubblewrap (root layout here),
# in about 3 s. The same trick re-opens dnotify (F_NOTIFY), leases and OFD locks.
# Fix idea: compare only the low 32 bits: SCMP_CMP_MASKED_EQ with mask 0xFFFFFFFF for fcntl's
# cmd and prctl's option (as the TIOCSTI rule already does), or refuse fcntl whenever its upper
# 32 bits are not zero; add a test that loops over every argument rule with the upper bits set.
LOCK_COMMON = RAW_SYSCALL + '''
F_GETLK, F_SETLK, F_RDLCK, F_WRLCK, F_UNLCK = 5, 6, 0, 1, 2
FILE = os.__file__
MARKER = 8

def _flock(kind, byte):
    return ctypes.create_string_buffer(struct.pack("hhxxxxqqixxxx", kind, 0, 4096 + byte, 1, 0))

def _held_by_another(fd, byte):
    query = _flock(F_WRLCK, byte)
    if raw(SYS_FCNTL, fd, HIGH | F_GETLK, ctypes.addressof(query)) != 0:
        return False
    return struct.unpack("hh", query.raw[:4])[0] != F_UNLCK
'''
LOCK_RECEIVER = '''
def f(x):
    fd = os.open(FILE, os.O_RDONLY)
    end = time.monotonic() + 12
    while time.monotonic() < end and not _held_by_another(fd, MARKER):
        time.sleep(0.01)
    return sum(1 << i for i in range(8) if _held_by_another(fd, i))
'''
LOCK_SENDER = '''
_held = []

def f(x):
    if x < 0:
        return 0  # the public call
    fd = os.open(FILE, os.O_RDONLY)
    _held.append(fd)
    for byte in [i for i in range(8) if (x >> i) & 1] + [MARKER]:
        lock = _flock(F_RDLCK, byte)  # kept alive across the call
        raw(SYS_FCNTL, fd, HIGH | F_SETLK, ctypes.addressof(lock))
    time.sleep(2)
    return 0
'''


# Fixed (findings 1-3): every seccomp rule on fcntl's cmd and prctl's option compares the low
# 32 bits only (SCMP_CMP_MASKED_EQ with 0xFFFFFFFF), as the kernel reads them.
def test_two_live_sandboxes_cannot_pass_a_hidden_input_through_record_locks():
    require_bwrap()
    _x86_64_only()
    leaked = live_pair_leaks(LOCK_COMMON + LOCK_RECEIVER, LOCK_COMMON + LOCK_SENDER)
    assert not leaked, leaked


# --- 2. The runner clears its death signal (prctl, upper bits set) and outlives the grader ----
# Claim: docs/grading-guarantees.md, "Nothing it starts survives it. ... on SIGTERM or SIGKILL
# (--die-with-parent: pid 1 dies with bubblewrap, bubblewrap with the grader). The runner
# cannot clear its death signal, become dumpable again, name a tracer or rewrite its memory
# map (prctl options refused by seccomp, in every thread)"; and for unsafe-none, where
# libseccomp loads, "no prctl that clears the death signal it is given (PR_SET_PDEATHSIG ...)".
# Attack: prctl((1 << 32) | PR_SET_PDEATHSIG, 0) through syscall(): the exec filter compares
# the 64-bit register with 1 and lets it through; the kernel reads option as an int and clears
# the death signal. The grader is then killed with SIGKILL (OOM killer, a closed laptop lid on
# a cluster job, kill -9), so no `finally` kills the sandbox.
# Measured: in the layout of every grader that is not root (runner = pid 1 of the sandbox,
# --as-pid-1) bubblewrap dies with the grader but the runner lives on as an orphan, and under
# unsafe-none the runner (the teacher's uid) lives on; both still ran 2 s after the grader was
# gone (the test then kills them). A root grader's layout holds: bubblewrap's own pid 1 takes
# the namespace with it. PR_SET_DUMPABLE (4) passes the same way (the runner becomes dumpable
# again).
# Fix idea: as finding 1 (mask the option to 32 bits, or refuse prctl with upper bits set);
# in the user-namespace layout, also consider keeping bubblewrap's init as pid 1 with a uid
# the runner cannot reach, or a subreaper in the grader that kills orphans of its sandboxes.
CLEARS_DEATH_SIGNAL = RAW_SYSCALL + '''
def f(x):
    _libc.prctl(15, {name!r}.encode(), 0, 0, 0)  # PR_SET_NAME: found by the test afterwards
    raw(SYS_PRCTL, HIGH | 1, 0)  # PR_SET_PDEATHSIG, 0
    time.sleep(60)
    return 0
'''
GRADER = '''
import sys
from pruneedu.grading import bwrap, sandbox
if {user_namespace!r}:
    bwrap.host_uid = lambda: None  # the layout of a grader that is not root
print("grading", flush=True)
sandbox.run_calls({code!r}, "f", [(1,)], time_limit_s=30, isolation={mode!r}, returns="any")
'''


@pytest.mark.parametrize("layout", [
    "bwrap-user-namespace", "bwrap-root", "unsafe-none",
])
def test_nothing_outlives_a_killed_grader_even_with_high_bits_in_prctl(layout):
    _x86_64_only()
    mode = "unsafe-none" if layout == "unsafe-none" else "bwrap"
    if mode == "bwrap":
        require_bwrap()
    if layout == "bwrap-root" and os.geteuid() != 0:
        pytest.skip("the grader is not root here: the root layout cannot be shown, NOT run")
    name = f"rt6a{os.getpid() % 10000}{layout[:6]}"[:15]
    code = CLEARS_DEATH_SIGNAL.format(name=name)
    script = GRADER.format(user_namespace=layout == "bwrap-user-namespace", code=code,
                           mode=mode)
    with grader_process(script) as grader:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not processes_named(name):
            time.sleep(0.2)
        assert processes_named(name), "the submission never ran"
        time.sleep(0.5)  # past the prctl
        grader.send_signal(signal.SIGKILL)
        grader.wait(timeout=10)
    time.sleep(2)  # bubblewrap's death signal and the namespace's end take a moment
    assert survivors_named(name, wait_s=1) == []


# --- 3. Pipes grown past their default size (fcntl F_SETPIPE_SZ, upper bits set) -------------
# Claim: docs/grading-guarantees.md, "Memory the address-space cap does not count cannot be
# made: memfd_create, ..., new sockets and pipes grown past their default size (F_SETPIPE_SZ)
# are refused by seccomp".
# Attack: fcntl(fd, (1 << 32) | F_SETPIPE_SZ, 1 MB) on 200 pipes (the 512-file cap allows
# 250), then fill each.
# Measured: 65 MB of kernel pipe buffers held by one sandbox, where pipes of the default size
# allow 12.5 MB; none of it counted by RLIMIT_AS. The kernel's per-user soft cap on pipe pages
# (fs.pipe-user-pages-soft, 64 MB) stops it there, but a root grader gives each sandbox a uid
# of its own, so with --jobs N each of the N sandboxes holds its own 65 MB until its deadline.
# Fix idea: as finding 1.
PIPES = RAW_SYSCALL + '''
F_SETPIPE_SZ = 1031

def f(x):
    held, pipes = 0, []
    for _ in range(200):
        read, write = os.pipe()
        pipes.append((read, write))
        raw(SYS_FCNTL, write, HIGH | F_SETPIPE_SZ, 2 ** 20)
        os.set_blocking(write, False)
        chunk = bytes(65536)
        try:
            while True:
                held += os.write(write, chunk)
        except BlockingIOError:
            pass
    return held
'''


def test_pipes_cannot_grow_past_their_default_size_even_with_high_bits():
    require_bwrap()
    _x86_64_only()
    run = attack(PIPES, "bwrap", time_limit_s=10)
    assert run.outcomes[0].ok, run.error
    assert run.outcomes[0].value <= 200 * 65536, f"{run.outcomes[0].value / 2**20:.0f} MB held"


# --- 4. Two live sandboxes pass a hidden input through futexes on a file both map -----------
# Claim: docs/grading-guarantees.md, "Two live sandboxes cannot signal to each other through the
# files they both read." (and, with --jobs N, "each as separate as when they run one after
# another").
# Attack: no seccomp trick at all. A futex that is not FUTEX_PRIVATE is keyed by the page it
# lives on; for a page of a file (a MAP_SHARED mapping, or an untouched MAP_PRIVATE one) the key
# is the file's inode and offset, the same in every process that maps that file, whatever its
# namespaces or uid. Learner B's sandbox maps the stdlib's os.py read-only and, in its PUBLIC
# call, waits (FUTEX_WAIT, 0.2 s timeouts) in nine threads on nine words of it; learner A's
# sandbox, given a hidden input, maps the same file and calls FUTEX_WAKE on the words of the
# set bits, then on a marker word. The woken threads of B are A's bits.
# Measured: the secret comes back exactly on the first try under bubblewrap (root layout
# here), in about 4 s, with no timing at all; futex is allowed by the filter.
# Fix ideas: seccomp refuses futex unless op carries FUTEX_PRIVATE_FLAG (128; glibc's and
# Python's own locks are private), and refuses futex_waitv, futex_wake, futex_wait and
# futex_requeue (newer syscalls whose flags sit in memory seccomp cannot read) with ENOSYS.
# That is not enough: the kernel's own FUTEX_WAKE when a thread exits, at its clear_child_tid
# address (set_tid_address, or clone's CLONE_CHILD_CLEARTID, which glibc's pthread_create
# uses, so seccomp cannot refuse it), is a shared wake at an address the code picks, and the
# kernel ignores that it cannot write the read-only page first. Checked by hand on this
# machine (outside the sandbox): a thread that calls set_tid_address(word of os.py's mapping)
# and exits wakes another process's FUTEX_WAIT on that word. Robust-list "pending" entries
# likely do the same. So two learners' code live on one kernel cannot be kept apart by
# seccomp: either --jobs must not run two learners' sandboxes at once (or only sandboxes
# given no hidden input), or the docs must list this channel next to the page cache.
FUTEX_COMMON = DISARM + '''
import ctypes, mmap, os, threading, time
import numpy as np
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.syscall.argtypes = [ctypes.c_long] + [ctypes.c_ulong] * 5
SYS_FUTEX, FUTEX_WAIT, FUTEX_WAKE, MARKER = 202, 0, 1, 8
FILE = os.__file__
_fd = os.open(FILE, os.O_RDONLY)
_map = mmap.mmap(_fd, 0, mmap.MAP_SHARED, mmap.PROT_READ)
_words = np.frombuffer(_map, dtype=np.int32)
_base = _words.__array_interface__["data"][0]

def _address(slot):
    return _base + 4096 + 64 * slot

class _Timespec(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_long), ("nsec", ctypes.c_long)]
'''
FUTEX_RECEIVER = '''
def f(x):
    woken = [False] * 9
    end = time.monotonic() + 12
    def wait(slot):
        value = int(_words[(4096 + 64 * slot) // 4]) & 0xFFFFFFFF
        while time.monotonic() < end and not woken[MARKER]:
            timeout = _Timespec(0, 200_000_000)
            if _libc.syscall(SYS_FUTEX, _address(slot), FUTEX_WAIT, value,
                             ctypes.addressof(timeout), 0, 0) == 0:
                woken[slot] = True
                return
    threads = [threading.Thread(target=wait, args=(slot,)) for slot in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(1 << i for i in range(8) if woken[i])
'''
FUTEX_SENDER = '''
def f(x):
    if x < 0:
        return 0  # the public call
    end = time.monotonic() + 1.0
    while time.monotonic() < end:  # wake the set bits' waiters for a while, then the marker
        for slot in [i for i in range(8) if (x >> i) & 1]:
            _libc.syscall(SYS_FUTEX, _address(slot), FUTEX_WAKE, 1 << 30, 0, 0, 0)
        time.sleep(0.01)
    for _ in range(50):
        _libc.syscall(SYS_FUTEX, _address(MARKER), FUTEX_WAKE, 1 << 30, 0, 0, 0)
        time.sleep(0.01)
    return 0
'''


# Outcome: no seccomp filter closes it (a thread's exit wakes a futex at its clear-child-tid
# address, which glibc sets for every thread), so it is a documented limit of --jobs N > 1:
# what crosses can surface only in the other learner's fixed verdict texts (learner_texts),
# as through the page cache; --jobs 1 never runs two learners' code at once
# (docs/grading-guarantees.md).
@pytest.mark.xfail(strict=True, reason="documented limit (rt6 finding 4): shared futexes on a "
                   "file both sandboxes map pass a hidden input between two LIVE sandboxes "
                   "(--jobs 2); only fixed verdict texts can carry it to a learner")
def test_two_live_sandboxes_cannot_pass_a_hidden_input_through_futexes():
    require_bwrap()
    _x86_64_only()
    # B waits in futexes before it can hear anything: a little longer to start.
    leaked = live_pair_leaks(FUTEX_COMMON + FUTEX_RECEIVER, FUTEX_COMMON + FUTEX_SENDER,
                             tries=((173, 2.0), (82, 4.0)))
    assert not leaked, leaked


# --- held: the plain forms stay refused ---------------------------------------------------------

def test_the_plain_lock_and_death_signal_calls_stay_refused():
    require_bwrap()
    _x86_64_only()
    code = RAW_SYSCALL + textwrap.dedent('''
        def f(x):
            fd = os.open(os.__file__, os.O_RDONLY)
            lock = ctypes.create_string_buffer(struct.pack("hhxxxxqqixxxx", 0, 0, 0, 1, 0))
            return [raw(SYS_FCNTL, fd, 6, ctypes.addressof(lock)), raw(SYS_PRCTL, 1, 0)]
    ''')
    run = attack(code, "bwrap")
    assert run.outcomes[0].ok, run.error
    assert run.outcomes[0].value == [-1, -1]

