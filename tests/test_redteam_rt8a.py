"""Red team, round rt8 (a): the code-running side (the sandbox's kernel surface and host-wide
pools, the capstone reader, the checkers, the wire decoder).

Each finding is a strict xfail that passes once the attack no longer succeeds; the tests
without a mark are attacks the grader withstood (kept few and fast, as regression guards).
bubblewrap missing is a loud skip (a failure where PRUNEEDU_REQUIRE_BWRAP=1).
"""

from __future__ import annotations

import threading
import time

from redteam_support import DISARM, attack, require_bwrap, shown_to_learner


def _ptys_in_use() -> int:
    """The machine-wide count of pseudo-terminals, read by the grader's side."""
    with open("/proc/sys/kernel/pty/nr") as handle:
        return int(handle.read())


class _HighestPtys:
    """Samples kernel.pty.nr every 50 ms in a thread while a sandbox runs."""

    def __init__(self) -> None:
        self.start = _ptys_in_use()
        self.highest = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.highest = max(self.highest, _ptys_in_use())
            time.sleep(0.05)

    def __enter__(self) -> _HighestPtys:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


# --- 1. A pseudo-terminal lets the sandbox switch line disciplines (kernel module autoload) --
# Claim: docs/grading-guarantees.md, "**It cannot widen the kernel surface.** Also refused:
# `bpf`, `perf_event_open`, `userfaultfd`, `io_uring_*`, keyrings, kernel modules, ..." and
# "**It cannot change what it sees.**"
# Attack: bubblewrap's `--dev` mounts a fresh devpts with `ptmxmode=666`, so the sandbox opens
# /dev/ptmx and holds a pseudo-terminal of its own. On it, ioctl TIOCSETD (0x5423) picks the
# tty's line discipline: the whole ldisc layer (n_hdlc, n_gsm, slip, ppp, hci_uart, slcan...)
# is then reachable. For a discipline not yet registered the kernel calls
# request_module("tty-ldisc-N") when dev.tty.ldisc_autoload is 1 (CONFIG_LDISC_AUTOLOAD's
# Kconfig default is y; check a distribution kernel with `sysctl dev.tty.ldisc_autoload`):
# modprobe then runs as root in the host and the module stays loaded after grading (n_hdlc
# was CVE-2017-2636, a local root). Seccomp refuses
# init_module and finit_module, but not this ioctl.
# Measured here (kernel 6.18 without module support, ldisc_autoload=1): /dev/ptmx opens,
# TIOCSETD to N_NULL (27) is accepted and TIOCGETD then reads 27; N_HDLC (13) answers EINVAL
# only because this kernel cannot load modules at all.
# Fix idea: build /dev by hand instead of `--dev` (`--tmpfs /dev` plus `--dev-bind` of null,
# zero, full, random and urandom, `--remount-ro /dev`): no devpts, no ptmx (this also closes
# finding 2); or, at least, refuse ioctl TIOCSETD in the base filter (low 32 bits, as for
# TIOCSTI).
LINE_DISCIPLINE = DISARM + '''
import fcntl, os, struct

def f(x):
    try:
        master = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY)
    except OSError as error:
        return "no pty: " + error.strerror
    try:
        fcntl.ioctl(master, 0x5423, struct.pack("i", 27))    # TIOCSETD N_NULL
    except OSError as error:
        return "TIOCSETD refused: " + error.strerror
    return struct.unpack("i", fcntl.ioctl(master, 0x5424, bytes(4)))[0]  # TIOCGETD
'''


# Fixed: the sandbox's /dev is built by hand (null, zero, full, random, urandom): no devpts.
def test_the_sandbox_cannot_switch_a_tty_line_discipline():
    require_bwrap()
    run = attack(LINE_DISCIPLINE, "bwrap", time_limit_s=8)
    shown_to_learner(run, 8)
    outcome = run.outcomes[0]
    assert outcome.ok, outcome.error
    assert outcome.value != 27, "the sandbox's pty now runs the N_NULL line discipline"


# --- 2. The sandbox holds hundreds of the machine's pseudo-terminals ------------------------
# Claim: docs/grading-guarantees.md, "**Its resources are capped.** ... 512 open files" and
# "AIO contexts (one pool for the whole machine) are refused by seccomp": a pool shared by the
# whole machine is not left to a sandbox. Pseudo-terminals are such a pool: kernel.pty.max
# (4,096 by default) counts every devpts instance of the machine, and the ones that are not
# the host's own (containers, every other sandbox's bubblewrap `--dev`) share
# max - kernel.pty.reserve = 3,072.
# Attack: the code opens /dev/ptmx until its 512 descriptors run out (each master also holds
# its slave tty, line discipline buffers and any input written to it) and keeps them while the
# grader's side reads /proc/sys/kernel/pty/nr.
# Measured: one sandbox holds 500 of the machine's ptys (kernel.pty.nr 0 -> 500); with
# `--jobs 7` (a 7-core grading machine's default) seven learners hold 3,500 > 3,072, so every
# container and every other devpts instance on the host gets ENOSPC from /dev/ptmx until they
# end (and each pty holds kernel memory outside RLIMIT_AS: 300 of them with input written came
# to ~60 MB less MemAvailable here).
# The count is also readable inside every sandbox (/proc/sys/kernel/pty/nr, the host's, bound
# read-only), so two live sandboxes under --jobs N can pass ~9 bits per read through it with no
# timing (only into fixed verdict texts, as the documented futex channel).
# Fix idea: no devpts in the sandbox (see finding 1), or mount it with a small `max=` (bubblewrap
# has no option for it: a devpts made before bwrap and bound in could).
PTY_HOARD = DISARM + '''
import os, time

def f(x):
    held = []
    while len(held) < 500:
        try:
            held.append(os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY))
        except OSError:
            break
    time.sleep(1.0)  # held while the grader's side reads kernel.pty.nr
    return len(held)
'''


# Fixed: the sandbox's /dev is built by hand (null, zero, full, random, urandom): no devpts.
def test_the_sandbox_holds_no_share_of_the_machines_pty_pool():
    require_bwrap()
    with _HighestPtys() as ptys:
        run = attack(PTY_HOARD, "bwrap", time_limit_s=8)
    shown_to_learner(run, 8)
    held = run.outcomes[0].value if run.outcomes[0].ok else 0
    assert not (held >= 400 and ptys.highest - ptys.start >= 400), (
        f"the sandbox held {held} ptys; kernel.pty.nr rose by {ptys.highest - ptys.start}")
