"""Red team, round rt6 (b): the file-handling side of grading a class.

Hostile submission folders (plain, hub collections, LMS downloads), the files the grader
writes for the instructor and the learners. Each finding is a strict xfail that passes once the
attack no longer succeeds; tests named "held" are attacks the grader withstood. tmp folders
only, no network; the one code test runs a sandbox (bwrap, the default mode).

All four findings were fixed in the same round, and the tests now pass: a file name with '#'
is rejected (it labels hand-in parts, which named_for relies on); every symbolic link in the
submissions folder is rejected; quiz files count as a learner's retakes only in the learner's
own folder (<id>/ or jupyter-<id>/), elsewhere the several-files rule applies.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from class_files import blank_answers as _blank_answers
from class_files import put as _put
from class_files import responses as _responses
from class_files import rows as _rows
from class_files import run as _run

from pruneedu.grading.attribution import named_for

FIXTURE = Path(__file__).parent / "fixtures" / "class"
QUIZZES, EXERCISES = FIXTURE / "quizzes", FIXTURE / "exercises"
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
ON_TIME = 1772366400.0  # 2026-03-01T12:00Z
PHISHING = "Your quiz was flagged for copying, email your password to mallory at evil.example"


# --- rt6b finding 1: "#" in a file name makes a classmate's file "named for" ada -------------
# Claim (docs/lms.md 3, rule 4): "Several files of one learner for one item from one place,
# outside an LMS, one of which is not named for that learner (`<id>.<quiz>.responses.json`,
# ...): none is graded (a classmate may have written the learner's id into it)." (the rt5b
# finding 1 fix). Attack: attribution.named_for cuts a name at its first "#" (meant for a
# hand-in part, "<file>#<key>"), but "#" is legal in a real file name. In the documented flat
# folder, beside ada's "ada.demo-quiz.responses.json", mallory hands in
# "ada.demo-quiz.responses.json#.responses.json" (any *.responses.json is read) saying
# "learner_id": "ada", every answer blank, a minute later. Measured: named_for says it is
# named for ada, so no several-files conflict: the later file wins, ada's quiz scores 0 (8 with
# her own), conflicts.csv is empty and ada's own file is a plain "duplicate". The same works
# with "ada.handin.json#x.handin.json" holding a responses part. Fix idea: named_for takes the
# handed-in file (Submission.file / Reject's file without its part label), never splits a name
# at "#"; or discover() rejects file names holding "#" (a hand-in part label's separator).
def test_a_hash_in_a_classmates_file_name_does_not_replace_ada_s_quiz(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "ada.demo-quiz.responses.json", _responses("ada"))
    _put(folder / "ada.demo-quiz.responses.json#.responses.json", _blank_answers("ada"),
         ON_TIME + 60)
    out = tmp_path / "out"
    _run("grade", folder, out)
    ada = {row["learner_id"]: row for row in _rows(out / "gradebook.csv")}["ada"]
    conflicts = _rows(out / "conflicts.csv")
    # Safe: ada's own answers are graded, or the two files are a reported conflict.
    assert ada["demo-quiz"] == "8" or any(c["learner_id"] == "ada" for c in conflicts), (
        ada, conflicts, _rows(out / "rejects.csv"))


# --- rt6b finding 2: a classmate's message in ada's feedback, through the same "#" ----------
# Claim (docs/lms.md 3, rule 4, the rt5b finding 2 fix): "A rejected file that is neither in
# an LMS download matched to the roster nor named for its learner counts against nobody: it is
# in `rejects.csv`, never in that learner's feedback, whose file names it is about are shown
# only for files named for them." Attack: on a hub, mallory saves a PRACTICE responses file
# saying "learner_id": "ada" as "ada.demo-quiz.responses.json#<message>.responses.json" in
# her own responses folder (the documented collection, docs/jupyterhub.md, copies every
# *.responses.json but *.practice.responses.json). Measured: owner_of_reject and
# feedback._file_shown both ask named_for, which stops at "#": the reject stays ada's and ada.md
# shows "Not graded: jupyter-mallory/ada.demo-quiz.responses.json#Your quiz was flagged for
# copying, email your password to mallory at evil.example.responses.json: practice answers..."
# under ada's quiz, graded 8 of 8 from her own file. Fix idea: as finding 1; and a reject from
# another learner's hub folder (source folder:jupyter-mallory) is never ada's.
def test_a_hash_in_a_classmates_file_name_never_reaches_ada_s_feedback(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "demo-quiz.responses.json", _responses("ada"))
    _put(folder / "jupyter-mallory" / f"ada.demo-quiz.responses.json#{PHISHING}.responses.json",
         _responses("ada", mode="practice"))
    out = tmp_path / "fb"
    _run("feedback", folder, out, "--lms", "none")
    page = (out / "ada.md").read_text(encoding="utf-8")
    assert "8 of 8 points" in page  # ada's own file was graded
    assert "evil" not in page and "mallory" not in page, page


def test_held_named_for_still_reads_hand_in_parts():
    # The part label is what named_for must keep understanding once finding 1 is fixed.
    assert named_for("ada.handin.json#demo-quiz.responses.json", "ada", "demo-quiz")
    assert not named_for("zz.handin.json#demo-quiz.responses.json", "ada", "demo-quiz")


# --- rt6b finding 3: a link in one hub folder grades a classmate's code as the linker's -------
# Claim (docs/jupyterhub.md, "Collect and grade"): "`cp -P` copies a link as a link should a
# learner swap one in during the copy (the grader then rejects it as a link leading out of the
# submissions folder)". Attack: mallory keeps swapping (rename(2)) her regular file
# "mallory.zero-fraction.py" with a RELATIVE link "../jupyter-ada/ada.zero-fraction.py": `find
# -type f` sees the file, `cp -P` copies the link. In her home that link leads nowhere (she
# cannot read ada's home), but in the collected folder it lands in
# submissions/jupyter-mallory/ and leads to ada's collected code, INSIDE the submissions
# folder, which submissions._check_file allows. This test builds that collected folder
# directly (the race itself is not run). Measured: mallory is graded with ada's code (2 of 2,
# as ada), no reject, no conflict, "No problems"; only similar_code.csv lists ada and mallory
# as a pair, which points at ada as much as at mallory. Mallory never saw ada's code. Fix
# idea: reject every symbolic link in the submissions folder (no collection the docs describe
# makes one: LMS zips hold files, the hub copy takes -type f), or at least any link whose
# target leaves its own top-level (learner) folder.
def test_a_link_into_a_classmates_hub_folder_is_rejected(tmp_path):
    folder = tmp_path / "subs"
    (folder / "jupyter-mallory").mkdir(parents=True)
    (folder / "jupyter-ada").mkdir()
    shutil.copy2(FIXTURE / "submissions" / "ada.zero-fraction.py",
                 folder / "jupyter-ada" / "ada.zero-fraction.py")
    os.symlink("../jupyter-ada/ada.zero-fraction.py",
               folder / "jupyter-mallory" / "mallory.zero-fraction.py")
    out = tmp_path / "out"
    _run("grade", folder, out, "--lms", "none")
    rows = {row["learner_id"]: row for row in _rows(out / "gradebook.csv")}
    assert rows["ada"]["zero-fraction"] == "2"  # ada's own code, graded
    linked = [r for r in _rows(out / "rejects.csv") if "mallory" in r["file"]]
    assert linked and rows.get("mallory", {}).get("zero-fraction", "") in ("", "rejected"), (
        rows, _rows(out / "rejects.csv"))


# --- rt6b finding 4: the several-files rule for quiz answers stops at the top of the folder ---
# Claim (docs/lms.md 3, rule 4): "Several files of one learner for one item from one place,
# outside an LMS, one of which is not named for that learner (`<id>.<quiz>.responses.json`,
# ...): none is graded"; docs/teaching.md 4: "Put the files in one folder (sub-folders
# allowed)". Attack: the rt5b finding 1 attack, one folder down: the instructor keeps each
# week's files in a sub-folder (week1/), mallory hands in "zz.demo-quiz.responses.json" saying
# "learner_id": "ada", every answer blank, a minute after ada's own file.
# attribution._split_unnamed_code groups quiz files only where ``not sub.source`` (the top),
# taking any folder for a learner's own (a hub's jupyter-ada/). Measured: ada's quiz scores 0
# (8 with her own file), conflicts.csv is empty, ada's file is a "duplicate". Fix idea: treat
# a folder as a learner's own only when its name says whose (jupyter-<id>, <id>) or the
# instructor says so; apply the several-files rule to quiz files everywhere else.
def test_a_classmates_file_in_a_week_folder_does_not_replace_ada_s_quiz(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "week1" / "ada.demo-quiz.responses.json", _responses("ada"))
    _put(folder / "week1" / "zz.demo-quiz.responses.json", _blank_answers("ada"), ON_TIME + 60)
    out = tmp_path / "out"
    _run("grade", folder, out)
    ada = {row["learner_id"]: row for row in _rows(out / "gradebook.csv")}["ada"]
    conflicts = _rows(out / "conflicts.csv")
    assert ada["demo-quiz"] == "8" or any(c["learner_id"] == "ada" for c in conflicts), (
        ada, conflicts, _rows(out / "rejects.csv"))


# Held: odd answer values (nested lists, dicts, 10**400, 20,000 characters, bidi and escape
# codes, repeated choices) in any question fail that file or score it, never the command.
@pytest.mark.parametrize("value", [10**400, [[["x"]]], {"sparsity": ["x"]}, "\u202e\x1b[2J"])
def test_held_odd_answer_values_never_fail_the_class(tmp_path, value):
    folder = tmp_path / "subs"
    for index, question in enumerate(("q-single", "q-multi", "q-num", "q-match")):
        data = _responses(f"l{index}")
        data["answers"][question]["value"] = value
        _put(folder / f"l{index}.demo-quiz.responses.json", data)
    _put(folder / "ok.demo-quiz.responses.json", _responses("ok"))
    for command in ("grade", "feedback", "stats"):
        assert _run(command, folder, tmp_path / command) in (0, 1)
    rows = {row["learner_id"]: row for row in _rows(tmp_path / "grade" / "gradebook.csv")}
    assert rows["ok"]["demo-quiz"] == "8"
