"""Grading one answer per question type, partial credit, wrong kinds of answers, whole files."""

from pathlib import Path

import pytest

from pruneedu import quiz

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "quiz" / "course" / "quizzes" / "01-demo.yaml"


@pytest.fixture
def bank():
    return quiz.load_bank(FIXTURE_BANK)


def grade(bank, qid, value):
    return quiz.grade_answer(bank.question(qid), value)


def test_single_right_and_wrong_with_choice_feedback(bank):
    right = grade(bank, "demo-single", "a")
    assert (right.score, right.max_score, right.correct) == (1.0, 1.0, True)
    assert right.feedback == "Right: small magnitude first."
    assert right.explanation == "Magnitude pruning removes the smallest weights first."
    wrong = grade(bank, "demo-single", "b")
    assert (wrong.score, wrong.correct, wrong.feedback) == (0.0, False, "No: those matter most.")


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        (["a", "b", "d"], 2.0),       # all three right, 2 points
        (["d", "b", "a"], 2.0),       # order does not matter
        (["a", "b"], 2 * 2 / 3),      # 2 right of 3
        (["a", "b", "c"], 2 * 1 / 3),  # (2 right - 1 wrong) / 3
        (["a", "c"], 0.0),            # (1 - 1) / 3
        (["c"], 0.0),                 # floored at 0, never negative
        (["a", "b", "c", "d"], 2 * 2 / 3),  # ticking everything costs the wrong one
        (["a", "a"], 2 * 1 / 3),      # a duplicate pick counts once
    ],
)
def test_multiple_partial_credit_rule(bank, picked, expected):
    result = grade(bank, "demo-multiple", picked)
    assert result.score == pytest.approx(expected)
    assert result.max_score == 2.0
    assert result.correct == (expected == 2.0)


def test_multiple_feedback_joins_picked_choices(bank):
    assert grade(bank, "demo-multiple", ["c", "a"]).feedback == (
        "No, a server is not at the edge. Yes, a phone."
    )


def test_truefalse(bank):
    assert grade(bank, "demo-truefalse", True).correct
    assert grade(bank, "demo-truefalse", False).score == 0.0
    # False is an answer, not an empty one.
    assert grade(bank, "demo-truefalse", False).feedback != "No answer given."


@pytest.mark.parametrize(
    ("value", "correct"),
    [(75, True), (75.5, True), (74.5, True), (74.4, False), (76, False), ("75.2", True),
     (" 75 ", True)],
)
def test_numeric_tolerance(bank, value, correct):
    assert grade(bank, "demo-numeric", value).correct is correct


@pytest.mark.parametrize(("value", "correct"), [(0.8, True), (0.9, True), (0.85, True),
                                                 (0.79, False), (0.91, False)])
def test_numeric_range_is_inclusive(bank, value, correct):
    assert grade(bank, "demo-range", value).correct is correct


def test_numeric_zero_tolerance_absorbs_float_rounding():
    q = quiz.Question("q", "numeric", "0.1 + 0.2?", "floats", answer={"value": 0.3,
                                                                        "tolerance": 0})
    assert quiz.grade_answer(q, 0.1 + 0.2).correct
    assert not quiz.grade_answer(q, 0.3001).correct


@pytest.mark.parametrize(
    ("value", "correct"),
    [("lottery ticket hypothesis", True), ("  Lottery-Ticket   Hypothesis. ", True),
     ("LOTTERY TICKET", True), ("lottery", False), ("lottery tickets", False)],
)
def test_text_normalises_case_space_punctuation_hyphens(bank, value, correct):
    assert grade(bank, "demo-text", value).correct is correct


def test_normalise_text():
    assert quiz.normalise_text("  Fine-tuning,  again! ") == "fine tuning again"
    assert quiz.normalise_text("L\u2019hôpital \u2013 rule") == "l hôpital rule"


def test_matching_partial_credit_per_pair(bank):
    full = {"sparsity": "fraction of weights that are zero",
            "mask": "tensor of zeros and ones applied to weights",
            "latency": "time for one prediction"}
    assert grade(bank, "demo-matching", full).score == 3.0
    swapped = dict(full, mask="time for one prediction", latency=full["mask"])
    result = grade(bank, "demo-matching", swapped)
    assert (result.score, result.correct) == (1.0, False)
    assert result.feedback == "1 of 3 pairs matched."
    partial = {"sparsity": full["sparsity"], "mask": None}
    assert grade(bank, "demo-matching", partial).score == 1.0


@pytest.mark.parametrize("qid", ["demo-single", "demo-multiple", "demo-truefalse",
                                 "demo-numeric", "demo-text", "demo-matching"])
@pytest.mark.parametrize("empty", [None, "", "   ", [], {}])
def test_empty_answer_scores_zero_without_error(bank, qid, empty):
    result = grade(bank, qid, empty)
    assert result.score == 0.0 and not result.correct
    assert result.feedback == "No answer given."


