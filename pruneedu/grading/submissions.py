"""Finding and vetting the files in a submissions folder; every bad file becomes a :class:`Reject`.

These files are graded, anywhere under the folder (sub-folders allowed):

- ``<anything>.responses.json``: a quiz responses file (docs/formats.md), which names its
  learner in ``learner_id``;
- ``<learner-id>.<exercise-id>.py``: a learner's code for a code exercise (code lives in its
  own file so it can be run, diffed and read as it is);
- hand-in files (``<anything>.handin.json``), notebooks and their ``.py`` exports
  (``<learner-id>.<notebook>.ipynb``/``.py``) and capstone model files
  (``<learner-id>.<capstone-id>.pedu``): see :mod:`pruneedu.grading.handin`. Each part of
  them (an exercise, a responses file, the capstone) becomes a submission of its own.

Files from a Canvas or Moodle bulk download keep the LMS's name around the learner's own
file name (:mod:`pruneedu.grading.lms`): a responses file is then any ``*.responses.json``
(Canvas's ``-1`` resubmission suffix allowed), a code file is ``<exercise-id>.py`` or
``<anything>.<exercise-id>.py`` (``_`` counts as ``-``), a notebook ``<notebook>.ipynb`` or
``.py``, a capstone ``<capstone-id>.pedu``: the learner id in front is optional there. Who a
file counts for is decided later, from the LMS name and the roster
(:mod:`pruneedu.grading.attribution`); here each file only records the learner id it names
itself, where it came from and its modification time (every part of a hand-in file gets
the hand-in file's).

Rejected, with a reason: files over ``max_bytes``, non-UTF-8 text, malformed JSON, another
format version or course, practice-mode answers, unknown quiz or exercise ids, a
``quiz_hash`` that is not the key's ``content_hash`` (answered another version; unless that
version was accepted with ``--accept-version``), symbolic links (a learner's link may point
at a classmate's collected file), file names with ``#`` (it marks a hand-in's parts),
unreadable files, JSON objects that name a key twice, Moodle online-text
entries, and any other file. Hidden files (``.DS_Store``) are skipped. Nothing is ever modified or
deleted.

Example (``class_folder`` holds the responses files ada and ben handed in):
    >>> from pruneedu.grading.material import load_material
    >>> found = discover(class_folder, load_material())
    >>> [s.learner_id for s in found.quizzes], found.code, found.rejects
    (['ada', 'ben'], [], [])
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pruneedu import quiz
from pruneedu.grading import handin
from pruneedu.grading.lms import LmsOrigin, ambiguous_canvas, parse_origin
from pruneedu.grading.material import Material
from pruneedu.grading.rejects import Reject
from pruneedu.grading.safe_text import quote
from pruneedu.identity import GENERIC_IDS

MAX_BYTES = 1_000_000
RESPONSES_SUFFIX = ".responses.json"
# Learner ids become feedback file names: no separators, no leading dot, no "..".
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_@+-]*(\.[A-Za-z0-9_@+-]+)*$")
QUIZ_HASH = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Submission:
    """One file that can be graded.

    ``kind`` is ``"quiz"`` or ``"code"``; ``item_id`` the quiz or exercise id; ``learner_id``
    the id the file names itself (a responses file's ``learner_id``, a code file's name
    prefix; "" when it names none); ``source`` who handed it in as far as the folder tells
    (``canvas:<user id>``, ``moodle:<participant id>@<download folder>``,
    ``folder:<top folder>``, "" at the top);
    ``modified`` the file's modification time (UTC); ``accepted_version`` the old
    ``quiz_hash`` it was graded under with ``--accept-version`` ("" otherwise); ``part`` the
    item's key inside a file that holds several (a hand-in file or notebook; ``name`` is then
    ``<file>#<key>``), "" for a file of one item.
    """

    name: str
    kind: str
    item_id: str
    learner_id: str
    modified: datetime
    origin: LmsOrigin | None = None
    source: str = ""
    responses: dict | None = field(default=None, compare=False, repr=False)
    code: str = field(default="", compare=False, repr=False)
    accepted_version: str = ""
    part: str = ""

    @property
    def file(self) -> str:
        """The handed-in file this submission is (or is a part of)."""
        return self.name[: -len(self.part) - 1] if self.part else self.name


@dataclass
class Discovery:
    """What :func:`discover` found: submissions (sorted by name) and the rejects."""

    submissions: list[Submission] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    @property
    def quizzes(self) -> list[Submission]:
        return [s for s in self.submissions if s.kind == "quiz"]

    @property
    def code(self) -> list[Submission]:
        return [s for s in self.submissions if s.kind == "code"]


def safe_learner_id(value: object) -> bool:
    """Whether ``value`` can name a learner's files (letters, digits, ``_@+-``, inner dots)."""
    # fullmatch, not match: `$` also matches before a final newline ("ada\n").
    return isinstance(value, str) and len(value) <= 64 and bool(LEARNER_ID.fullmatch(value))


