"""Files of the fixture class as a red-team test hands them in: a learner's responses file
(ada's, renamed or blanked), written with a chosen file time, graded by a CLI command, and the
CSV reports read back. Shared by tests/test_redteam_rt5b.py to rt12b.py."""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from pruneedu.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "class"
QUIZZES, EXERCISES = FIXTURE / "quizzes", FIXTURE / "exercises"
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
ON_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc).timestamp()


def responses(learner: str, **changes: object) -> dict:
    """ada's right answers to the demo quiz, said to be ``learner``'s, with ``changes``."""
    data = json.loads(ADA_FILE.read_text())
    data["learner_id"] = learner
    data.update(changes)
    return data


def blank_answers(learner: str) -> dict:
    """A responses file of ``learner``'s with every answer left blank."""
    data = responses(learner)
    for entry in data["answers"].values():
        entry["value"] = None
    return data


def put(path: Path, data: dict | str | bytes, mtime: float = ON_TIME) -> Path:
    """Write ``data`` (JSON for a dict) at ``path`` with file time ``mtime``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, dict):
        data = json.dumps(data)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def run(command: str, folder: Path, out: Path, *extra: str) -> int:
    """``pruneedu <command> folder --out out`` with the fixture class's material."""
    return main([command, str(folder), "--out", str(out), "--no-progress",
                 "--quizzes", str(QUIZZES), "--exercises", str(EXERCISES), *extra])


def rows(path: Path) -> list[dict]:
    """A CSV report's rows as dictionaries."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
