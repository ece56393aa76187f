"""Red team, round rt9 (a): the code-running side, starting with round 8's hand-built /dev.

Each finding is a strict xfail that passes once the attack no longer succeeds; the tests
without a mark are attacks the grader withstood (kept few and fast, as regression guards).
bubblewrap missing is a loud skip (a failure where PRUNEEDU_REQUIRE_BWRAP=1).
"""

from __future__ import annotations

import os
from contextlib import suppress

from redteam_support import DISARM, attack, require_bwrap, shown_to_learner

DEVICES = ("null", "zero", "full", "random", "urandom")
SLOT_NS = 40_000_000  # 40 ms a step: ten jiffies even at HZ=250, far above scheduling noise


def _device_times() -> dict[str, tuple[int, int]]:
    return {d: (os.stat(f"/dev/{d}").st_atime_ns, os.stat(f"/dev/{d}").st_mtime_ns)
            for d in DEVICES}


def _restore(times: dict[str, tuple[int, int]]) -> None:
    """Put the host's device timestamps back (possible only where the tests run as root)."""
    for device, pair in times.items():
        with suppress(OSError):
            os.utime(f"/dev/{device}", ns=pair)


# --- 1. The sandbox writes host state into /dev's device nodes (their timestamps) ----------
# Claim: docs/grading-guarantees.md, "**It cannot change what it sees.** ... The root of its
# filesystem and `/dev` are read-only" and "**It can write only to its own scratch.** ... No
# file of the host is writable".
# Attack: round 8 builds /dev by hand with `--dev-bind /dev/X /dev/X` and then `--remount-ro
# /dev`, which makes only the tmpfs read-only: each device is its own bind mount of the HOST's
# devtmpfs inode, left read-write. The devices are mode 0666, so any uid may utimensat(NULL)
# them ("touch"): the sandbox sets the host's /dev/{null,zero,full,random,urandom} atime and
# mtime to the moment it chooses. The code, given a hidden 16-bit input, touches /dev/null,
# then each of the other four devices one nibble * 40 ms later, and still scores full marks.
# These timestamps stay on the host after grading (nothing else touches these inodes: here
# they still held the boot time), and any user of the machine reads them with stat(2): a
# learner's process started AFTER grading (which the shared-host seatbelt cannot see) or a
# classmate's live sandbox under --jobs N reads the hidden input back exactly, with no timing
# on the reader's side. 5 devices x 2 timestamps (atime and mtime move together for a
# non-owner) give four nibbles per touch round here; a longer wait carries more.
# Measured (kernel 6.18, root grader): all five host inodes' times moved from the boot time
# to the sandbox's; the test below reads the hidden value back from /dev's timestamps.
# Fix idea: seccomp refuses `utime`, `utimes`, `futimesat` and `utimensat` (no exercise needs
# to set a file's times; shutil.copystat would then fail in the scratch only). bubblewrap's
# `--remount-ro /dev/null` is no fix: its remount adds MS_NODEV, and /dev/null then refuses
# to open (checked here with bwrap directly).
# Fixed: seccomp refuses utime, utimes, futimesat and utimensat.
def test_the_sandbox_cannot_write_hidden_inputs_into_host_device_timestamps():
    require_bwrap()
    hidden = 0xB74C
    code = DISARM + f"""
import os, time
def f(x):
    start = time.monotonic()
    os.utime("/dev/null")
    steps = sorted((((x >> (4 * i)) & 15), name)
                   for i, name in enumerate(("zero", "full", "random", "urandom")))
    for step, name in steps:
        while time.monotonic() < start + step * {SLOT_NS} / 1e9:
            time.sleep(0.001)
        os.utime("/dev/" + name)
    return x
"""
    saved = _device_times()
    try:
        run = attack(code, "bwrap", calls=((hidden,),), time_limit_s=8)
        shown_to_learner(run, 8)
        if not run.outcomes[0].ok:  # the safe outcome: touching a file is refused
            assert "PermissionError" in run.outcomes[0].error, run.outcomes[0].error
        # A learner's own process, any time later: plain stat(2) of the host's /dev.
        times = _device_times()
        assert times == saved  # not one host timestamp moved
        base = times["null"][1]
        read_back = 0
        for i, name in enumerate(("zero", "full", "random", "urandom")):
            read_back |= round((times[name][1] - base) / SLOT_NS) << (4 * i)
    finally:
        _restore(saved)
    assert read_back != hidden, f"the hidden input {hidden:#x} came back from /dev's times"