def generic_learner_id(value: object) -> bool:
    """Whether ``value`` is an account name many people share (``jovyan``, ``root``...).

    Example:
        >>> generic_learner_id("Jovyan"), generic_learner_id("ada")
        (True, False)
    """
    return isinstance(value, str) and value.strip().lower() in GENERIC_IDS  # the widget's list


def discover(folder: Path, material: Material, max_bytes: int = MAX_BYTES,
             ignore: tuple[Path, ...] = (),
             accepted_versions: Collection[str] = ()) -> Discovery:
    """Find and vet every submission under ``folder``.

    Args:
        folder: the submissions folder (read only).
        material: the banks and exercises to check ids and hashes against.
        max_bytes: larger files are rejected without being read.
        ignore: files or folders to pass over silently (the grader's own output).
        accepted_versions: old ``quiz_hash`` values graded against today's bank.

    Returns:
        A :class:`Discovery`; ``folder`` itself must exist (ValueError otherwise).
    """
    root = Path(folder).resolve()
    if not root.is_dir():
        raise ValueError(f"{folder} is not a folder; give the folder of learner submissions.")
    ignored = {Path(path).absolute() for path in ignore} | {Path(p).resolve() for p in ignore}
    found = Discovery()
    for path in _walk(root, found.rejects, ignored):
        name = readable(path.relative_to(root).as_posix())
        try:
            resolved = path.resolve()
        except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a link loop
            found.rejects.append(Reject(name, "", "", "", "a symbolic link that loops or cannot "
                                        "be followed; copy the real file in instead"))
            continue
        if any(skip == resolved or skip in resolved.parents for skip in ignored):
            continue
        problem = _check_file(path, name, root, max_bytes)
        if problem:
            found.rejects.append(Reject(name, "", "", "", problem))
            continue
        origin = parse_origin(name)
        own_name = origin.original if origin else path.name
        if origin is None and ambiguous_canvas(path.name):
            found.rejects.append(Reject(name, "", "", "", ambiguous_canvas(path.name)))
        elif origin is not None and origin.plugin != "file":
            found.rejects.append(Reject(name, "", "", "", f"a Moodle {origin.plugin} entry, not "
                                        "a file; only files handed in are graded"))
        else:
            _add_file(path, name, origin, own_name, material, found, accepted_versions)
    found.submissions.sort(key=lambda s: s.name)
    return found


