"""Red team, round rt8 (b): the file-handling side of grading a class, after round 7's fixes.

Hostile submission folders (plain, hub collections, LMS downloads), hand-in files and
notebooks, quiz responses, and the files the grader writes for the instructor and the
learners. Each finding is a strict xfail that passes once the attack no longer succeeds;
tests named "held" are attacks the grader withstood. tmp folders only, no network, no code
run (quiz answers and hand-in files only).
"""

from __future__ import annotations

import json
from pathlib import Path

from class_files import put as _put
from class_files import responses as _responses
from class_files import rows as _rows
from class_files import run as _run

FIXTURE = Path(__file__).parent / "fixtures" / "class"
QUIZZES, EXERCISES = FIXTURE / "quizzes", FIXTURE / "exercises"
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
ON_TIME = 1772366400.0  # 2026-03-01T12:00Z


def _handin(learner: str, responses: dict[str, str] | None = None,
            exercises: dict | None = None) -> dict:
    return {"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
            "created_at": "2026-03-01T10:00:00+00:00", "exercises": exercises or {},
            "responses": responses or {}}


# --- rt8b finding 1: a reject's REASON carries a classmate's message into ada's page ----------
# Claim (docs/grading-guarantees.md, "Who wrote the code"): "Feedback names a file only when
# its name is one the course gives it, at the top or in the learner's own folder, and a
# hand-in's part by its item (rounds 5 to 7 put a classmate's message in ada's page through a
# file name, a made-up notebook name and a part key)". Round 7 hid the file NAME
# (feedback._file_shown) but the reject's reason is still printed under it, and one reason
# quotes a learner-chosen string: grading/handin.py _add_embedded_responses writes "answers of
# <the embedded file's learner_id, 40 chars> inside <hand-in learner>'s hand-in; graded as
# theirs" against the HAND-IN's learner. Attack: on a hub, mallory saves "ada.handin.json"
# (named for ada, so owner_of_reject keeps it ada's) in her own home with "learner_id": "ada"
# and one embedded responses file whose learner_id is a message; the documented collection
# copies it to submissions/jupyter-mallory/. Measured: ada's own jupyter-ada quiz is graded
# 8 of 8, and ada.md lists under "Not graded" "one of the files handed in for you (your
# instructor has its name): answers of 'Grade VOID - mail pw to mal at evil d...' inside
# 'ada''s hand-in; graded as theirs": 37 characters of free text survive quote() (any
# printable Unicode; Markdown-escaped, so it renders as written). Fix idea: a reject reason
# shown to a learner is one of the grader's fixed texts (as learner_texts does for code
# runs), the quoted id kept for rejects.csv only; or list the reject against the embedded
# file's learner (then nobody's: not a safe id). Other reasons quoting learner text
# (per-question "answer of the wrong type ... not <value>") go only to the file's own learner.
# Fixed: that reject is filed under nobody (rejects.csv only), and feedback shows a fixed
# reason for any file not handed in under a course-given name in the learner's own place.
def test_a_classmates_embedded_learner_id_never_reaches_ada_s_feedback(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "demo-quiz.responses.json", _responses("ada"))
    message = "Grade VOID - mail pw to mal at evil dot io"
    _put(folder / "jupyter-mallory" / "ada.handin.json",
         _handin("ada", {"q": json.dumps(_responses(message))}))
    out = tmp_path / "fb"
    _run("feedback", folder, out, "--lms", "none")
    page = (out / "ada.md").read_text(encoding="utf-8")
    assert "8 of 8 points" in page  # ada's own file was graded
    assert "VOID" not in page and "evil" not in page, page


# Held: hostile answer values of every type in every question (numbers past float, NaN and
# infinity as text, nested lists and mappings, NUL, a 100,000-character string, formula text)
# never fail grade, feedback --reveal-answers or stats: each bad answer scores 0 and is listed.
HOSTILE_VALUES = [10**400, "nan", "1e999", [[]], [None], {"sparsity": {"x": 1}}, {"": ""},
                  ["a", "a"], ["zz"], None, "\u0000", "x" * 100_000, "=1+1", 2]


def test_held_hostile_answer_values_never_fail_a_command(tmp_path):
    folder = tmp_path / "subs"
    questions = list(_responses("x")["answers"])
    for i, value in enumerate(HOSTILE_VALUES):
        data = _responses(f"l{i}")
        for question in questions:
            data["answers"][question] = {"value": value,
                                         "answered_at": "2026-03-01T10:00:00+00:00"}
        _put(folder / f"l{i}.demo-quiz.responses.json", data)
    _put(folder / "ok.demo-quiz.responses.json", _responses("ok"))
    for command, extra in (("grade", ()), ("feedback", ("--reveal-answers",)), ("stats", ())):
        assert _run(command, folder, tmp_path / command, *extra) in (0, 1), command
    rows = {row["learner_id"]: row for row in _rows(tmp_path / "grade" / "gradebook.csv")}
    assert rows["ok"]["demo-quiz"] == "8" and rows["l9"]["demo-quiz"] == "0"
    assert "=1+1" not in (tmp_path / "feedback" / "l12.md").read_text(encoding="utf-8")  # escaped


# Held: file names a learner chooses on a hub that start a spreadsheet formula (=, @, +, -,
# a tab before them) reach rejects.csv and conflicts.csv only as escaped text cells.
def test_held_formula_file_names_stay_text_in_every_report(tmp_path):
    folder = tmp_path / "subs"
    for name in ("=HYPERLINK(1).responses.json", "@SUM(1).responses.json",
                 "\t-2+3.responses.json", "+x.txt"):
        _put(folder / "jupyter-mallory" / name, _responses("mallory"))
    _put(folder / "=cmd.demo-quiz.responses.json", _responses("ada"))
    out = tmp_path / "grades"
    assert _run("grade", folder, out, "--lms", "none") == 1
    for report in ("rejects.csv", "conflicts.csv"):
        for row in _rows(out / report):
            for cell in row.values():
                assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t")), (report, row)
