"""SM-2 spaced-repetition scheduling (SuperMemo 2, Wozniak 1987) as pure functions.

Every function takes the review date as an argument (``today``), so the same inputs always
give the same schedule; nothing here reads the clock.

The rules, in the order they are applied to one review with quality ``q`` (0..5):

* ``q >= 3`` (a pass): the first pass gives an interval of 1 day, the second 6 days, every
  later one ``round(previous_interval * ease)`` with the ease *before* this review;
  repetitions go up by one.
* ``q < 3`` (a lapse): repetitions go back to 0 and the interval to 1 day.
* Then the ease changes by ``0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)``, never below 1.3.

``round`` rounds halves up (37.5 -> 38), not to the even neighbour as Python's ``round`` does,
so a learner's schedule never depends on that subtlety.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, replace

from pruneedu.argcheck import is_int

INITIAL_EASE = 2.5
MINIMUM_EASE = 1.3

# The four buttons a learner sees, mapped to SM-2 qualities (documented in docs/formats.md).
ANSWER_QUALITY: dict[str, int] = {"again": 1, "hard": 3, "good": 4, "easy": 5}


@dataclass(frozen=True)
class CardState:
    """Where one card stands in its schedule; the fields match ``flashcards.json``."""

    ease: float = INITIAL_EASE
    interval_days: int = 0
    repetitions: int = 0
    due: dt.date | None = None
    last_review: dt.date | None = None
    lapses: int = 0

    def to_json(self) -> dict:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        data["last_review"] = self.last_review.isoformat() if self.last_review else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> CardState:
        """Rebuild a state from its JSON form; raises ValueError when a field is malformed."""
        try:
            return cls(
                ease=float(data["ease"]),
                interval_days=int(data["interval_days"]),
                repetitions=int(data["repetitions"]),
                due=_parse_date(data.get("due")),
                last_review=_parse_date(data.get("last_review")),
                lapses=int(data.get("lapses", 0)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"a flashcard schedule entry is malformed ({error!r})") from error


def _parse_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def new_card(today: dt.date) -> CardState:
    """A card never reviewed: default ease, due on ``today``.

    Example:
        >>> new_card(dt.date(2026, 11, 21)).due
        datetime.date(2026, 11, 21)
    """
    return CardState(due=today)


def quality_for(answer: str) -> int:
    """The SM-2 quality of a button name ("again", "hard", "good", "easy").

    Example:
        >>> quality_for("good")
        4
    """
    try:
        return ANSWER_QUALITY[answer]
    except KeyError:
        raise ValueError(
            f"unknown answer {answer!r}; use one of {', '.join(ANSWER_QUALITY)}"
        ) from None


def updated_ease(ease: float, quality: int) -> float:
    """SM-2's new ease factor after an answer of ``quality``, floored at 1.3.

    Example:
        >>> updated_ease(2.5, 5)
        2.6
    """
    _check_quality(quality)
    miss = 5 - quality
    # Rounded to 6 places so repeated float additions do not drift (2.6 stays 2.6).
    return max(MINIMUM_EASE, round(ease + 0.1 - miss * (0.08 + miss * 0.02), 6))


def next_interval(state: CardState, quality: int) -> int:
    """The interval in days that an answer of ``quality`` would give (used to label buttons).

    Example:
        >>> next_interval(CardState(interval_days=6, repetitions=2, ease=2.5), 4)
        15
    """
    _check_quality(quality)
    if quality < 3:
        return 1
    if state.repetitions == 0:
        return 1
    if state.repetitions == 1:
        return 6
    return _round_half_up(state.interval_days * state.ease)


def review(state: CardState, quality: int, today: dt.date) -> CardState:
    """Apply one review of ``quality`` (0..5) on ``today`` and return the new state.

    Example:
        >>> day = dt.date(2026, 11, 21)
        >>> s = review(new_card(day), 4, day)
        >>> (s.interval_days, s.repetitions, s.due)
        (1, 1, datetime.date(2026, 11, 22))
    """
    interval = next_interval(state, quality)
    passed = quality >= 3
    return replace(
        state,
        ease=updated_ease(state.ease, quality),
        interval_days=interval,
        repetitions=state.repetitions + 1 if passed else 0,
        due=today + dt.timedelta(days=interval),
        last_review=today,
        lapses=state.lapses if passed else state.lapses + 1,
    )


def is_due(state: CardState, today: dt.date) -> bool:
    """True when the card should be shown on ``today`` (new cards are due at once)."""
    return state.due is None or state.due <= today


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def _check_quality(quality: int) -> None:
    if not is_int(quality) or not 0 <= quality <= 5:
        raise ValueError(f"SM-2 quality must be an integer from 0 to 5, got {quality!r}")
