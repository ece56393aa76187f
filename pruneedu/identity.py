"""Who the learner is: the id written into their quiz answers and flashcard schedule.

The id comes from, in this order:

1. ``PRUNEEDU_LEARNER``, for tests and instructors;
2. ``JUPYTERHUB_USER``, the name the learner signed in to JupyterHub with;
3. the id the learner typed once into :func:`ask`, saved as ``learner.json`` in their own
   data folder (``PRUNEEDU_HOME``, else the platform's user data folder).

The login name is never used: on a hub every learner's process runs as ``jovyan`` and on
Colab or in Docker as ``root``, so two students would write answers under the same name.
Ids end up in file names and gradebook rows, so they are checked (:func:`check_learner_id`):
letters, digits and ``_ @ + -``, dots only inside, at most 64 characters, never a shared
account name such as ``jovyan``.

This module imports neither torch nor ipywidgets, so quiz and grading code can use it.

Example:
    >>> from pruneedu import identity
    >>> identity.check_learner_id(" ada.lovelace ")
    'ada.lovelace'
    >>> identity.learner_id() is None   # until an id is set or typed in
    True
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pruneedu import paths

if TYPE_CHECKING:
    from pruneedu.identity_prompt import IdentityPrompt

ENV_OVERRIDE = "PRUNEEDU_LEARNER"
ENV_HUB = "JUPYTERHUB_USER"
FILE_NAME = "learner.json"
FORMAT_VERSION = 1
MAX_LENGTH = 64
# The same rule as the grader's file-name check, so an accepted id is never rejected later.
ALLOWED = re.compile(r"[A-Za-z0-9][A-Za-z0-9_@+-]*(\.[A-Za-z0-9_@+-]+)*")
ALLOWED_IN_WORDS = "letters, digits and '_', '-', '@', '+', with dots only between them"
# Account names that many people share (container and cloud defaults), compared ignoring case.
GENERIC_IDS = frozenset({
    "root", "jovyan", "user", "ubuntu", "admin", "administrator", "learner", "student",
    "guest", "nobody", "anonymous", "pi", "vagrant", "ec2-user", "colab",
})
# Where an id came from, in the learner's words (keys are Lookup.source values).
SOURCES = {ENV_OVERRIDE: f"set by {ENV_OVERRIDE}", ENV_HUB: "your JupyterHub name",
           "saved": "the id you saved earlier"}
# Written into practice answers and flashcards before any id is known. It is generic, so no
# learner can ever claim it, and graded work never uses it: a graded quiz asks first.
ANONYMOUS = "anonymous"


class LearnerIdError(ValueError):
    """A learner id that cannot be used; the message says what to do instead."""


def check_learner_id(value: object) -> str:
    """``value`` without surrounding spaces if it can serve as a learner id, else raise.

    Raises:
        LearnerIdError: empty, too long, a character outside the safe set (path separators,
            spaces, control characters ...), or a shared account name such as ``jovyan``.

    Example:
        >>> check_learner_id("s1234567")
        's1234567'
        >>> check_learner_id("jovyan")   # doctest: +ELLIPSIS
        Traceback (most recent call last):
        pruneedu.identity.LearnerIdError: 'jovyan' is an account name that many people share...
    """
    if not isinstance(value, str):
        raise LearnerIdError(f"A learner id must be text, not {type(value).__name__}; "
                             "type your learner id.")
    cleaned = value.strip()
    if not cleaned:
        raise LearnerIdError("Your learner id is empty; type the student id your instructor "
                             "gave you, or any name of yours if you study alone.")
    if len(cleaned) > MAX_LENGTH:
        raise LearnerIdError(f"Your learner id has {len(cleaned)} characters; use a shorter one "
                             f"of at most {MAX_LENGTH}.")
    if cleaned.lower() in GENERIC_IDS:
        raise LearnerIdError(f"{cleaned!r} is an account name that many people share, so your "
                             "answers could be mixed up with someone else's; use an id of "
                             "your own instead (in a class, your student id).")
    if not ALLOWED.fullmatch(cleaned):
        bad = next((ch for ch in cleaned if not (ch.isascii() and (ch.isalnum() or ch in "_@+-."))),
                   None)
        what = f"the character {bad!r}" if bad else "a dot or sign in the wrong place"
        raise LearnerIdError(f"Your learner id {cleaned!r} contains {what}, which cannot go into "
                             f"a file name; use only {ALLOWED_IN_WORDS}.")
    return cleaned


@dataclass(frozen=True)
class Lookup:
    """What :func:`lookup` found: the id (None if none yet), where it came from, and why any
    value found on the way was refused (shown to the learner when they are asked)."""

    learner_id: str | None
    source: str
    refused: str = ""


def saved_id_path() -> Path:
    """``learner.json`` in the learner's data folder, where a typed-in id is remembered."""
    return paths.user_data_dir() / FILE_NAME


