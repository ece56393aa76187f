"""Red team, round rt5 (b): the file-handling side of grading a class.

Hostile submission folders and LMS downloads, what the grader writes for the instructor and the
learners (feedback pages, LMS zips, CSV reports), and outputs written as one set. Each finding
is a strict xfail that passes once the attack no longer succeeds; the tests marked "held" are
attacks the grader withstood. Quiz grading only unless said (no learner code runs), tmp
folders only, no network.
"""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from class_files import blank_answers as _blank_answers
from class_files import put as _put
from class_files import responses as _responses
from class_files import rows as _rows
from class_files import run as _run

FIXTURE = Path(__file__).parent / "fixtures" / "class"
QUIZZES, EXERCISES = FIXTURE / "quizzes", FIXTURE / "exercises"
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
DEADLINE = "2026-03-01T23:59+00:00"
ON_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc).timestamp()


# --- rt5b finding 1: a classmate's file changes ada's quiz grade, with no conflict -------------
# Claim (docs/grading-guarantees.md, "Who wrote the code"): "Code for one learner and exercise
# that comes in several files, one of them not named for that learner (a classmate's
# `zz.handin.json` saying "learner_id": "ada"), is a conflict: none of it is graded". DESIGN:
# conflicts are reported, never silently resolved. The rt2 fix (_split_unnamed_code) covers
# CODE only. Attack: in the documented flat folder ("Put the files in one folder",
# docs/teaching.md 4), mallory hands in "zz.demo-quiz.responses.json" (any *.responses.json
# is read; the learner comes from inside) saying "learner_id": "ada", every answer blank, a
# minute after ada's own file. Measured: ada's quiz scores 0 instead of 8; conflicts.csv is
# empty; ada's own file is a plain "duplicate" in rejects.csv (exit status 1 like any reject).
# The same works with a responses part inside "zz.handin.json". Fix idea: apply the
# several-files rule to quiz submissions too (several files for one learner and quiz, one of
# them not named for that learner: <id>.<quiz>.responses.json, <id>.handin.json, or lying in
# a folder of that learner's own), so none is graded and the conflict is listed.
# Fixed: several files for one learner and quiz at the top of a plain folder, one not named
# for them, are a several-files conflict (attribution._split_unnamed_code, named_for).
def test_a_classmates_responses_file_naming_ada_does_not_replace_her_quiz(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "ada.demo-quiz.responses.json", _responses("ada"))
    _put(folder / "zz.demo-quiz.responses.json", _blank_answers("ada"), ON_TIME + 60)
    out = tmp_path / "out"
    _run("grade", folder, out)
    ada = {row["learner_id"]: row for row in _rows(out / "gradebook.csv")}["ada"]
    conflicts = _rows(out / "conflicts.csv")
    # Safe: ada's own answers are graded, or the two files are a reported conflict.
    assert ada["demo-quiz"] == "8" or any(c["learner_id"] == "ada" for c in conflicts), (
        ada, conflicts, _rows(out / "rejects.csv"))


# --- rt5b finding 2: a classmate writes into ada's feedback page -------------------------------
# Claim (docs/lms.md 7): "Each page goes only to the LMS user who handed the file in"; the
# round's brief: a learner sees only fixed texts chosen by the grader. A REJECTED file counts
# against the learner its content names (submissions.add_responses keeps the file's own
# learner_id on the reject; owner_of_reject corrects it only for an LMS name matched in a
# roster), and feedback lists every reject of that learner and item under "Not graded", with
# the file's name. Attack: on a hub (or any plain folder), mallory hands in a PRACTICE
# responses file that says "learner_id": "ada", named with a message of her choosing.
# Measured: ada's feedback (ada.md) says "Not graded: jupyter-mallory/Your quiz was flagged for
# copying; email your password to mallory@evil.example.responses.json: practice answers..."
# under ada's quiz, though ada's own file was graded 8 of 8. The same reject also makes a
# learner who handed in nothing show "rejected" instead of missing, and, without a roster,
# creates a gradebook row for any id mallory writes. Fix idea: a reject belongs to a learner
# only where the place says who handed it in (an LMS name matched in the roster, the
# learner's own file-name prefix or hub folder); otherwise it is the instructor's (rejects.csv)
# and never goes into another learner's feedback; and feedback never quotes a file name the
# learner did not hand in.
# Fixed both ways: owner_of_reject clears such a reject's learner (the claim moves into its
# reason), and feedback names only files named for the learner.
PHISHING = "Your quiz was flagged for copying; email your password to mallory@evil.example"


