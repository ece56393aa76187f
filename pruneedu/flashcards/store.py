"""Saving and loading a learner's flashcard schedule (``<PRUNEEDU_HOME>/flashcards.json``).

Writes are atomic: the new content goes to a temporary file in the same folder, is flushed to
disk, and only then replaces the old file, so a crash leaves either the old schedule or the
new one, never half of each. A file that cannot be read is moved aside, never deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import warnings
from pathlib import Path

from pruneedu import paths
from pruneedu.flashcards.sm2 import CardState

FORMAT_VERSION = 1


def schedule_path() -> Path:
    """``flashcards.json`` inside the learner's data folder."""
    return paths.user_data_dir() / "flashcards.json"


def write_json_atomic(path: Path, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file, fsync and ``os.replace``.

    Example:
        >>> folder = Path(tempfile.mkdtemp())
        >>> write_json_atomic(folder / "demo.json", {"format_version": 1, "cards": {}})
        >>> json.loads((folder / "demo.json").read_text())["cards"]
        {}
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        # The old file is untouched; drop the partial temporary file and re-raise.
        Path(temp_name).unlink(missing_ok=True)
        raise


def save_schedule(cards: dict[str, CardState], learner_id: str, path: Path | None = None) -> None:
    """Store every card's state atomically in the format of docs/formats.md."""
    data = {
        "format_version": FORMAT_VERSION,
        "learner_id": learner_id,
        "cards": {card_id: state.to_json() for card_id, state in sorted(cards.items())},
    }
    write_json_atomic(path or schedule_path(), data)


def load_schedule(path: Path | None = None) -> tuple[dict[str, CardState], str | None]:
    """Read the saved schedule: ``(cards by id, learner_id)``; empty when there is none yet.

    A file that is not valid JSON or not in our format is renamed to
    ``flashcards.json.corrupt-<UTC timestamp>`` with a warning, and an empty schedule is
    returned, so the learner can go on while the old file stays for inspection.

    Example:
        >>> cards, learner = load_schedule()
    """
    path = path or schedule_path()
    if not path.exists():
        return {}, None
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
        return _parse(data)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        kept = _move_aside(path)
        warnings.warn(
            f"Your flashcard schedule {path} could not be read ({error}); it was kept as "
            f"{kept.name} and a fresh schedule was started.",
            stacklevel=2,
        )
        return {}, None


def _parse(data: object) -> tuple[dict[str, CardState], str | None]:
    if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
        raise ValueError("it is not a mapping with a 'cards' mapping")
    if data.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"format_version is {data.get('format_version')!r}, not 1")
    cards = {str(key): CardState.from_json(value) for key, value in data["cards"].items()}
    learner = data.get("learner_id")
    return cards, str(learner) if learner is not None else None


def _move_aside(path: Path) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, target)
    return target
