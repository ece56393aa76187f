"""Per-learner questions: the same numbers every time for one learner, different ones for
another, the grader's key equal to the widget's, pools and shuffles graded by id."""

import json

import pytest
import yaml

from pruneedu import quiz
from pruneedu.quiz.variants import fill, format_number

SECRET = "a long instructor secret for the tests"
CLASS_SEED = quiz.class_seed(SECRET)
LEARNERS = [f"learner{i:03d}" for i in range(60)]

BANK = {
    "format_version": 1, "id": "demo", "title": "Demo", "lesson": "01-introduction",
    "pools": {"counts": 2},
    "questions": [
        {"id": "v-params", "type": "numeric", "concept": "parameters",
         "prompt": "A 784 -> {h1} -> {h2} -> 10 network: how many parameters?",
         "params": {"h1": {"min": 100, "max": 400, "step": 20},
                    "h2": {"values": [30, 50, 70, 90]}},
         "values": {"weights": "784 * h1 + h1 * h2 + h2 * 10"},
         "answer": {"formula": "weights + h1 + h2 + 10", "tolerance": 0},
         "mistakes": [{"formula": "weights", "hint": "Did you count the {h1} + {h2} + 10 biases?"}],
         "explanation": "{weights} weights plus biases = {answer}."},
        {"id": "v-single", "type": "single", "concept": "order", "prompt": "Pick.",
         "choices": [{"id": "a", "text": "one"}, {"id": "b", "text": "two"},
                     {"id": "c", "text": "three"}, {"id": "d", "text": "four"}],
         "answer": "c"},
        {"id": "v-own", "type": "numeric", "concept": "recorded",
         "prompt": "Dense {dense}%, pruned {pruned}%: how many of 1,000 digits?",
         "recorded": {"dense": {"min": 0, "max": 100, "source": "notebook 01"},
                      "pruned": {"min": 0, "max": 100, "source": "notebook 01"}},
         "answer": {"formula": "round(10 * (dense - pruned))", "tolerance": 0.5}},
        {"id": "v-pool-1", "type": "truefalse", "concept": "p", "prompt": "One.",
         "pool": "counts", "answer": True},
        {"id": "v-pool-2", "type": "truefalse", "concept": "p", "prompt": "Two.",
         "pool": "counts", "answer": False},
        {"id": "v-pool-3", "type": "truefalse", "concept": "p", "prompt": "Three.",
         "pool": "counts", "answer": True},
        {"id": "v-pool-4", "type": "truefalse", "concept": "p", "prompt": "Four.",
         "pool": "counts", "answer": False},
    ],
}


@pytest.fixture
def bank():
    assert quiz.check_bank(BANK) == []
    return quiz.bank_from_dict(BANK)


def responses(learner, answers, mode="graded", seed=None, recorded=None):
    data = quiz.new_responses("demo", "sha256:00", learner, mode)
    data["variant_seed_id"] = quiz.seed_id(seed)
    data["recorded"] = recorded or {}
    for qid, value in answers.items():
        quiz.record_answer(data, qid, value)
    return data


def test_a_learner_always_gets_the_same_numbers(bank):
    question = bank.question("v-params")
    first = [quiz.draw_params(question, "demo", learner, CLASS_SEED) for learner in LEARNERS]
    again = [quiz.draw_params(question, "demo", learner, CLASS_SEED) for learner in LEARNERS]
    assert first == again
    assert all(p["h1"] in question.params["h1"] and p["h2"] in question.params["h2"]
               for p in first)


def test_learners_classes_and_tries_get_different_numbers(bank):
    question = bank.question("v-params")
    drawn = {tuple(quiz.draw_params(question, "demo", lr, CLASS_SEED).values()) for lr in LEARNERS}
    assert len(drawn) >= 30                      # 64 combinations, 60 learners: ~38 expected
    other_class = quiz.class_seed("another instructor's secret, another year")
    changed = sum(quiz.draw_params(question, "demo", lr, CLASS_SEED)
                  != quiz.draw_params(question, "demo", lr, other_class) for lr in LEARNERS)
    assert changed >= 50
    tries = {tuple(quiz.draw_params(question, "demo", "ada", None, index).values())
             for index in range(20)}
    assert len(tries) >= 10                       # "Try another" really draws new numbers


def test_the_class_seed_hides_the_secret_and_is_stable():
    assert quiz.class_seed(SECRET) == CLASS_SEED == quiz.class_seed(f"  {SECRET}\n")
    assert SECRET not in CLASS_SEED and len(CLASS_SEED) == 64
    assert quiz.class_seed("other") != CLASS_SEED
    with pytest.raises(ValueError, match="empty"):
        quiz.class_seed("   ")


