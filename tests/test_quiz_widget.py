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


def test_a_wrong_first_try_gets_a_hint_the_second_the_solution():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    single = view.questions["demo-single"]
    letter = quiz.letter_of(single.base, "ada", "b")
    single.controls["answer"].value = "b"
    single.check_button.click()
    first = single.feedback.value
    assert "Not quite</b>: 0/1 point." in first
    assert f"<b>{letter}</b> (your pick): not right. No: those matter most." in first
    assert "Magnitude pruning removes the smallest weights first." not in first  # no solution
    assert "ask for the solution" in first
    assert single.solution_button.layout.display == ""          # offered after a wrong try
    single.controls["answer"].value = "c"
    single.check_button.click()                                  # second wrong try
    second = single.feedback.value
    key_letter = quiz.letter_of(single.base, "ada", "a")
    assert "Magnitude pruning removes the smallest weights first." in second
    assert f"<b>{key_letter}</b> (not picked): this one is right:" in second
    single.controls["answer"].value = "a"
    single.check_button.click()
    assert "Correct</b>: 1/1 point." in single.feedback.value
    assert view.score.value.startswith("Score: 1 / 10 (first tries: 0 / 10; ")


def test_multiple_choice_feedback_uses_the_learners_letters_and_names_missed_ones_later():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    multiple = view.questions["demo-multiple"]
    letters = {cid: quiz.letter_of(multiple.base, "ada", cid) for cid in "abcd"}
    multiple.controls["a"].value = True
    multiple.controls["c"].value = True
    multiple.check_button.click()                    # (1 right - 1 wrong) / 3 of 2 points
    first = multiple.feedback.value
    assert "Not quite</b>: 0/2 points." in first
    assert f"<b>{letters['a']}</b> (your pick): right. Yes, a phone." in first
    assert f"<b>{letters['c']}</b> (your pick): not right. No, a server" in first
    assert "You missed 2 right options" in first
    assert f"<b>{letters['b']}</b>" not in first and f"<b>{letters['d']}</b>" not in first
    # The lines follow the order the learner saw, not the bank's order.
    assert first.index(f"<b>{letters['a']}</b>") < first.index(f"<b>{letters['c']}</b>") or (
        letters["c"] < letters["a"])
    multiple.controls["c"].value = False
    multiple.controls["b"].value = True
    multiple.check_button.click()                    # 2 of 3: partial credit, shown rounded
    second = multiple.feedback.value
    assert "Partly right</b>: 1.3/2 points." in second
    missed = letters["d"]
    assert f"You missed {missed}." in second and "An IoT sensor" in second


def test_matching_feedback_names_the_wrong_pairs_then_the_right_ones():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    matching = view.questions["demo-matching"]
    matching.controls["sparsity"].value = PAIRS["sparsity"]
    matching.controls["mask"].value = PAIRS["latency"]
    matching.controls["latency"].value = PAIRS["mask"]
    matching.check_button.click()
    first = matching.feedback.value
    assert "Partly right</b>: 1/3 points." in first
    assert "These pairs are wrong:<br><b>mask</b>: not this definition" in first
    assert "<b>latency</b>: not this definition" in first and "<b>sparsity</b>" not in first
    matching.solution_button.click()
    assert "<b>mask</b>: tensor of zeros and ones applied to weights" in matching.feedback.value
    assert view.responses["answers"]["demo-matching"]["solution_shown"] is True
    assert saved(view)["answers"]["demo-matching"]["solution_shown"] is True


