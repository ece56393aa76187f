"""Responses files: the documented format, atomic saving, validated loading."""

import json
import os

import pytest

import pruneedu
from pruneedu import paths, quiz


def make(answers=None):
    responses = quiz.new_responses("01-demo", "sha256:" + "0" * 64, "ada", "graded")
    for qid, value in (answers or {}).items():
        quiz.record_answer(responses, qid, value)
    return responses


def test_new_responses_has_every_documented_field():
    responses = make()
    assert set(responses) == {"format_version", "course_id", "quiz_id", "quiz_hash",
                              "learner_id", "mode", "started_at", "updated_at", "answers"}
    assert responses["course_id"] == pruneedu.COURSE_ID == "pruneedu-2026"
    assert responses["format_version"] == 1 and responses["answers"] == {}
    assert responses["started_at"].endswith("+00:00")


def test_record_answer_stamps_and_replaces():
    responses = make({"demo-single": "b"})
    quiz.record_answer(responses, "demo-single", "a")
    entry = responses["answers"]["demo-single"]
    assert entry["value"] == "a" and entry["answered_at"].endswith("+00:00")
    assert responses["updated_at"] >= responses["started_at"]


def test_default_paths_live_in_the_learner_home(isolated_learner_home):
    graded = quiz.responses_path("01-demo")
    practice = quiz.responses_path("01-demo", "practice")
    assert graded == isolated_learner_home / "responses" / "01-demo.responses.json"
    assert practice == paths.user_data_dir() / "responses" / "01-demo.practice.responses.json"
    with pytest.raises(ValueError, match="mode must be"):
        quiz.responses_path("01-demo", "exam")


def test_save_then_load_round_trips_every_value_kind(tmp_path):
    values = {"s": "a", "m": ["a", "b"], "t": False, "n": 0.75, "x": "lottery ticket",
              "p": {"mask": "tensor of zeros and ones applied to weights"}}
    responses = make(values)
    path = quiz.save_responses(tmp_path / "sub" / "ada.01-demo.responses.json", responses)
    assert path.exists()
    assert quiz.load_responses(path) == responses
    assert {k: v["value"] for k, v in quiz.load_responses(path)["answers"].items()} == values
    # No temporary files are left beside it.
    assert os.listdir(path.parent) == [path.name]


def test_crash_at_replace_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    quiz.save_responses(path, make({"demo-single": "a"}))
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        quiz.save_responses(path, make({"demo-single": "b"}))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert quiz.load_responses(path)["answers"]["demo-single"]["value"] == "a"
    assert os.listdir(tmp_path) == ["r.json"]


def test_save_refuses_invalid_responses_and_writes_nothing(tmp_path):
    responses = make()
    responses["mode"] = "exam"
    with pytest.raises(quiz.ResponsesError, match="mode must be"):
        quiz.save_responses(tmp_path / "r.json", responses)
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda r: r.pop("quiz_hash"), "lacks quiz_hash"),
        (lambda r: r.update(format_version=2), "format_version 2"),
        (lambda r: r.update(course_id="other-course"), "belongs to course 'other-course'"),
        (lambda r: r.update(quiz_hash="md5:abc"), "sha256"),
        (lambda r: r.update(learner_id=""), "learner_id must be"),
        (lambda r: r.update(mode="exam"), "mode must be"),
        (lambda r: r.update(started_at="yesterday"), "not an ISO 8601 time"),
        (lambda r: r.update(updated_at="2026-11-21T10:00:00"), "lacks a UTC offset"),
        (lambda r: r.update(answers=[]), "answers must be an object"),
        (lambda r: r["answers"].update(q={"value": 1}), "answer 'q' needs value and answered_at"),
    ],
)
def test_load_rejects_broken_files_with_a_clear_message(tmp_path, change, fragment):
    responses = make({"demo-single": "a"})
    change(responses)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(responses))
    with pytest.raises(quiz.ResponsesError, match=fragment) as info:
        quiz.load_responses(path)
    assert isinstance(info.value, ValueError) and str(path) in str(info.value)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"{not json", "not valid JSON"), (b"[1, 2]", "must be a JSON object"),
     (b"\xff\xfe\x00", "cannot be read as UTF-8")],
)
def test_load_rejects_non_responses_files(tmp_path, content, fragment):
    path = tmp_path / "r.json"
    path.write_bytes(content)
    with pytest.raises(quiz.ResponsesError, match=fragment):
        quiz.load_responses(path)


def test_load_missing_file(tmp_path):
    with pytest.raises(quiz.ResponsesError, match="no responses file"):
        quiz.load_responses(tmp_path / "absent.json")


def _base():
    return quiz.new_responses("01-introduction", "sha256:ab", "ada", "practice")


def test_tries_keep_the_first_and_are_validated(tmp_path):
    responses = _base()
    for value in range(60):
        quiz.record_try(responses, "q", value, variant=value % 3)
    tries = responses["answers"]["q"]["tries"]
    assert len(tries) == 50 and tries[0]["value"] == 0 and tries[-1]["value"] == 59
    path = quiz.save_responses(tmp_path / "r.json", responses)
    assert quiz.load_responses(path)["answers"]["q"]["variant"] == 59 % 3


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.update(variant_seed_id="not-hex"), "variant_seed_id"),
    (lambda r: r.update(recorded={"acc": "93.9"}), "recorded 'acc' must be a finite number"),
    (lambda r: r.update(recorded={"acc": float("inf")}), "finite"),
    (lambda r: r.update(recorded={f"n{i}": 1 for i in range(101)}), "at most 100"),
    (lambda r: r["answers"]["q"].update(variant=-1), "variant must be a whole number"),
    (lambda r: r["answers"]["q"].update(variant=True), "variant must be a whole number"),
    (lambda r: r["answers"]["q"].update(solution_shown="yes"), "solution_shown"),
    (lambda r: r["answers"]["q"].update(tries="many"), "tries must be a list"),
    (lambda r: r["answers"]["q"].update(tries=[{"variant": 0}]), "each try needs a value"),
    (lambda r: r["answers"]["q"].update(tries=[{"value": 1, "answered_at": "now"}]),
     "is not an ISO 8601 time"),
])
def test_the_optional_parts_are_checked(change, message):
    responses = _base()
    quiz.record_try(responses, "q", "a")
    change(responses)
    with pytest.raises(quiz.ResponsesError, match=message):
        quiz.save_responses(quiz.responses_path("01-introduction", "practice"), responses)
