"""Grading a learner's answer to one question, and a whole responses file against a bank.

Partial credit rules (the fraction is multiplied by the question's points):

- multiple: (correct choices picked - wrong choices picked) / number of correct choices,
  floored at 0, so ticking every box earns nothing.
- matching: terms paired with their right definition / number of terms.
- written: never scored here; a person scores it by its rubric (``QuizGrade.pending``).
- every other type: all or nothing.

A question with per-learner numbers (:mod:`pruneedu.quiz.variants`) is graded on its
:func:`~pruneedu.quiz.variants.concrete` form for that learner: :func:`grade_responses` does
that, with the learner id of the file and the class's variant seed.

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
from pruneedu.quiz.variants import VariantError, concrete, is_variant, seed_id, select_questions

MAX_WRITTEN_CHARS = 20_000
ATTEMPTS = ("latest", "first", "best")


class AnswerError(ValueError):
    """An answer value whose kind does not fit the question (not merely a wrong answer)."""


@dataclass(frozen=True)
class Result:
    """The grade of one answer. ``feedback``: the picked choices' feedback (practice mode);
    ``hint``: what to show after a wrong first try (the misconception behind the pick, or the
    slip a numeric answer matches), never the solution; ``pending``: a written answer that a
    person still has to score."""

    score: float
    max_score: float
    correct: bool
    feedback: str = ""
    explanation: str = ""
    hint: str = ""
    pending: bool = False


@dataclass(frozen=True)
class QuizGrade:
    """The grade of a responses file: per-question results plus what could not be graded.

    ``results`` holds the questions this learner was asked (a pool draws some of them).
    ``unknown_ids``: answered question ids the bank does not have; ``not_asked``: answered ids
    of pooled questions this learner was not drawn. ``invalid``: question id -> why the
    answer could not be graded (wrong kind, a missing recorded value, another class's variant
    seed), scored 0. ``pending``: written answers waiting for a person's score (0 until then).
    """

    quiz_id: str
    results: dict[str, Result]
    score: float
    max_score: float
    unknown_ids: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)
    not_asked: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    # The asked questions as this learner saw them: their numbers filled in, keys computed
    # (the bank's own question where the numbers could not be worked out).
    questions: dict[str, Question] = field(default_factory=dict)


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
    if isinstance(question.answer, Mapping) and "formula" in question.answer:
        raise BankError(f"question {question.id!r} has per-learner numbers; grade its "
                        "variants.concrete() form (grade_responses does).")
    points = float(question.points)
    if is_empty(value):
        return Result(0.0, points, False, "No answer given.", question.explanation)
    if question.type == "written":
        _written_text(question, value)
        return Result(0.0, points, False, "A person scores written answers by the rubric.",
                      question.explanation, pending=True)
    fraction, feedback, hint = _GRADERS[question.type](question, value)
    fraction = min(1.0, max(0.0, fraction))
    correct = fraction == 1.0
    return Result(points * fraction, points, correct, feedback, question.explanation,
                  "" if correct else hint or question.hint)


def _written_text(question: Question, value: object) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"question {question.id!r} takes written text, not {short_repr(value)}.")
    if len(value) > MAX_WRITTEN_CHARS:
        raise AnswerError(f"question {question.id!r}: the answer has {len(value):,} characters; "
                          f"at most {MAX_WRITTEN_CHARS:,} are graded.")
    return value


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


def _grade_single(question: Question, value: object) -> tuple[float, str, str]:
    picked = _known_choice(question, value)
    feedback = _choice_feedback(question, picked)
    return (1.0 if picked == question.answer else 0.0), feedback, feedback


def _grade_multiple(question: Question, value: object) -> tuple[float, str, str]:
    if not isinstance(value, (list, tuple)):
        raise AnswerError(f"question {question.id!r} takes a list of choice ids, "
                          f"not {short_repr(value)}.")
    picked = list(dict.fromkeys(_known_choice(question, v) for v in value))
    key = set(question.answer)  # type: ignore[arg-type]
    right = sum(1 for p in picked if p in key)
    wrong = len(picked) - right
    feedback = " ".join(f for f in (_choice_feedback(question, p) for p in picked) if f)
    # The misconceptions behind wrong ticks teach; naming missed choices would give them away.
    hint = " ".join(f for f in (_choice_feedback(question, p) for p in picked if p not in key)
                    if f)
    return (right - wrong) / len(key), feedback, hint


def _grade_truefalse(question: Question, value: object) -> tuple[float, str, str]:
    if not isinstance(value, bool):
        raise AnswerError(f"question {question.id!r} takes true or false, not {short_repr(value)}.")
    return (1.0 if value is question.answer else 0.0), "", ""


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


def _close(number: float, target: float, tolerance: float) -> bool:
    # A small relative slack absorbs binary rounding (0.1 + 0.2 vs 0.3) at tolerance 0.
    return abs(number - target) <= tolerance + 1e-9 * max(1.0, abs(target))


def _grade_numeric(question: Question, value: object) -> tuple[float, str, str]:
    number = _as_number(question, value)
    key = question.answer
    assert isinstance(key, Mapping)
    if "value" in key:
        inside = _close(number, key["value"], key["tolerance"])
        tolerance = key["tolerance"]
    else:
        inside = key["min"] <= number <= key["max"]
        tolerance = 0.0
    slip = next((m.hint for m in question.mistakes
                 if m.value is not None and _close(number, m.value, tolerance)), "")
    return (1.0 if inside else 0.0), "", slip


def _grade_text(question: Question, value: object) -> tuple[float, str, str]:
    if not isinstance(value, str):
        raise AnswerError(f"question {question.id!r} takes a text answer, not {short_repr(value)}.")
    accepted = {normalise_text(a) for a in question.answer["accept"]}  # type: ignore[index]
    return (1.0 if normalise_text(value) in accepted else 0.0), "", ""


def _grade_matching(question: Question, value: object) -> tuple[float, str, str]:
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
    wrong = [term for term, definition in pairs.items() if value.get(term) != definition]
    right = len(pairs) - len(wrong)
    hint = f"Look again at: {', '.join(wrong)}." if wrong else ""
    return right / len(pairs), f"{right} of {len(pairs)} pairs matched.", hint


_GRADERS = {
    "single": _grade_single,
    "multiple": _grade_multiple,
    "truefalse": _grade_truefalse,
    "numeric": _grade_numeric,
    "text": _grade_text,
    "matching": _grade_matching,
}


def _tries(entry: Mapping, practice: bool) -> list[tuple[object, int]]:
    """(value, variant index) of every checked try in a practice entry, oldest first."""
    tries = entry.get("tries") if practice else None
    found = []
    for item in tries if isinstance(tries, list) else []:
        if isinstance(item, Mapping) and "value" in item:
            found.append((item["value"], _variant_index(item, practice)))
    return found


def _variant_index(entry: Mapping, practice: bool) -> int:
    # Only practice has "Try another": a graded file always answers variant 0, whatever it says.
    index = entry.get("variant", 0) if practice else 0
    return index if isinstance(index, int) and not isinstance(index, bool) and index >= 0 else 0


def _candidates(entry: object, practice: bool, attempt: str) -> list[tuple[object, int]]:
    if not isinstance(entry, Mapping):
        return [(None, 0)]
    latest = (entry.get("value"), _variant_index(entry, practice))
    tries = _tries(entry, practice)
    if attempt == "first":
        return tries[:1] or [latest]
    if attempt == "best":
        return [*tries, latest]
    return [latest]


def grade_responses(bank: Bank, responses: Mapping, variant_seed: str | None = None,
                    attempt: str = "latest") -> QuizGrade:
    """Grade a responses mapping (as :func:`load_responses` returns it) against a full bank.

    The learner is the file's ``learner_id``; ``variant_seed`` is the class's (from the
    instructor's secret, :func:`~pruneedu.quiz.variants.class_seed`), None for practice or a
    class without one. Only the questions drawn for this learner count; per-learner numbers
    are recomputed here, never read from the file, and recorded values come from the file's
    ``recorded`` (the learner's own word). ``attempt`` (practice files): grade the ``latest``
    answer, the ``first`` checked try, or the ``best`` of all tries.

    Unanswered questions score 0; answers to questions the bank lacks are listed in
    ``unknown_ids``, to questions this learner was not drawn in ``not_asked``, and answers that
    cannot be graded in ``invalid``: none of these stops the grading.

    Example:
        >>> from pruneedu.quiz.bank import load_bank
        >>> bank = load_bank("01-introduction")
        >>> question = next(q for q in bank.questions if q.type == "truefalse")
        >>> grade = grade_responses(bank, {"learner_id": "ada", "answers": {
        ...     question.id: {"value": question.answer}, "no-such-question": {"value": 1}}})
        >>> grade.score == question.points, grade.unknown_ids
        (True, ['no-such-question'])
    """
    if attempt not in ATTEMPTS:
        raise ValueError(f"attempt must be one of {', '.join(ATTEMPTS)}, not {attempt!r}.")
    answers = responses.get("answers", {})
    learner = str(responses.get("learner_id", ""))
    practice = responses.get("mode") == "practice"
    recorded = responses.get("recorded")
    recorded = recorded if isinstance(recorded, Mapping) else {}
    file_seed = responses.get("variant_seed_id", "none")
    asked = select_questions(bank, learner, variant_seed)
    results: dict[str, Result] = {}
    invalid: dict[str, str] = {}
    shown_questions: dict[str, Question] = {}
    for question in asked:
        points = float(question.points)
        entry = answers.get(question.id)
        latest = _variant_index(entry, practice) if isinstance(entry, Mapping) else 0
        try:
            shown_questions[question.id] = concrete(question, bank.id, learner, variant_seed,
                                                    latest, recorded)
        except VariantError:
            shown_questions[question.id] = question
        best: Result | None = None
        problem = ""
        candidates = _candidates(answers.get(question.id), practice, attempt)
        answered = any(not is_empty(value) for value, _ in candidates)
        if (answered and is_variant(question) and not practice
                and file_seed != seed_id(variant_seed)):
            problem = (f"answered with variant seed {file_seed!r}, but the grader's is "
                       f"{seed_id(variant_seed)!r}: grade with the class's --secret-file")
            candidates = []
        for value, index in candidates:
            try:
                if is_empty(value):  # no numbers needed to score nothing
                    result = Result(0.0, points, False, "No answer given.",
                                    shown_questions[question.id].explanation)
                else:
                    shown = concrete(question, bank.id, learner, variant_seed, index, recorded)
                    result = grade_answer(shown, value)
            except (AnswerError, VariantError) as error:
                problem = str(error)
                continue
            if best is None or result.score > best.score:
                best = result
        if best is None:
            invalid[question.id] = problem
            best = Result(0.0, points, False, problem, shown_questions[question.id].explanation)
        results[question.id] = best
    known = {q.id for q in bank.questions}
    drawn = {q.id for q in asked}
    return QuizGrade(
        quiz_id=bank.id,
        results=results,
        score=sum(r.score for r in results.values()),
        max_score=sum(float(q.points) for q in asked),
        unknown_ids=sorted(qid for qid in answers if qid not in known),
        invalid=invalid,
        not_asked=sorted(qid for qid in answers if qid in known and qid not in drawn),
        pending=[qid for qid, r in results.items() if r.pending],
        questions=shown_questions,
    )
