"""Who handed a file in, read from the names Canvas and Moodle give their bulk downloads.

Both LMSs rename each learner's file when you download all submissions of an assignment as
one zip; the name carries the LMS's own id for the learner, which the learner cannot choose
(unlike the ``learner_id`` inside a responses file). docs/lms.md shows both layouts.

- **Canvas** ("Download Submissions"): ``<name>[_LATE]_<user id>_<file id>_<original name>``,
  all in one folder. ``<name>`` is the learner's sortable name, lower case, without spaces or
  punctuation; ``LATE`` is there when Canvas judged the submission late against its own due
  date (and the learner's extensions); ``<user id>`` is the Canvas user id (``anon_<id>``
  under anonymous grading); ``<file id>`` is the id of the uploaded file, which grows with
  every upload. A file uploaded again under the same name gets ``-1``, ``-2``... before its
  extension (``quiz-1.responses.json`` or, in older Canvas, ``quiz.responses-1.json``).
- **Moodle** ("Download all submissions"): a folder ``<Full Name>_<participant id>_
  assignsubmission_file_`` per learner holding their files under their own names, or (with
  "Download submissions in folders" off) files named ``<Full Name>_<participant id>_
  assignsubmission_file_<original name>``. The participant id is Moodle's per-assignment
  number for the learner; full names have their underscores turned into spaces.

A learner also chooses their own file's name, so these names are only believed where the
instructor says the folder is an LMS download (:class:`pruneedu.grading.attribution.
Downloads`), and a Canvas name that reads two ways (digits and ``_`` in the name part or in
the file name) is never believed.

Example:
    >>> origin = parse_canvas("lovelaceada_LATE_1001_50311_quiz-1.responses.json")
    >>> origin.lms, origin.submitter, origin.late, origin.original, origin.order
    ('canvas', '1001', True, 'quiz.responses.json', (50311, 1))
    >>> parse_moodle("Ada Lovelace_1234_assignsubmission_file_/quiz.responses.json").name
    'Ada Lovelace'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

# What follows Canvas's name part; tried after every "_", since the name (which Canvas writes
# in lower case, so never "LATE") may itself hold "_" and digits.
CANVAS_REST = re.compile(r"(?:(?P<late>LATE)_)?(?P<user>\d+|anon_[A-Za-z0-9]+)_(?P<file>\d+)_"
                         r"(?P<original>.+)$")
CANVAS_SORTABLE = re.compile(r"\w*")
MOODLE_PART = re.compile(r"^(?P<name>[^_/]+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_"
                         r"(?P<rest>.*)$")
# Canvas's make_unique_filename: "-<n>" before the extension, which newer Canvas takes to be
# every ".word" at the end (".responses.json") and older Canvas only the last one.
_RESUBMITTED = (re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)(?P<ext>(?:\.[A-Za-z][A-Za-z0-9]*)*"
                           r"\.[A-Za-z0-9]+)$"),
                re.compile(r"^(?P<stem>.+)-(?P<n>\d+)(?P<ext>\.[A-Za-z0-9]+)$"))


@dataclass(frozen=True)
class LmsOrigin:
    """What an LMS download name says about a file.

    ``submitter``: the LMS's id for the learner (Canvas user id; Moodle participant id).
    ``name``: the learner's name as the download spells it. ``late``: Canvas's LATE marker.
    ``order``: sorts two files of one learner by upload (Canvas file id, resubmission
    number). ``original``: the learner's own file name (Canvas's ``-1`` suffix removed;
    ``variants`` lists it with the suffix kept too). ``prefix``: the name part an LMS needs
    to send a feedback file back to this learner. ``folder``: the download folder (the
    assignment) the file was unpacked in, relative to the submissions folder ("" at the top).
    """

    lms: str
    submitter: str
    name: str
    late: bool
    order: tuple[int, int]
    original: str
    prefix: str
    plugin: str = "file"
    variants: tuple[str, ...] = ()
    folder: str = ""

    @property
    def source(self) -> str:
        """A key that is the same for every file of one learner in this LMS: Canvas's user id
        is one per person; Moodle's participant id is one per person and assignment, so it
        counts together with the download folder (the assignment) it was unpacked in."""
        if self.lms == "canvas":
            return f"canvas:{self.submitter}"
        return f"moodle:{self.submitter}@{self.folder}"

    @property
    def anonymous(self) -> bool:
        return self.submitter.startswith("anon_")

    def feedback_name(self, item_id: str) -> str:
        """The file name under which this LMS takes a feedback page back for this learner.

        Canvas's "Re-Upload Submissions" (``infer_comment_context_from_filename``) splits the
        name on ``_``, drops ``LATE`` parts and takes the first two all-digit parts as user id
        and file id, attaching the page only where that user's submission holds that file. A
        sortable name is the learner's to edit (``evil_1001_x``), so the page name leaves it
        out: ``<user id>_<file id>_feedback-<item id>.html``, with any ``_`` in the item id
        written ``-``, holds no all-digit part but those two. Moodle's feedback zip import
        reads ``<name>_<participant id>_assignfeedback_file_<file name>``.

        Example:
            >>> parse_canvas("evil_1001_x_1003_777_q.responses.json").feedback_name("q")
            '1003_777_feedback-q.html'
        """
        if self.lms == "canvas":
            return f"{self.submitter}_{self.order[0]}_feedback-{item_id.replace('_', '-')}.html"
        return f"{self.prefix}_assignfeedback_file_feedback-{item_id}.html"


_WORD_CHAR = re.compile(r"\w")


def name_key(name: str) -> str:
    """A name compared without case, punctuation or Unicode spelling (NFKC: a name unpacked
    on a Mac spells "ë" as "e" plus a combining mark). Word order counts ("Kim Lee" is not
    "Lee Kim"), except that a sortable "Last, First" reads as "First Last". Combining marks
    are part of a word: in Devanagari or Tamil a vowel sign is what tells "अमित" (Amit) from
    "अमिता" (Amita), and ``\\w`` alone would split them into the same words (red-team round 5).

    Example:
        >>> name_key("Lovelace, Ada") == name_key("ada  LOVELACE"), name_key("Lee Kim")
        (True, 'lee kim')
        >>> name_key("अमित") == name_key("अमिता")
        False
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    words, word = [], []
    for char in text + " ":
        if _WORD_CHAR.match(char) or unicodedata.category(char).startswith("M"):
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    return " ".join(words)