def _add_file(path: Path, name: str, origin: LmsOrigin | None, own_name: str,
              material: Material, found: Discovery, accepted_versions: Collection[str]) -> None:
    """Add one file's submissions or rejects; whatever goes wrong with it, it alone is
    rejected (none of its parts is kept) and every other file is still graded."""
    submissions, rejects = len(found.submissions), len(found.rejects)
    try:
        if handin.handles(own_name, lms=origin is not None):
            handin.add(path, name, origin, material, found, accepted_versions)
        elif own_name.endswith(RESPONSES_SUFFIX):
            add_responses(path, name, origin, material, found, accepted_versions)
        elif own_name.endswith(".py"):
            _add_code(path, name, origin, material, found)
        else:
            found.rejects.append(Reject(name, "", "", "", "not a submission: expected "
                                        "<learner-id>.handin.json (what hand_in() writes), "
                                        "<learner-id>.<quiz-id>.responses.json or "
                                        "<learner-id>.<exercise-id>.py"))
    except Exception as error:  # noqa: BLE001 - one hostile file must never stop the class
        del found.submissions[submissions:], found.rejects[rejects:]
        found.rejects.append(Reject(name, "", "", "", f"could not be read "
                                    f"({type(error).__name__}); hand in the file again as "
                                    "the course wrote it"))


def readable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (a zip made on a Latin-1 machine) become
    U+FFFD, so reports can be written as UTF-8.

    Example:
        >>> readable("mallory-" + chr(0xDCFF) + ".txt") == "mallory-" + chr(0xFFFD) + ".txt"
        True
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _walk(root: Path, rejects: list[Reject], ignored: set[Path]) -> list[Path]:
    files = []
    for here, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(here)
        kept = []
        for dirname in sorted(dirnames):
            path = base / dirname
            if dirname.startswith(".") or path.absolute() in ignored:
                continue
            if path.is_symlink():
                rejects.append(Reject(readable(path.relative_to(root).as_posix()), "", "", "",
                                      "a symbolic link to a folder; copy the files in instead"))
                continue
            kept.append(dirname)
        dirnames[:] = kept
        files += [base / f for f in sorted(filenames)
                  if not f.startswith(".") and (base / f).absolute() not in ignored]
    return files


def _check_file(path: Path, name: str, root: Path, max_bytes: int) -> str:
    real = path.resolve()
    if path.is_symlink() and root not in real.parents:
        return "a symbolic link that leads outside the submissions folder"
    if path.is_symlink():
        # No collection makes one (LMS downloads hold files; the hub's `cp -P` keeps a link a
        # learner swapped in as a link): inside the folder it may point at a classmate's
        # collected file (red-team round 6).
        return ("a symbolic link, not a file handed in: it may point at a classmate's file; "
                "copy the learner's own file in instead")
    if "#" in name:
        # '#' marks a part of a hand-in file in every report (ada.handin.json#key); a real name
        # with one could pass for another file's part (red-team round 6).
        return "a file name with '#', which marks parts of hand-in files; rename the file"
    if not real.is_file():
        return "not a regular file"
    size = real.stat().st_size
    if size > max_bytes:
        return f"the file is {size:,} bytes; the limit is {max_bytes:,}"
    return ""


def modified_time(path: Path) -> datetime:
    """The file's modification time in UTC: what the folder says about when it was handed in
    (an LMS download name may say better: :mod:`pruneedu.grading.late`)."""
    return datetime.fromtimestamp(path.resolve().stat().st_mtime, timezone.utc)


def source_of(name: str, origin: LmsOrigin | None) -> str:
    """Who handed the file at ``name`` in, as far as the folder tells (see :class:`Submission`).

    Example:
        >>> source_of("jupyter-ada/ada.handin.json", None), source_of("ada.handin.json", None)
        ('folder:jupyter-ada', '')
    """
    if origin is not None:
        return origin.source
    parts = name.split("/")
    return f"folder:{parts[0]}" if len(parts) > 1 else ""


