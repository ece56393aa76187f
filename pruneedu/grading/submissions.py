"""Finding and vetting the files in a submissions folder; every bad file becomes a :class:`Reject`.

Two kinds of file are graded (the folder may have sub-folders, e.g. one per learner):

- ``<anything>.responses.json``: a quiz responses file (docs/formats.md). The learner is the
  file's ``learner_id``, not its name, so LMS renaming does no harm. That id is whatever the
  learner's machine wrote: nothing here can tell a file ben handed in with ``"learner_id":
  "ada"`` from ada's own, and the later ``updated_at`` wins. Where that matters, check the
  gradebook against who handed in which file in your LMS.
- ``<learner-id>.<exercise-id>.py``: the learner's code for a code exercise. Code lives in its own
  file rather than inside the responses JSON so it can be run, diffed and read as it is.
- hand-in files, notebooks and notebook exports, and capstone model files: see
  :mod:`pruneedu.grading.handin`.

Rejected, with a reason: files over ``max_bytes``, non-UTF-8 text, malformed JSON, another
format version or course, practice-mode answers, unknown quiz or exercise ids, a ``quiz_hash``
that is not the key's ``content_hash`` (answered another version), a ``learner_id`` that is
not a safe file name, symbolic links leading outside the folder (or looping), unreadable files,
JSON objects that name a key twice, and any other file. When a
learner handed in the same quiz twice, the file with the latest ``updated_at`` (then the last
file name) is graded and the others are reported. Hidden files (``.DS_Store``) are skipped.
Nothing is ever modified or deleted.

Example (``class_folder`` holds the responses files ada and ben handed in):
    >>> from pruneedu.grading.material import load_material
    >>> found = discover(class_folder, load_material())
    >>> [s.learner_id for s in found.quizzes], found.code, found.rejects
    (['ada', 'ben'], [], [])
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pruneedu import quiz
from pruneedu.grading import handin
from pruneedu.grading.material import Material
from pruneedu.grading.rejects import Reject

MAX_BYTES = 1_000_000
RESPONSES_SUFFIX = ".responses.json"
# Learner ids become feedback file names: no separators, no leading dot, no "..".
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_@+-]*(\.[A-Za-z0-9_@+-]+)*$")


@dataclass(frozen=True)
class QuizSubmission:
    """A validated responses file (``name`` is relative to the submissions folder)."""

    name: str
    learner_id: str
    quiz_id: str
    updated_at: datetime
    responses: dict


@dataclass(frozen=True)
class CodeSubmission:
    """A learner's source file for one code exercise."""

    name: str
    learner_id: str
    exercise_id: str
    code: str


@dataclass
class Discovery:
    """What :func:`discover` found: submissions to grade (sorted) and the rejects."""

    quizzes: list[QuizSubmission] = field(default_factory=list)
    code: list[CodeSubmission] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def safe_learner_id(value: object) -> bool:
    """Whether ``value`` can name a learner's files (letters, digits, ``_@+-``, inner dots)."""
    # fullmatch, not match: `$` also matches before a final newline ("ada\n").
    return isinstance(value, str) and len(value) <= 64 and bool(LEARNER_ID.fullmatch(value))


def discover(folder: Path, material: Material, max_bytes: int = MAX_BYTES,
             ignore: tuple[Path, ...] = ()) -> Discovery:
    """Find, vet and de-duplicate every submission under ``folder``.

    Args:
        folder: the submissions folder (read only).
        material: the banks and exercises to check ids and hashes against.
        max_bytes: larger files are rejected without being read.
        ignore: files or folders to pass over silently (the grader's own output).

    Returns:
        A :class:`Discovery`; ``folder`` itself must exist (ValueError otherwise).
    """
    root = Path(folder).resolve()
    if not root.is_dir():
        raise ValueError(f"{folder} is not a folder; give the folder of learner submissions.")
    ignored = {Path(path).resolve() for path in ignore}
    found = Discovery()
    for path in _walk(root, found.rejects):
        name = path.relative_to(root).as_posix()
        try:
            resolved = path.resolve()
        except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a link loop
            found.rejects.append(Reject(name, "", "", "", "a symbolic link that loops or cannot "
                                        "be followed; copy the real file in instead"))
            continue
        if any(skip == resolved or skip in resolved.parents for skip in ignored):
            continue
        problem = _check_file(path, root, max_bytes)
        if problem:
            found.rejects.append(Reject(name, "", "", "", problem))
        elif handin.handles(path.name):
            handin.add(path, name, material, found, _add_responses)
        elif path.name.endswith(RESPONSES_SUFFIX):
            _add_responses(path, name, material, found)
        elif path.suffix == ".py":
            _add_code(path, name, material, found)
        else:
            found.rejects.append(Reject(name, "", "", "", "not a submission: expected "
                                        "<learner-id>.<quiz-id>.responses.json or "
                                        "<learner-id>.<exercise-id>.py"))
    found.quizzes = _keep_latest(found.quizzes, found.rejects)
    found.code = _keep_last_code(found.code, found.rejects)
    return found


