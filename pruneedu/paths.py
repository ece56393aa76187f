"""Where the course reads its material and keeps a learner's files.

Environment variables override the defaults, which tests and instructors use:
``PRUNEEDU_HOME`` (a learner's saved answers, flashcard schedule, caches),
``PRUNEEDU_COURSE_ROOT`` (the folder holding ``lessons/`` and ``quizzes/``) and
``PRUNEEDU_LEARNER`` (the name written into a learner's files).
"""

from __future__ import annotations

import os
from pathlib import Path


def course_root() -> Path:
    """The folder that holds ``lessons/`` and ``quizzes/`` (the repository by default)."""
    override = os.environ.get("PRUNEEDU_COURSE_ROOT")
    return Path(override) if override else Path(__file__).resolve().parent.parent


def lessons_dir() -> Path:
    return course_root() / "lessons"


def quizzes_dir() -> Path:
    return course_root() / "quizzes"


def user_data_dir() -> Path:
    """A learner's own files: quiz responses, flashcard schedule. Created on first use."""
    override = os.environ.get("PRUNEEDU_HOME")
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("pruneedu", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Files the course can always rebuild (converted datasets, trained models)."""
    override = os.environ.get("PRUNEEDU_HOME")
    if override:
        path = Path(override) / "cache"
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("pruneedu", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_learner_id() -> str:
    """The id written into a learner's files: :func:`pruneedu.identity.learner_id`, else
    ``"anonymous"`` (practice answers and flashcards only: a graded quiz asks for an id first).

    Example:
        >>> default_learner_id()                                     # doctest: +SKIP
        'ada'
    """
    from pruneedu import identity  # identity reads user_data_dir() from this module

    return identity.learner_id() or identity.ANONYMOUS