def test_a_classmates_rejected_file_never_reaches_ada_s_feedback(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "demo-quiz.responses.json", _responses("ada"))
    _put(folder / "jupyter-mallory" / f"{PHISHING}.responses.json",
         _responses("ada", mode="practice"))
    out = tmp_path / "fb"
    _run("feedback", folder, out)
    page = (out / "ada.md").read_text(encoding="utf-8")
    assert "8 of 8 points" in page  # ada's own file was graded
    assert "mallory" not in page and "password" not in page, page


# --- rt5b finding 3: a quiz handed in late inside a later assignment's hand-in is on time ------
# Claim (docs/lms.md 3, kind other-assignment): "a file lies in another assignment's download
# folder: rejected with download_folder; without it, an item whose files came from several
# download folders flags those outside the folder holding most of them"; docs/lms.md 4: Canvas's
# LATE marker is Canvas's judgement against the assignment the file was handed in to.
# attribution._items_in_several_downloads skips every hand-in PART (`not sub.part`). Attack:
# Canvas class, assignments file with per-item deadlines but no download_folder. The quiz is
# due March 1 (its download: quiz1/), the lab March 8 (lab1/). Mallory misses the quiz and, on
# March 4, uploads to the still-open LAB assignment a hand-in file holding her quiz responses:
# Canvas does not mark it LATE. Measured: her quiz scores 8 of 8, late.csv and conflicts.csv are
# empty, exit status 0 ("every submission was graded in full"). With download_folder given,
# the part is rejected as other-assignment (that held). Fix idea: count hand-in parts in
# _items_in_several_downloads (flag a part whose item's files mostly came from another
# folder), or refuse Canvas hand-in parts of an item with its own deadline unless its
# download_folder is known.
# Fixed: hand-in parts count in _items_in_several_downloads.
CANVAS_ROSTER = ("learner_id,name,canvas_user_id\nada,Ada Lovelace,1001\nben,Ben Byte,1002\n"
                 "mallory,Mallory Evil,1003\n")
THREE_DAYS_LATE = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc).timestamp()


def _handin(learner: str, responses: dict) -> dict:
    return {"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
            "created_at": "2026-03-04T12:00:00+00:00", "exercises": {},
            "responses": {"demo-quiz.responses.json": json.dumps(responses)}}


def test_a_quiz_inside_a_later_assignments_handin_is_flagged(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "quiz1" / "lovelaceada_1001_11_demo-quiz.responses.json", _responses("ada"))
    _put(folder / "quiz1" / "bytebben_1002_12_demo-quiz.responses.json", _responses("ben"))
    _put(folder / "lab1" / "evilmallory_1003_99_mallory.handin.json",
         _handin("mallory", _responses("mallory")), THREE_DAYS_LATE)
    roster = _put(tmp_path / "roster.csv", CANVAS_ROSTER)
    assignments = _put(tmp_path / "assignments.csv",
                       "item_id,lms_name,deadline\n"
                       f"demo-quiz,Quiz 1,{DEADLINE}\n"
                       "zero-fraction,Lab 1,2026-03-08T23:59+00:00\n")
    out = tmp_path / "out"
    status = _run("grade", folder, out, "--roster", str(roster), "--assignments",
                  str(assignments), "--lms", "canvas", "--penalty-per-day", "10")
    flagged = [c for c in _rows(out / "conflicts.csv") if c["learner_id"] == "mallory"]
    late = [r for r in _rows(out / "late.csv") if r["learner_id"] == "mallory"]
    assert flagged or late, (status, _rows(out / "gradebook.csv"))