def test_practice_records_every_try_and_the_first_is_kept():
    view = quiz.show(BANK, mode="practice", learner_id="ada")
    numeric = view.questions["demo-numeric"]
    for value in (25.0, 75.0):
        numeric.controls["answer"].value = value
        numeric.check_button.click()
    entry = saved(view)["answers"]["demo-numeric"]
    assert [t["value"] for t in entry["tries"]] == [25.0, 75.0] and entry["value"] == 75.0
    assert view.first_results["demo-numeric"].score == 0 and view.results["demo-numeric"].correct
    reopened = quiz.show(BANK, mode="practice", learner_id="ada")
    assert reopened.first_results["demo-numeric"].score == 0
    assert reopened.score.value.startswith("Score: 1 / 10 (first tries: 0 / 10; ")


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
    assert banks == ["01-introduction", "02-weight-vs-node", "03-challenges", "final-review"]
    for quiz_id in banks:
        for mode in ("practice", "graded"):
            bank = quiz.load_bank(quiz_id, practice=mode == "practice")
            view = quiz.show(quiz_id, mode=mode, learner_id="ada")
            assert list(view.questions) == [q.id for q in quiz.select_questions(bank, "ada")]
            assert all(q.startswith("p-") == (mode == "practice") for q in view.questions)
            for question_view in view.questions.values():
                base, shown = question_view.base, question_view.prompt.value
                if question_view.question is None:   # waits for a recorded value
                    assert set(base.recorded) and "run that cell first" in (
                        question_view.feedback.value)
                    continue
                names = [*base.params, *base.values, *base.recorded]
                assert not any("{" + name in shown for name in names), shown


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


VARIANT_BANK = {
    "format_version": 1, "id": "vdemo", "title": "Variant demo", "lesson": "01-introduction",
    "questions": [
        {"id": "vd-params", "type": "numeric", "concept": "parameters", "depth": "detailed",
         "see": "The object being pruned",
         "prompt": "How many weights has `784 -> {h} -> 10`?",
         "params": {"h": {"min": 100, "max": 900, "step": 10}},
         "answer": {"formula": "784 * h + h * 10", "tolerance": 0},
         "mistakes": [{"formula": "784 * h + h + h * 10 + 10",
                       "hint": "Biases are not weights."}],
         "explanation": "784 x {h} + {h} x 10 = {answer}."},
        {"id": "vd-own", "type": "numeric", "concept": "recorded",
         "prompt": "Your notebook measured {acc:.1f}%. How many of 1,000 digits is that?",
         "recorded": {"acc": {"min": 0, "max": 100, "source": "notebook 01 (its accuracy)"}},
         "answer": {"formula": "round(10 * acc)", "tolerance": 0.5}},
        {"id": "vd-written", "type": "written", "concept": "storage", "points": 2,
         "prompt": "Why is the *dense* file no smaller?",
         "rubric": ["A zero costs **4 bytes**.", "Dense kernels multiply zeros."],
         "model_answer": "Zeros are stored like any other float."},
    ],
}


@pytest.fixture
def variant_bank(tmp_path):
    path = tmp_path / "vdemo.yaml"
    path.write_text(yaml.safe_dump(VARIANT_BANK))
    return path


def test_try_another_draws_new_numbers_and_grades_them(variant_bank):
    view = quiz.show(variant_bank, mode="practice", learner_id="ada")
    question = view.questions["vd-params"]
    assert "<code>784 -&gt; " in question.prompt.value           # Markdown: a code span
    first_h = question.question.shown["h"]
    slip = 784 * first_h + first_h + first_h * 10 + 10
    question.controls["answer"].value = slip
    question.check_button.click()
    assert "Biases are not weights." in question.feedback.value   # the slip's own hint
    assert f"{784 * first_h + first_h * 10:,.0f}" not in question.feedback.value
    question.another_button.click()
    second_h = question.question.shown["h"]
    assert question.controls["answer"].value == 0.0 and question.feedback.value == ""
    assert second_h != first_h or question.variant == 1
    question.controls["answer"].value = 784 * second_h + second_h * 10
    question.check_button.click()
    assert "Correct</b>: 1/1 point." in question.feedback.value
    entry = saved(view)["answers"]["vd-params"]
    assert entry["variant"] == 1 and [t["variant"] for t in entry["tries"]] == [0, 1]
    # The grader, reading the practice file, grades the variant it answered.
    grade = quiz.grade_responses(quiz.load_bank(variant_bank), quiz.load_responses(view.path))
    assert grade.results["vd-params"].correct


