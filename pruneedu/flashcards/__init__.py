"""Spaced-repetition flashcards for the course glossary (SM-2), with Anki export.

The review widget and the glossary table load ipywidgets only when you call :func:`show` or
:func:`glossary_table`, so the ``pruneedu`` command and the grader never import it.

Example:
    >>> from pruneedu import flashcards
    >>> cards = flashcards.show()          # review today's cards in a notebook
    >>> table = flashcards.glossary_table("mask")  # search the glossary
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from pruneedu.flashcards.anki import export_anki
from pruneedu.flashcards.deck import MASTERED_INTERVAL_DAYS, Deck
from pruneedu.flashcards.glossary import Term, load_glossary
from pruneedu.flashcards.sm2 import ANSWER_QUALITY, CardState, review

if TYPE_CHECKING:
    from pruneedu.flashcards.table import GlossaryTable
    from pruneedu.flashcards.widget import CardWidget

__all__ = [
    "ANSWER_QUALITY",
    "MASTERED_INTERVAL_DAYS",
    "CardState",
    "Deck",
    "Term",
    "export_anki",
    "glossary_table",
    "load_glossary",
    "review",
    "show",
]


def show(glossary: str | Path | None = None, today: dt.date | None = None,
         state_path: Path | None = None) -> CardWidget:
    """The flashcard review widget for the cards due today; see
    :func:`pruneedu.flashcards.widget.show`."""
    from pruneedu.flashcards.widget import show as show_widget

    return show_widget(glossary=glossary, today=today, state_path=state_path)


def glossary_table(query: str = "", glossary: str | Path | None = None) -> GlossaryTable:
    """The course glossary as a searchable table widget; see
    :func:`pruneedu.flashcards.table.glossary_table`."""
    from pruneedu.flashcards.table import glossary_table as table_widget

    return table_widget(query, glossary)