def _walk(root: Path, rejects: list[Reject]) -> list[Path]:
    files = []
    for here, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(here)
        for dirname in sorted(dirnames):
            if (base / dirname).is_symlink():
                rejects.append(Reject((base / dirname).relative_to(root).as_posix(), "", "", "",
                                      "a symbolic link to a folder; copy the files in instead"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files += [base / f for f in sorted(filenames) if not f.startswith(".")]
    return files


def _check_file(path: Path, root: Path, max_bytes: int) -> str:
    real = path.resolve()
    if path.is_symlink() and root not in real.parents:
        return "a symbolic link that leads outside the submissions folder"
    if not real.is_file():
        return "not a regular file"
    size = real.stat().st_size
    if size > max_bytes:
        return f"the file is {size:,} bytes; the limit is {max_bytes:,}"
    return ""


def _add_responses(path: Path, name: str, material: Material, found: Discovery) -> None:
    try:
        data = quiz.load_responses(path)
    except quiz.ResponsesError as error:
        found.rejects.append(Reject(name, "", "", "", str(error).replace(str(path), "the file")))
        return
    except RecursionError:  # JSON nested thousands deep
        found.rejects.append(Reject(name, "", "", "", "the JSON is nested too deeply to read"))
        return
    learner, quiz_id = data["learner_id"], data["quiz_id"]
    if not safe_learner_id(learner):
        found.rejects.append(Reject(name, "", quiz_id, "", f"learner_id {learner!r} cannot name "
                                    "a file; use letters, digits, '_', '-', '@', '+', inner dots"))
        return
    problem = ""
    bank = material.banks.get(quiz_id)
    if bank is None:
        problem = f"unknown quiz {quiz_id!r}"
    elif data["mode"] != "graded":
        problem = "practice answers, not a graded attempt; hand in the graded responses file"
    elif data["quiz_hash"] != quiz.content_hash(bank):
        problem = ("answered another version of the quiz (quiz_hash differs from the key's "
                   "content_hash); grade it by hand or ask for a new attempt")
    if problem:
        found.rejects.append(Reject(name, learner, quiz_id, "", problem))
        return
    updated = datetime.fromisoformat(data["updated_at"])
    found.quizzes.append(QuizSubmission(name, learner, quiz_id, updated, data))


def _add_code(path: Path, name: str, material: Material, found: Discovery) -> None:
    stem = path.name[:-3]
    exercise_id = next((eid for eid in sorted(material.exercises, key=len, reverse=True)
                        if stem.endswith("." + eid)), None)
    if exercise_id is None:
        found.rejects.append(Reject(name, "", "", "", "not a known exercise: name code files "
                                    "<learner-id>.<exercise-id>.py"))
        return
    learner = stem[: -len(exercise_id) - 1]
    if not safe_learner_id(learner):
        found.rejects.append(Reject(name, "", exercise_id, "", f"learner id {learner!r} cannot "
                                    "name a file; use letters, digits, '_', '-', '@', '+'"))
        return
    try:
        code = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        found.rejects.append(Reject(name, learner, exercise_id, "",
                                    "not UTF-8 text; save the file as UTF-8"))
        return
    except OSError as error:  # e.g. no read permission: that file only, never the class
        found.rejects.append(Reject(name, learner, exercise_id, "",
                                    f"cannot be read ({error.strerror}); check its permissions"))
        return
    found.code.append(CodeSubmission(name, learner, exercise_id, code))


def _keep_latest(submissions: list[QuizSubmission], rejects: list[Reject]) -> list[QuizSubmission]:
    latest: dict[tuple[str, str], QuizSubmission] = {}
    ordered = sorted(submissions, key=lambda s: (s.updated_at, s.name))
    for submission in ordered:
        latest[(submission.learner_id, submission.quiz_id)] = submission
    for submission in ordered:
        kept = latest[(submission.learner_id, submission.quiz_id)]
        if kept is not submission:
            rejects.append(Reject(submission.name, submission.learner_id, submission.quiz_id, "",
                                  f"duplicate: {kept.name} is newer and was graded instead"))
    return sorted(latest.values(), key=lambda s: (s.learner_id, s.quiz_id))


def _keep_last_code(code: list[CodeSubmission], rejects: list[Reject]) -> list[CodeSubmission]:
    # Code files carry no time stamp; the last file name (e.g. in a later sub-folder) wins.
    latest = {(c.learner_id, c.exercise_id): c for c in sorted(code, key=lambda c: c.name)}
    for submission in code:
        kept = latest[(submission.learner_id, submission.exercise_id)]
        if kept is not submission:
            rejects.append(Reject(submission.name, submission.learner_id, submission.exercise_id,
                                  "", f"duplicate: {kept.name} was graded instead"))
    return sorted(latest.values(), key=lambda c: (c.learner_id, c.exercise_id))