def lookup() -> Lookup:
    """Find the learner id (``PRUNEEDU_LEARNER``, ``JUPYTERHUB_USER``, then the saved one).

    Raises:
        LearnerIdError: ``PRUNEEDU_LEARNER`` is set to an id that cannot be used (whoever
            set it can fix it). A refused hub name or saved file is not an error: the learner
            is asked instead, and ``refused`` says why.

    Example:
        >>> lookup().source in ("PRUNEEDU_LEARNER", "JUPYTERHUB_USER", "saved", "")
        True
    """
    override = os.environ.get(ENV_OVERRIDE)
    if override is not None:
        try:
            return Lookup(check_learner_id(override), ENV_OVERRIDE)
        except LearnerIdError as error:
            raise LearnerIdError(f"{ENV_OVERRIDE} is set, but: {error}") from None
    refused = ""
    hub_name = os.environ.get(ENV_HUB)
    if hub_name is not None:
        try:
            return Lookup(check_learner_id(hub_name), ENV_HUB)
        except LearnerIdError as error:
            refused = f"Your JupyterHub name cannot be used: {error}"
    saved, problem = _read_saved()
    if saved is not None:
        return Lookup(saved, "saved", refused)
    return Lookup(None, "", refused or problem)


def learner_id() -> str | None:
    """The learner's id, or None while none is set and none was typed in yet.

    Example:
        >>> import os; os.environ["PRUNEEDU_LEARNER"] = "ada"
        >>> learner_id()
        'ada'
        >>> del os.environ["PRUNEEDU_LEARNER"]
    """
    return lookup().learner_id


def save_learner_id(value: str) -> str:
    """Check ``value`` and remember it in ``learner.json``; returns the id as saved.

    Example:
        >>> save_learner_id(" ada ")
        'ada'
        >>> learner_id()
        'ada'
    """
    cleaned = check_learner_id(value)
    path = saved_id_path()
    # Atomic: a crash leaves the old id or the new one, never a half-written file.
    handle, temp_name = tempfile.mkstemp(prefix=FILE_NAME + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"format_version": FORMAT_VERSION, "learner_id": cleaned}, stream)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return cleaned


def _read_saved() -> tuple[str | None, str]:
    path = saved_id_path()
    if not path.exists():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
            raise LearnerIdError("it is not a learner id file of this course")
        return check_learner_id(data.get("learner_id")), ""
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return None, f"Your saved id in {path} could not be used ({error}); type it again."


def ask(then: Callable[[str], object] | None = None) -> IdentityPrompt:
    """Show who the learner is, or ask once for their id; then show ``then(id)`` below it.

    Returns an :class:`~pruneedu.identity_prompt.IdentityPrompt` view (ipywidgets is imported
    only here).

    Example:
        >>> from pruneedu import identity
        >>> view = identity.ask()   # in a notebook: the cell's last line, `identity.ask()`
        >>> view.learner_id is None   # nothing saved yet, so it asks
        True
    """
    from pruneedu.identity_prompt import IdentityPrompt

    return IdentityPrompt(then)