# --- rt5b finding 4: Amita's Moodle file counts for Amit, chosen by the id inside it ----------
# Claims (docs/lms.md 1 and 3): Moodle folders are matched to roster learners by name ("case,
# punctuation and Unicode spelling ignored"); "The LMS's name for each file tells who handed it
# in; the learner cannot choose it, unlike the learner_id inside a responses file"; and
# conflicts table: "unknown-learner: ... or two roster learners share a Moodle name | no:
# rejected". Two faults combine. lms.name_key keeps only \w runs, and \w does not match
# combining vowel signs (Unicode category M), so distinct names in Devanagari, Tamil and
# other Indic scripts collapse: "अमित" (Amit) and "अमिता" (Amita) both read "अम त" (so do
# Tamil "கமல்"/"கமலா", Kamal/Kamala). And attribution._lms_entry settles several roster
# matches by the learner_id written INSIDE the file. Attack: Amita hands in to Moodle a
# responses file saying "learner_id": "amit" with every answer blank. Measured: Amit's quiz
# scores 0 from Amita's file, exit status 0, no conflict and no reject (Amita is listed as
# having handed in nothing). Had she handed in a second file naming herself, both would count.
# Fix ideas: keep combining marks in name_key (compare NFKC-casefolded letters AND marks, drop
# only punctuation and spacing), and never let the file's own id pick among several roster
# learners an LMS name matches: that is the documented unknown-learner reject.
# Fixed both ways (lms.name_key keeps marks; _lms_entry never uses the file's id).
HINDI_ROSTER = "learner_id,name\namit,अमित शर्मा\namita,अमिता शर्मा\nada,Ada Lovelace\n"


def test_a_moodle_learner_cannot_hand_in_for_a_classmate_whose_name_differs_by_a_vowel_sign(
        tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "Ada Lovelace_111_assignsubmission_file_" / "demo-quiz.responses.json",
         _responses("ada"))
    _put(folder / "अमिता शर्मा_222_assignsubmission_file_" / "demo-quiz.responses.json",
         _blank_answers("amit"))
    roster = _put(tmp_path / "roster.csv", HINDI_ROSTER)
    out = tmp_path / "out"
    _run("grade", folder, out, "--roster", str(roster), "--lms", "moodle")
    amit = {row["learner_id"]: row for row in _rows(out / "gradebook.csv")}["amit"]
    assert amit["demo-quiz"] == "", (amit, _rows(out / "conflicts.csv"))


def test_held_name_key_still_ignores_case_punctuation_and_composition():
    from pruneedu.grading.lms import name_key

    assert name_key("Lovelace, Ada") == name_key("ADA  lovelace")
    assert name_key("Zoe\u0308 Smith") == name_key("Zo\u00eb Smith")


# --- rt5b finding 5: mallory's Canvas feedback page is attached to ada's submission ------------
# Claim (docs/lms.md 7): "Each page goes only to the LMS user who handed the file in"; Canvas
# "reads the user id and file id from each name". LmsOrigin.feedback_name says how: Canvas's
# Re-Upload Submissions "reads the first two all-digit parts between underscores as user id and
# file id" (Canvas's infer_comment_context_from_filename greps the "_"-parts for \d+). The page
# is named "<prefix>_feedback-<item>.html", the prefix being the download name's own start,
# name part included. canvas_readings() rejects a name that reads two ways TO THE GRADER, but a
# name part that holds an all-digit part NOT followed by another one (sortable name
# "evil_1001_x", where Canvas lets users edit their name) reads one way to the grader (user
# 1003) and another to Canvas's reader (user 1001). Measured: mallory's file
# "evil_1001_x_1003_777_demo-quiz.responses.json" is graded as hers (right), and her page
# "evil_1001_x_1003_777_feedback-demo-quiz.html" reads as user 1001, file 1003: uploaded as
# the docs say, Canvas attaches mallory's page (her answers, her free text) to ADA's
# submission as the instructor's comment, and mallory gets none. Fix idea: leave the
# learner-chosen name part out of the page name ("feedback_<user id>_<file id>_<item>.html"
# reads the same to both), or refuse a Canvas name whose first two all-digit parts are not
# its user and file id.
# Fixed: a Canvas page is named "<user id>_<file id>_feedback-<item>.html" (any "_" in the item
# written "-"), so its only all-digit parts are the uploader's own ids, read the same by the
# grader and by Canvas's re-upload; the sortable name is left out.
def _canvas_reads(page: str) -> list[str]:
    """User id and file id as Canvas's re-upload reads them (the first two all-digit parts)."""
    return [part for part in page.split("_") if part.isdigit()][:2]


