"""``pruneedu feedback SUBMISSIONS_DIR --out feedback/``: feedback each learner can be sent.

Writes into ``feedback/`` (replaced as a whole) one ``<learner-id>.md`` per learner (a short
hash is added where two ids differ only in case). Per quiz, every question is marked right,
partly right or wrong with its points "x of N", with the learner's own answer shown in the
letters they saw (choices appear in each learner's own order in the notebook). Keys and
explanations are never shown unless ``--reveal-answers``, and then only for questions the
learner did not get fully right. For code exercises the PUBLIC tests are listed by name with
their result and the hidden tests only as a count; nothing the code printed, raised, returned
or exited with is quoted, only the grader's fixed texts (:mod:`pruneedu.grading.learner_texts`)
and a pointer to the same public tests in the learner's notebook. Late penalties, scores set
by hand and files that could not be graded are explained. Every learner string is escaped for
Markdown.

With ``--format canvas`` or ``--format moodle`` it also writes, per quiz or exercise, a zip
the LMS takes back in one upload (docs/lms.md), holding one HTML page per learner named the
way the LMS's own download named their file:

- ``canvas/<item-id>.zip`` for the assignment's "Re-Upload Submissions", pages named
  ``<user id>_<file id>_feedback-<item-id>.html``: Canvas reads the user id and file id from
  each name and attaches the page to that learner's submission as a comment (the learner's
  sortable name, theirs to edit, is left out: :meth:`LmsOrigin.feedback_name`);
- ``moodle/<item-id>.zip`` for "Upload multiple feedback files in a zip" (feedback type
  "Feedback files" on): Moodle reads the participant id and adds the page as a feedback file.

A hand-in file or notebook holds several items but was handed in to one assignment, whose
ids are in its name: one page per such file, about all its items (``..._feedback-hand-in.html``),
goes in the zip named after the whole download folder the file was in
(``hand-in+term1+lab1.zip`` for ``term1/lab1``; :func:`upload_of`).

Only files that came from that LMS's download can be answered this way (not those of
Canvas's anonymous grading, whose names carry no user id). Exit status as for
``pruneedu grade``.

Example:
    $ pruneedu feedback submissions/ --out feedback/ --roster roster.csv --format canvas
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import string
import zipfile
from collections import Counter
from pathlib import PurePosixPath

from pruneedu import quiz
from pruneedu.grading import learner_texts
from pruneedu.grading.attribution import own_folders
from pruneedu.grading.classgrade import GRADED, REJECTED, ClassGrades, LearnerGrades
from pruneedu.grading.codegrade import ExerciseResult
from pruneedu.grading.command import (
    add_grading_arguments,
    add_isolation_argument,
    run_grading_command,
)
from pruneedu.grading.gradebook import FORMATS
from pruneedu.grading.outputset import OutputSet
from pruneedu.grading.rejects import Reject
from pruneedu.grading.safe_text import md
from pruneedu.grading.submissions import Submission, source_of
from pruneedu.grading.textfiles import format_points
from pruneedu.markdown_html import to_html

NOT_SHOWN = "one of the files handed in for you (your instructor has its name)"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # a fixed time stamp: the same feedback gives the same zip
MAX_QUOTED, MAX_PAIRS = 200, 20  # a learner's answer is quoted this short
# A name in a zip must not climb out of a folder or trouble a file system, whatever an LMS
# user's name was (Canvas squeezes names to word characters; Moodle keeps spaces).
SAFE_ZIP_NAME = re.compile(r"[\w .'-]{1,200}")
HANDIN_ZIP = "hand-in"  # zips of hand-in files start so; a page in one is named for it too


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_isolation_argument(parser)
    add_grading_arguments(parser, "folder for the feedback files (replaced as a whole)")
    parser.add_argument("--reveal-answers", action="store_true",
                        help="show the right answer and the explanation for each question a "
                             "learner did not get fully right")
    parser.add_argument("--format", choices=FORMATS, default="plain",
                        help="also write zips your LMS takes in one upload: canvas or moodle")


def lettered(question: quiz.Question, seen_by: str) -> dict[str, str]:
    """Choice id -> the letter the learner ``seen_by`` saw it under (A, B, ...).

    Example:
        >>> q = quiz.Question("q", "single", "?", "c", choices=(quiz.Choice("x", "X"),))
        >>> lettered(q, "ada")
        {'x': 'A'}
    """
    order = quiz.shuffled(question.choices, seen_by, question.id)  # as the quiz widget shows them
    return {choice.id: string.ascii_uppercase[i] for i, choice in enumerate(order)}


def describe_value(question: quiz.Question, value: object, seen_by: str) -> str:
    """An answer in the learner's own letters, escaped for Markdown.

    Example:
        >>> q = quiz.Question("q", "single", "?", "c", choices=(quiz.Choice("x", "Big"),))
        >>> describe_value(q, "x", "ada"), describe_value(q, None, "ada")
        ('A\\\\. Big', 'no answer')
    """
    if quiz.grading.is_empty(value):
        return "no answer"
    if question.type in ("single", "multiple"):
        letters = lettered(question, seen_by)
        picked = value if isinstance(value, list) else [value]
        if not all(isinstance(p, str) and p in letters for p in picked):
            return "an answer the grader could not read"
        picked = sorted(picked, key=lambda p: letters[p])
        return "; ".join(f"{md(letters[p] + '. ' + question.choice(p).text)}" for p in picked)
    if question.type == "truefalse" and isinstance(value, bool):
        return "true" if value else "false"
    if question.type == "matching" and isinstance(value, dict):
        pairs = [(t, d) for t, d in value.items() if t in question.terms][:MAX_PAIRS]
        return "; ".join(f"{md(term)} → {md(str(definition)[:MAX_QUOTED])}"
                         for term, definition in pairs) or "an answer the grader could not read"
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return md(str(value)[:MAX_QUOTED])
    return "an answer the grader could not read"


def describe_key(question: quiz.Question, seen_by: str) -> str:
    """The right answer in words (in the learner's letters), for ``--reveal-answers``.

    Example:
        >>> describe_key(quiz.Question("q", "truefalse", "?", "c", answer=True), "ada")
        'true'
    """
    key = question.answer
    if question.type == "written":
        return "none: a person scores it against its rubric"
    if question.type in ("numeric", "truefalse") and isinstance(key, dict) and "formula" in key:
        return "it depends on numbers your notebook records, which your file does not hold"
    if question.type in ("single", "multiple"):
        return describe_value(question, key, seen_by)
    if question.type == "truefalse":
        return "true" if key else "false"
    if question.type == "numeric":
        if "value" in key:
            return f"{key['value']:g} (within {key['tolerance']:g})"
        return f"from {key['min']:g} to {key['max']:g}"
    if question.type == "text":
        return md(key["accept"][0])
    if question.type == "matching":
        return "; ".join(f"{md(term)} → {md(d)}" for term, d in key["pairs"].items())
    return "see your instructor's notes"


def _late_lines(record: LearnerGrades, item_id: str) -> list[str]:
    late = record.late.get(item_id)
    if late is None:
        return []
    day = "day" if late.days_late == 1 else "days"
    if late.after_cutoff:
        return [f"Handed in {late.days_late} {day} late, after the cut-off: it scores 0.", ""]
    return [f"Handed in {late.days_late} {day} late: {format_points(late.penalty)} points were "
            "taken off.", ""]


def _quiz_section(grades: ClassGrades, bank: quiz.Bank, record: LearnerGrades,
                  reveal: bool) -> list[str]:
    head = f"## {md(bank.title)} ({bank.id})"
    grade = record.quizzes.get(bank.id)
    status = record.status(bank.id)
    if grade is None:
        if status == GRADED:
            return [f"{head}: {format_points(record.scores[bank.id])} of "
                    f"{format_points(bank.max_score)} points (set by your instructor)", ""]
        why = "could not be graded (see below)" if status == REJECTED else "not handed in"
        return [f"{head}: {why}", ""]
    sub = record.handed_in.get(bank.id)
    seen_by = sub.learner_id if sub and sub.learner_id else record.learner_id
    lines = [f"{head}: {format_points(record.scores[bank.id])} of "
             f"{format_points(bank.max_score)} points", ""]
    lines += _late_lines(record, bank.id)
    if bank.id in record.overridden:
        lines += ["Your instructor set this score by hand.", ""]
    answers = record.answers.get(bank.id, {})
    scored_by_hand = {o.question for o in grades.setup.overrides
                      if (o.learner_id, o.item) == (record.learner_id, bank.id)}
    for question in bank.questions:
        result = grade.results.get(question.id)
        if result is None:  # a question pool did not ask this learner this question
            continue
        question = grade.questions.get(question.id, question)  # with the learner's own numbers
        mark = "right" if result.correct else "wrong" if result.score == 0 else "partly right"
        if result.pending and question.id not in scored_by_hand:
            mark = "waiting for a person's score"
        entry = answers.get(question.id)
        value = entry.get("value") if isinstance(entry, dict) else None
        lines.append(f"- **{mark}** ({format_points(result.score)} of "
                     f"{format_points(result.max_score)}): {question.prompt}")
        lines.append(f"  - Your answer: {describe_value(question, value, seen_by)}")
        if not result.correct and result.feedback and value is not None:
            lines.append(f"  - On your answer: {md(result.feedback)}")
        if reveal and not result.correct and question.type != "written":
            if question.explanation:
                lines.append(f"  - Why: {question.explanation}")
            lines.append(f"  - The answer: {describe_key(question, seen_by)}")
    return lines + [""]


def _exercise_section(grades: ClassGrades, exercise_id: str, record: LearnerGrades) -> list[str]:
    exercise = grades.material.exercises[exercise_id]
    head = f"## {md(exercise.title)} ({exercise_id})"
    result: ExerciseResult | None = record.exercises.get(exercise_id)
    status = record.status(exercise_id)
    if result is None:
        if status == GRADED:
            return [f"{head}: {format_points(record.scores[exercise_id])} of "
                    f"{format_points(exercise.points)} points (set by your instructor)", ""]
        why = "could not be graded (see below)" if status == REJECTED else "no code handed in"
        return [f"{head}: {why}", ""]
    lines = [f"{head}: {format_points(record.scores[exercise_id])} of "
             f"{format_points(result.max_score)} points", ""]
    lines += _late_lines(record, exercise_id)
    # Only the grader's own texts: what the code wrote may carry hidden inputs (learner_texts).
    if result.learner_error:
        lines.append(f"Your code did not finish: {md(result.learner_error)}.")
    for test in result.public:
        lines.append(f"- PASS {md(test.name)}" if test.passed
                     else f"- FAIL {md(test.name)}: {md(test.reason)}")
    hidden_passed = sum(test.passed for test in result.hidden)
    lines.append(f"- Hidden tests: {hidden_passed} of {len(result.hidden)} passed.")
    if exercise.kind == "function" and not all(test.passed for test in result.public):
        lines += ["", learner_texts.SEE_NOTEBOOK]
    return lines + [""]


def _items(grades: ClassGrades) -> list[str]:
    return list(grades.setup.assignments) or grades.item_ids


def _reject_line(reject: Reject, learner: str, item_id: str) -> str:
    """One "Not graded" line: the file, the question and the reason, for a file the learner
    handed in under a course-given name in their own place; for any other file a fixed text
    (its name and reason may quote what a classmate wrote: red-team rounds 5 to 8)."""
    shown = _file_shown(reject.file, learner, item_id)
    if shown == NOT_SHOWN:
        return f"- {NOT_SHOWN}: it could not be graded (your instructor has the reason)"
    question = f" ({md(reject.question)})" if reject.question else ""
    return f"- {shown}{question}: {md(reject.reason)}"


def _file_shown(file: str, learner: str, item_id: str) -> str:
    """A rejected file as its learner's feedback names it. Any name a classmate can choose
    may carry a message for the learner (red-team rounds 5 to 7: a file named with one, a
    made-up notebook name, a hand-in's part key), so a file is named only when its name is
    one the course gives it (``<id>.<item>.py``, ``<id>.<item>.responses.json``,
    ``<id>.handin.json``, ``<id>.capstone.pedu``) and it lies at the top or in the learner's
    own folder; a part of a hand-in file is named by the item the grader read."""
    handed, _, part = file.partition("#")
    base = handed.rpartition("/")[2]
    own_place = source_of(handed, None) in ("", *own_folders(learner))
    course_names = {f"{learner}.{item_id}.py", f"{learner}.{item_id}.responses.json",
                    f"{learner}.handin.json", f"{learner}.capstone.pedu"}
    if not (own_place and base in course_names):
        return NOT_SHOWN
    return md(handed) + (f" (its {md(item_id)} part)" if part else "")


def item_feedback(grades: ClassGrades, learner: str, item_id: str, reveal: bool = False
                  ) -> list[str]:
    """The Markdown lines about one quiz or exercise for one learner."""
    record = grades.learners[learner]
    if item_id in grades.material.banks:
        lines = _quiz_section(grades, grades.material.banks[item_id], record, reveal)
    else:
        lines = _exercise_section(grades, item_id, record)
    theirs = [r for r in grades.rejects if r.learner_id == learner and r.item == item_id]
    if theirs:
        lines += ["Not graded:", ""]
        lines += [_reject_line(r, learner, item_id) for r in theirs]
        lines.append("")
    return lines


def learner_feedback(grades: ClassGrades, learner: str, reveal: bool = False) -> str:
    """The Markdown feedback for one learner on every item (deterministic: no dates)."""
    record = grades.learners[learner]
    items = _items(grades)
    possible = sum(grades.points(item) for item in items)
    total = sum(record.scores.get(item, 0.0) for item in items)
    lines = [f"# Feedback for {md(learner)}", "",
             f"Total: {format_points(total)} of {format_points(possible)} points.", ""]
    for item_id in items:
        lines += item_feedback(grades, learner, item_id, reveal)
    return "\n".join(lines).rstrip("\n") + "\n"


def feedback_file_names(learners: list[str]) -> dict[str, str]:
    """``<learner-id>.md`` per learner, never two the same on a file system that ignores case
    (macOS, Windows): ids that differ only in case (``Ada``, ``ada``) get a short hash, and a
    name still taken (someone's id may be another's hashed name) a longer one.

    Example:
        >>> names = feedback_file_names(["Ada", "ada", "ben"])
        >>> names["ben"], names["Ada"] != names["ada"], names["ada"].startswith("ada-")
        ('ben.md', True, True)
    """
    folded = Counter(learner.casefold() for learner in learners)
    plain = {learner for learner in learners if folded[learner.casefold()] == 1}
    taken = {learner.casefold() for learner in plain}
    names = {learner: f"{learner}.md" for learner in plain}
    for learner in sorted(set(learners) - plain):
        digest = hashlib.sha256(learner.encode()).hexdigest()
        for size in (8, 16, 64):
            stem = f"{learner}-{digest[:size]}"
            if stem.casefold() not in taken:
                break
        taken.add(stem.casefold())
        names[learner] = f"{stem}.md"
    return names


def html_page(markdown: str) -> str:
    """A whole HTML page from feedback Markdown (rendered with raw HTML escaped).

    Example:
        >>> "<p>&lt;b&gt;</p>" in html_page("<b>")
        True
    """
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Feedback</title>"
            f"</head>\n<body>\n{to_html(markdown)}\n</body></html>\n")


def _zip_part(folder: str) -> str:
    """One folder name as it may stand in a zip name: as it is when it is safe (which rules
    out ``+`` and ``~``) and short, else ``~`` and a hash of it."""
    if SAFE_ZIP_NAME.fullmatch(folder) and len(folder) <= 40:
        return folder
    return "~" + hashlib.sha256(folder.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def upload_of(sub: Submission, item_id: str) -> str:
    """Which zip (LMS assignment) the page about ``sub`` goes back to: a file of one item goes
    to that item's; the parts of a hand-in file or notebook go together to the assignment the
    file was handed in to: ``hand-in+`` and the whole download folder it was unpacked in, each
    ``/`` written ``+`` (``hand-in+`` alone at the top), as that assignment's participant ids
    are the ones in its name. No item id and no folder name kept as it is holds ``+`` or
    ``~``, so two download folders, or a folder and an item, never share a zip.

    Example:
        >>> from pruneedu.grading.lms import parse_origin
        >>> from pruneedu.grading.submissions import Submission
        >>> name = "term1/lab1/lovelaceada_1001_7_ada.handin.json#q.responses.json"
        >>> part = Submission(name, "quiz", "q", "ada", None, parse_origin(name),
        ...                   part="q.responses.json")
        >>> upload_of(part, "q"), upload_of(Submission("a.q.responses.json", "quiz", "q", "a",
        ...                                            None), "q")
        ('hand-in+term1+lab1', 'q')
    """
    if not sub.part:
        return item_id
    if sub.origin is not None:
        folder = sub.origin.folder
    else:
        folder = str(PurePosixPath(sub.file.split("#", 1)[0]).parent)
    parts = [_zip_part(part) for part in PurePosixPath(folder).parts if part != "."]
    name = "+".join([HANDIN_ZIP, *parts]) if parts else f"{HANDIN_ZIP}+"
    if len(name) > 120:  # deep folders: one hash of the whole folder, unlike any part's
        digest = hashlib.sha256(folder.encode("utf-8", "surrogatepass")).hexdigest()[:24]
        name = f"{HANDIN_ZIP}+~{digest}"
    return name


def lms_zips(grades: ClassGrades, lms: str, reveal: bool) -> tuple[dict[str, bytes], int]:
    """``{zip name: zip bytes}`` of per-learner HTML pages, one zip per assignment (see
    :func:`upload_of`), and how many graded files had no name from that LMS (they are not in
    any zip)."""
    sections: dict[tuple[str, str], list[str]] = {}
    unnamed = 0
    for learner, record in grades.learners.items():
        for item_id, sub in sorted(record.handed_in.items()):
            if (sub.origin is None or sub.origin.lms != lms or sub.origin.anonymous
                    or not SAFE_ZIP_NAME.fullmatch(sub.origin.prefix)):
                unnamed += 1
                continue
            upload = upload_of(sub, item_id)
            page = sub.origin.feedback_name(HANDIN_ZIP if sub.part else item_id)
            lines = sections.setdefault((upload, page), [])
            lines += [f"# {md(item_id)}: feedback for {md(learner)}", "",
                      *item_feedback(grades, learner, item_id, reveal)]
    pages: dict[str, dict[str, str]] = {}
    for (upload, page), lines in sections.items():
        pages.setdefault(upload, {})[page] = html_page("\n".join(lines))
    zips = {}
    for item_id, files in sorted(pages.items()):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, page in sorted(files.items()):
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, page)
        zips[item_id] = buffer.getvalue()
    return zips, unnamed


def write_feedback(grades: ClassGrades, output: OutputSet, reveal: bool,
                   lms_format: str = "plain") -> str:
    """Write every learner's Markdown (and the LMS zips); returns what was written."""
    names = feedback_file_names(list(grades.learners))
    for learner in grades.learners:
        output.write_text(names[learner], learner_feedback(grades, learner, reveal))
    lines = [f"Wrote feedback for {len(grades.learners)} learners to {output.out}."]
    if lms_format != "plain":
        zips, unnamed = lms_zips(grades, lms_format, reveal)
        for item_id, data in zips.items():
            output.write_bytes(f"{lms_format}/{item_id}.zip", data)
        lines.append(f"Wrote {len(zips)} {lms_format} upload zip(s) to "
                     f"{output.out}/{lms_format}/ (one per assignment: per item, and per "
                     "download folder for hand-in files and notebooks).")
        if unnamed:
            lines.append(f"{unnamed} graded file(s) did not come from a {lms_format} download "
                         "and are only in the Markdown files.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    return run_grading_command(
        "feedback", args,
        lambda grades, output: write_feedback(grades, output, args.reveal_answers, args.format))
