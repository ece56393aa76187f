"""Item analysis of a graded class: how hard each question was and how well it separated.

- **difficulty**: the mean score fraction (score / points) over the learners graded on the
  quiz; 1.0 means everyone got it right.
- **discrimination**: the point-biserial correlation between the question's score fraction and
  the learner's total on the OTHER questions of the same quiz (the "rest score", so the item
  does not correlate with itself). With partial credit this is Pearson's r. It is ``None`` with
  fewer than 3 learners or when either side does not vary. Near 0 or negative: the question
  does not separate stronger from weaker learners and is worth a second look.
- **distractors**: for single and multiple choice questions, how many learners picked each
  choice (``(blank)`` for no answer).

Example:
    >>> point_biserial([1, 0, 1, 0], [3, 1, 2, 0])
    0.8944271909999159
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pruneedu.grading.classgrade import ClassGrades


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


def _picked(value: object) -> list[str]:
    if value is None or value == "" or value == []:
        return ["(blank)"]
    values = value if isinstance(value, list) else [value]
    return [v if isinstance(v, str) else "(invalid)" for v in values]


def item_analysis(grades: ClassGrades) -> list[ItemStats]:
    """One :class:`ItemStats` per question of every bank, in bank and question order."""
    analysis = []
    for bank in grades.material.banks.values():
        graded = [r for r in grades.learners.values() if bank.id in r.quizzes]
        for question in bank.questions:
            fractions, rests, counts = [], [], {}
            if question.type in ("single", "multiple"):
                counts = {choice.id: 0 for choice in question.choices}
            for record in graded:
                grade = record.quizzes[bank.id]
                result = grade.results[question.id]
                fractions.append(result.score / result.max_score if result.max_score else 0.0)
                rests.append(grade.score - result.score)
                if question.type in ("single", "multiple"):
                    entry = record.answers[bank.id].get(question.id)
                    value = entry.get("value") if isinstance(entry, dict) else None
                    for choice in _picked(value):
                        counts[choice] = counts.get(choice, 0) + 1
            difficulty = sum(fractions) / len(fractions) if fractions else None
            analysis.append(ItemStats(bank.id, question.id, question.type, len(graded),
                                      difficulty, point_biserial(fractions, rests), counts))
    return analysis
