"""Hand-in files, notebooks and capstone files inside Canvas and Moodle downloads: each part is
found under the learner's own name within the LMS's, carries that file's origin and time, and
is attributed, de-duplicated and judged late like any file. Nothing here runs code."""

import base64
import io
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pruneedu import quiz
from pruneedu.grading.attribution import attribute, owner_of_reject
from pruneedu.grading.material import load_material
from pruneedu.grading.roster import read_roster
from pruneedu.grading.submissions import discover

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "class"
ROSTER = read_roster(io.StringIO('learner_id,name,canvas_user_id\nada,"Lovelace, Ada",1001\n'
                                 'ben,"Byron, Ben",1002\n'))
RIGHT = "import numpy as np\n\n\ndef zero_fraction(w):\n    return float(np.mean(w == 0))\n"
WRONG = "def zero_fraction(w):\n    return 0.5\n"
HANDED_IN = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def material():
    return load_material(FIXTURE / "quizzes", FIXTURE / "exercises")


def responses_text(material, learner: str) -> str:
    bank = material.banks["demo-quiz"]
    data = quiz.new_responses(bank.id, quiz.content_hash(bank), learner, "graded")
    quiz.record_answer(data, "q-tf", True)
    return json.dumps(data)


def handin(learner: str, code: str, responses: dict | None = None, **exercises) -> str:
    return json.dumps({"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
                       "created_at": "2030-01-01T00:00:00+00:00",  # the learner's clock
                       "exercises": {"zero-fraction": {"function": "zero_fraction",
                                                       "source": code}} | exercises,
                       "responses": responses or {}})


def put(folder: Path, name: str, text: str, when: datetime = HANDED_IN) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when.timestamp(), when.timestamp()))


def test_a_canvas_hand_in_and_its_resubmission_count_for_the_canvas_user(tmp_path, material):
    first = handin("jovyan", WRONG, {"demo-quiz.responses.json": responses_text(material,
                                                                                "jovyan")})
    put(tmp_path, "lovelaceada_1001_11_ada.handin.json", first)
    put(tmp_path, "lovelaceada_1001_12_ada-1.handin.json", handin("jovyan", RIGHT),
        when=datetime(2026, 3, 1, tzinfo=timezone.utc))  # Canvas's order, not the file time
    found = discover(tmp_path, material)
    assert found.rejects == []
    parts = sorted((s.name, s.kind, s.item_id, s.origin.submitter, s.modified)
                   for s in found.submissions)
    assert parts == [
        ("lovelaceada_1001_11_ada.handin.json#demo-quiz.responses.json", "quiz", "demo-quiz",
         "1001", HANDED_IN),
        ("lovelaceada_1001_11_ada.handin.json#zero-fraction", "code", "zero-fraction", "1001",
         HANDED_IN),
        ("lovelaceada_1001_12_ada-1.handin.json#zero-fraction", "code", "zero-fraction", "1001",
         datetime(2026, 3, 1, tzinfo=timezone.utc))]
    assert sorted((s.file, s.part) for s in found.submissions) == [
        ("lovelaceada_1001_11_ada.handin.json", "demo-quiz.responses.json"),
        ("lovelaceada_1001_11_ada.handin.json", "zero-fraction"),
        ("lovelaceada_1001_12_ada-1.handin.json", "zero-fraction")]
    kept, rejects, conflicts = attribute(found.submissions, ROSTER)
    assert [(a.learner_id, a.submission.name) for a in kept] == [
        ("ada", "lovelaceada_1001_11_ada.handin.json#demo-quiz.responses.json"),
        ("ada", "lovelaceada_1001_12_ada-1.handin.json#zero-fraction")]
    assert kept[1].submission.code == RIGHT
    assert [r.file for r in rejects] == ["lovelaceada_1001_11_ada.handin.json#zero-fraction"]
    assert "Canvas upload order" in rejects[0].reason
    assert {c.kind for c in conflicts} == {"shared-id"}


def test_notebooks_in_a_download_need_no_learner_id_in_their_name(tmp_path, material):
    notebook = {"cells": [{"cell_type": "code", "source": "%matplotlib inline\nprint(1)\n"},
                          {"cell_type": "code", "source": RIGHT}]}
    put(tmp_path, "lab/Ada Lovelace_55_assignsubmission_file_04-lab.ipynb", json.dumps(notebook))
    put(tmp_path, "lab/Ben Byron_56_assignsubmission_file_/04_lab.py",
        "seed_everything(0)\n" + RIGHT + "print(zero_fraction(1))\n")
    put(tmp_path, "04-lab.ipynb", json.dumps(notebook))  # outside a download: whose is it?
    found = discover(tmp_path, material)
    assert [(s.name, s.origin.name, s.learner_id) for s in found.submissions] == [
        ("lab/Ada Lovelace_55_assignsubmission_file_04-lab.ipynb#zero-fraction",
         "Ada Lovelace", ""),
        ("lab/Ben Byron_56_assignsubmission_file_/04_lab.py#zero-fraction", "Ben Byron", "")]
    assert [r.file for r in found.rejects] == ["04-lab.ipynb"]
    kept, _, _ = attribute(found.submissions, ROSTER)
    assert [a.learner_id for a in kept] == ["ada", "ben"]


def test_a_capstone_file_in_a_download_is_the_capstone(tmp_path):
    material = load_material(FIXTURE / "quizzes", ROOT / "exercises")
    model = (ROOT / "tests" / "fixtures" / "capstone" / "passing.pedu").read_bytes()
    (tmp_path / "lovelaceada_LATE_1001_7_capstone-2.pedu").write_bytes(model)
    (tmp_path / "capstone.pedu").write_bytes(model)
    found = discover(tmp_path, material)
    [part] = found.submissions
    assert (part.name, part.item_id, part.learner_id, part.origin.late) == (
        "lovelaceada_LATE_1001_7_capstone-2.pedu", "capstone", "", True)
    assert base64.b64decode(part.code) == model
    assert [r.file for r in found.rejects] == ["capstone.pedu"]


def test_a_hand_in_key_cannot_pose_as_another_learners_lms_file(tmp_path, material):
    forged = "x_1002_9_assignsubmission_file_/../byronben_1002_9_q"
    put(tmp_path, "lovelaceada_1001_11_ada.handin.json", handin("ada", RIGHT, **{forged: {}}))
    found = discover(tmp_path, material)
    [reject] = found.rejects
    assert reject.file == ("lovelaceada_1001_11_ada.handin.json#x?1002?9?assignsubmission?file?"
                           "?..?byronben?1002?9?q")
    assert reject.reason == "unknown exercise"
    assert owner_of_reject(reject, ROSTER).learner_id == "ada"  # never ben


def test_answers_inside_someone_elses_hand_in_are_reported_outside_an_lms(tmp_path, material):
    put(tmp_path, "ada/ada.handin.json",
        handin("ada", RIGHT, {"demo-quiz.responses.json": responses_text(material, "ben")}))
    found = discover(tmp_path, material)
    quiz_part = next(s for s in found.submissions if s.kind == "quiz")
    assert (quiz_part.learner_id, quiz_part.source, quiz_part.modified) == ("ben", "folder:ada",
                                                                            HANDED_IN)
    assert ["answers of 'ben' inside 'ada''s hand-in" in r.reason for r in found.rejects] == [
        True]
