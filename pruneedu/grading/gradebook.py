"""Writing grader output: CSV and JSON files and the LMS gradebook table.

Every file is written with :func:`pruneedu.atomic.write_atomic`: an interrupted run leaves
the old file whole. Output is deterministic (sorted rows and keys, no timestamps), so grading
twice gives identical bytes.

The CSV imports into an LMS: one row per learner with ``Student``, ``ID``, one column per quiz
and exercise (points earned) and ``Total``.

- Canvas: Grades > Import > choose the CSV. Canvas matches rows on ``ID`` (use the LMS login
  as the course's ``learner_id``) and offers to create or map each new column to an
  assignment. Set each assignment's points possible from the ``max_score`` values in the
  JSON copy.
- Moodle: Grades > Import > CSV file; map ``ID`` to the user field that holds the learner id
  (username or ID number) and each quiz column to a grade item.

Example:
    >>> format_points(1.5), format_points(3.0), format_points(2 / 3)
    ('1.5', '3', '0.67')
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pruneedu.atomic import write_atomic


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """Write a CSV with ``\\n`` line ends atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return write_atomic(path, buffer.getvalue())


def write_json(path: Path, data: object) -> Path:
    """Write JSON with sorted keys and a final newline atomically."""
    return write_atomic(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def format_points(points: float) -> str:
    """Points for a gradebook cell: at most two decimals, no trailing zeros."""
    text = f"{points:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def sibling(path: Path, suffix: str) -> Path:
    """``gradebook.csv`` -> ``gradebook<suffix>`` beside it (``.json``, ``.rejects.csv``)."""
    path = Path(path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.with_name(stem + suffix)
