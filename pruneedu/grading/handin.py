"""The submissions learners hand in the natural way, beyond one file per exercise.

:func:`pruneedu.grading.submissions.discover` hands these files to :func:`add`:

- ``<anything>.handin.json``: what ``pruneedu.exercises.hand_in()`` writes (format below).
  The learner is its ``learner_id``, as in a responses file, so LMS renaming does no harm.
- ``<learner-id>.<notebook>.py`` or ``.ipynb``, where ``<notebook>`` is a course notebook's
  name (two digits, a dash, lower-case words: ``04-lab``): a notebook exported to a script, or
  the notebook itself. Every exercise function it defines at the top level is graded (the
  grader keeps only that function and what it uses; see
  :mod:`pruneedu.exercises.extract`). IPython magics and ``!`` commands in a notebook's cells
  are left out; a cell that is still not Python is skipped.
- ``<learner-id>.<capstone-id>.pedu``: the capstone's model file on its own.

Hand-in format (``format_version`` 1, UTF-8 JSON)::

    {"format": "pruneedu-handin", "format_version": 1, "learner_id": "ada",
     "created_at": "2026-11-21T10:00:00+00:00",
     "exercises": {"magnitude-mask": {"function": "magnitude_mask", "source": "import torch..."}},
     "responses": {"01-introduction.responses.json": "<the responses file's text, as it is>"},
     "capstone": {"file": "capstone.pedu", "base64": "UEVEVQE..."}}

Each part becomes an ordinary submission named ``<file>#<item>``: code for each exercise, a
quiz submission for each responses file (checked exactly as a responses file handed in on its
own) and the capstone's model file. A part that cannot be used is a reject; the others are
still graded. Nothing here runs code or parses model files.

Example:
    >>> handles("ada.handin.json"), handles("ada.04-lab.py"), handles("ada.magnitude-mask.py")
    (True, True, False)
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pruneedu.exercises.extract import defined_functions, parse_problem

if TYPE_CHECKING:
    from pruneedu.grading.material import Material
    from pruneedu.grading.submissions import Discovery

HANDIN_SUFFIX = ".handin.json"
FORMAT = "pruneedu-handin"
FORMAT_VERSION = 1
NOTEBOOK_NAME = re.compile(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*")
MODEL_SUFFIX = ".pedu"
_MAGIC_LINE = re.compile(r"^\s*[%!]")


def handles(file_name: str) -> bool:
    """Whether a file of this name is one of the kinds above."""
    if file_name.endswith(HANDIN_SUFFIX) or file_name.endswith(MODEL_SUFFIX):
        return True
    stem, dot, suffix = file_name.rpartition(".")
    return bool(dot) and suffix in ("py", "ipynb") and _notebook_split(stem) is not None


def add(path: Path, name: str, material: Material, found: Discovery,
        add_responses: Callable[[Path, str, Material, Discovery], None]) -> None:
    """Vet ``path`` (shown as ``name``) and add its parts to ``found``: code submissions,
    quiz submissions (through ``add_responses``, the check every responses file gets) and
    rejects."""
    from pruneedu.grading.rejects import Reject

    try:
        if path.name.endswith(HANDIN_SUFFIX):
            _add_handin(path, name, material, found, add_responses)
        elif path.name.endswith(MODEL_SUFFIX):
            _add_model(path, name, material, found)
        else:
            _add_notebook(path, name, material, found)
    except OSError as error:
        found.rejects.append(Reject(name, "", "", "", f"cannot be read ({error.strerror}); "
                                    "check its permissions"))


def notebook_source(text: str) -> str:
    """A notebook's code cells as one script: magics and ``!`` commands blanked, cells that are
    not Python left out. ValueError when ``text`` is not a notebook.

    Example:
        >>> notebook = {"cells": [{"cell_type": "code", "source": ["!pip install x\\n", "y = 1"]}]}
        >>> notebook_source(json.dumps(notebook))
        '\\ny = 1\\n'
    """
    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("not a notebook (invalid JSON)") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook (no list of cells)")
    parts = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str) or source.lstrip().startswith("%%"):
            continue
        lines = ["" if _MAGIC_LINE.match(line) else line for line in source.split("\n")]
        code = "\n".join(lines)
        if not parse_problem(code):
            parts.append(code.rstrip("\n") + "\n")
    return "\n".join(parts)


def _notebook_split(stem: str) -> tuple[str, str] | None:
    learner, dot, notebook = stem.rpartition(".")
    if dot and learner and NOTEBOOK_NAME.fullmatch(notebook):
        return learner, notebook
    return None


def _function_exercises(material: Material) -> dict:
    return {e.id: e for e in material.exercises.values() if e.kind == "function"}


def _capstone_id(material: Material) -> str | None:
    return next((e.id for e in material.exercises.values() if e.kind == "capstone"), None)


def _add_notebook(path: Path, name: str, material: Material, found: Discovery) -> None:
    from pruneedu.grading.rejects import Reject
    from pruneedu.grading.submissions import CodeSubmission, safe_learner_id

    learner, _notebook = _notebook_split(path.name.rpartition(".")[0])
    if not safe_learner_id(learner):
        found.rejects.append(Reject(name, "", "", "", f"learner id {learner!r} cannot name a "
                                    "file; use letters, digits, '_', '-', '@', '+'"))
        return
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        found.rejects.append(Reject(name, learner, "", "", "not UTF-8 text; save the file "
                                    "as UTF-8"))
        return
    if path.suffix == ".ipynb":
        try:
            text = notebook_source(text)
        except ValueError as error:
            found.rejects.append(Reject(name, learner, "", "", str(error)))
            return
    problem = parse_problem(text)
    if problem:
        found.rejects.append(Reject(name, learner, "", "", problem))
        return
    defined = defined_functions(text)
    hits = [e for e in _function_exercises(material).values() if e.function in defined]
    if not hits:
        found.rejects.append(Reject(name, learner, "", "", "defines none of the exercise "
                                    "functions; export the notebook you wrote them in"))
        return
    for exercise in sorted(hits, key=lambda e: e.id):
        found.code.append(CodeSubmission(f"{name}#{exercise.id}", learner, exercise.id, text))


def _add_model(path: Path, name: str, material: Material, found: Discovery) -> None:
    from pruneedu.grading.capstone import encode_file
    from pruneedu.grading.rejects import Reject
    from pruneedu.grading.submissions import CodeSubmission, safe_learner_id

    capstone = _capstone_id(material)
    stem = path.name[: -len(MODEL_SUFFIX)]
    if capstone is None or not stem.endswith("." + capstone):
        found.rejects.append(Reject(name, "", "", "", "a model file, but not named "
                                    "<learner-id>.capstone.pedu"))
        return
    learner = stem[: -len(capstone) - 1]
    if not safe_learner_id(learner):
        found.rejects.append(Reject(name, "", capstone, "", f"learner id {learner!r} cannot "
                                    "name a file; use letters, digits, '_', '-', '@', '+'"))
        return
    found.code.append(CodeSubmission(name, learner, capstone, encode_file(path.read_bytes())))


def _add_handin(path: Path, name: str, material: Material, found: Discovery,
                add_responses: Callable) -> None:
    from pruneedu.grading.rejects import Reject
    from pruneedu.grading.submissions import CodeSubmission, safe_learner_id

    data, problem = _read_handin(path)
    if problem:
        found.rejects.append(Reject(name, "", "", "", problem))
        return
    learner = data["learner_id"]
    if not safe_learner_id(learner):
        found.rejects.append(Reject(name, "", "", "", f"learner_id {learner!r} cannot name a "
                                    "file; use letters, digits, '_', '-', '@', '+', inner dots"))
        return
    exercises = _function_exercises(material)
    for exercise_id, entry in sorted(data["exercises"].items()):
        label = f"{name}#{exercise_id}"
        exercise = exercises.get(exercise_id)
        if exercise is None:
            found.rejects.append(Reject(label, learner, exercise_id, "", "unknown exercise"))
        elif not (isinstance(entry, dict) and isinstance(entry.get("source"), str)):
            found.rejects.append(Reject(label, learner, exercise_id, "",
                                        "no source text for this exercise"))
        else:
            found.code.append(CodeSubmission(label, learner, exercise_id, entry["source"]))
    capstone = data.get("capstone")
    if capstone is not None:
        capstone_id = _capstone_id(material)
        label = f"{name}#capstone"
        if capstone_id is None or not isinstance(capstone, dict) \
                or not isinstance(capstone.get("base64"), str):
            found.rejects.append(Reject(label, learner, capstone_id or "", "",
                                        "no capstone in this course, or no model file in it"))
        else:
            found.code.append(CodeSubmission(label, learner, capstone_id, capstone["base64"]))
    _add_embedded_responses(data["responses"], name, learner, material, found, add_responses)


def _add_embedded_responses(responses: dict, name: str, learner: str, material: Material,
                            found: Discovery, add_responses: Callable) -> None:
    from pruneedu.grading.rejects import Reject

    folder = Path(tempfile.mkdtemp(prefix="pruneedu-handin-"))
    try:
        for index, (file_name, text) in enumerate(sorted(responses.items())):
            label = f"{name}#{file_name}"
            if not isinstance(text, str):
                found.rejects.append(Reject(label, learner, "", "", "the responses file's "
                                            "text is missing"))
                continue
            copy = folder / f"{index}.responses.json"
            copy.write_text(text, encoding="utf-8")
            before = len(found.quizzes)
            add_responses(copy, label, material, found)
            for submission in found.quizzes[before:]:
                if submission.learner_id != learner:
                    found.rejects.append(Reject(label, learner, submission.quiz_id, "",
                                                f"answers of {submission.learner_id!r} inside "
                                                f"{learner!r}'s hand-in; graded as theirs"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_handin(path: Path) -> tuple[Any, str]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "not UTF-8 text; hand in the file hand_in() wrote"
    try:
        data = json.loads(text, object_pairs_hook=_no_repeats)
    except (ValueError, RecursionError) as error:
        return None, f"not a hand-in file ({str(error)[:80]})"
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, "not a hand-in file; hand in the file hand_in() wrote"
    if data.get("format_version") != FORMAT_VERSION:
        return None, (f"hand-in format version {str(data.get('format_version'))[:10]!r} is not "
                      f"{FORMAT_VERSION}; update pruneedu and hand in again")
    if not isinstance(data.get("learner_id"), str) or not isinstance(data.get("exercises"), dict) \
            or not isinstance(data.get("responses"), dict):
        return None, "a hand-in file needs learner_id, exercises and responses"
    return data, ""


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {key[:40]!r} appears twice")
        data[key] = value
    return data