def test_concrete_fills_text_and_computes_the_key(bank):
    shown = quiz.concrete(bank.question("v-params"), "demo", "ada", CLASS_SEED)
    h1, h2 = shown.shown["h1"], shown.shown["h2"]
    expected = 784 * h1 + h1 + h1 * h2 + h2 + h2 * 10 + 10
    assert shown.answer == {"value": expected, "tolerance": 0}
    assert shown.prompt == f"A 784 -> {h1:,.0f} -> {h2:.0f} -> 10 network: how many parameters?"
    assert shown.explanation.endswith(f"= {expected:,.0f}.")
    assert "{" not in shown.prompt + shown.explanation


def test_the_graders_key_is_the_widgets_key(bank):
    question = bank.question("v-params")
    for learner in LEARNERS:
        # What the widget shows in graded mode: the released copy, with the class seed.
        released = quiz.bank_from_dict(quiz.release_bank(bank, CLASS_SEED))
        shown = quiz.concrete(released.question("v-params"), "demo", learner,
                              released.variant_seed)
        h1, h2 = shown.shown["h1"], shown.shown["h2"]
        right = 784 * h1 + h1 + h1 * h2 + h2 + h2 * 10 + 10   # the learner works it out
        grade = quiz.grade_responses(bank, responses(learner, {"v-params": right},
                                                     seed=CLASS_SEED), variant_seed=CLASS_SEED)
        assert grade.results["v-params"].correct, learner
        assert shown.answer is None                           # no key in the released copy
        full = quiz.concrete(question, "demo", learner, CLASS_SEED).shown
        assert {n: full[n] for n in ("h1", "h2")} == shown.shown    # explanation-only value kept
        assert "weights" not in released.question("v-params").values   # back in the full bank


def test_a_classmates_answer_does_not_fit(bank):
    def key(learner):
        return quiz.concrete(bank.question("v-params"), "demo", learner,
                             CLASS_SEED).answer["value"]

    pairs = [(a, b) for a, b in zip(LEARNERS, LEARNERS[1:], strict=False) if key(a) != key(b)]
    assert len(pairs) >= 40
    for copier, source in pairs:
        grade = quiz.grade_responses(bank, responses(copier, {"v-params": key(source)},
                                                     seed=CLASS_SEED), variant_seed=CLASS_SEED)
        assert grade.results["v-params"].score == 0


def test_a_known_slip_gets_its_hint_not_the_solution(bank):
    shown = quiz.concrete(bank.question("v-params"), "demo", "ada")
    slip = 784 * shown.shown["h1"] + shown.shown["h1"] * shown.shown["h2"] + shown.shown["h2"] * 10
    result = quiz.grade_answer(shown, slip)
    assert not result.correct
    assert result.hint == (f"Did you count the {format_number(shown.shown['h1'])} + "
                           f"{format_number(shown.shown['h2'])} + 10 biases?")
    assert str(shown.answer["value"]) not in result.hint


def test_another_class_seed_is_rejected_with_its_reason(bank):
    shown = quiz.concrete(bank.question("v-params"), "demo", "ada", CLASS_SEED)
    answered = responses("ada", {"v-params": shown.answer["value"]}, seed=None)
    grade = quiz.grade_responses(bank, answered, variant_seed=CLASS_SEED)
    assert grade.results["v-params"].score == 0
    assert "variant seed 'none'" in grade.invalid["v-params"]
    assert "--secret-file" in grade.invalid["v-params"]


def test_the_variant_index_counts_only_in_practice(bank):
    question = bank.question("v-params")
    third = quiz.concrete(question, "demo", "ada", None, index=3).answer["value"]
    first = quiz.concrete(question, "demo", "ada", None, index=0).answer["value"]
    assert third != first
    for mode, expected in (("practice", True), ("graded", False)):
        data = responses("ada", {}, mode=mode)
        quiz.record_answer(data, "v-params", third, variant=3)
        grade = quiz.grade_responses(bank, data)
        assert grade.results["v-params"].correct is expected, mode


def test_recorded_values_come_from_the_file_and_are_checked(bank):
    good = responses("ada", {"v-own": 8}, recorded={"dense": 94.7, "pruned": 93.9})
    assert quiz.grade_responses(bank, good).results["v-own"].correct
    missing = responses("ada", {"v-own": 8})
    grade = quiz.grade_responses(bank, missing)
    assert grade.results["v-own"].score == 0 and "needs the value 'dense'" in grade.invalid["v-own"]
    outside = responses("ada", {"v-own": 8}, recorded={"dense": 940, "pruned": 93.9})
    assert "outside 0..100" in quiz.grade_responses(bank, outside).invalid["v-own"]
    unanswered = responses("ada", {})
    assert "v-own" not in quiz.grade_responses(bank, unanswered).invalid


