"""``pruneedu grade SUBMISSIONS_DIR --out gradebook.csv``: the class gradebook for an LMS.

Writes ``gradebook.csv`` (``Student, ID, <quiz ids...>, <exercise ids...>, Total``; see
:mod:`pruneedu.grading.gradebook` for importing it into Canvas or Moodle), a JSON copy beside it
(``gradebook.json``: maxima, per-question scores, exercise test counts, rejects) and the rejects
report ``gradebook.rejects.csv``. Exit status as in :mod:`pruneedu.grading.command`: 0 everything
graded, 1 something rejected (the gradebook is still written), 2 a usage or set-up error.

Example:
    $ pruneedu grade submissions/ --out grades/gradebook.csv --quizzes quizzes/
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pruneedu.grading.classgrade import ClassGrades
from pruneedu.grading.command import add_grading_arguments, run_grading_command
from pruneedu.grading.gradebook import format_points, sibling, write_csv, write_json
from pruneedu.grading.rejects import write_rejects


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_grading_arguments(parser, "the gradebook CSV to write (its .json copy and "
                                  ".rejects.csv go beside it)")
    parser.add_argument("--unsafe-no-isolation", action="store_true",
                        help="run learners' code WITHOUT bubblewrap isolation (only for code "
                             "you trust; see docs/grading-guarantees.md)")


def output_paths(out: Path) -> tuple[Path, Path, Path]:
    """The gradebook CSV, its JSON copy and the rejects report."""
    return out, sibling(out, ".json"), sibling(out, ".rejects.csv")


def gradebook_table(grades: ClassGrades) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the LMS CSV: one row per learner, sorted by id.

    Example (``class_folder`` holds the responses files ada and ben handed in):
        >>> from pruneedu.grading.classgrade import grade_class
        >>> from pruneedu.grading.material import load_material
        >>> header, rows = gradebook_table(grade_class(class_folder, load_material(),
        ...                                            progress=False))
        >>> header[:3], header[-2:]
        (['Student', 'ID', '01-introduction'], ['magnitude-mask', 'Total'])
        >>> [row[:2] for row in rows]
        [['ada', 'ada'], ['ben', 'ben']]
    """
    quiz_ids, exercise_ids = sorted(grades.material.banks), sorted(grades.material.exercises)
    header = ["Student", "ID", *quiz_ids, *exercise_ids, "Total"]
    rows = []
    for learner, record in grades.learners.items():
        cells = [record.quizzes[q].score if q in record.quizzes else 0.0 for q in quiz_ids]
        cells += [record.exercises[e].score if e in record.exercises else 0.0
                  for e in exercise_ids]
        rows.append([learner, learner, *map(format_points, cells), format_points(record.total)])
    return header, rows


def gradebook_data(grades: ClassGrades) -> dict:
    """The JSON copy: maxima, per-question and per-test detail, rejects (no time stamps)."""
    material = grades.material
    learners = {}
    for learner, record in grades.learners.items():
        learners[learner] = {
            "quizzes": {qid: {"score": g.score, "max_score": g.max_score,
                              "questions": {q: r.score for q, r in g.results.items()}}
                        for qid, g in record.quizzes.items()},
            "exercises": {eid: {"score": r.score, "max_score": r.max_score, "passed": r.passed,
                                "tests": r.total, "error": r.error}
                          for eid, r in record.exercises.items()},
            "total": record.total,
        }
    return {
        "format_version": 1,
        "isolation": grades.isolation,
        "quizzes": {b.id: {"title": b.title, "max_score": float(b.max_score)}
                    for b in material.banks.values()},
        "exercises": {e.id: {"title": e.title, "max_score": e.points}
                      for e in material.exercises.values()},
        "learners": learners,
        "rejects": [vars(reject) for reject in grades.rejects],
    }


def run(args: argparse.Namespace) -> int:
    csv_path, json_path, rejects_path = output_paths(args.out)

    def write(grades: ClassGrades) -> str:
        header, rows = gradebook_table(grades)
        write_csv(csv_path, header, rows)
        write_json(json_path, gradebook_data(grades))
        write_rejects(rejects_path, grades.rejects)
        written = f"Graded {len(rows)} learners into {csv_path} (and {json_path.name})."
        return written + (f"\nRejects report: {rejects_path}" if grades.rejects else "")

    return run_grading_command("grade", args, (csv_path, json_path, rejects_path), write)
