"""Handing in: one file with your exercise functions, your written answers and your capstone.

:func:`hand_in` collects, for every code exercise of the course:

- the function as it is defined in your notebook right now (with the imports, helper functions
  and constants it uses; see :mod:`pruneedu.exercises.capture`), or else the version you last
  checked with ``check()`` (kept in your folder), so exercises done in other notebooks or
  before a kernel restart are not lost;

plus your graded quiz responses files as they are (they hold your written answers) and the
capstone model file ``check("capstone", ...)`` saved. It writes them to
``<your folder>/hand-in/<learner-id>.handin.json`` and tells you which file to upload. The
format is in :mod:`pruneedu.grading.handin`; the grader re-runs everything.

Example (in a notebook, after writing and checking your functions; here with none yet):
    >>> import os; os.environ["PRUNEEDU_LEARNER"] = "ada"
    >>> result = hand_in()                  # doctest: +ELLIPSIS
    Hand-in written: .../hand-in/ada.handin.json
    Upload this one file ...
    >>> del os.environ["PRUNEEDU_LEARNER"]
"""

from __future__ import annotations

import base64
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pruneedu import identity, paths
from pruneedu.atomic import write_atomic
from pruneedu.exercises import capture, store
from pruneedu.exercises.capstone import CapstoneSettings, capstone_path
from pruneedu.exercises.definition import load_exercises

FORMAT = "pruneedu-handin"
FORMAT_VERSION = 1


@dataclass
class HandIn:
    """What :func:`hand_in` wrote: the file, and what is in it (for the message and tests)."""

    path: Path
    learner_id: str
    exercises: dict[str, str] = field(default_factory=dict)  # id -> "notebook" or "last check"
    missing: list[str] = field(default_factory=list)  # exercises with no function at all
    responses: list[str] = field(default_factory=list)
    capstone: str = ""  # "", "included", or why it was left out
    unresolved: dict[str, list[str]] = field(default_factory=dict)

    def message(self) -> str:
        """What the learner reads after handing in."""
        lines = [f"Hand-in written: {self.path}",
                 "Upload this one file to your course's assignment (or give it to your "
                 "instructor). Hand in again whenever you change something: the new file "
                 "replaces the old one.",
                 f"Learner id: {self.learner_id}"]
        done = ", ".join(f"{eid} (from the {where})" for eid, where in self.exercises.items())
        lines.append(f"Exercises: {done or 'none yet'}")
        if self.missing:
            lines.append(f"Not found (write and check them first): {', '.join(self.missing)}")
        for eid, names in self.unresolved.items():
            lines.append(f"Warning: {eid} uses {', '.join(names)}, defined outside the function "
                         "and not written into the hand-in; pass them as arguments or define "
                         "them inside the function, or the grader will not find them.")
        lines.append(f"Quiz responses (with your written answers): "
                     f"{', '.join(self.responses) or 'none yet'}")
        lines.append(f"Capstone model file: {self.capstone or 'none yet'}")
        return "\n".join(lines)


def handin_path(learner: str) -> Path:
    """Where the hand-in file of ``learner`` goes: ``<your folder>/hand-in/``."""
    return paths.user_data_dir() / "hand-in" / f"{learner}.handin.json"


NO_ID = ("No learner id is set yet, so the hand-in could not be named. Run "
         "`identity.ask()` (from pruneedu import identity) and type your id once, or use the "
         "Hand in button, which asks for it; then hand in again.")


def hand_in(namespace: dict | None = None, *, quiet: bool = False) -> HandIn | None:
    """Write your hand-in file and say which file to upload; None (with a message saying what
    to do) while no learner id is known (:mod:`pruneedu.identity`).

    Args:
        namespace: where your functions live; by default the notebook (or module) that calls
            ``hand_in()``.
        quiet: do not print the message (the hand-in view shows it itself).

    Example:
        >>> import os; os.environ["PRUNEEDU_LEARNER"] = "ada"
        >>> result = hand_in({}, quiet=True)
        >>> result.path.name, result.exercises
        ('ada.handin.json', {})
        >>> del os.environ["PRUNEEDU_LEARNER"]
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    learner = identity.learner_id()
    if learner is None:
        if not quiet:
            print(NO_ID)
        return None
    result = HandIn(handin_path(learner), learner)
    states = store.check_states()
    entries: dict[str, Any] = {}
    exercises = load_exercises()
    for exercise in exercises.values():
        if exercise.kind != "function":
            continue
        live = namespace.get(exercise.function)
        source, unresolved = (capture.capture_source(live, exercise.function) if callable(live)
                              else (None, []))
        where = "notebook"
        if source is None and exercise.id in states and states[exercise.id].source:
            source, where = states[exercise.id].source, "last check"
        if source is None:
            result.missing.append(exercise.id)
            continue
        if unresolved:
            result.unresolved[exercise.id] = unresolved
        entries[exercise.id] = {"function": exercise.function, "source": source}
        result.exercises[exercise.id] = where
    data: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "learner_id": learner,
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "exercises": entries, "responses": _graded_responses(result),
    }
    capstone = _capstone(exercises, result)
    if capstone is not None:
        data["capstone"] = capstone
    write_atomic(result.path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    if not quiet:
        print(result.message())
    return result


def _graded_responses(result: HandIn) -> dict[str, str]:
    folder = paths.user_data_dir() / "responses"
    found = {}
    for path in sorted(folder.glob("*.responses.json")) if folder.is_dir() else []:
        if path.name.endswith(".practice.responses.json"):
            continue  # practice answers are not graded
        found[path.name] = path.read_text(encoding="utf-8")
        result.responses.append(path.name.removesuffix(".responses.json"))
    return found


def _capstone(exercises: dict, result: HandIn) -> dict | None:
    exercise = next((e for e in exercises.values() if e.kind == "capstone"), None)
    path = capstone_path()
    if exercise is None or not path.is_file():
        return None
    settings = CapstoneSettings.from_mapping(exercise.settings)
    content = path.read_bytes()
    limit = int(settings.max_bytes * (1 + settings.size_slack))
    if len(content) >= limit:
        result.capstone = (f"left out: {len(content):,} bytes would score 0 (the budget is "
                           f"{settings.max_bytes:,}); compress it further and check it again")
        return None
    result.capstone = f"included ({len(content):,} bytes)"
    return {"file": path.name, "base64": base64.b64encode(content).decode("ascii")}
