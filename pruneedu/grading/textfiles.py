"""The grader's file texts: CSV and JSON in one fixed, deterministic form, and points as text.

CSV rows end in ``\\n`` and JSON has sorted keys and a final newline, so grading twice gives
identical bytes. Text cells must be escaped by the caller
(:func:`pruneedu.grading.safe_text.csv_cell`); numbers are written by :func:`format_points`.

Example:
    >>> csv_text(["a", "b"], [["1", "x, y"]])
    'a,b\\n1,"x, y"\\n'
    >>> format_points(1.5), format_points(3.0), format_points(2 / 3)
    ('1.5', '3', '0.67')
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with ``\\n`` line ends (cells as given)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def json_text(data: object) -> str:
    """JSON with sorted keys, two-space indents and a final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def format_points(points: float) -> str:
    """Points for a gradebook cell: at most two decimals, no trailing zeros."""
    text = f"{points:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
