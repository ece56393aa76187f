"""``pruneedu grade SUBMISSIONS_DIR --out grades/``: the class gradebook and its reports.

Writes one set of files into ``grades/`` (replaced as a whole, see
:mod:`pruneedu.grading.outputset`):

- ``gradebook.csv``: in ``--format plain`` (ours, default), ``canvas`` or ``moodle`` (each
  LMS's import format; needs ``--roster`` and ``--assignments``), see
  :mod:`pruneedu.grading.gradebook` and docs/lms.md;
- ``gradebook.json``: every score and why (questions, tests, late, overrides, rejects...);
- ``rejects.csv``: files and answers that could not be graded, with the reason;
- ``conflicts.csv``: identity conflicts (:mod:`pruneedu.grading.attribution`);
- ``review.csv``: near-miss text answers and written answers (:mod:`pruneedu.grading.review`);
- ``late.csv``: late work and its penalty (:mod:`pruneedu.grading.late`);
- ``similar_code.csv``: learners who handed in the same program
  (:mod:`pruneedu.grading.similarity`).

Exit status as in :mod:`pruneedu.grading.command`: 0 everything graded, 1 something rejected
or in conflict (the files are still written), 2 a usage or set-up error.

Example:
    $ pruneedu grade submissions/ --out grades/ --roster roster.csv \\
          --assignments assignments.csv --format canvas --deadline 2026-03-01T23:59+01:00
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import astuple

from pruneedu.grading.attribution import CONFLICT_COLUMNS
from pruneedu.grading.classgrade import ClassGrades
from pruneedu.grading.command import (
    add_grading_arguments,
    add_isolation_argument,
    run_grading_command,
)
from pruneedu.grading.gradebook import (
    FORMATS,
    MOODLE_FIELDS,
    canvas_table,
    gradebook_data,
    moodle_table,
    plain_table,
)
from pruneedu.grading.outputset import OutputSet
from pruneedu.grading.rejects import rejects_csv
from pruneedu.grading.review import COLUMNS as REVIEW_COLUMNS
from pruneedu.grading.review import review_queue
from pruneedu.grading.safe_text import csv_cell, say
from pruneedu.grading.textfiles import csv_text, format_points, json_text

LATE_COLUMNS = ("learner_id", "item", "file", "days_late", "penalty", "after_cutoff", "source",
                "handed_in")
SIMILAR_COLUMNS = ("exercise", "learner_a", "learner_b", "fingerprint")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_isolation_argument(parser)
    add_grading_arguments(parser, "folder for gradebook.csv, gradebook.json and the reports "
                                  "(replaced as a whole)")
    parser.add_argument("--format", choices=FORMATS, default="plain",
                        help="gradebook.csv for: plain (ours), canvas or moodle (their import "
                             "formats; need --roster and --assignments)")
    parser.add_argument("--moodle-id", choices=sorted(MOODLE_FIELDS), default="username",
                        help="with --format moodle: the user field that identifies a learner "
                             "(roster column moodle_username, moodle_idnumber or email)")


def late_rows(grades: ClassGrades) -> list[list[str]]:
    """One row per late item, in learner order."""
    rows = []
    for learner, record in grades.learners.items():
        for item_id, late in sorted(record.late.items()):
            rows.append([learner, item_id, csv_cell(record.handed_in[item_id].name),
                         str(late.days_late), format_points(late.penalty),
                         "yes" if late.after_cutoff else "no", late.source,
                         late.handed_in.isoformat() if late.handed_in else ""])
    return rows


def write_gradebook(grades: ClassGrades, output: OutputSet, lms_format: str,
                    moodle_id: str = "username") -> str:
    """Write the whole set; returns the lines saying what was written."""
    left_out: list[str] = []
    if lms_format == "canvas":
        header, rows, left_out = canvas_table(grades)
    elif lms_format == "moodle":
        header, rows, left_out = moodle_table(grades, moodle_id)
    else:
        header, rows = plain_table(grades)
    output.write_text("gradebook.csv", csv_text(header, rows))
    data = gradebook_data(grades)
    data["format"] = lms_format
    data["not_in_lms_file"] = left_out
    output.write_text("gradebook.json", json_text(data))
    output.write_text("rejects.csv", rejects_csv(grades.rejects))
    output.write_text("conflicts.csv", csv_text(CONFLICT_COLUMNS, [
        [csv_cell(cell) for cell in astuple(c)] for c in grades.conflicts]))
    queue = review_queue(grades)
    output.write_text("review.csv", csv_text(REVIEW_COLUMNS, [
        [csv_cell(i.learner_id), i.item, i.question, i.kind, csv_cell(i.answer),
         csv_cell(i.expected), format_points(i.score), format_points(i.points)]
        for i in queue]))
    output.write_text("late.csv", csv_text(LATE_COLUMNS, late_rows(grades)))
    output.write_text("similar_code.csv", csv_text(SIMILAR_COLUMNS, [
        [p.exercise_id, p.learner_a, p.learner_b, p.fingerprint] for p in grades.similar]))
    learners = len(grades.learners)
    lines = [f"Graded {learners} learners into {output.out}/gradebook.csv ({lms_format}) and "
             "gradebook.json, with rejects.csv, conflicts.csv, review.csv, late.csv and "
             "similar_code.csv."]
    if left_out:
        lines.append(f"Not in the {lms_format} file (no {lms_format} id in the roster): "
                     f"{', '.join(left_out)}.")
    late = sum(len(r.late) for r in grades.learners.values())
    if late:
        lines.append(f"{late} late item(s): see late.csv.")
    if queue:
        lines.append(f"{len(queue)} answer(s) to review by hand: see review.csv.")
    if grades.similar:
        lines.append(f"{len(grades.similar)} pair(s) of identical code: see similar_code.csv.")
    accepted = sorted({s.name for r in grades.learners.values() for s in r.handed_in.values()
                       if s.accepted_version})
    if accepted:
        lines.append(f"{len(accepted)} file(s) answered an older quiz version accepted with "
                     "--accept-version.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.format != "plain" and not (args.roster and args.assignments):
        say(f"pruneedu grade: --format {args.format} needs --roster (the learners' LMS ids) and "
            "--assignments (the assignment names); see docs/lms.md.", file=sys.stderr)
        return 2
    return run_grading_command(
        "grade", args, lambda grades, output: write_gradebook(grades, output, args.format,
                                                              args.moodle_id))