def strip_resubmission(name: str) -> tuple[str, int]:
    """``(name without Canvas's -<n> suffix, n)``; n is 0 when there is none.

    Example:
        >>> strip_resubmission("lab-2.py"), strip_resubmission("quiz.responses-3.json")
        (('lab.py', 2), ('quiz.responses.json', 3))
    """
    for pattern in _RESUBMITTED:
        match = pattern.match(name)
        if match:
            return match["stem"] + match["ext"], int(match["n"])
    return name, 0


def canvas_readings(basename: str) -> list[LmsOrigin]:
    """Every way ``basename`` reads as a Canvas download name (usually one, or none).

    A learner may choose both the name part (where Canvas lets users edit their name) and the
    file name after the ids, so ``x_1001_9_1003_5_q.responses.json`` reads as user 1001 and
    as user 1003: such a name is never trusted (:func:`parse_canvas`).
    """
    readings: dict[tuple, LmsOrigin] = {}
    starts = [0] + [i + 1 for i, char in enumerate(basename) if char == "_"]
    for start in starts:
        name = basename[: max(start - 1, 0)]
        if not CANVAS_SORTABLE.fullmatch(name) or name != name.lower():
            continue
        match = CANVAS_REST.match(basename, start)
        if not match:
            continue
        original, resubmission = strip_resubmission(match["original"])
        prefix = basename[: len(basename) - len(match["original"]) - 1]
        origin = LmsOrigin("canvas", match["user"], name, bool(match["late"]),
                           (int(match["file"]), resubmission), original, prefix,
                           variants=tuple(dict.fromkeys((original, match["original"]))))
        readings[(origin.submitter, origin.late, origin.order, match["original"])] = origin
    return list(readings.values())


def parse_canvas(basename: str) -> LmsOrigin | None:
    """Read a Canvas download file name; None when it is not one, or reads several ways.

    Example:
        >>> parse_canvas("x_1001_9_1003_5_q.responses.json") is None
        True
    """
    readings = canvas_readings(basename)
    return readings[0] if len(readings) == 1 else None


def ambiguous_canvas(basename: str) -> str:
    """Why ``basename`` cannot be read as a Canvas name ("" unless it reads several ways)."""
    readings = canvas_readings(basename)
    if len(readings) < 2:
        return ""
    users = ", ".join(sorted({r.submitter for r in readings}))
    return (f"the Canvas download name reads {len(readings)} ways (as user {users}), so it "
            "cannot say who handed it in; the learner should rename the file (no _<digits>_ "
            "runs) and hand it in again, or grade it by hand with an override")


def parse_moodle(relative: str) -> LmsOrigin | None:
    """Read a Moodle download path (folder or flat file name); None when it is not one."""
    parts = PurePosixPath(relative).parts
    for index, part in enumerate(parts):
        match = MOODLE_PART.match(part)
        if match:
            original = "/".join(p for p in (match["rest"], *parts[index + 1:]) if p)
            return LmsOrigin("moodle", match["pid"], match["name"].strip(), False, (0, 0),
                             original, f"{match['name']}_{match['pid']}",
                             plugin=match["plugin"], variants=(original,),
                             folder="/".join(parts[:index]))
    return None


def parse_origin(relative: str) -> LmsOrigin | None:
    """The LMS origin of a file at ``relative`` (posix path inside the submissions folder).

    Example:
        >>> parse_origin("quiz1/lovelaceada_1001_7_q.responses.json").source
        'canvas:1001'
        >>> parse_origin("jupyter-ada/q.responses.json") is None
        True
    """
    path = PurePosixPath(relative)
    moodle = parse_moodle(relative)
    if moodle is not None:
        return moodle
    canvas = parse_canvas(path.name)
    if canvas is None:
        return None
    return replace(canvas, folder=str(path.parent) if str(path.parent) != "." else "")