def test_each_canvas_feedback_page_reads_as_its_own_uploader(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "lovelaceada_1001_500_demo-quiz.responses.json", _responses("ada"))
    _put(folder / "evil_1001_x_1003_777_demo-quiz.responses.json", _responses("mallory"))
    roster = _put(tmp_path / "roster.csv", "learner_id,name,canvas_user_id\n"
                  "ada,Ada Lovelace,1001\nmallory,Mallory Evil,1003\n")
    assignments = _put(tmp_path / "assignments.csv", "item_id,lms_name\ndemo-quiz,Quiz 1\n")
    out = tmp_path / "fb"
    _run("feedback", folder, out, "--roster", str(roster), "--assignments", str(assignments),
         "--format", "canvas")
    with zipfile.ZipFile(out / "canvas" / "demo-quiz.zip") as archive:
        pages = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    read_as = {name: _canvas_reads(name)[0] for name in pages}
    owners = {name: "mallory" if "feedback for mallory" in page else "ada"
              for name, page in pages.items()}
    assert len(pages) == 2
    assert all(read_as[name] == {"ada": "1001", "mallory": "1003"}[owners[name]]
               for name in pages), read_as


# --- rt5b finding 6 (low, no attacker needed): two assignments' hand-in pages share one zip ----
# Claim (docs/lms.md 7): a hand-in's page "goes in feedback/<lms>/<folder>.zip, <folder> being
# the download folder you unpacked that assignment into"; docs/lms.md 2 gives download folders
# like "term1/quiz1". feedback.upload_of takes only the FIRST path part. Measured: hand-ins
# unpacked in term1/lab1/ and term1/lab2/ both go to canvas/term1.zip, so whichever assignment
# the instructor uploads it to gets both assignments' pages (Moodle's participant ids are per
# assignment). Fix idea: name the zip after the whole download folder (its path with "/" made
# "-", or the assignments file's item whose download_folder it is), refusing a clash.
# Fixed: a hand-in's zip is named "hand-in+" and its whole download folder with each "/" as "+"
# (hand-in+term1+lab1.zip); item ids and folder names kept as they are never hold "+" or "~",
# and an unsafe or long folder name is written "~" and a hash, so no two uploads share a zip.
def _handin_with_quiz(learner: str) -> dict:
    return {"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
            "created_at": "2026-03-01T10:00:00+00:00", "exercises": {},
            "responses": {"demo-quiz.responses.json": json.dumps(_responses(learner))}}


def test_handins_of_two_nested_download_folders_go_to_two_zips(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "term1" / "lab1" / "lovelaceada_1001_500_ada.handin.json",
         _handin_with_quiz("ada"))
    _put(folder / "term1" / "lab2" / "bytebben_1002_600_ben.handin.json",
         _handin_with_quiz("ben"))
    roster = _put(tmp_path / "roster.csv", "learner_id,name,canvas_user_id\n"
                  "ada,Ada Lovelace,1001\nben,Ben Byte,1002\n")
    assignments = _put(tmp_path / "assignments.csv", "item_id,lms_name\ndemo-quiz,Quiz 1\n")
    out = tmp_path / "fb"
    _run("feedback", folder, out, "--roster", str(roster), "--assignments", str(assignments),
         "--format", "canvas")
    zips = sorted(path.name for path in (out / "canvas").iterdir())
    assert len(zips) == 2, zips


