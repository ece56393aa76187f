"""Red team, round rt7 (b): the file-handling side of grading a class, after round 6's fixes.

Hostile submission folders (plain, hub collections, LMS downloads), hand-in files and
notebooks, quiz responses, and the files the grader writes for the instructor and the
learners. Each finding is a strict xfail that passes once the attack no longer succeeds;
tests named "held" are attacks the grader withstood. tmp folders only, no network; tests that
grade code run a sandbox (bwrap, the default mode).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from class_files import put as _put
from class_files import responses as _responses
from class_files import rows as _rows
from class_files import run as _run

FIXTURE = Path(__file__).parent / "fixtures" / "class"
QUIZZES, EXERCISES = FIXTURE / "quizzes", FIXTURE / "exercises"
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
ADA_CODE = FIXTURE / "submissions" / "ada.zero-fraction.py"
ON_TIME = 1772366400.0  # 2026-03-01T12:00Z
# A phishing text that fits a course notebook's name (two digits, a dash, lower-case words).
PHISHING_NOTEBOOK = ("01-your-grade-was-flagged-for-copying-email-your-password-to-mallory-at-"
                     "evil-example")


def _notebook(source: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": source, "metadata": {},
                                  "outputs": [], "execution_count": None}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


# --- rt7b finding 1: a notebook name is "named for" ada and carries a message into her page --
# Claim (docs/grading-guarantees.md, "Who wrote the code"): "feedback names a file only when
# it is named for that learner (round 5: a classmate's file, named with a message, was listed
# in ada's page)"; docs/lms.md 3 rule 4 the same. Attack: attribution.named_for accepts
# "<id>.<notebook>" where <notebook> is any "\d\d-[a-z0-9-]+" (.ipynb or .py), not only the
# course's notebooks, so the name has room for a whole sentence in lower-case words. On a hub,
# mallory saves in her home "ada.01-your-grade-was-flagged-for-copying-email-your-password-to-
# mallory-at-evil-example.ipynb", a notebook defining zero_fraction (the documented code
# collection, docs/jupyterhub.md, copies *.ipynb into submissions/jupyter-mallory/). Measured:
# the notebook names ada, so with ada's own jupyter-ada/ada.zero-fraction.py it is a
# several-sources conflict (ada's code is not graded: documented), and ada.md lists under
# "Not graded" "jupyter-mallory/ada.01-your-grade-was-flagged-...-evil-example.ipynb#zero-
# fraction": the message and the classmate's hub name. Fix idea: named_for accepts a
# notebook name only when it is one of the course's notebooks (material knows them), and a
# reject from another learner's own folder (folder:jupyter-<other>, folder:<other>) is never
# shown by name in a learner's page.
def test_a_classmates_notebook_name_never_reaches_ada_s_feedback(tmp_path):
    folder = tmp_path / "subs"
    (folder / "jupyter-ada").mkdir(parents=True)
    shutil.copy2(ADA_CODE, folder / "jupyter-ada" / "ada.zero-fraction.py")
    _put(folder / "jupyter-mallory" / f"ada.{PHISHING_NOTEBOOK}.ipynb",
         _notebook("def zero_fraction(weights):\n    return 0.0\n"))
    out = tmp_path / "fb"
    _run("feedback", folder, out, "--lms", "none")
    page = (out / "ada.md").read_text(encoding="utf-8")
    assert "evil" not in page and "mallory" not in page, page


# --- rt7b finding 2: several names are "named for" ada: a classmate's file replaces hers ------
# Claim (docs/grading-guarantees.md, "Who wrote the code"): "Code for one learner and exercise
# that comes in several files, one of them not named for that learner (a classmate's
# `zz.handin.json` saying `"learner_id": "ada"`), is a conflict: none of it is graded"; docs/
# lms.md 3 rule 4. In a plain folder the only file truly named for ada is unique by name
# (ada.zero-fraction.py can be one file only). Attack: named_for (and handin._notebook_split,
# which makes the learner id of a notebook its name prefix) takes ANY "\d\d-[a-z0-9-]+" as a
# notebook name, so a classmate can add any number of files named for ada; and "_" counts as
# "-" in a code file's exercise id outside an LMS too, so ada.zero_fraction.py is a second
# name for ada's code (four for sparse-file-bytes). Beside ada's week1/ada.zero-fraction.py,
# mallory hands in week1/ada.99-zz.ipynb (not a course notebook) or week1/ada.zero_fraction.py
# defining a wrong zero_fraction, a minute later. Measured: no conflict, ada's own file is a
# "duplicate", ada is graded on mallory's code (0 of 2; 2 with her own), and ada.md names the
# kept file in the duplicate's reason ("duplicate: week1/ada.zero_fraction.py was handed in
# later"; the reason text never goes through feedback._file_shown). Fix idea: several files
# for one learner and item from one plain folder are a several-files conflict whenever their
# names differ (a resubmission in a plain folder replaces the file under the same name);
# or read a notebook only under a course notebook's name and "_" for "-" only in an LMS.
@pytest.mark.parametrize("name", ["ada.99-zz.ipynb", "ada.zero_fraction.py"])
def test_a_second_name_for_ada_does_not_replace_her_code(tmp_path, name):
    folder = tmp_path / "subs"
    (folder / "week1").mkdir(parents=True)
    shutil.copy2(ADA_CODE, folder / "week1" / "ada.zero-fraction.py")
    os.utime(folder / "week1" / "ada.zero-fraction.py", (ON_TIME, ON_TIME))
    wrong = "def zero_fraction(weights):\n    return 0.0\n"
    _put(folder / "week1" / name, _notebook(wrong) if name.endswith(".ipynb") else wrong,
         ON_TIME + 60)
    out = tmp_path / "out"
    _run("grade", folder, out)
    ada = {row["learner_id"]: row for row in _rows(out / "gradebook.csv")}["ada"]
    conflicts = _rows(out / "conflicts.csv")
    assert ada["zero-fraction"] == "2" or any(c["learner_id"] == "ada" for c in conflicts), (
        ada, conflicts, _rows(out / "rejects.csv"))


def _handin(learner: str, responses: dict[str, str] | None = None,
            exercises: dict | None = None) -> dict:
    return {"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
            "created_at": "2026-03-01T10:00:00+00:00", "exercises": exercises or {},
            "responses": responses or {}}


# --- rt7b finding 3: a hand-in part's key is a free-text label shown in ada's feedback ---------
# Claim: the same as finding 1 ("feedback names a file only when it is named for that learner
# (round 5: a classmate's file, named with a message, was listed in ada's page)"), which round
# 6 closed for '#' in file names. Attack: a hand-in's parts are labelled "<file>#<key>", the
# key being the learner's own key in "responses" (anything but [A-Za-z0-9.-] becomes "?", 60
# characters kept). named_for judges only the file part, so on a hub mallory saves
# "ada.handin.json" (named for ada) in her home, saying "learner_id": "ada" and holding ada's
# answers in PRACTICE mode under the key "Your-quiz-was-flagged.Email-your-password-to-
# mallory.at.evil.example"; the documented code collection copies *.handin.json into
# submissions/jupyter-mallory/. Measured: the practice part is rejected and stays ada's
# (owner_of_reject: named for ada), and ada.md, graded 8 of 8 from her own file, lists
# "Not graded: jupyter-mallory/ada.handin.json#Your-quiz-was-flagged.Email-your-password-to-
# mallory.at.evil: practice answers, not a graded attempt". Fix idea: a file in another
# learner's own folder (folder:jupyter-<other>, folder:<other>) is never named for ada;
# feedback shows a part by the item id the grader read, never by the learner's key.
def test_a_classmates_hand_in_part_label_never_reaches_ada_s_feedback(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "demo-quiz.responses.json", _responses("ada"))
    message = "Your-quiz-was-flagged.Email-your-password-to-mallory.at.evil.example"
    _put(folder / "jupyter-mallory" / "ada.handin.json",
         _handin("ada", {message: json.dumps(_responses("ada", mode="practice"))}))
    out = tmp_path / "fb"
    _run("feedback", folder, out, "--lms", "none")
    page = (out / "ada.md").read_text(encoding="utf-8")
    assert "8 of 8 points" in page  # ada's own file was graded
    assert "evil" not in page and "mallory" not in page, page


# Held: hostile notebooks and hand-in files (nested metadata, 10 KB kernelspec names, cells
# that are not objects, a 100,000-deep bracket, source lists of numbers, 50,000-term
# expressions, a format_version of True or 1.0, 300 embedded responses files, a capstone
# that is not base64) fail that file or part, never the class: every command finishes and
# the ordinary file is graded.
def test_held_hostile_notebooks_and_hand_ins_never_fail_the_class(tmp_path):
    folder = tmp_path / "subs"

    def notebook(cells: object) -> dict:
        return {"cells": cells, "metadata": {"kernelspec": {"name": "x" * 10_000}},
                "nbformat": 4}

    def handin(learner: str, **fields: object) -> dict:
        return {**_handin(learner), **fields}

    ok = json.dumps(_responses("h6"))
    hostile = {
        "n1.01-x.ipynb": notebook([{"cell_type": "code", "metadata": {"tags": [[[[]]]]},
                                    "source": ["def zero_fraction(w):\n", "  return 1\n"]}]),
        "n2.01-x.ipynb": notebook([{"cell_type": "code", "source": [1, 2]}]),
        "n3.01-x.ipynb": notebook([None, 5, "x", {"cell_type": "code"}]),
        "n4.01-x.ipynb": "[" * 100_000,
        "n5.01-x.py": "def zero_fraction(w):\n    return " + "1+" * 50_000 + "1\n",
        "h1.handin.json": handin("h1", exercises={"zero-fraction": {"source": 123}},
                                 responses={"x": {"a": 1}}),
        "h2.handin.json": handin("h2", exercises={"zero-fraction": "src"},
                                 responses={"b": "[" * 50_000}, capstone={"base64": "!!!"}),
        "h3.handin.json": handin("h3", format_version=True),
        "h4.handin.json": handin("h4", format_version=1.0),
        "h6.handin.json": handin("h6", responses={str(i): ok for i in range(300)}),
    }
    for name, data in hostile.items():
        _put(folder / name, data)
    _put(folder / "ok.demo-quiz.responses.json", _responses("ok"))
    for command in ("grade", "feedback"):
        assert _run(command, folder, tmp_path / command) in (0, 1)
    rows = {row["learner_id"]: row for row in _rows(tmp_path / "grade" / "gradebook.csv")}
    assert rows["ok"]["demo-quiz"] == "8" and rows["h6"]["demo-quiz"] == "8"
    assert rows["n1"]["zero-fraction"] == "0"  # graded (wrongly written), not crashed


# Held: links in the widgets' and feedback pages' Markdown keep only safe schemes, however the
# scheme is spelled (entities, percent escapes, angle brackets, reference definitions).
@pytest.mark.parametrize("markdown", [
    "[a](<javascript:alert(1)>)", "[a][r]\n\n[r]: javascript:alert(1)",
    "[a](jav&#x61;script:alert(1))", "[a](javascript&colon;alert(1))",
    "[a](java%0ascript:alert(1))", "[a](&#106;avascript:x)", "![a](data:text/html,x)",
    "<javascript:alert(1)>"])
def test_held_markdown_links_keep_only_safe_schemes(markdown):
    from pruneedu.markdown_html import to_html

    assert "href" not in to_html(markdown) and "src" not in to_html(markdown)
