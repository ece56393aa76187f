"""The class list: who is in the class, and the ids each LMS knows them by.

``--roster roster.csv`` is a UTF-8 CSV with a header row. ``learner_id`` is required (the id
learners use in the course: their hub name or the id they typed once); the other columns are
optional and used where present:

==================  ==================================================================
column              meaning
==================  ==================================================================
learner_id          the course id (same rule as in responses files; never ``jovyan``)
name                the name shown in the LMS file (Canvas ``Student``; Moodle matches
                    download folders by it)
section             Canvas ``Section``
canvas_user_id      Canvas's numeric user id (``ID`` in a Canvas gradebook export)
sis_user_id         Canvas ``SIS User ID``
sis_login_id        Canvas ``SIS Login ID``
moodle_username     Moodle username
moodle_idnumber     Moodle ID number
email               Moodle email address
==================  ==================================================================

The gradebook lists the roster's learners in the roster's own order. Any other column is an
error (a misspelt column would otherwise be ignored without a word).

Example:
    >>> import io
    >>> roster = read_roster(io.StringIO("learner_id,name,canvas_user_id\\nada,Ada L,1001\\n"))
    >>> roster.by_canvas_id("1001").name, roster.find("ada").learner_id
    ('Ada L', 'ada')
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TextIO

from pruneedu.grading.lms import name_key
from pruneedu.grading.submissions import generic_learner_id, safe_learner_id


@dataclass(frozen=True)
class RosterEntry:
    """One learner of the class (empty strings for what the roster does not give)."""

    learner_id: str
    name: str = ""
    section: str = ""
    canvas_user_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    moodle_username: str = ""
    moodle_idnumber: str = ""
    email: str = ""


COLUMNS = tuple(f.name for f in fields(RosterEntry))


class Roster:
    """Roster entries in file order, with look-ups by course id, Canvas id and name."""

    def __init__(self, entries: list[RosterEntry]) -> None:
        self.entries = entries
        self._by_id = {e.learner_id: e for e in entries}
        self._by_canvas = {e.canvas_user_id: e for e in entries if e.canvas_user_id}
        self._by_name: dict[str, list[RosterEntry]] = defaultdict(list)
        for entry in entries:
            if entry.name:
                self._by_name[name_key(entry.name)].append(entry)
        self.has_canvas_ids = bool(self._by_canvas)
        self.has_names = bool(self._by_name)

    def find(self, learner_id: str) -> RosterEntry | None:
        """The entry with this course id, if any."""
        return self._by_id.get(learner_id)

    def by_canvas_id(self, user_id: str) -> RosterEntry | None:
        """The entry with this Canvas user id, if any."""
        return self._by_canvas.get(user_id)

    def by_name(self, name: str) -> list[RosterEntry]:
        """Every entry whose name matches (case, punctuation and word order ignored)."""
        return list(self._by_name.get(name_key(name), []))

    def __contains__(self, learner_id: object) -> bool:
        return learner_id in self._by_id


def read_roster(handle: TextIO, source: str = "the roster") -> Roster:
    """Read a roster from an open CSV; ValueError (with the line) on any problem."""
    reader = csv.DictReader(handle)
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "learner_id" not in header:
        raise ValueError(f"{source} has no learner_id column; its first line must name the "
                         f"columns, e.g. learner_id,name,section.")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ValueError(f"{source} has unknown columns {', '.join(map(repr, unknown))}; use "
                         f"only {', '.join(COLUMNS)}.")
    reader.fieldnames = header
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    canvas_ids: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        learner = values["learner_id"]
        if not safe_learner_id(learner) or generic_learner_id(learner):
            raise ValueError(f"{source} line {line}: learner_id {learner!r} cannot be a "
                             "learner's id (letters, digits, '_', '-', '@', '+', inner dots; "
                             "not a shared name such as jovyan); correct that line.")
        if learner in seen:
            raise ValueError(f"{source} line {line}: learner_id {learner!r} is already on line "
                             f"{seen[learner]}; each learner appears once.")
        canvas = values.get("canvas_user_id", "")
        if canvas and not canvas.isdigit():
            raise ValueError(f"{source} line {line}: canvas_user_id {canvas!r} is not a number; "
                             "copy the ID column of a Canvas gradebook export.")
        if canvas and canvas in canvas_ids:
            raise ValueError(f"{source} line {line}: canvas_user_id {canvas} is already on line "
                             f"{canvas_ids[canvas]}.")
        seen[learner] = line
        if canvas:
            canvas_ids[canvas] = line
        entries.append(RosterEntry(**values))
    return Roster(entries)


def load_roster(path: Path) -> Roster:
    """Read the roster CSV at ``path`` (a UTF-8 byte order mark is fine)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return read_roster(handle, str(path))
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text; save the roster as UTF-8 CSV.") from None
    except FileNotFoundError:
        raise ValueError(f"--roster {path} does not exist; give the class list CSV.") from None
