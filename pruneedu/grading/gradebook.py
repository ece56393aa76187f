"""The gradebook tables: ours (``plain``), Canvas's and Moodle's import formats, and the JSON.

Every learner-controlled text cell goes through :func:`pruneedu.grading.safe_text.csv_cell`;
score cells are numbers the grader formats (:func:`format_points`). Output is deterministic:
rows in roster order (else sorted by learner id), sorted keys, no time of grading.

- ``plain`` (for you): ``learner_id, name, section, <quiz ids>, <exercise ids>, total,
  late``. A graded item shows its final score; ``rejected`` when a file was handed in but
  could not be graded; empty when nothing was handed in.
- ``canvas`` (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID, Section``, then one
  column per assignment of the ``--assignments`` file, titled as in Canvas, a ``Points
  Possible`` row, and one row per roster learner with a Canvas id. Missing and rejected
  work are both left empty ("no score", never 0): Canvas itself then shows missing work as
  missing and a rejected hand-in as submitted but not graded (the rejects report says why).
  No total column (Canvas would import it as a new assignment).
- ``moodle`` (Grades > Import > CSV file): one identity column (``Username``, ``ID number``
  or ``Email address``), ``Full name``, then one column per assignment named as the Moodle
  grade item. Empty cells are "no grade" in Moodle. Only roster learners with the identity
  field are written: Moodle stops the whole import at an unknown user.

See docs/lms.md for the import steps.
"""

from __future__ import annotations

import re
from dataclasses import asdict

from pruneedu.grading.classgrade import GRADED, REJECTED, ClassGrades, LearnerGrades
from pruneedu.grading.safe_text import csv_cell
from pruneedu.grading.textfiles import format_points

FORMATS = ("plain", "canvas", "moodle")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
# Canvas's GradebookImporter drops columns whose title matches this (NON_ASSIGNMENT_COLUMN_HEADERS).
CANVAS_NOT_ASSIGNMENTS = re.compile("Current Score|Current Points|Current Grade|Final Score|"
                                    "Final Points|Final Grade|Override Score|Override Grade|"
                                    "Override Status")
MOODLE_FIELDS = {"username": ("Username", "moodle_username"),
                 "idnumber": ("ID number", "moodle_idnumber"),
                 "email": ("Email address", "email")}


def _cell(record: LearnerGrades, item_id: str, rejected_text: str) -> str:
    status = record.status(item_id)
    if status == GRADED:
        return format_points(record.scores[item_id])
    return rejected_text if status == REJECTED else ""


def _late_note(record: LearnerGrades) -> str:
    notes = []
    for item_id, late in sorted(record.late.items()):
        day = "day" if late.days_late == 1 else "days"
        cut = ", after the cut-off" if late.after_cutoff else ""
        notes.append(f"{item_id} {late.days_late} {day} late{cut}")
    return "; ".join(notes)


def plain_table(grades: ClassGrades) -> tuple[list[str], list[list[str]]]:
    """Our own gradebook: every quiz and exercise, a total and the late work.

    Example (``class_folder`` holds the responses files ada and ben handed in):
        >>> from pruneedu.grading.classgrade import grade_class
        >>> from pruneedu.grading.material import load_material
        >>> header, rows = plain_table(grade_class(class_folder, load_material(),
        ...                                        progress=False))
        >>> header[:4], header[-2:]
        (['learner_id', 'name', 'section', '01-introduction'], ['total', 'late'])
        >>> [row[:4] for row in rows]
        [['ada', '', '', '8'], ['ben', '', '', '0']]
    """
    items = grades.item_ids
    rows = []
    for learner, record in grades.learners.items():
        entry = record.entry
        rows.append([csv_cell(learner), csv_cell(entry.name if entry else ""),
                     csv_cell(entry.section if entry else ""),
                     *(_cell(record, item, REJECTED) for item in items),
                     format_points(record.total), csv_cell(_late_note(record))])
    return ["learner_id", "name", "section", *items, "total", "late"], rows


def _require(grades: ClassGrades, lms: str) -> None:
    if grades.setup.roster is None or not grades.setup.assignments:
        raise ValueError(f"--format {lms} needs --roster (the learners' {lms.capitalize()} ids) "
                         "and --assignments (the assignment names); see docs/lms.md.")


def canvas_student(name: str, learner: str) -> str:
    """The ``Student`` cell: Canvas reads any row whose first cell contains "Points Possible"
    as the points row, so a learner who named themselves that would set every assignment's
    points; such a name is replaced by the learner id (Canvas finds the row by ``ID``).

    Example:
        >>> canvas_student("Lovelace, Ada", "ada"), canvas_student("Points Possible", "eve")
        ('Lovelace, Ada', 'eve')
    """
    if not name or CANVAS_POINTS_ROW in name:
        return csv_cell(learner)
    return csv_cell(name)


