"""The quiz widget, driven like a learner would: set control values, click, read, check the file."""

import html
import json
import os
from pathlib import Path

import ipywidgets as widgets
import pytest
import yaml

from pruneedu import paths, quiz

COURSE = Path(__file__).parent / "fixtures" / "quiz" / "course"
BANK = COURSE / "quizzes" / "01-demo.yaml"
PAIRS = {"sparsity": "fraction of weights that are zero",
         "mask": "tensor of zeros and ones applied to weights",
         "latency": "time for one prediction"}


def saved(view):
    return json.loads(view.path.read_text())


def test_every_control_is_labelled_and_of_the_right_kind():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    kinds = {qid: {type(c) for c in qv.controls.values()} for qid, qv in view.questions.items()}
    assert kinds == {
        "demo-single": {widgets.ToggleButtons}, "demo-multiple": {widgets.Checkbox},
        "demo-truefalse": {widgets.ToggleButtons}, "demo-numeric": {widgets.FloatText},
        "demo-range": {widgets.FloatText}, "demo-text": {widgets.Text},
        "demo-matching": {widgets.Dropdown},
    }
    for qv in view.questions.values():
        assert all(control.description for control in qv.controls.values())
        assert qv.check_button.description == "Check"
    assert set(view.questions["demo-matching"].controls) == set(PAIRS)


def test_practice_feedback_explanation_retry_and_running_score():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    single = view.questions["demo-single"]
    single.controls["answer"].value = "b"
    single.check_button.click()
    assert "Not quite" in single.feedback.value
    assert "No: those matter most." in single.feedback.value
    assert "Magnitude pruning removes the smallest weights first." in single.feedback.value
    assert view.score.value.startswith("Score: 0 / 10 ")
    single.controls["answer"].value = "a"            # retry
    single.check_button.click()
    assert "Correct" in single.feedback.value
    multiple = view.questions["demo-multiple"]
    multiple.controls["a"].value = True
    multiple.controls["c"].value = True
    multiple.check_button.click()                    # (1 - 1) / 3 of 2 points
    assert "Not quite" in multiple.feedback.value
    matching = view.questions["demo-matching"]
    for term, definition in PAIRS.items():
        matching.controls[term].value = definition
    matching.check_button.click()
    assert "3 of 3 pairs matched." in matching.feedback.value
    assert view.score.value == "Score: 4 / 10 (3 of 7 questions checked)"
    answers = saved(view)["answers"]
    assert answers["demo-single"]["value"] == "a"
    assert answers["demo-multiple"]["value"] == ["a", "c"]   # by choice id, bank order
    assert answers["demo-matching"]["value"] == PAIRS
    assert view.path == paths.user_data_dir() / "responses" / "01-demo.practice.responses.json"


def test_empty_answer_is_not_recorded():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    text = view.questions["demo-text"]
    text.check_button.click()
    assert text.feedback.value == "Choose or type an answer first."
    assert not view.path.exists()


def test_shuffled_display_records_the_same_answer_for_every_learner():
    files = []
    for learner in ("ada", "bo", "cy"):
        view = quiz.show(BANK, mode="practice", learner_id=learner,
                         path=paths.user_data_dir() / f"{learner}.json")
        single = view.questions["demo-single"]
        single.controls["answer"].value = "a"
        single.check_button.click()
        assert "Correct" in single.feedback.value
        files.append(saved(view)["answers"]["demo-single"]["value"])
    assert files == ["a", "a", "a"]


def test_graded_mode_renders_keyless_records_without_feedback_and_says_where():
    view = quiz.show(BANK, mode="graded", learner_id="ada")
    assert not view.bank.has_key
    assert all(q.answer is None and q.explanation == "" for q in view.bank.questions)
    assert view.path == paths.user_data_dir() / "responses" / "01-demo.responses.json"
    single = view.questions["demo-single"]
    single.controls["answer"].value = "b"            # saved on change, before any click
    assert saved(view)["answers"]["demo-single"]["value"] == "b"
    single.check_button.click()
    assert single.feedback.value == "Answer saved."
    view.questions["demo-truefalse"].controls["answer"].value = False
    view.questions["demo-numeric"].controls["answer"].value = 75.0
    view.submit_button.click()                       # untouched number fields stay unanswered
    assert view.status.value == f"Saved 3 of 7 answers to {view.path}."
    data = quiz.load_responses(view.path)
    assert (data["mode"], data["learner_id"], data["quiz_id"]) == ("graded", "ada", "01-demo")
    assert data["quiz_hash"] == quiz.content_hash(quiz.load_bank(BANK))
    assert {k: v["value"] for k, v in data["answers"].items()} == {
        "demo-single": "b", "demo-truefalse": False, "demo-numeric": 75.0}
    # The grader re-grades the saved values against the full bank: only 75 is right.
    grade = quiz.grade_responses(quiz.load_bank(BANK), data)
    assert grade.score == 1.0 and grade.invalid == {} and grade.unknown_ids == []


