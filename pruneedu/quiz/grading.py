"""Grading a learner's answer to one question, and a whole responses file against a bank.

Partial credit rules (the fraction is multiplied by the question's points):

- multiple: (correct choices picked - wrong choices picked) / number of correct choices,
  floored at 0, so ticking every box earns nothing.
- matching: terms paired with their right definition / number of terms.
- every other type: all or nothing.

An empty answer (None, "", [] or {}) scores 0 and is not an error; an answer of the wrong
kind (a list for a single-choice question, an unknown choice id, a word for a number) raises
:class:`AnswerError`, because it means the answer was recorded wrongly, not answered wrongly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from pruneedu.argcheck import is_number, short_repr
from pruneedu.quiz.bank import Bank, BankError, Question
from pruneedu.quiz.schema import normalise_text


class AnswerError(ValueError):
    """An answer value whose kind does not fit the question (not merely a wrong answer)."""


@dataclass(frozen=True)
class Result:
    """The grade of one answer: ``feedback`` is per-choice or per-pair text for practice mode."""

    score: float
    max_score: float
    correct: bool
    feedback: str = ""
    explanation: str = ""


@dataclass(frozen=True)
class QuizGrade:
    """The grade of a responses file: per-question results plus what could not be graded.

    ``unknown_ids``: answered question ids the bank does not have. ``invalid``: question id ->
    the :class:`AnswerError` message for answers of the wrong kind (scored 0).
    """

    quiz_id: str
    results: dict[str, Result]
    score: float
    max_score: float
    unknown_ids: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)


def is_empty(value: object) -> bool:
    """Whether a value means "not answered": None, a blank string, or an empty list/mapping."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, (list, tuple, dict)) and len(value) == 0


def grade_answer(question: Question, value: object) -> Result:
    """Grade one answer value against the question's key.

    Example:
        >>> from pruneedu.quiz.bank import Question
        >>> q = Question("q", "truefalse", "Pruning zeroes weights.", "pruning", answer=True)
        >>> grade_answer(q, True).score
        1.0
    """
    if not question.has_key:
        raise BankError(
            f"question {question.id!r} has no answer key (a released bank); "
            "grade with the instructor's full bank."
        )
    points = float(question.points)
    if is_empty(value):
        return Result(0.0, points, False, "No answer given.", question.explanation)
    fraction, feedback = _GRADERS[question.type](question, value)
    fraction = min(1.0, max(0.0, fraction))
    return Result(points * fraction, points, fraction == 1.0, feedback, question.explanation)


def _choice_feedback(question: Question, choice_id: str) -> str:
    return question.choice(choice_id).feedback


def _known_choice(question: Question, value: object) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"question {question.id!r} takes one choice id, not {short_repr(value)}.")
    if value not in {c.id for c in question.choices}:
        known = ", ".join(c.id for c in question.choices)
        raise AnswerError(f"question {question.id!r} has no choice {short_repr(value)}; "
                          f"pick one of {known}.")
    return value


def _grade_single(question: Question, value: object) -> tuple[float, str]:
    picked = _known_choice(question, value)
    return (1.0 if picked == question.answer else 0.0), _choice_feedback(question, picked)


def _grade_multiple(question: Question, value: object) -> tuple[float, str]:
    if not isinstance(value, (list, tuple)):
        raise AnswerError(f"question {question.id!r} takes a list of choice ids, "
                          f"not {short_repr(value)}.")
    picked = list(dict.fromkeys(_known_choice(question, v) for v in value))
    key = set(question.answer)  # type: ignore[arg-type]
    right = sum(1 for p in picked if p in key)
    wrong = len(picked) - right
    feedback = " ".join(f for f in (_choice_feedback(question, p) for p in picked) if f)
    return (right - wrong) / len(key), feedback


def _grade_truefalse(question: Question, value: object) -> tuple[float, str]:
    if not isinstance(value, bool):
        raise AnswerError(f"question {question.id!r} takes true or false, not {short_repr(value)}.")
    return (1.0 if value is question.answer else 0.0), ""


