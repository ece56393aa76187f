"""Item analysis of a graded class: how hard each question was, how well it separated, and
whether test-taking cues rather than knowledge answered it.

- **difficulty**: the mean score fraction (score / points) over the learners who were asked the
  question (a pool asks each learner only some); 1.0 means everyone got it right.
- **discrimination**: the point-biserial correlation between the question's score fraction and
  the learner's total on the OTHER questions of the same quiz (the "rest score", so the item
  does not correlate with itself). With partial credit this is Pearson's r. It is ``None`` with
  fewer than 3 learners or when either side does not vary. Near 0 or negative: the question
  does not separate stronger from weaker learners and is worth a second look.
- **distractors**: for single and multiple choice questions, how many learners picked each
  choice id (``(blank)`` for no answer), whatever letter each of them saw.
- **cue**: ``"position"`` or ``"length"`` when the question looks answered by a cue (see
  :func:`cue_flag`), else ``""``.

Cue detection works per learner, from what each one saw (their own choice order,
:func:`pruneedu.quiz.lettered_choices`). A learner who picks the first shown choice in at least
``PICKER_RATE`` of the single-choice questions they answered (at least ``MIN_ANSWERED``) is a
*position picker*; one who picks the longest choice that often is a *length picker*. A
question is cue-driven when at least ``MIN_PICKERS`` such pickers answered it and their share
right beats chance (1 / number of choices) by ``CUE_MARGIN`` or more: then its right answers
come from picking by position or length, not from knowing. Length counts only where a reader
could see it: the flag needs a key that is clearly the longest choice (``LONG_MARGIN`` times
as long as every other); a key a few characters longer than the rest is no cue to a person.
Such a question is also flagged ``"length"`` when it does not discriminate (below
``LOW_DISCRIMINATION``), whoever answered it.

Example:
    >>> point_biserial([1, 0, 1, 0], [3, 1, 2, 0])
    0.8944271909999159
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from pruneedu import quiz
from pruneedu.grading.classgrade import ClassGrades, LearnerGrades

PICKER_RATE = 0.75
MIN_ANSWERED = 4
MIN_PICKERS = 5
CUE_MARGIN = 0.3
LONG_MARGIN = 1.1
LOW_DISCRIMINATION = 0.1


@dataclass(frozen=True)
class ItemStats:
    """The analysis of one question."""

    quiz_id: str
    question_id: str
    type: str
    learners: int
    difficulty: float | None
    discrimination: float | None
    distractors: dict[str, int] = field(default_factory=dict)
    cue: str = ""


def point_biserial(item: list[float], rest: list[float]) -> float | None:
    """Pearson's correlation of two equally long lists; None when undefined."""
    n = len(item)
    if n < 3 or len(rest) != n:
        return None
    mean_item, mean_rest = sum(item) / n, sum(rest) / n
    covariance = sum((a - mean_item) * (b - mean_rest) for a, b in zip(item, rest, strict=True))
    spread_item = math.sqrt(sum((a - mean_item) ** 2 for a in item))
    spread_rest = math.sqrt(sum((b - mean_rest) ** 2 for b in rest))
    if spread_item == 0 or spread_rest == 0:
        return None
    return covariance / (spread_item * spread_rest)


def _picked(question: quiz.Question, value: object) -> list[str]:
    """The choices one learner's answer counts for: each at most once, and ``(invalid)`` for
    an answer of the wrong shape (a list for a single choice, a repeated or unknown id), so
    that one learner's file can never outvote the class."""
    if value is None or value == "" or value == []:
        return ["(blank)"]
    known = {choice.id for choice in question.choices}
    if question.type == "single":
        return [value] if isinstance(value, str) and value in known else ["(invalid)"]
    if (not isinstance(value, list) or not all(isinstance(v, str) and v in known for v in value)
            or len(set(value)) != len(value)):
        return ["(invalid)"]
    return sorted(value)


def _value(record: LearnerGrades, quiz_id: str, question_id: str) -> object:
    entry = record.answers.get(quiz_id, {}).get(question_id)
    return entry.get("value") if isinstance(entry, Mapping) else None


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _longest(question: quiz.Question) -> set[str]:
    """Ids of the longest choices (several on a tie)."""
    top = max(_length(c.text) for c in question.choices)
    return {c.id for c in question.choices if _length(c.text) == top}


