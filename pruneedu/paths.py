"""Where the course reads its material and keeps a learner's files.

The course material (``COURSE_FOLDERS``) sits at the top of a checkout of the repository; an
installed wheel carries the same folders inside the package, as ``pruneedu/course/`` (copied
there by ``setup.py`` at build time). :func:`course_root` finds either.

Environment variables override the defaults, which tests and instructors use:
``PRUNEEDU_HOME`` (a learner's saved answers, flashcard schedule, caches),
``PRUNEEDU_COURSE_ROOT`` (the folder holding ``lessons/`` and ``quizzes/``) and
``PRUNEEDU_LEARNER`` (the name written into a learner's files).
"""

from __future__ import annotations

import os
from pathlib import Path

# The folders a course holds; audio/ only once recorded lessons are shipped.
COURSE_FOLDERS = ("lessons", "quizzes", "exercises", "notebooks", "audio")
_PACKAGE = Path(__file__).resolve().parent


def course_root() -> Path:
    """The folder that holds ``lessons/``, ``quizzes/``, ``exercises/`` and ``notebooks/``.

    ``PRUNEEDU_COURSE_ROOT`` if set; else the checkout this package runs from (an editable
    install); else the copy an installed wheel carries in ``pruneedu/course/``.

    Example:
        >>> (course_root() / "quizzes" / "glossary.yaml").is_file()
        True
    """
    override = os.environ.get("PRUNEEDU_COURSE_ROOT")
    if override:
        return Path(override)
    checkout = _PACKAGE.parent
    if (checkout / "lessons").is_dir() and (checkout / "quizzes").is_dir():
        return checkout
    return _PACKAGE / "course"


def lessons_dir() -> Path:
    return course_root() / "lessons"


def quizzes_dir() -> Path:
    return course_root() / "quizzes"


def notebooks_dir() -> Path:
    """The course notebooks (``00-welcome.ipynb`` ...), e.g. to copy them into a work folder."""
    return course_root() / "notebooks"


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
        >>> default_learner_id()   # no id set yet
        'anonymous'
    """
    from pruneedu import identity  # identity reads user_data_dir() from this module

    return identity.learner_id() or identity.ANONYMOUS
