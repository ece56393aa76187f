"""Deadlines and the late policy: when a file was handed in, and what lateness costs.

When a file was handed in is judged by what the learner cannot set:

1. the LMS's own judgement carried by the download: Canvas writes ``LATE`` into the name of
   a submission made after its due date (that learner's extensions included). Canvas's
   download carries no time, so such work counts as **one day** late (the least it can be)
   and a Canvas file without the marker is on time;
2. otherwise the file's modification time, which unpacking an LMS zip (Moodle's download,
   ``unzip``, macOS and Windows archive tools) sets to the time the LMS stored the file.

Never the ``updated_at`` written inside a responses file: the learner's machine writes that,
and its clock can say anything.

The policy: ``--deadline`` (ISO 8601 with a UTC offset, e.g. ``2026-03-01T23:59+01:00``;
per-item deadlines can be given in the ``--assignments`` file), ``--penalty-per-day P``
(P percent of the item's points for every day or part of a day late, as Canvas's late
policy counts) and ``--cutoff-days D`` (work more than D days late scores 0). Late work is
flagged in the reports whatever the penalty.

Example:
    >>> policy = LatePolicy(penalty_per_day=10.0, cutoff_days=3)
    >>> deadline = parse_deadline("2026-03-01T23:59:00+00:00")
    >>> late = judge(None, deadline + timedelta(hours=25), deadline, policy, points=8)
    >>> late.days_late, late.penalty, late.after_cutoff
    (2, 1.6, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from pruneedu.grading.lms import LmsOrigin

DAY = timedelta(days=1)


@dataclass(frozen=True)
class LatePolicy:
    """The class's late policy; ``deadline`` applies to items without their own."""

    deadline: datetime | None = None
    penalty_per_day: float = 0.0
    cutoff_days: float | None = None


@dataclass(frozen=True)
class Lateness:
    """How late one graded file was: ``handed_in`` is None when only a marker says so."""

    handed_in: datetime | None
    source: str
    days_late: int
    penalty: float
    after_cutoff: bool

    def apply(self, score: float) -> float:
        """The score after the penalty (0 past the cut-off), never below 0."""
        return 0.0 if self.after_cutoff else max(0.0, score - self.penalty)


def parse_deadline(text: str, label: str = "--deadline") -> datetime:
    """An ISO 8601 time with a UTC offset; ValueError saying what to write otherwise.

    Example:
        >>> parse_deadline("2026-03-01T23:59+01:00").isoformat()
        '2026-03-01T23:59:00+01:00'
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{label} {text!r} is not an ISO 8601 time; write it like "
                         "2026-03-01T23:59+01:00.") from None
    if value.tzinfo is None:
        raise ValueError(f"{label} {text!r} has no UTC offset; add one (e.g. +00:00 or "
                         "+01:00) so the deadline means the same on every machine.")
    return value


def judge(origin: LmsOrigin | None, modified: datetime, deadline: datetime | None,
          policy: LatePolicy, points: float) -> Lateness | None:
    """How late a file is (None: on time or no deadline).

    Args:
        origin: what the LMS download name says (its LATE marker), if it came from one.
        modified: the file's modification time (aware).
        deadline: the item's deadline (None: no deadline, nothing is late).
        policy: penalty per day and cut-off.
        points: the item's points, which the percentage penalty is a share of.
    """
    if origin is not None and origin.lms == "canvas":
        if not origin.late:
            return None
        handed_in, source, days = None, "Canvas LATE marker (no time in the download)", 1
    else:
        if deadline is None or modified <= deadline:
            return None
        handed_in, source = modified, "file time"
        days = math.ceil((modified - deadline) / DAY)
    penalty = min(points, points * policy.penalty_per_day / 100 * days)
    after = policy.cutoff_days is not None and days > policy.cutoff_days
    return Lateness(handed_in, source, days, round(penalty, 6), after)


def one_time_for_all(times: list[datetime], at_least: int = 3) -> str:
    """A warning when every file judged by its file time has the same one to the second:
    they were copied without keeping times (``cp`` without ``-p``, an unzip tool that sets the
    time of unpacking), so the times say nothing about when each was handed in ("" if not).

    Example:
        >>> t = parse_deadline("2026-03-01T23:59+00:00")
        >>> bool(one_time_for_all([t, t, t])), one_time_for_all([t, t, t + DAY])
        (True, '')
    """
    seconds = {int(time.timestamp()) for time in times}
    if len(times) < at_least or len(seconds) != 1:
        return ""
    return (f"WARNING: all {len(times)} files judged by their file time were modified at the "
            "same second, so they were copied without their times (cp without -p, or an "
            "unzip tool that does not keep them) and lateness read from them means nothing; "
            "copy them again keeping times (cp -p, unzip) or rely on the LMS (docs/lms.md 4).")
