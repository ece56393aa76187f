"""Spaced-repetition flashcards for the course glossary (SM-2), with Anki export and imports.

Example:
    >>> from pruneedu import flashcards
    >>> cards = flashcards.show()          # review today's cards in a notebook
    >>> table = flashcards.glossary_table("mask")  # search the glossary
"""

from pruneedu.flashcards.anki import export_anki
from pruneedu.flashcards.deck import MASTERED_INTERVAL_DAYS, Deck
from pruneedu.flashcards.glossary import Term, load_glossary
from pruneedu.flashcards.importers import import_jupytercards, import_jupyterquiz
from pruneedu.flashcards.sm2 import ANSWER_QUALITY, CardState, review
from pruneedu.flashcards.table import glossary_table
from pruneedu.flashcards.widget import show

__all__ = [
    "ANSWER_QUALITY",
    "MASTERED_INTERVAL_DAYS",
    "CardState",
    "Deck",
    "Term",
    "export_anki",
    "glossary_table",
    "import_jupytercards",
    "import_jupyterquiz",
    "load_glossary",
    "review",
    "show",
]