def test_a_recorded_value_is_asked_for_then_used(variant_bank):
    view = quiz.show(variant_bank, mode="practice", learner_id="ada")
    waiting = view.questions["vd-own"]
    assert waiting.question is None and waiting.check_button.disabled
    assert "notebook 01 (its accuracy) records; run that cell first" in waiting.feedback.value
    quiz.record_value("acc", 93.9)
    view = quiz.show(variant_bank, mode="graded", learner_id="ada")
    ready = view.questions["vd-own"]
    assert "measured 93.9%" in ready.prompt.value and not ready.check_button.disabled
    ready.controls["answer"].value = 939.0
    data = quiz.load_responses(view.path)
    assert data["recorded"] == {"acc": 93.9} and data["variant_seed_id"] == "none"
    grade = quiz.grade_responses(quiz.load_bank(variant_bank), data)
    assert grade.results["vd-own"].correct


def test_lesson_reference_and_depth_note(variant_bank):
    view = quiz.show(variant_bank, mode="practice", learner_id="ada", depth="basic")
    question = view.questions["vd-params"]
    assert "needs the Detailed summary of Lesson 1 - Introduction to pruning" in (
        question.note.value)
    assert question.lesson_button.tooltip == "The object being pruned"
    question.controls["answer"].value = 1.0
    question.check_button.click()
    assert question.lesson_button.layout.display == ""            # offered after a wrong try
    question.lesson_button.click()
    box = question.lesson_box.value
    assert "Summary (Detailed depth)" in box and "The object being pruned" in box
    assert "266,610" in box                                        # the chapter's own text
    assert 'lessons.show(&quot;01-introduction&quot;, depth=&quot;detailed&quot;)' in box
    question.lesson_button.click()
    assert question.lesson_box.value == ""
    plain = quiz.show(variant_bank, mode="practice", learner_id="ada")
    assert plain.questions["vd-params"].note.value == "<i>(needs the Detailed summary)</i>"
    detailed = quiz.show(variant_bank, mode="practice", learner_id="ada", depth="detailed")
    assert detailed.questions["vd-params"].note.value == ""


def test_written_answers_are_saved_never_scored_and_show_the_rubric(variant_bank):
    view = quiz.show(variant_bank, mode="practice", learner_id="ada")
    written = view.questions["vd-written"]
    assert type(written.controls["answer"]) is widgets.Textarea
    assert written.check_button.description == "Save"
    written.controls["answer"].value = "Because <b>zeros</b> still take 4 bytes."
    written.check_button.click()
    assert "<li>A zero costs <strong>4 bytes</strong>.</li>" in written.feedback.value
    assert "Zeros are stored like any other float." in written.feedback.value
    assert view.score.value.startswith("Score: 0 / 2 (")          # written points left out
    graded = quiz.show(variant_bank, mode="graded", learner_id="bo")
    graded.questions["vd-written"].controls["answer"].value = "Zeros still take <4> bytes."
    data = quiz.load_responses(graded.path)
    assert data["answers"]["vd-written"]["value"] == "Zeros still take <4> bytes."
    grade = quiz.grade_responses(quiz.load_bank(variant_bank), data)
    assert grade.pending == ["vd-written"] and grade.results["vd-written"].score == 0
    assert grade.max_score == 4


def test_graded_mode_draws_numbers_from_the_released_class_seed(variant_bank, tmp_path):
    seed = quiz.class_seed("the instructor's secret, not in the notebook")
    released = tmp_path / "released.yaml"
    released.write_text(yaml.safe_dump(quiz.release_bank(quiz.load_bank(variant_bank), seed)))
    view = quiz.show(released, mode="graded", learner_id="ada")
    h = view.questions["vd-params"].question.shown["h"]
    assert h == quiz.draw_params(quiz.load_bank(variant_bank).question("vd-params"), "vdemo",
                                 "ada", seed)["h"]
    view.questions["vd-params"].controls["answer"].value = 784 * h + h * 10
    data = quiz.load_responses(view.path)
    assert data["variant_seed_id"] == quiz.seed_id(seed)
    full = quiz.load_bank(variant_bank)
    assert quiz.grade_responses(full, data, variant_seed=seed).results["vd-params"].correct
    wrong_seed = quiz.grade_responses(full, data)
    assert "vd-params" in wrong_seed.invalid
