"""Saving and loading a learner's flashcard schedule (``<PRUNEEDU_HOME>/flashcards.json``).

Writes are atomic (:func:`pruneedu.atomic.write_atomic`): a crash leaves either the old
schedule or the new one, never half of each. A file that cannot be read is moved aside, never
deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
from pathlib import Path

from pruneedu import paths
from pruneedu.atomic import write_atomic
from pruneedu.flashcards.sm2 import CardState

FORMAT_VERSION = 1


def schedule_path() -> Path:
    """``flashcards.json`` inside the learner's data folder."""
    return paths.user_data_dir() / "flashcards.json"


def save_schedule(cards: dict[str, CardState], learner_id: str, path: Path | None = None) -> None:
    """Store every card's state atomically in the format of docs/formats.md."""
    data = {
        "format_version": FORMAT_VERSION,
        "learner_id": learner_id,
        "cards": {card_id: state.to_json() for card_id, state in sorted(cards.items())},
    }
    write_atomic(path or schedule_path(), json.dumps(data, indent=1, sort_keys=True))


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