def test_record_value_keeps_numbers_in_the_learners_home(isolated_learner_home):
    assert quiz.record_value("accuracy_90", 93.9) == 93.9
    assert quiz.record_value("accuracy_90", 94.0) == 94.0           # replaced
    assert quiz.recorded_values() == {"accuracy_90": 94.0}
    stored = json.loads((isolated_learner_home / "recorded.json").read_text())
    assert stored["values"]["accuracy_90"]["value"] == 94.0
    for name, value, message in (("no spaces", 1, "identifier"), ("x", "93", "not str"),
                                 ("x", True, "not bool"), ("x", float("nan"), "finite")):
        with pytest.raises(ValueError, match=message):
            quiz.record_value(name, value)


def test_pools_draw_k_per_learner_reproducibly_and_grade_by_id(bank):
    pooled = {"v-pool-1", "v-pool-2", "v-pool-3", "v-pool-4"}
    draws = {}
    for learner in LEARNERS:
        asked = [q.id for q in quiz.select_questions(bank, learner, CLASS_SEED)]
        assert asked == [q.id for q in quiz.select_questions(bank, learner, CLASS_SEED)]
        chosen = set(asked) & pooled
        assert len(chosen) == 2 and {"v-params", "v-single", "v-own"} <= set(asked)
        draws[learner] = chosen
    assert len({frozenset(d) for d in draws.values()}) == 6     # every pair of 4 occurs
    learner = LEARNERS[0]
    keys = {q.id: q.answer for q in bank.questions if q.id in pooled}
    answers = {qid: keys[qid] for qid in pooled}                  # answers all four
    grade = quiz.grade_responses(bank, responses(learner, answers), variant_seed=CLASS_SEED)
    assert set(grade.results) & pooled == draws[learner]
    assert grade.not_asked == sorted(pooled - draws[learner])
    assert grade.max_score == bank.max_score == 5                 # 3 fixed + 2 drawn
    assert grade.score == 2


def test_shuffled_choices_grade_by_choice_id(bank):
    question = bank.question("v-single")
    firsts = set()
    for learner in LEARNERS:
        lettered = quiz.lettered_choices(question, learner)
        assert [letter for letter, _ in lettered] == ["A", "B", "C", "D"]
        assert sorted(c.id for _, c in lettered) == ["a", "b", "c", "d"]
        firsts.add(lettered[0][1].id)
        letter = quiz.letter_of(question, learner, "c")
        assert lettered["ABCD".index(letter)][1].id == "c"
        grade = quiz.grade_responses(bank, responses(learner, {"v-single": "c"}))
        assert grade.results["v-single"].correct
    assert firsts == {"a", "b", "c", "d"}                          # the key moves around


def test_release_carries_the_seed_not_the_key_and_hashes_alike(bank):
    released = quiz.release_bank(bank, CLASS_SEED)
    text = yaml.safe_dump(released)
    assert released["variant_seed"] == CLASS_SEED and SECRET not in text
    for key in ("answer", "formula", "mistakes", "explanation", "hint"):
        assert f"{key}:" not in text, key
    assert released["questions"][0]["params"]["h1"]["values"][:3] == [100.0, 120.0, 140.0]
    assert quiz.content_hash(bank) == quiz.content_hash(quiz.bank_from_dict(released))
    assert quiz.check_bank(released, require_key=False) == []
    bad = dict(BANK, variant_seed=CLASS_SEED)                      # a seed beside the keys
    assert any("variant_seed belongs only" in p.message for p in quiz.check_bank(bad))


def test_fill_leaves_unknown_placeholders_and_formats_numbers():
    assert fill("{a} {b:%} {c:.2f} {missing}", {"a": 1234567.0, "b": 0.875, "c": 1 / 3}) == (
        "1,234,567 87.5% 0.33 {missing}")
    assert format_number(0.1 + 0.2) == "0.3"


def test_the_graders_feedback_shows_each_learners_own_numbers(tmp_path):
    from pathlib import Path

    from pruneedu.grading.classgrade import grade_class
    from pruneedu.grading.feedback import learner_feedback
    from pruneedu.grading.material import load_material

    root = Path(__file__).resolve().parents[1]
    bank = quiz.load_bank("02-weight-vs-node")
    answers = quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "graded")
    quiz.record_answer(answers, "types-node-params", 1)
    quiz.record_answer(answers, "types-why-latency-less", "Fixed costs per call.")
    quiz.save_responses(tmp_path / "ada.02-weight-vs-node.responses.json", answers)
    grades = grade_class(tmp_path, load_material(root / "quizzes", root / "exercises"),
                         progress=False)
    text = learner_feedback(grades, "ada", reveal=True)
    shown = quiz.concrete(bank.question("types-node-params"), bank.id, "ada")
    assert f"keeping {format_number(shown.shown['k1'])} neurons" in text
    assert f"The answer: {shown.answer['value']:g}" in text
    assert "{k1}" not in text and "{answer}" not in text and "{fc1}" not in text
    assert "**waiting for a person's score** (0 of 2)" in text
