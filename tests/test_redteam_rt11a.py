"""Red-team round 11a: ways around the shared-host check (pruneedu.grading.shared_host).

Held: a learner's process cannot forge the uid the check reads. The check reads the first
``Uid:`` line of /proc/<pid>/status, and the only field above it a process controls is its
name (``prctl(PR_SET_NAME)``), which the kernel writes with its newline escaped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pruneedu.grading import shared_host

pytestmark = pytest.mark.real_host  # conftest.py: other tests see no other user's process

# A child names itself "x\nUid:\t0 0 0 0": were the newline written raw, the check would read
# uid 0 (the grader's own) first and skip the process.
_FORGE = r"""
import ctypes, sys, time
ctypes.CDLL(None).prctl(15, b"x\nUid:\t0 0 0 0", 0, 0, 0)
print("named", flush=True)
time.sleep(30)
"""


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="no /proc on this machine")
def test_a_process_name_cannot_forge_the_uid_line():
    child = subprocess.Popen([sys.executable, "-c", _FORGE], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "named"
        status = Path(f"/proc/{child.pid}/status").read_text(encoding="utf-8")
        first_uid = next(line for line in status.splitlines() if line.startswith("Uid:"))
        assert int(first_uid.split()[1]) == os.getuid()  # the real one, not the forged 0
        assert status.splitlines()[0].startswith("Name:\tx\\n")
    finally:
        child.kill()
        child.wait()


def test_sandbox_uid_range_is_far_from_distro_allocated_ranges():
    # Ranges a learner can come to own without root: useradd's subordinate uids
    # (SUB_UID_MIN..SUB_UID_MAX, 100000..600100000), systemd's DynamicUser (61184..65519) and
    # container range (524288..1879048191). None may overlap the uids the check skips.
    for low, high in [(100_000, 600_100_000), (61_184, 65_519), (524_288, 1_879_048_191)]:
        assert not shared_host._a_sandbox(low) and not shared_host._a_sandbox(high)
        assert high < 2_000_000_000