def add_responses(path: Path, name: str, origin: LmsOrigin | None, material: Material,
                  found: Discovery, accepted_versions: Collection[str], *,
                  handed_in: Path | None = None, part: str = "") -> None:
    """Vet one responses file and add it to ``found`` (a submission or a reject).

    ``handed_in``: the file the learner handed in, when ``path`` is a copy of one part of it
    (a hand-in file's responses, ``part`` its key): its time and place are the submission's.
    """
    handed_in = handed_in or path
    try:
        data = quiz.load_responses(path)
    except quiz.ResponsesError as error:
        found.rejects.append(Reject(name, "", "", "", str(error).replace(str(path), "the file")))
        return
    except RecursionError:  # JSON nested thousands deep
        found.rejects.append(Reject(name, "", "", "", "the JSON is nested too deeply to read"))
        return
    learner, quiz_id = data["learner_id"], data["quiz_id"]
    problem, accepted = "", ""
    bank = material.banks.get(quiz_id)
    if bank is None:
        problem = f"unknown quiz {quote(quiz_id)}"
        quiz_id = ""
    elif data["mode"] != "graded":
        problem = "practice answers, not a graded attempt; hand in the graded responses file"
    elif data["quiz_hash"] != quiz.content_hash(bank):
        if data["quiz_hash"] in accepted_versions:
            accepted = data["quiz_hash"]
        else:
            version = (f" {data['quiz_hash']}" if QUIZ_HASH.fullmatch(data["quiz_hash"])
                       else "")
            problem = (f"answered another version of the quiz{version} (quiz_hash differs from "
                       "the key's content_hash); if only wording changed since release, "
                       "grade it with --accept-version <that hash>, else grade it by hand")
    known = learner if safe_learner_id(learner) else ""
    if problem:
        found.rejects.append(Reject(name, known, quiz_id, "", problem))
        return
    found.submissions.append(Submission(name, "quiz", quiz_id, learner, modified_time(handed_in),
                                        origin, source_of(name, origin), responses=data,
                                        accepted_version=accepted, part=part))


def _exercise_in(name: str, material: Material) -> tuple[str, str] | None:
    """(exercise id, learner prefix) from a code file's own name, or None."""
    stem = name[:-3] if name.endswith(".py") else name
    for exercise_id in sorted(material.exercises, key=len, reverse=True):
        for candidate in {stem, stem.replace("_", "-")}:
            if candidate == exercise_id:
                return exercise_id, ""
            if candidate.endswith("." + exercise_id):
                return exercise_id, stem[: -len(exercise_id) - 1]
    return None


def read_code(path: Path) -> str:
    """The learner's source text (UTF-8); UnicodeDecodeError or OSError when it cannot be."""
    return path.read_bytes().decode("utf-8")


def _add_code(path: Path, name: str, origin: LmsOrigin | None, material: Material,
              found: Discovery) -> None:
    names = origin.variants if origin else (path.name,)
    match = next((m for m in (_exercise_in(n, material) for n in names) if m), None)
    if match is None:
        found.rejects.append(Reject(name, "", "", "", "not a known exercise: name code files "
                                    "<learner-id>.<exercise-id>.py"))
        return
    exercise_id, learner = match
    if material.exercises[exercise_id].kind != "function":
        found.rejects.append(Reject(name, learner if safe_learner_id(learner) else "",
                                    exercise_id, "", "a Python file for the capstone, which is "
                                    "graded from its model file only; hand in the file "
                                    "save_compressed() wrote (<learner-id>.capstone.pedu)"))
        return
    if origin is None and not safe_learner_id(learner):
        found.rejects.append(Reject(name, "", exercise_id, "", f"learner id {quote(learner)} "
                                    "cannot name a file; name code files "
                                    "<learner-id>.<exercise-id>.py with letters, digits, '_', "
                                    "'-', '@', '+'"))
        return
    try:
        code = read_code(path)
    except UnicodeDecodeError:
        found.rejects.append(Reject(name, learner if safe_learner_id(learner) else "",
                                    exercise_id, "", "not UTF-8 text; save the file as UTF-8"))
        return
    except OSError as error:  # e.g. no read permission: that file only, never the class
        found.rejects.append(Reject(name, learner if safe_learner_id(learner) else "",
                                    exercise_id, "",
                                    f"cannot be read ({error.strerror}); check its permissions"))
        return
    found.submissions.append(Submission(name, "code", exercise_id, learner, modified_time(path),
                                        origin, source_of(name, origin), code=code))