@pytest.mark.parametrize(
    ("qid", "value", "fragment"),
    [
        ("demo-single", ["a"], "takes one choice id"),
        ("demo-single", "z", "has no choice 'z'"),
        ("demo-multiple", "a", "takes a list of choice ids"),
        ("demo-multiple", ["a", "z"], "has no choice 'z'"),
        ("demo-truefalse", "true", "takes true or false"),
        ("demo-truefalse", 1, "takes true or false"),
        ("demo-numeric", "seventy-five", "is not one"),
        ("demo-numeric", True, "takes a number"),
        ("demo-numeric", float("nan"), "finite number"),
        ("demo-numeric", [75], "takes a number"),
        ("demo-text", 42, "takes a text answer"),
        ("demo-matching", ["sparsity"], "takes a mapping"),
        ("demo-matching", {"pruning": "time for one prediction"}, "has no term 'pruning'"),
        ("demo-matching", {"mask": "a made-up definition"}, "has no definition"),
    ],
)
def test_wrong_kind_of_answer_raises_answer_error(bank, qid, value, fragment):
    with pytest.raises(quiz.AnswerError, match=fragment) as info:
        grade(bank, qid, value)
    assert isinstance(info.value, ValueError)
    assert str(info.value).count(".") >= 1 and "\n" not in str(info.value)


def test_grading_a_released_question_is_refused(bank):
    released = quiz.bank_from_dict(quiz.release_bank(bank))
    with pytest.raises(quiz.BankError, match="no answer key"):
        quiz.grade_answer(released.question("demo-single"), "a")


def test_grade_responses_totals_unknown_ids_and_invalid_answers(bank):
    responses = quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "graded")
    quiz.record_answer(responses, "demo-single", "a")                  # 1 of 1
    quiz.record_answer(responses, "demo-multiple", ["a", "c"])         # 0 of 2
    quiz.record_answer(responses, "demo-numeric", 75)                  # 1 of 1
    quiz.record_answer(responses, "demo-text", ["not", "a", "string"])  # invalid -> 0
    quiz.record_answer(responses, "no-such-question", "a")             # unknown, reported
    result = quiz.grade_responses(bank, responses)
    assert result.quiz_id == "01-demo"
    assert result.score == 2.0
    assert result.max_score == 1 + 2 + 1 + 1 + 1 + 1 + 3
    assert result.unknown_ids == ["no-such-question"]
    assert list(result.invalid) == ["demo-text"]
    assert set(result.results) == {q.id for q in bank.questions}
    assert result.results["demo-truefalse"].feedback == "No answer given."


def test_numeric_answer_too_large_for_a_float_is_an_answer_error(bank):
    # A learner typing a 400-digit number must get a clear message, not an OverflowError.
    with pytest.raises(quiz.AnswerError, match="not one"):
        grade(bank, "demo-numeric", 10**400)


@pytest.mark.parametrize(("qid", "value"), [
    ("demo-single", "x" * 1_000_000),             # an unknown choice id a megabyte long
    ("demo-multiple", {"huge": ["x"] * 100_000}),  # a mapping where a list belongs
    ("demo-matching", {"y" * 100_000: None}),     # an unknown term
])
def test_a_huge_answer_is_quoted_short_in_the_message(bank, qid, value):
    # The message lands in the instructor's terminal and rejects report: quote, don't copy.
    with pytest.raises(quiz.AnswerError) as error:
        grade(bank, qid, value)
    assert len(str(error.value)) < 200 and "..." in str(error.value)


WRITTEN = quiz.Question("w", "written", "Explain.", "c", points=3, rubric=("a point",))


def test_written_answers_are_pending_never_scored():
    result = quiz.grade_answer(WRITTEN, "Zeros take 4 bytes, so nothing shrinks.")
    assert (result.score, result.max_score, result.pending) == (0.0, 3.0, True)
    assert quiz.grade_answer(WRITTEN, "").pending is False      # no answer: nothing to score
    with pytest.raises(quiz.AnswerError, match="written text"):
        quiz.grade_answer(WRITTEN, 42)
    with pytest.raises(quiz.AnswerError, match="at most 20,000"):
        quiz.grade_answer(WRITTEN, "x" * 20_001)
    bank = quiz.Bank("b", "B", "01-introduction", (WRITTEN,))
    grade = quiz.grade_responses(bank, {"learner_id": "ada", "answers": {"w": {"value": "ok"}}})
    assert grade.pending == ["w"] and grade.max_score == 3 and grade.score == 0


def test_a_wrong_first_answer_gets_a_hint_never_the_explanation(bank):
    wrong = grade(bank, "demo-multiple", ["a", "c"])
    assert wrong.hint == "No, a server is not at the edge."          # the wrong pick's feedback
    assert "Yes, a phone." not in wrong.hint
    matching = grade(bank, "demo-matching", {"sparsity": "time for one prediction"})
    assert matching.hint == "Look again at: sparsity, mask, latency."
    assert grade(bank, "demo-single", "a").hint == ""               # right: no hint


def test_grade_responses_can_grade_the_first_or_best_try(bank):
    responses = quiz.new_responses("01-demo", "sha256:ab", "ada", "practice")
    quiz.record_try(responses, "demo-single", "b")
    quiz.record_try(responses, "demo-single", "a")
    quiz.record_try(responses, "demo-numeric", 75)
    quiz.record_try(responses, "demo-numeric", 10)
    scores = {attempt: quiz.grade_responses(bank, responses, attempt=attempt).score
              for attempt in ("first", "best", "latest")}
    assert scores == {"first": 1.0, "best": 2.0, "latest": 1.0}
    with pytest.raises(ValueError, match="attempt must be one of"):
        quiz.grade_responses(bank, responses, attempt="worst")
    graded = dict(responses, mode="graded")        # a graded file's tries do not count
    assert quiz.grade_responses(bank, graded, attempt="best").score == 1.0
