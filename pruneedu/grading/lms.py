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

Example:
    >>> origin = parse_canvas("lovelaceada_LATE_1001_50311_quiz-1.responses.json")
    >>> origin.lms, origin.submitter, origin.late, origin.original, origin.order
    ('canvas', '1001', True, 'quiz.responses.json', (50311, 1))
    >>> parse_moodle("Ada Lovelace_1234_assignsubmission_file_/quiz.responses.json").name
    'Ada Lovelace'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

CANVAS_NAME = re.compile(r"^(?:(?!LATE_)(?P<name>\w*?)_)?(?:(?P<late>LATE)_)?"
                         r"(?P<user>\d+|anon_[A-Za-z0-9]+)_(?P<file>\d+)_(?P<original>.+)$")
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
    to send a feedback file back to this learner.
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

    @property
    def source(self) -> str:
        """A key that is the same for every file of one learner in this LMS."""
        if self.lms == "canvas":
            return f"canvas:{self.submitter}"
        return f"moodle:{name_key(self.name)}"

    @property
    def anonymous(self) -> bool:
        return self.submitter.startswith("anon_")

    def feedback_name(self, item_id: str) -> str:
        """The file name under which this LMS takes a feedback page back for this learner.

        Canvas's "Re-Upload Submissions" reads the first two all-digit parts between
        underscores as user id and file id; Moodle's feedback zip import reads
        ``<name>_<participant id>_assignfeedback_file_<file name>``.

        Example:
            >>> parse_canvas("lovelaceada_1001_50311_q.responses.json").feedback_name("q")
            'lovelaceada_1001_50311_feedback-q.html'
        """
        if self.lms == "canvas":
            return f"{self.prefix}_feedback-{item_id}.html"
        return f"{self.prefix}_assignfeedback_file_feedback-{item_id}.html"


def name_key(name: str) -> str:
    """A name compared without case, punctuation or word order ("Lovelace, Ada" = "ada
    lovelace").

    Example:
        >>> name_key("Lovelace, Ada") == name_key("ada  LOVELACE")
        True
    """
    return " ".join(sorted(re.findall(r"\w+", name.casefold())))


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


def parse_canvas(basename: str) -> LmsOrigin | None:
    """Read a Canvas download file name; None when it is not one."""
    match = CANVAS_NAME.match(basename)
    if not match:
        return None
    original, resubmission = strip_resubmission(match["original"])
    prefix = basename[: len(basename) - len(match["original"]) - 1]
    return LmsOrigin("canvas", match["user"], match["name"] or "", bool(match["late"]),
                     (int(match["file"]), resubmission), original, prefix,
                     variants=tuple(dict.fromkeys((original, match["original"]))))


def parse_moodle(relative: str) -> LmsOrigin | None:
    """Read a Moodle download path (folder or flat file name); None when it is not one."""
    parts = PurePosixPath(relative).parts
    for index, part in enumerate(parts):
        match = MOODLE_PART.match(part)
        if match:
            original = "/".join(p for p in (match["rest"], *parts[index + 1:]) if p)
            return LmsOrigin("moodle", match["pid"], match["name"].strip(), False, (0, 0),
                             original, f"{match['name']}_{match['pid']}",
                             plugin=match["plugin"], variants=(original,))
    return None


def parse_origin(relative: str) -> LmsOrigin | None:
    """The LMS origin of a file at ``relative`` (posix path inside the submissions folder).

    Example:
        >>> parse_origin("quiz1/lovelaceada_1001_7_q.responses.json").source
        'canvas:1001'
        >>> parse_origin("jupyter-ada/q.responses.json") is None
        True
    """
    return parse_moodle(relative) or parse_canvas(PurePosixPath(relative).name)
