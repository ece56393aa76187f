"""Which quizzes and exercises are LMS assignments, under which names, due when.

``--assignments assignments.csv`` maps each quiz or exercise id to the assignment you made
for it in your LMS. A UTF-8 CSV with a header row:

======================  ===========================================================
column                  meaning
======================  ===========================================================
item_id                 a quiz id (``01-introduction``) or exercise id (required)
lms_name                the assignment's name exactly as the LMS shows it (required)
canvas_assignment_id    optional: Canvas's assignment id; the Canvas column is then
                        written ``<lms_name> (<id>)`` as Canvas's own export does,
                        which Canvas matches by id even after a rename
deadline                optional: ISO 8601 with a UTC offset; overrides --deadline
download_folder         optional: the folder (inside the submissions folder) you
                        unpacked this assignment's LMS download into; several items
                        may share one (a hand-in assignment), and ``;`` separates
                        several folders. Once any item has one, LMS names are read
                        only in these folders, and a file there for an item whose
                        folder it is not (handed in to another assignment) is rejected
======================  ===========================================================

Only the items listed here get a column in a Canvas or Moodle file, in the file's order:
a quiz you did not assign never shows up as a column of zeros.

Example:
    >>> import io
    >>> found = read_assignments(io.StringIO(
    ...     "item_id,lms_name,canvas_assignment_id\\nq1,Quiz 1,77\\n"), known={"q1"})
    >>> found["q1"].canvas_header
    'Quiz 1 (77)'
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from pruneedu.grading.late import parse_deadline

COLUMNS = ("item_id", "lms_name", "canvas_assignment_id", "deadline", "download_folder")


@dataclass(frozen=True)
class Assignment:
    """One quiz or exercise as an LMS assignment."""

    item_id: str
    lms_name: str
    canvas_assignment_id: str = ""
    deadline: datetime | None = None
    download_folders: tuple[str, ...] = ()

    @property
    def canvas_header(self) -> str:
        """The Canvas column title: ``name (id)`` when the id is known, else the name."""
        if self.canvas_assignment_id:
            return f"{self.lms_name} ({self.canvas_assignment_id})"
        return self.lms_name


def read_assignments(handle: TextIO, known: Collection[str],
                     source: str = "the assignments file") -> dict[str, Assignment]:
    """Read the mapping (in file order); ValueError with the line on any problem."""
    reader = csv.DictReader(handle)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS[:2] if c not in header]
    if missing:
        raise ValueError(f"{source} lacks the column(s) {', '.join(missing)}; its first line "
                         "must be item_id,lms_name (and optionally canvas_assignment_id,"
                         "deadline,download_folder).")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ValueError(f"{source} has unknown columns {', '.join(map(repr, unknown))}; use "
                         f"only {', '.join(COLUMNS)}.")
    reader.fieldnames = header
    found: dict[str, Assignment] = {}
    names: set[str] = set()
    for line, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        item, name = values["item_id"], values["lms_name"]
        where = f"{source} line {line}"
        if item not in known:
            raise ValueError(f"{where}: {item!r} is not a quiz or exercise of this course; "
                             f"use one of {', '.join(sorted(known))}.")
        if item in found:
            raise ValueError(f"{where}: {item!r} is listed twice; give each item one line.")
        if not name:
            raise ValueError(f"{where}: lms_name is empty; copy the assignment's name from "
                             "your LMS.")
        if name in names:
            raise ValueError(f"{where}: two items use the LMS name {name!r}; each needs its "
                             "own assignment.")
        canvas_id = values.get("canvas_assignment_id", "")
        if canvas_id and not canvas_id.isdigit():
            raise ValueError(f"{where}: canvas_assignment_id {canvas_id!r} is not a number; "
                             "it is the number at the end of the assignment's Canvas address.")
        deadline = values.get("deadline", "")
        found[item] = Assignment(item, name, canvas_id,
                                 parse_deadline(deadline, f"{where}: deadline")
                                 if deadline else None,
                                 _folders(values.get("download_folder", ""), where))
        names.add(name)
    return found


def _folders(text: str, where: str) -> tuple[str, ...]:
    """The download folders of one line: relative paths inside the submissions folder."""
    folders = []
    for raw in text.split(";"):
        folder = raw.strip().replace("\\", "/").strip("/")
        if not raw.strip():
            continue
        parts = folder.split("/")
        if not folder or raw.strip().startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"{where}: download_folder {raw.strip()!r} is not a folder inside "
                             "the submissions folder; write it as it is there, e.g. quiz1 or "
                             "term1/quiz1.")
        folders.append(folder)
    return tuple(dict.fromkeys(folders))


def load_assignments(path: Path, known: Collection[str]) -> dict[str, Assignment]:
    """Read the assignments CSV at ``path``."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return read_assignments(handle, known, str(path))
    except FileNotFoundError:
        raise ValueError(f"--assignments {path} does not exist; give the CSV that maps quiz "
                         "and exercise ids to LMS assignment names.") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text; save it as UTF-8 CSV.") from None