def _as_number(question: Question, value: object) -> float:
    if not (is_number(value) or isinstance(value, str)):
        raise AnswerError(f"question {question.id!r} takes a number, not {short_repr(value)}.")
    try:
        number = float(value)
    except (ValueError, OverflowError):  # OverflowError: an int too large for a float
        raise AnswerError(
            f"question {question.id!r} takes a number; {short_repr(value)} is not one."
        ) from None
    if not math.isfinite(number):
        raise AnswerError(f"question {question.id!r} takes a finite number, "
                          f"not {short_repr(value)}.")
    return number


def _grade_numeric(question: Question, value: object) -> tuple[float, str]:
    number = _as_number(question, value)
    key = question.answer
    assert isinstance(key, Mapping)
    if "value" in key:
        # A small relative slack absorbs binary rounding (0.1 + 0.2 vs 0.3) at tolerance 0.
        slack = key["tolerance"] + 1e-9 * max(1.0, abs(key["value"]))
        inside = abs(number - key["value"]) <= slack
    else:
        inside = key["min"] <= number <= key["max"]
    return (1.0 if inside else 0.0), ""


def _grade_text(question: Question, value: object) -> tuple[float, str]:
    if not isinstance(value, str):
        raise AnswerError(f"question {question.id!r} takes a text answer, not {short_repr(value)}.")
    accepted = {normalise_text(a) for a in question.answer["accept"]}  # type: ignore[index]
    return (1.0 if normalise_text(value) in accepted else 0.0), ""


def _grade_matching(question: Question, value: object) -> tuple[float, str]:
    if not isinstance(value, Mapping):
        raise AnswerError(
            f"question {question.id!r} takes a mapping of term to definition, "
            f"not {short_repr(value)}."
        )
    pairs = question.answer["pairs"]  # type: ignore[index]
    for term, definition in value.items():
        if term not in pairs:
            raise AnswerError(f"question {question.id!r} has no term {short_repr(term)}.")
        if definition is not None and definition not in question.definitions:
            raise AnswerError(f"question {question.id!r} has no definition "
                              f"{short_repr(definition)}.")
    right = sum(1 for term, definition in pairs.items() if value.get(term) == definition)
    return right / len(pairs), f"{right} of {len(pairs)} pairs matched."


_GRADERS = {
    "single": _grade_single,
    "multiple": _grade_multiple,
    "truefalse": _grade_truefalse,
    "numeric": _grade_numeric,
    "text": _grade_text,
    "matching": _grade_matching,
}


def grade_responses(bank: Bank, responses: Mapping) -> QuizGrade:
    """Grade a responses mapping (as :func:`load_responses` returns it) against a full bank.

    Unanswered questions score 0; answers to questions the bank lacks are listed in
    ``unknown_ids`` and answers of the wrong kind in ``invalid``, neither stops the grading.

    Example:
        >>> from pruneedu.quiz.bank import load_bank
        >>> bank = load_bank("01-introduction")
        >>> question = next(q for q in bank.questions if q.type == "truefalse")
        >>> grade = grade_responses(bank, {"answers": {question.id: {"value": question.answer},
        ...                                            "no-such-question": {"value": 1}}})
        >>> grade.score == question.points, grade.max_score == bank.max_score, grade.unknown_ids
        (True, True, ['no-such-question'])
    """
    answers = responses.get("answers", {})
    results: dict[str, Result] = {}
    invalid: dict[str, str] = {}
    for question in bank.questions:
        entry = answers.get(question.id)
        value = entry.get("value") if isinstance(entry, Mapping) else None
        try:
            results[question.id] = grade_answer(question, value)
        except AnswerError as error:
            invalid[question.id] = str(error)
            results[question.id] = Result(0.0, float(question.points), False, str(error),
                                          question.explanation)
    known = {q.id for q in bank.questions}
    return QuizGrade(
        quiz_id=bank.id,
        results=results,
        score=sum(r.score for r in results.values()),
        max_score=float(bank.max_score),
        unknown_ids=sorted(qid for qid in answers if qid not in known),
        invalid=invalid,
    )
