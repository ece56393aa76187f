"""Red team, round rt7 (a): the code-running side (seccomp, sandbox memory, the channel).

Each finding is a strict xfail that passes once the attack no longer succeeds; the tests
without a mark are attacks the grader withstood (kept few and fast, as regression guards).
bubblewrap missing is a loud skip (a failure where PRUNEEDU_REQUIRE_BWRAP=1).
"""

from __future__ import annotations

import threading
import time

from redteam_support import DISARM, attack, require_bwrap, shown_to_learner


def _available_bytes() -> int:
    """The host's MemAvailable, read by the grader's side (outside every sandbox)."""
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no MemAvailable in /proc/meminfo")


class _LowestAvailable:
    """Samples MemAvailable every 50 ms in a thread while a sandbox runs."""

    def __init__(self) -> None:
        self.start = _available_bytes()
        self.lowest = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.lowest = min(self.lowest, _available_bytes())
            time.sleep(0.05)

    def __enter__(self) -> _LowestAvailable:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def drop(self) -> int:
        return self.start - self.lowest


# --- 1. Extended attributes on the scratch tmpfs hold gigabytes of kernel memory -------------
# Claim: docs/grading-guarantees.md, "**Its resources are capped.** ... 64 MB a file and 64 MB
# of scratch" and "Memory the address-space cap does not count cannot be made: memfd_create,
# ... are refused by seccomp (before round rt1 a sandbox held gigabytes in memfd files and
# shared memory segments)"; the limits section puts the kernel's own share at "the scratch's
# files ... empty files cost kernel memory only, about 170 MB in a 10-second deadline".
# Attack: since Linux 6.6 tmpfs accepts user.* extended attributes. Their values are kernel
# allocations (simple_xattr, kvmalloc) that count neither against the tmpfs's size= (64 MB)
# nor against RLIMIT_AS; tmpfs caps them only by its inode space, nr_inodes * 1 KiB, and
# bubblewrap's --size leaves nr_inodes at its default (half the RAM's pages), so the cap is
# about RAM / 8 per sandbox. setxattr, fsetxattr, lsetxattr and setxattrat are not in the
# seccomp deny-list. The code writes 64 KiB values under 1,000 names per empty file in /tmp.
# Measured (24 GiB host, root layout): 1.5 GB stored in 4 s, the host's MemAvailable 2.9 GB
# lower while the sandbox lived (given back when it ended); no ENOSPC before the deadline.
# With --jobs N, N sandboxes do it at once: on an 8 GB laptop that is the OOM killer.
# Fix idea: refuse setxattr, lsetxattr, fsetxattr and setxattrat in the base seccomp filter
# (no exercise needs extended attributes), or mount the scratch with a small nr_inodes
# (bubblewrap 0.8 has no option for it; a tmpfs made with fsconfig before bwrap could).
XATTR_FILLER = DISARM + '''
import os, time

def f(x):
    stored, value, n = 0, b"v" * 65536, 0
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        path = "/tmp/x%d" % (n // 1000)
        if n % 1000 == 0:
            open(path, "w").close()
        try:
            os.setxattr(path, "user.k%d" % (n % 1000), value)
        except OSError:
            break
        stored += len(value)
        n += 1
    time.sleep(1.0)  # held while the grader's side looks at the host's memory
    return stored
'''


# Fixed: seccomp refuses setxattr, lsetxattr, fsetxattr and setxattrat (and io_setup).
def test_the_scratch_holds_no_more_kernel_memory_than_its_cap_through_xattrs():
    require_bwrap()
    with _LowestAvailable() as memory:
        run = attack(XATTR_FILLER, "bwrap", time_limit_s=8)
    shown_to_learner(run, 8)
    stored = run.outcomes[0].value if run.outcomes[0].ok else 0
    # Both must hold for the attack to count: the kernel accepted the values (the code's own
    # count of successful setxattr calls) and the host really lost that much memory.
    assert not (stored > 256 * 2**20 and memory.drop > 256 * 2**20), (
        f"{stored / 2**20:.0f} MB stored in extended attributes; host MemAvailable fell "
        f"{memory.drop / 2**20:.0f} MB")


# --- Held: descriptors sent to the grader over the channel keep nothing alive ----------------
# Attack: the code sends its own end of the channel (and a pipe) to the grader's end with
# SCM_RIGHTS, one byte each, then exits: the grader's queue now holds a reference to the
# sandbox's end, so the grader never sees end-of-file from the process. Held: the grader ends
# the job at its own deadline with a fixed text, and the next grading starts normally.
SEND_OWN_END = DISARM + '''
import os, socket, time

def f(x):
    for fd in range(3, 64):
        try:
            end = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        if end.type != socket.SOCK_STREAM:
            end.detach()
            continue
        read, write = os.pipe()
        end.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                              __import__("array").array("i", [fd, read, write]).tobytes())])
    os._exit(0)
'''


def test_descriptors_sent_over_the_channel_cost_only_the_deadline():
    require_bwrap()
    started = time.monotonic()
    run = attack(SEND_OWN_END, "bwrap", time_limit_s=3)
    took = time.monotonic() - started
    shown_to_learner(run, 3)
    assert not run.outcomes[0].ok and run.error
    assert took < 3 + 15, took  # the deadline, plus start-up and the exit wait
    again = attack("def f(x):\n    return x + 1\n", "bwrap")
    assert again.outcomes[0].ok and again.outcomes[0].value == 2