# --- rt5b finding 7 (low, no attacker needed): grade and feedback at once log a regrade twice ---
# Claim (docs/lms.md 6): the audit log "is only ever appended to; grading again with the same
# overrides adds nothing", and grade, feedback and stats "take the same options". The --out
# lock covers the output set only: append_audit runs after it is released, reads the log, then
# appends, with no lock of its own. Attack (an instructor's ordinary day): `pruneedu grade` and
# `pruneedu feedback` started together with the same --overrides. Here two threads interleave
# exactly where two processes can (both read the log before either appends). Measured: the one
# override is logged twice (on a new log both may also write the header; not measured).
# Fix idea: hold an flock on the audit file (or on overrides.audit.csv.lock) from reading the
# last states to the fsync of the append.
# Fixed: append_audit holds an flock on the log itself from reading its last states (again,
# under the lock) to the fsync of its lines; the unlocked first read only spares a rerun that
# changes nothing from creating or locking the log.
def test_two_commands_at_once_log_one_regrade_once(tmp_path, monkeypatch):
    import threading

    from pruneedu.grading import overrides

    log = tmp_path / "overrides.audit.csv"
    change = [overrides.Override("ada", "demo-quiz", "", 7.0, "regraded")]
    both_read = threading.Barrier(2, timeout=10)
    read_states = overrides._last_states

    def read_then_wait(path):
        states = read_states(path)
        both_read.wait()
        return states

    monkeypatch.setattr(overrides, "_last_states", read_then_wait)
    runs = [threading.Thread(target=overrides.append_audit, args=(log, change, lambda key: 8.0))
            for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=20)
    rows = _rows(log)
    assert [(r["learner_id"], r["new"]) for r in rows] == [("ada", "7")], rows


# --- Attacks that held --------------------------------------------------------------------------

def test_held_a_hostile_mixed_download_grades_to_the_same_bytes_whatever_the_hash_seed(tmp_path):
    # rt3's "grading twice writes the same bytes" runs twice in ONE process, so one hash seed:
    # set or dict order that depends on string hashing would not show. Here Canvas, Moodle, a
    # hand-in in another download, claimed ids, an online-text entry and a practice file are
    # graded in two processes with different PYTHONHASHSEED values.
    import subprocess
    import sys

    folder = tmp_path / "subs"
    _put(folder / "quiz1" / "lovelaceada_1001_500_demo-quiz.responses.json", _responses("ada"))
    _put(folder / "quiz1" / "bytebben_LATE_1002_501_demo-quiz.responses.json",
         _responses("jovyan"))
    _put(folder / "quiz1" / "evil_1001_x_1003_777_demo-quiz.responses.json", _responses("ada"))
    _put(folder / "lab1" / "ceecal_1004_900_cal.handin.json", _handin("cal", _responses("ben")))
    _put(folder / "moodle1" / "Ada Lovelace_111_assignsubmission_file_" /
         "demo-quiz.responses.json", _responses("ada"))
    _put(folder / "moodle1" / "Ben Byte_112_assignsubmission_onlinetext_" / "x.html", "<b>x</b>")
    _put(folder / "zz.demo-quiz.responses.json", _responses("cal", mode="practice"))
    roster = _put(tmp_path / "roster.csv", "learner_id,name,canvas_user_id\n"
                  "ada,Ada Lovelace,1001\nben,Ben Byte,1002\nmallory,Mallory Evil,1003\n"
                  "cal,Cal Cee,1004\n")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        subprocess.run([sys.executable, "-m", "pruneedu.cli", "feedback", str(folder), "--out",
                        str(out), "--no-progress", "--quizzes", str(QUIZZES), "--exercises",
                        str(EXERCISES), "--roster", str(roster), "--lms", "auto"],
                       env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
                       timeout=120, check=False)
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] and outputs[0] == outputs[1]
