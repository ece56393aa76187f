"""Where a learner's exercise checks are remembered: ``<learner folder>/exercises/checks.json``.

Each :func:`pruneedu.exercises.check` records how many public tests passed, when, and the
source of the function it checked (:mod:`pruneedu.exercises.capture`). The progress
dashboard shows the states; :func:`pruneedu.exercises.hand_in` falls back on the sources when
a function is no longer defined in the running notebook (after a kernel restart, or for an
exercise done in another notebook). Nothing here is trusted by the grader: it re-runs the
code.

Format (``format_version`` 1)::

    {"format_version": 1,
     "exercises": {"magnitude-mask": {"passed": 5, "total": 5,
                                      "checked_at": "2026-11-21T10:00:00+00:00",
                                      "source": "import torch\\n\\ndef magnitude_mask(...): ..."}}}

Example:
    >>> _ = record_check("magnitude-mask", 4, 5, "def magnitude_mask(w, a):\\n    return w\\n")
    >>> check_states()["magnitude-mask"].passed
    4
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pruneedu import paths
from pruneedu.atomic import write_atomic

FORMAT_VERSION = 1
MAX_SOURCE_CHARS = 200_000


@dataclass(frozen=True)
class CheckState:
    """The last public check of one exercise: tests passed of total, when, and the source."""

    exercise_id: str
    passed: int
    total: int
    checked_at: str
    source: str | None

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total


def checks_path() -> Path:
    """The file that holds the learner's check states."""
    return paths.user_data_dir() / "exercises" / "checks.json"


def _read() -> dict:
    path = checks_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):  # damaged by hand: start over rather than break the notebook
        return {}
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        return {}
    exercises = data.get("exercises")
    return exercises if isinstance(exercises, dict) else {}


def record_check(exercise_id: str, passed: int, total: int, source: str | None) -> Path:
    """Remember one check (replacing the previous one of that exercise); returns the file.

    A source longer than :data:`MAX_SOURCE_CHARS` is not kept (it would not be a function).
    """
    exercises = _read()
    previous = exercises.get(exercise_id, {})
    if source is not None and len(source) > MAX_SOURCE_CHARS:
        source = None
    exercises[exercise_id] = {
        "passed": int(passed), "total": int(total),
        "checked_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        # A check of a function whose source cannot be read keeps the last readable one.
        "source": source if source is not None else previous.get("source"),
    }
    text = json.dumps({"format_version": FORMAT_VERSION, "exercises": exercises}, indent=1,
                      ensure_ascii=False, sort_keys=True)
    return write_atomic(checks_path(), text + "\n")


def check_states() -> dict[str, CheckState]:
    """The last check of every exercise the learner has checked, by exercise id."""
    states = {}
    for exercise_id, entry in sorted(_read().items()):
        if not isinstance(entry, dict):
            continue
        try:
            states[exercise_id] = CheckState(
                exercise_id, int(entry["passed"]), int(entry["total"]),
                str(entry.get("checked_at", "")),
                entry["source"] if isinstance(entry.get("source"), str) else None)
        except (KeyError, TypeError, ValueError):
            continue
    return states
