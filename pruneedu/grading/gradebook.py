"""Writing grader output: atomic CSV/JSON writers and the LMS gradebook table.

Files are written to a temporary file in the same folder, flushed, fsynced and moved over the
target with ``os.replace``: an interrupted run leaves the old file whole. Output is
deterministic (sorted rows and keys, no timestamps), so grading twice gives identical bytes.

The CSV imports into an LMS: one row per student with ``Student``, ``ID``, one column per quiz
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
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; creates the folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)  # the old file stays as it was
        raise
    return path


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