def test_graded_mode_works_from_a_released_copy(tmp_path):
    released = tmp_path / "01-demo.yaml"
    released.write_text(yaml.safe_dump(quiz.release_bank(quiz.load_bank(BANK))))
    view = quiz.show(released, mode="graded", learner_id="ada")
    view.questions["demo-text"].controls["answer"].value = "lottery ticket"
    assert saved(view)["answers"]["demo-text"]["value"] == "lottery ticket"
    with pytest.raises(ValueError, match="released copy without answers"):
        quiz.show(released, mode="practice", learner_id="ada")


def test_reopening_restores_answers_and_score():
    first = quiz.show(BANK, mode="practice", learner_id="ada")
    first.questions["demo-single"].controls["answer"].value = "a"
    first.questions["demo-single"].check_button.click()
    second = quiz.show(BANK, mode="practice", learner_id="ada")
    assert second.questions["demo-single"].controls["answer"].value == "a"
    assert second.score.value.startswith("Score: 1 / 10 ")


def test_another_learners_or_broken_file_is_kept_aside_not_overwritten():
    view = quiz.show(BANK, mode="graded", learner_id="ada")
    view.questions["demo-single"].controls["answer"].value = "a"
    ada_bytes = view.path.read_bytes()
    other = quiz.show(BANK, mode="graded", learner_id="bo")
    assert "learner 'ada'" in other.status.value
    backups = list(view.path.parent.glob("01-demo.responses.json.*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == ada_bytes
    assert not view.path.exists()                     # nothing written until bo answers


def test_a_damaged_file_is_kept_aside_and_a_new_attempt_starts():
    path = quiz.responses_path("01-demo", "graded")
    path.parent.mkdir(parents=True)
    path.write_text("{half a file")
    view = quiz.show(BANK, mode="graded", learner_id="ada")
    assert "not valid JSON" in view.status.value
    backups = list(path.parent.glob("01-demo.responses.json.*.bak"))
    assert [b.read_text() for b in backups] == ["{half a file"]
    view.questions["demo-single"].controls["answer"].value = "c"
    assert quiz.load_responses(path)["answers"]["demo-single"]["value"] == "c"


def test_save_failure_is_reported_and_answers_stay_in_the_kernel(monkeypatch):
    view = quiz.show(BANK, mode="practice", learner_id="ada")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    single = view.questions["demo-single"]
    single.controls["answer"].value = "a"
    single.check_button.click()
    assert "Could not save" in view.status.value and "No space left" in view.status.value
    assert view.responses["answers"]["demo-single"]["value"] == "a"


def test_widget_output_has_no_script():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    texts, stack = [], [view]
    while stack:
        widget = stack.pop()
        stack.extend(getattr(widget, "children", ()))
        texts += [getattr(widget, name) for name in ("value", "description")
                  if isinstance(getattr(widget, name, None), str)]
    assert len(texts) > 20 and not any("<script" in text.lower() for text in texts)


def test_shipped_banks_render_in_both_modes():
    banks = sorted(p.stem for p in paths.quizzes_dir().glob("*.yaml") if p.stem != "glossary")
    assert "01-introduction" in banks
    for quiz_id in banks:
        bank = quiz.load_bank(quiz_id)
        for mode in ("practice", "graded"):
            view = quiz.show(quiz_id, mode=mode, learner_id="ada")
            assert list(view.questions) == [q.id for q in bank.questions]


def test_choice_texts_are_a_lettered_list_matching_the_letter_controls():
    # Long choice texts must wrap in HTML rather than overlap inside radio/checkbox rows.
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    bank = quiz.load_bank(BANK)
    for qid in ("demo-single", "demo-multiple"):
        qv = view.questions[qid]
        texts = {c.id: c.text for c in bank.question(qid).choices}
        if qid == "demo-single":
            letters = dict(qv.controls["answer"].options)  # letter -> choice id
        else:
            letters = {control.description: cid for cid, control in qv.controls.items()}
        assert sorted(letters) == list("ABCDEFGH"[: len(texts)])
        for letter, cid in letters.items():
            assert f"<b>{letter}.</b> {html.escape(texts[cid])}" in qv.choices.value
