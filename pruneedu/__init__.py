"""PruneEdu: learn neural-network pruning by doing it.

Import the submodule you need (``from pruneedu import data, models, pruning``). This package
imports nothing heavy on its own, so the quiz, flashcard and grading tools start instantly
without loading torch.
"""

__version__ = "0.1.0"
COURSE_ID = "pruneedu-2026"
