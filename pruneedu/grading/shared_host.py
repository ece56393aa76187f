"""Whether other people run processes on this machine, where they could watch code being graded.

A sandbox keeps learners' code from reaching anything, but not from being watched: every
process on a machine shares its page cache, its CPU time and its memory counters. Code given a
hidden input can read pages of a big file under ``/usr`` in a pattern that spells the input,
and a process of the learner's own, anywhere on the same machine, can ask the kernel which of
those pages are cached (red-team round 5 read every hidden input back this way, exactly, with
full marks). No sandbox closes that: code is graded only on a machine where no learner runs
anything, which is not the class's JupyterHub (``docs/jupyterhub.md``: collect there, grade on
a machine of your own).

What this module can see is the common mistake: grading on a machine where processes of other
login users are running right now (a hub's notebook servers). Commands that run learners' code
refuse then, unless the instructor passes ``--shared-host``. It cannot see learners who start
a process only after grading (the page cache keeps its state), processes hidden by
``hidepid`` or in other containers of the same host: the rule stands even when nothing is seen.

Example:
    >>> other_users(Path("/nonexistent"))
    {}
"""

from __future__ import annotations

import os
from pathlib import Path

NOBODY = 65534  # an account of daemons, not of a person
DEFAULT_UID_MIN = 1000  # Debian, Ubuntu, Fedora: where login accounts start


def _uid_min(login_defs: Path = Path("/etc/login.defs")) -> int:
    try:
        for line in login_defs.read_text(encoding="utf-8", errors="replace").splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] == "UID_MIN" and words[1].isdigit():
                return int(words[1])
    except OSError:
        pass
    return DEFAULT_UID_MIN


def _a_sandbox(uid: int) -> bool:
    """A uid a root grader gives its sandboxes (this grader's or another's running beside
    it, such as ``feedback`` beside ``grade``): not a person's."""
    from pruneedu.grading.bwrap import HOST_UID_BASE, HOST_UID_SPAN

    return HOST_UID_BASE <= uid < HOST_UID_BASE + HOST_UID_SPAN


def _mine() -> set[int]:
    """The grader's own uids, and under sudo the person who ran it."""
    uids = {0, os.getuid(), os.geteuid()}
    sudo = os.environ.get("SUDO_UID", "")
    if sudo.isdigit():
        uids.add(int(sudo))
    return uids


def other_users(proc: Path = Path("/proc"), uid_min: int | None = None) -> dict[int, int]:
    """Processes of login users other than the grader's: ``{uid: number of processes}``."""
    lowest = _uid_min() if uid_min is None else uid_min
    mine, found = _mine(), {}
    try:
        entries = [entry for entry in proc.iterdir() if entry.name.isdigit()]
    except OSError:
        return {}
    for entry in entries:
        try:
            status = (entry / "status").read_text(encoding="utf-8", errors="replace")
        except OSError:  # gone since the listing
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                uid = int(line.split()[1])  # the real uid
                if uid >= lowest and uid != NOBODY and uid not in mine \
                        and not _a_sandbox(uid):
                    found[uid] = found.get(uid, 0) + 1
                break
    return found


def refusal(proc: Path = Path("/proc"), uid_min: int | None = None) -> str:
    """Why code must not be graded here ("" when no other login user's process is seen)."""
    found = other_users(proc, uid_min)
    if not found:
        return ""
    processes = sum(found.values())
    return (f"{processes} process(es) of {len(found)} other user(s) run on this machine (a "
            "shared server or JupyterHub?): a learner's process here can watch graded code "
            "through the machine's shared state and read the hidden test inputs. Copy the "
            "submissions to a machine no learner uses and grade there "
            "(docs/grading-guarantees.md), or pass --shared-host to grade here anyway.")
