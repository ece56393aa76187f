"""Numbers a learner's notebook produced, kept for the quiz questions that ask about them.

A notebook cell calls ``quiz.record_value("accuracy_at_90", 93.9)``; a question that declares
``recorded: {accuracy_at_90: ...}`` then shows the learner their own number and computes its
key from it. The values live in ``<PRUNEEDU_HOME>/recorded.json`` and are copied into each
responses file that uses them (``recorded``), so the grader sees the same numbers.

What the grader can check: only that a recorded value is a number within the range the
question declares. It is the learner's word, not a measurement the grader repeats, so such
questions grade the *interpretation* of the learner's number (how many test images a drop of
that size is, whether a speed-up that size is real), never the number itself.

Example:
    >>> record_value("accuracy_at_90", 93.9)
    93.9
    >>> recorded_values()["accuracy_at_90"]
    93.9
"""

from __future__ import annotations

import json
import math
import re

from pruneedu import paths
from pruneedu.atomic import write_atomic
from pruneedu.quiz.responses import now_iso

FILE_NAME = "recorded.json"
FORMAT_VERSION = 1
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,30}$")


def recorded_path():
    """Where the recorded values are kept: ``<PRUNEEDU_HOME>/recorded.json``."""
    return paths.user_data_dir() / FILE_NAME


def _read() -> dict:
    path = recorded_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or a damaged file: questions then ask the learner to rerun
    values = data.get("values") if isinstance(data, dict) else None
    return values if isinstance(values, dict) else {}


def record_value(name: str, value: object) -> float:
    """Keep a number the learner's notebook produced under ``name``; returns it as a float.

    ``value`` may be anything ``float()`` accepts except text and booleans (a Python or numpy
    number, a one-element tensor). Recording the same name again replaces the number.

    Example:
        >>> record_value("speedup_nodes_50", 1.9)
        1.9
    """
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(f"name {name!r} must be a short identifier such as 'accuracy_at_90'.")
    if isinstance(value, (bool, str, bytes)):
        raise ValueError(f"{name}: record a number, not {type(value).__name__}.")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name}: record a number; {value!r} is not one.") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}: {number} is not a finite number; check the cell that "
                         "computed it.")
    values = _read()
    values[name] = {"value": number, "recorded_at": now_iso()}
    write_atomic(recorded_path(), json.dumps({"format_version": FORMAT_VERSION,
                                              "values": values}, indent=2) + "\n")
    return number


def recorded_values() -> dict[str, float]:
    """Every number recorded so far, by name (entries that are not numbers are skipped).

    Example:
        >>> isinstance(recorded_values(), dict)
        True
    """
    found = {}
    for name, entry in _read().items():
        value = entry.get("value") if isinstance(entry, dict) else None
        if (isinstance(name, str) and NAME.match(name) and isinstance(value, (int, float))
                and not isinstance(value, bool) and math.isfinite(value)):
            found[name] = float(value)
    return found