def canvas_table(grades: ClassGrades) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows (the Points Possible row first) and the learners left out (no Canvas id)."""
    _require(grades, "canvas")
    assignments = list(grades.setup.assignments.values())
    for assignment in assignments:
        if CANVAS_NOT_ASSIGNMENTS.search(assignment.lms_name):
            raise ValueError(f"Canvas skips any column whose title contains "
                             f"{CANVAS_NOT_ASSIGNMENTS.search(assignment.lms_name).group()!r}, "
                             f"so {assignment.lms_name!r} would not be imported; rename the "
                             "assignment (in Canvas and in --assignments).")
    header = [*CANVAS_IDENTITY, *(csv_cell(a.canvas_header) for a in assignments)]
    rows = [[CANVAS_POINTS_ROW, "", "", "", "",
             *(format_points(grades.points(a.item_id)) for a in assignments)]]
    left_out = []
    for learner, record in grades.learners.items():
        entry = record.entry
        if entry is None or not (entry.canvas_user_id or entry.sis_user_id or entry.sis_login_id):
            left_out.append(learner)
            continue
        rows.append([canvas_student(entry.name, learner), entry.canvas_user_id,
                     csv_cell(entry.sis_user_id), csv_cell(entry.sis_login_id),
                     csv_cell(entry.section),
                     *(_cell(record, a.item_id, "") for a in assignments)])
    return header, rows, left_out


def moodle_table(grades: ClassGrades, field: str = "username"
                 ) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows and the learners left out (no value for the identity ``field``)."""
    _require(grades, "moodle")
    label, attribute = MOODLE_FIELDS[field]
    assignments = list(grades.setup.assignments.values())
    header = [label, "Full name", *(csv_cell(a.lms_name) for a in assignments)]
    rows, left_out = [], []
    for learner, record in grades.learners.items():
        entry = record.entry
        identity = getattr(entry, attribute) if entry else ""
        if not identity or csv_cell(identity) != identity:  # escaped, Moodle would not find it
            left_out.append(learner)
            continue
        rows.append([csv_cell(identity), csv_cell(entry.name or learner),
                     *(_cell(record, a.item_id, "") for a in assignments)])
    return header, rows, left_out


def _item_detail(grades: ClassGrades, record: LearnerGrades, item_id: str) -> dict:
    detail: dict = {"status": record.status(item_id),
                    "score": record.scores.get(item_id), "max_score": grades.points(item_id)}
    sub = record.handed_in.get(item_id)
    if sub is not None:
        detail["file"] = sub.name
        detail["named_learner_id"] = sub.learner_id
        detail["accepted_version"] = sub.accepted_version or None
    if item_id in record.quizzes:
        grade = record.quizzes[item_id]
        detail["automatic_score"] = grade.score
        detail["questions"] = {q: r.score for q, r in grade.results.items()}
    if item_id in record.exercises:
        result = record.exercises[item_id]
        detail |= {"automatic_score": result.score, "passed": result.passed,
                   "tests": result.total, "error": result.error}
    late = record.late.get(item_id)
    if late is not None:
        detail["late"] = {"days": late.days_late, "penalty": late.penalty,
                          "after_cutoff": late.after_cutoff, "source": late.source,
                          "handed_in": late.handed_in.isoformat() if late.handed_in else None}
    override = record.overridden.get(item_id)
    if override is not None:
        detail["override"] = {"score": override.score, "comment": override.comment}
    return detail


def gradebook_data(grades: ClassGrades) -> dict:
    """The JSON copy: everything the tables show and why (no time of grading)."""
    from pruneedu.grading.review import review_queue

    material = grades.material
    learners = {}
    for learner, record in grades.learners.items():
        entry = record.entry
        learners[learner] = {
            "name": entry.name if entry else "", "section": entry.section if entry else "",
            "items": {item: _item_detail(grades, record, item) for item in grades.item_ids
                      if record.status(item) != "missing"},
            "total": record.total,
        }
    return {
        "format_version": 2,
        "isolation": grades.isolation,
        "shared_host": grades.setup.shared_host,
        "capstone_test_data": capstone_test_data(grades),
        "accepted_versions": sorted(grades.setup.accepted_versions),
        "quizzes": {b.id: {"title": b.title, "max_score": float(b.max_score)}
                    for b in material.banks.values()},
        "exercises": {e.id: {"title": e.title, "max_score": float(e.points)}
                      for e in material.exercises.values()},
        "assignments": {a.item_id: {"lms_name": a.lms_name,
                                    "canvas_assignment_id": a.canvas_assignment_id or None,
                                    "deadline": a.deadline.isoformat() if a.deadline else None}
                        for a in grades.setup.assignments.values()},
        "learners": learners,
        "missing": grades.missing,
        "rejects": [asdict(reject) for reject in grades.rejects],
        "conflicts": [asdict(conflict) for conflict in grades.conflicts],
        "review": [asdict(item) for item in review_queue(grades)],
        "similar_code": [asdict(pair) for pair in grades.similar],
    }


def capstone_test_data(grades: ClassGrades) -> dict | None:
    """Which digits measured the capstone (None when no capstone was graded)."""
    from pruneedu.grading.capstone import measured_on

    graded = any(grades.material.exercises[item].kind == "capstone"
                 for record in grades.learners.values() for item in record.exercises)
    return measured_on() if graded else None