@dataclass
class _Habits:
    """How often one learner picked the first shown and the longest choice."""

    answered: int = 0
    first: int = 0
    longest: int = 0

    def kinds(self) -> set[str]:
        if self.answered < MIN_ANSWERED:
            return set()
        return {kind for kind, count in (("position", self.first), ("length", self.longest))
                if count >= PICKER_RATE * self.answered}


def learner_habits(grades: ClassGrades, bank: quiz.Bank) -> dict[str, set[str]]:
    """Per learner id, the cues they pick by (``"position"``, ``"length"``) in this quiz."""
    habits: dict[str, set[str]] = {}
    singles = [q for q in bank.questions if q.type == "single"]
    for learner, record in grades.learners.items():
        grade = record.quizzes.get(bank.id)
        if grade is None:
            continue
        seen = _Habits()
        for question in singles:
            value = _value(record, bank.id, question.id)
            if question.id not in grade.results or not isinstance(value, str):
                continue
            shown = quiz.lettered_choices(question, learner)
            seen.answered += 1
            seen.first += value == shown[0][1].id
            seen.longest += value in _longest(question)
        habits[learner] = seen.kinds()
    return habits


def _key_clearly_longest(question: quiz.Question) -> bool:
    """Whether the longest choice is a key and ``LONG_MARGIN`` times as long as any other."""
    key = question.answer if question.type == "multiple" else [question.answer]
    ranked = sorted(question.choices, key=lambda c: _length(c.text), reverse=True)
    if len(ranked) < 2 or not isinstance(key, list) or ranked[0].id not in key:
        return False
    return _length(ranked[0].text) >= LONG_MARGIN * _length(ranked[1].text)


def cue_flag(question: quiz.Question, right_by_kind: Mapping[str, list[float]],
             discrimination: float | None) -> str:
    """``"position"``/``"length"`` when pickers of that kind beat chance on this question by
    ``CUE_MARGIN`` (``right_by_kind``: their score fractions; for length, only where the key is
    clearly the longest choice), or when a clearly longest key does not discriminate; else
    ``""``.

    Example:
        >>> q = quiz.Question("q", "single", "?", "c", choices=(quiz.Choice("a", "x"),
        ...     quiz.Choice("b", "y")), answer="a")
        >>> cue_flag(q, {"position": [1.0] * 6, "length": []}, 0.4)
        'position'
    """
    if question.type not in ("single", "multiple") or not question.choices:
        return ""
    chance = 1 / len(question.choices)
    visible = _key_clearly_longest(question)
    for kind in ("position", "length"):
        scores = right_by_kind.get(kind, [])
        beats = len(scores) >= MIN_PICKERS and sum(scores) / len(scores) >= chance + CUE_MARGIN
        if beats and (kind == "position" or visible):
            return kind
    low = discrimination is not None and discrimination < LOW_DISCRIMINATION
    return "length" if visible and low else ""


def item_analysis(grades: ClassGrades) -> list[ItemStats]:
    """One :class:`ItemStats` per question of every bank, in bank and question order."""
    analysis = []
    for bank in grades.material.banks.values():
        graded = [r for r in grades.learners.values() if bank.id in r.quizzes]
        habits = learner_habits(grades, bank)
        for question in bank.questions:
            fractions, rests, counts = [], [], {}
            by_kind: dict[str, list[float]] = {"position": [], "length": []}
            choices = question.type in ("single", "multiple")
            if choices:
                counts = {choice.id: 0 for choice in question.choices}
            for record in graded:
                grade = record.quizzes[bank.id]
                result = grade.results.get(question.id)
                if result is None:  # a pool did not ask this learner this question
                    continue
                fraction = result.score / result.max_score if result.max_score else 0.0
                fractions.append(fraction)
                rests.append(grade.score - result.score)
                value = _value(record, bank.id, question.id)
                if choices:
                    for choice in _picked(question, value):
                        counts[choice] = counts.get(choice, 0) + 1
                    if value not in (None, "", []):
                        for kind in habits.get(record.learner_id, ()):
                            by_kind[kind].append(fraction)
            difficulty = sum(fractions) / len(fractions) if fractions else None
            discrimination = point_biserial(fractions, rests)
            analysis.append(ItemStats(bank.id, question.id, question.type, len(fractions),
                                      difficulty, discrimination, counts,
                                      cue_flag(question, by_kind, discrimination)))
    return analysis
