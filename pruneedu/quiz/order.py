"""Display order: each learner sees choices, terms and definitions in their own fixed order.

Shuffling only changes what is shown. Answers are always recorded by question id and choice
id (or term and definition text), so the order never affects grading.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Sequence
from typing import TypeVar

from pruneedu.quiz.bank import Choice, Question

T = TypeVar("T")


def shuffled(items: Sequence[T], learner_id: str, salt: str) -> list[T]:
    """A copy of ``items`` in an order fixed by ``learner_id`` and ``salt`` (e.g. a question id).

    The seed comes from SHA-256, not ``hash()``, so the order survives kernel restarts.

    Example:
        >>> shuffled(["a", "b", "c"], "ada", "q1") == shuffled(["a", "b", "c"], "ada", "q1")
        True
    """
    digest = hashlib.sha256(f"{learner_id}\x00{salt}".encode()).digest()
    result = list(items)
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(result)
    return result


def lettered_choices(question: Question, learner_id: str) -> list[tuple[str, Choice]]:
    """The question's choices in this learner's display order, each with the letter shown
    beside it (A, B, ...). The grader and the item analysis use this to tell which letter a
    learner saw for each choice id.

    Example:
        >>> from pruneedu.quiz.bank import load_bank
        >>> question = next(q for q in load_bank("01-introduction").questions if q.choices)
        >>> [letter for letter, _ in lettered_choices(question, "ada")][:2]
        ['A', 'B']
    """
    ordered = shuffled(question.choices, learner_id, question.id)
    return [(string.ascii_uppercase[i], choice) for i, choice in enumerate(ordered)]


def letter_of(question: Question, learner_id: str, choice_id: str) -> str:
    """The letter this learner saw for ``choice_id`` ("?" for an id the question lacks)."""
    return next((letter for letter, c in lettered_choices(question, learner_id)
                 if c.id == choice_id), "?")
