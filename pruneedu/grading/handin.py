"""The submissions learners hand in the natural way, beyond one file per exercise.

:func:`pruneedu.grading.submissions.discover` hands these files to :func:`add`:

- ``<anything>.handin.json``: what ``pruneedu.exercises.hand_in()`` writes (format below).
  It names its learner in ``learner_id``, as a responses file does.
- ``<learner-id>.<notebook>.py`` or ``.ipynb``, where ``<notebook>`` is a course notebook's
  name (two digits, a dash, lower-case words: ``04-lab``): a notebook exported to a script, or
  the notebook itself. Every exercise function it defines at the top level is graded (the
  grader keeps only that function and what it uses; see
  :mod:`pruneedu.exercises.extract`). IPython magics and ``!`` commands in a notebook's cells
  are left out; a cell that is still not Python is skipped.
- ``<learner-id>.<capstone-id>.pedu``: the capstone's model file on its own.

Inside a Canvas or Moodle download (:mod:`pruneedu.grading.lms`) these are the learner's own
file names, and the ``<learner-id>.`` in front of a notebook or model file is optional
(``04-lab.ipynb``, ``capstone.pedu``): the LMS says who handed the file in. Whose each part
is, is decided like any file's (:mod:`pruneedu.grading.attribution`).

Hand-in format (``format_version`` 1, UTF-8 JSON)::

    {"format": "pruneedu-handin", "format_version": 1, "learner_id": "ada",
     "created_at": "2026-11-21T10:00:00+00:00",
     "exercises": {"magnitude-mask": {"function": "magnitude_mask", "source": "import torch..."}},
     "responses": {"01-introduction.responses.json": "<the responses file's text, as it is>"},
     "capstone": {"file": "capstone.pedu", "base64": "UEVEVQE..."}}

Each part becomes an ordinary submission named ``<file>#<item>``: code for each exercise, a
quiz submission for each responses file (checked exactly as a responses file handed in on its
own) and the capstone's model file. Every part has the time and origin of the file it came in
(so lateness and resubmissions are judged per file, as for any file). The ``<item>`` of a
name is the hand-in's own key with anything but letters, digits, ``.`` and ``-`` turned into
``?``: a learner's key can never make the name look like another LMS path. A part that cannot
be used is a reject; the others are still graded. Nothing here runs code or parses model files.

Example:
    >>> handles("ada.handin.json"), handles("ada.04-lab.py"), handles("ada.magnitude-mask.py")
    (True, True, False)
    >>> handles("04-lab.ipynb"), handles("04-lab.ipynb", lms=True)
    (False, True)
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pruneedu.exercises.extract import defined_functions, parse_problem
from pruneedu.grading.rejects import Reject
from pruneedu.grading.safe_text import quote

if TYPE_CHECKING:
    from pruneedu.grading.lms import LmsOrigin
    from pruneedu.grading.material import Material
    from pruneedu.grading.submissions import Discovery, Submission

HANDIN_SUFFIX = ".handin.json"
FORMAT = "pruneedu-handin"
FORMAT_VERSION = 1
NOTEBOOK_NAME = re.compile(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*")
MODEL_SUFFIX = ".pedu"
_MAGIC_LINE = re.compile(r"^\s*[%!]")
_UNSAFE_IN_LABEL = re.compile(r"[^A-Za-z0-9.-]")
ID_RULE = "use letters, digits, '_', '-', '@', '+', inner dots"


def handles(file_name: str, lms: bool = False) -> bool:
    """Whether a file of this (the learner's own) name is one of the kinds above; ``lms``:
    it came in an LMS download, so the learner id in front is optional."""
    if file_name.endswith(HANDIN_SUFFIX) or file_name.endswith(MODEL_SUFFIX):
        return True
    stem, dot, suffix = file_name.rpartition(".")
    return bool(dot) and suffix in ("py", "ipynb") and _notebook_split(stem, lms) is not None


@dataclass(frozen=True)
class _File:
    """The handed-in file every part comes from."""

    path: Path
    name: str
    origin: LmsOrigin | None
    modified: datetime
    source: str

    def part(self, kind: str, item_id: str, learner: str, key: str | None, **content
             ) -> Submission:
        """A submission of one part (``key``: its name in the file; None: the whole file)."""
        from pruneedu.grading.submissions import Submission

        name = self.name if key is None else label(self.name, key)
        return Submission(name, kind, item_id, learner, self.modified, self.origin, self.source,
                          part="" if key is None else part_key(key), **content)


def part_key(key: str) -> str:
    """A part's key as reports show it: anything but letters, digits, ``.`` and ``-`` is ``?``."""
    return _UNSAFE_IN_LABEL.sub("?", key[:60])


def label(name: str, key: str) -> str:
    """The name of one part of the file ``name``: ``<name>#<key>``, the key made harmless.

    Example:
        >>> label("ada.handin.json", "../Ben_1_assignsubmission_file_/x")
        'ada.handin.json#..?Ben?1?assignsubmission?file??x'
    """
    return f"{name}#{part_key(key)}"


def add(path: Path, name: str, origin: LmsOrigin | None, material: Material, found: Discovery,
        accepted_versions: Collection[str] = ()) -> None:
    """Vet ``path`` (shown as ``name``; ``origin`` what its LMS name says) and add its parts to
    ``found``: code submissions, quiz submissions (vetted as every responses file is) and
    rejects."""
    from pruneedu.grading.submissions import modified_time, source_of

    own = origin.original if origin else path.name
    try:
        handed = _File(path, name, origin, modified_time(path), source_of(name, origin))
        if own.endswith(HANDIN_SUFFIX):
            _add_handin(handed, material, found, accepted_versions)
        elif own.endswith(MODEL_SUFFIX):
            _add_model(handed, own, material, found)
        else:
            _add_notebook(handed, own, material, found)
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
    if not valid_unicode(notebook):
        raise ValueError("not a notebook (it holds text that is not valid Unicode)")
    parts = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            if not all(isinstance(piece, str) for piece in source):
                raise ValueError("not a notebook (a code cell's source holds something other "
                                 "than text); save the notebook again in Jupyter")
            source = "".join(source)
        if not isinstance(source, str) or source.lstrip().startswith("%%"):
            continue
        lines = ["" if _MAGIC_LINE.match(line) else line for line in source.split("\n")]
        code = "\n".join(lines)
        if not parse_problem(code):
            parts.append(code.rstrip("\n") + "\n")
    return "\n".join(parts)


def _notebook_split(stem: str, lms: bool = False) -> tuple[str, str] | None:
    """(learner prefix, notebook name) of a notebook file's stem, or None. In an LMS download
    the prefix may be missing and ``_`` may stand for ``-`` (as for code files)."""
    learner, dot, notebook = stem.rpartition(".")
    for candidate in dict.fromkeys((notebook, notebook.replace("_", "-") if lms else notebook)):
        if NOTEBOOK_NAME.fullmatch(candidate) and (learner or lms):
            return learner, candidate
    return None


def _function_exercises(material: Material) -> dict:
    return {e.id: e for e in material.exercises.values() if e.kind == "function"}


def _capstone_id(material: Material) -> str | None:
    return next((e.id for e in material.exercises.values() if e.kind == "capstone"), None)


def _known(learner: str) -> str:
    """The learner a reject is listed under: the id the file names, if it can be one."""
    from pruneedu.grading.submissions import safe_learner_id

    return learner if safe_learner_id(learner) else ""


def _refuse_id(handed: _File, learner: str, found: Discovery, what: str = "learner id") -> bool:
    """Outside an LMS download the file's own id is the only identity: one that cannot name a
    file rejects the whole file (in a download the LMS decides; see attribution)."""
    from pruneedu.grading.submissions import safe_learner_id

    if handed.origin is not None or safe_learner_id(learner):
        return False
    _rejecter(handed, found)(f"{what} {quote(learner, 40)} cannot name a file; {ID_RULE}")
    return True


def _rejecter(handed: _File, found: Discovery) -> Callable[..., None]:
    """A function that adds a reject for ``handed`` (or, with ``key``, for one of its parts)."""
    def reject(reason: str, learner: str = "", item: str = "", key: str | None = None) -> None:
        name = handed.name if key is None else label(handed.name, key)
        found.rejects.append(Reject(name, _known(learner), item, "", reason))
    return reject


def _add_notebook(handed: _File, own: str, material: Material, found: Discovery) -> None:
    split = _notebook_split(own.rpartition(".")[0], handed.origin is not None)
    learner = split[0] if split else ""
    reject = _rejecter(handed, found)
    if _refuse_id(handed, learner, found):
        return
    try:
        text = handed.path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        reject("not UTF-8 text; save the file as UTF-8", learner)
        return
    if own.endswith(".ipynb"):
        try:
            text = notebook_source(text)
        except ValueError as error:
            reject(str(error), learner)
            return
    problem = parse_problem(text)
    if problem:
        reject(problem, learner)
        return
    defined = defined_functions(text)
    hits = [e for e in _function_exercises(material).values() if e.function in defined]
    if not hits:
        reject("defines none of the exercise functions; export the notebook you wrote them in",
               learner)
        return
    for exercise in sorted(hits, key=lambda e: e.id):
        found.submissions.append(handed.part("code", exercise.id, learner, exercise.id,
                                             code=text))


def _add_model(handed: _File, own: str, material: Material, found: Discovery) -> None:
    from pruneedu.grading.capstone import encode_file

    reject = _rejecter(handed, found)
    capstone = _capstone_id(material)
    stem = own[: -len(MODEL_SUFFIX)]
    if capstone is not None and handed.origin is not None and stem == capstone:
        learner = ""
    elif capstone is not None and stem.endswith("." + capstone):
        learner = stem[: -len(capstone) - 1]
    else:
        reject("a model file, but not named <learner-id>.capstone.pedu")
        return
    if _refuse_id(handed, learner, found):
        return
    found.submissions.append(handed.part("code", capstone, learner, None,
                                         code=encode_file(handed.path.read_bytes())))


def _add_handin(handed: _File, material: Material, found: Discovery,
                accepted_versions: Collection[str]) -> None:
    reject = _rejecter(handed, found)
    data, problem = _read_handin(handed.path)
    if problem:
        reject(problem)
        return
    learner = data["learner_id"]
    if _refuse_id(handed, learner, found, "learner_id"):
        return
    exercises = _function_exercises(material)
    for exercise_id, entry in sorted(data["exercises"].items()):
        exercise = exercises.get(exercise_id)
        if exercise is None:
            reject("unknown exercise", learner, key=exercise_id)
        elif not (isinstance(entry, dict) and isinstance(entry.get("source"), str)):
            reject("no source text for this exercise", learner, exercise_id, key=exercise_id)
        else:
            found.submissions.append(handed.part("code", exercise_id, learner, exercise_id,
                                                 code=entry["source"]))
    capstone = data.get("capstone")
    if capstone is not None:
        capstone_id = _capstone_id(material)
        if capstone_id is None or not isinstance(capstone, dict) \
                or not isinstance(capstone.get("base64"), str):
            reject("no capstone in this course, or no model file in it", learner,
                   capstone_id or "", key="capstone")
        else:
            found.submissions.append(handed.part("code", capstone_id, learner, "capstone",
                                                 code=capstone["base64"]))
    _add_embedded_responses(handed, data["responses"], learner, material, found,
                            accepted_versions)


def _add_embedded_responses(handed: _File, responses: dict, learner: str, material: Material,
                            found: Discovery, accepted_versions: Collection[str]) -> None:
    from pruneedu.grading.submissions import add_responses

    reject = _rejecter(handed, found)
    folder = Path(tempfile.mkdtemp(prefix="pruneedu-handin-"))
    try:
        for index, (file_name, text) in enumerate(sorted(responses.items())):
            if not isinstance(text, str):
                reject("the responses file's text is missing", learner, key=file_name)
                continue
            copy = folder / f"{index}.responses.json"
            copy.write_text(text, encoding="utf-8")
            before = len(found.submissions)
            add_responses(copy, label(handed.name, file_name), handed.origin, material, found,
                          accepted_versions, handed_in=handed.path, part=part_key(file_name))
            for submission in found.submissions[before:]:
                # Outside an LMS the id inside decides whose answers these are: say so, to
                # the instructor only (the id quoted is text the file's author chose, which
                # reached the hand-in learner's feedback: red-team round 8).
                if handed.origin is None and submission.learner_id != learner:
                    reject(f"answers of {quote(submission.learner_id, 40)} inside "
                           f"{quote(learner, 40)}'s hand-in; graded as theirs", "",
                           submission.item_id, key=file_name)
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
    if not valid_unicode(data):
        return None, ("it holds text that is not valid Unicode (a lone surrogate such as "
                      "\\ud800); hand in the file hand_in() wrote")
    return data, ""


def valid_unicode(data: Any) -> bool:
    """Whether every string in the JSON value ``data`` can be written as UTF-8 (JSON's
    ``"\\ud800"`` escape makes a lone surrogate, which no file, report or parser accepts).

    Example:
        >>> valid_unicode({"a": ["ok"]}), valid_unicode({"a": "\\ud800"})
        (True, False)
    """
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError):
        return False
    return True


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {key[:40]!r} appears twice")
        data[key] = value
    return data

