"""Corrections by hand: the overrides file, and the append-only audit log of every regrade.

``--overrides overrides.csv`` is a UTF-8 CSV with a header row:

===========  ===================================================================
column       meaning
===========  ===================================================================
learner_id   whose grade (required)
item         quiz or exercise id (required)
question     a question id of that quiz: replaces that question's score (the late
             penalty still applies to the item); empty: replaces the item's final
             score (late penalty included: use it to excuse lateness, to grade a
             rejected file, or to score a ``written`` answer's whole quiz by hand)
score        the new points, from 0 to the question's or item's points (required)
comment      why (shown to nobody but you; kept in the audit log)
grader       optional: who decided (default: your user name)
===========  ===================================================================

Every time a grading run applies an override that differs from what the audit log last
recorded for that learner, item and question (a new one, a changed score or comment, or one
removed from the file), one line is appended to ``<overrides>.audit.csv`` beside it:
``logged_at, grader, learner_id, item, question, old, new, comment``. The log is only ever
appended to; running the grader again with the same overrides adds nothing, and two commands
run at once (``grade`` and ``feedback`` with the same ``--overrides``) take turns at the log
under a lock, so neither logs what the other just did.

Example:
    >>> import io
    >>> [o.score for o in read_overrides(io.StringIO(
    ...     "learner_id,item,question,score,comment\\nada,q1,q-text,1,typo accepted\\n"))]
    [1.0]
"""

from __future__ import annotations

import csv
import fcntl
import getpass
import io
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from pruneedu.grading.safe_text import csv_cell
from pruneedu.grading.textfiles import format_points

COLUMNS = ("learner_id", "item", "question", "score", "comment", "grader")
REQUIRED = ("learner_id", "item", "score")
AUDIT_COLUMNS = ("logged_at", "grader", "learner_id", "item", "question", "old", "new", "comment")
REMOVED = "override removed"


@dataclass(frozen=True)
class Override:
    """One correction; ``question`` is empty for a whole item."""

    learner_id: str
    item: str
    question: str
    score: float
    comment: str = ""
    grader: str = ""
    line: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.learner_id, self.item, self.question)


def read_overrides(handle: TextIO, source: str = "the overrides file") -> list[Override]:
    """Read overrides (ValueError with the line on a bad one); one per learner/item/question."""
    reader = csv.DictReader(handle)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        wrong = [f"it lacks {', '.join(missing)}"] if missing else []
        wrong += [f"{', '.join(map(repr, unknown))} unknown"] if unknown else []
        raise ValueError(f"{source} must have the columns {', '.join(COLUMNS[:5])} (and "
                         f"optionally grader); {' and '.join(wrong)}.")
    reader.fieldnames = header
    found: dict[tuple[str, str, str], Override] = {}
    for line, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        try:
            score = float(values["score"])
        except ValueError:
            raise ValueError(f"{source} line {line}: score {values['score']!r} is not a number; "
                             "write the points, e.g. 1.5.") from None
        if not math.isfinite(score) or score < 0:
            raise ValueError(f"{source} line {line}: score must be 0 or more.")
        override = Override(values["learner_id"], values["item"], values.get("question", ""),
                            score, values.get("comment", ""), values.get("grader", ""), line)
        if not override.learner_id or not override.item:
            raise ValueError(f"{source} line {line}: learner_id and item are required.")
        if override.key in found:
            raise ValueError(f"{source} line {line}: the same learner, item and question as "
                             f"line {found[override.key].line}; keep one of them.")
        found[override.key] = override
    return list(found.values())


def load_overrides(path: Path) -> list[Override]:
    """Read the overrides CSV at ``path``."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return read_overrides(handle, str(path))
    except FileNotFoundError:
        raise ValueError(f"--overrides {path} does not exist; create it with the header "
                         "learner_id,item,question,score,comment.") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text; save it as UTF-8 CSV.") from None


def audit_path(overrides: Path) -> Path:
    """``overrides.csv`` -> ``overrides.audit.csv`` beside it.

    Example:
        >>> audit_path(Path("course/overrides.csv")).as_posix()
        'course/overrides.audit.csv'
    """
    return overrides.with_name(overrides.stem + ".audit.csv")


def _states_in(handle: TextIO) -> dict[tuple[str, str, str], tuple[str, str]]:
    states: dict[tuple[str, str, str], tuple[str, str]] = {}
    for row in csv.DictReader(handle):
        key = (row.get("learner_id", ""), row.get("item", ""), row.get("question", ""))
        states[key] = (row.get("new", ""), row.get("comment", ""))
    return states


def _last_states(path: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        return _states_in(handle)


def _changes(states: dict[tuple[str, str, str], tuple[str, str]],
             current: dict[tuple[str, str, str], Override],
             automatic: Callable[[tuple[str, str, str]], float], stamp: str) -> list[list[str]]:
    user = getpass.getuser()
    rows = []
    for key, override in sorted(current.items()):
        new = format_points(override.score)
        last = states.get(key)
        if last == (new, csv_cell(override.comment)):  # the log holds escaped cells
            continue
        old = last[0] if last and last[1] != REMOVED else format_points(automatic(key))
        rows.append([stamp, override.grader or user, *key, old, new, override.comment])
    for key, (value, comment) in sorted(states.items()):
        if key not in current and comment != REMOVED:
            rows.append([stamp, user, *key, value, format_points(automatic(key)), REMOVED])
    return rows


def append_audit(path: Path, overrides: Iterable[Override],
                 automatic: Callable[[tuple[str, str, str]], float],
                 now: datetime | None = None) -> int:
    """Append a line for each override that changed since the log's last line for its key
    (and for each logged override no longer in the file); returns how many were added.

    ``automatic(key)`` is the score the learner would have without any override. Two commands
    run at once (``grade`` and ``feedback`` with the same ``--overrides``) take turns: each
    holds an exclusive lock on the log from reading its last states to the fsync of its lines,
    so a regrade, or the header, is never logged twice.

    Example:
        >>> import tempfile
        >>> log = Path(tempfile.mkdtemp()) / "overrides.audit.csv"
        >>> change = [Override("ada", "q1", "", 7.0, "regraded")]
        >>> append_audit(log, change, lambda key: 8.0), append_audit(log, change, lambda key: 8.0)
        (1, 0)
    """
    stamp = (now or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
    current = {o.key: o for o in overrides}
    # The usual rerun changes nothing: it neither creates the log nor waits for its lock.
    if not _changes(_last_states(path), current, automatic, stamp):
        return 0
    with open(path, "a+", encoding="utf-8", newline="") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file is closed
        handle.seek(0)
        rows = _changes(_states_in(handle), current, automatic, stamp)
        if not rows:  # another command logged the same changes while we waited
            return 0
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if os.fstat(handle.fileno()).st_size == 0:
            writer.writerow(AUDIT_COLUMNS)
        writer.writerows([[csv_cell(cell) for cell in row] for row in rows])
        handle.write(buffer.getvalue())
        handle.flush()
        os.fsync(handle.fileno())
    return len(rows)
