"""Red team, round rt10 (a): the code-running side after round 9's file-times fix.

Each finding would be a strict xfail that passes once the attack no longer succeeds; the tests
without a mark are attacks the grader withstood (kept few and fast, as regression guards).
bubblewrap missing is a loud skip (a failure where PRUNEEDU_REQUIRE_BWRAP=1).
"""

from __future__ import annotations

import os

from redteam_support import DISARM, attack, require_bwrap, shown_to_learner

DEVICES = ("null", "zero", "full", "random", "urandom")


def _device_state() -> dict[str, tuple[int, ...]]:
    """Everything of the host's device inodes a sandbox could leave a mark in."""
    state = {}
    for device in DEVICES:
        info = os.stat(f"/dev/{device}")
        state[device] = (info.st_mode, info.st_uid, info.st_gid, info.st_nlink, info.st_size,
                         info.st_atime_ns, info.st_mtime_ns, info.st_ctime_ns)
    return state


# --- Held: no other way into the host device inodes' metadata than file times ---------------
# Claim: docs/grading-guarantees.md, "No file of the host is writable" and the five devices
# being "binds of the host's own device files" (their bind mounts stay read-write).
# Attack: with utime* refused, every other call that changes an inode's metadata, on each
# device opened read-write: fchmod and chmod through /proc/self/fd (mode, ctime), fchown,
# removexattr of an ACL and of user.* names (ctime), chattr through FS_IOC_SETFLAGS,
# ftruncate and fallocate, plus plain reads and writes (the kernel
# moves a tty's times on writes; not these devices'). Held (kernel 6.18, root grader): every
# call is refused (EPERM: the sandbox's uid owns none of them; ENOTTY/EINVAL for the ioctl,
# EINVAL/ENODEV for the size), and the
# host's mode, owner, link count, size and all three times stay the same.
PROBE_METADATA = DISARM + r'''
import fcntl, os, struct

def f(x):
    changed = []
    for name in ("null", "zero", "full", "random", "urandom"):
        path = "/dev/" + name
        fd = os.open(path, os.O_RDWR)
        attempts = (
            lambda: os.fchmod(fd, 0o600),
            lambda: os.chmod("/proc/self/fd/%d" % fd, 0o600),
            lambda: os.fchown(fd, os.getuid(), os.getgid()),
            lambda: os.removexattr(path, "system.posix_acl_access"),
            lambda: os.removexattr(path, "user.k"),
            lambda: fcntl.ioctl(fd, 0x40086602, struct.pack("l", 0x10)),  # FS_IOC_SETFLAGS
            lambda: os.ftruncate(fd, 1),
            lambda: os.posix_fallocate(fd, 0, 4096),
        )
        for number, attempt in enumerate(attempts):
            try:
                attempt()
                changed.append("%s:%d" % (name, number))
            except OSError:
                pass
        try:
            os.read(fd, 16)
            os.write(fd, b"x" * 16)
        except OSError:
            pass
        os.close(fd)
    return ",".join(changed)
'''


def test_the_sandbox_changes_no_other_metadata_of_the_host_devices():
    require_bwrap()
    before = _device_state()
    run = attack(PROBE_METADATA, "bwrap", time_limit_s=8)
    shown_to_learner(run, 8)
    assert run.outcomes[0].ok, run.outcomes[0].error
    assert run.outcomes[0].value == "", f"calls that succeeded: {run.outcomes[0].value}"
    assert _device_state() == before
