"""The review queue: answers a person should look at before the grades go out.

- **near misses**: a ``text`` answer that scored 0 but is close to an accepted answer (a
  typo, a plural, an extra word): its similarity to the closest accepted answer, after the
  same normalisation the grader uses, is at least :data:`NEAR` (``difflib``'s ratio), or one
  contains the other. Accept it with an override, or add the spelling to the bank's
  ``accept`` list for next time.
- **written** answers (a question type that is never scored automatically): listed with the
  question's rubric, to be scored in the overrides file.

An answer that already has a question override is left out: it has been reviewed. The queue
is written as ``review.csv`` (``learner_id, item, question, kind, answer, expected,
score, points``; ``expected`` holds the accepted answers or the rubric).

Example:
    >>> closeness("lottery tickets", ["lottery ticket"]) >= NEAR
    True
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from pruneedu import quiz
from pruneedu.grading.classgrade import ClassGrades

NEAR = 0.8
MAX_ANSWER_CHARS = 500
COLUMNS = ("learner_id", "item", "question", "kind", "answer", "expected", "score", "points")


@dataclass(frozen=True, order=True)
class ReviewItem:
    """One answer to look at."""

    learner_id: str
    item: str
    question: str
    kind: str
    answer: str
    expected: str
    score: float
    points: float


def closeness(answer: str, accepted: Iterable[str]) -> float:
    """How close ``answer`` is to the nearest accepted answer, from 0 to 1 (1 = contains it).

    Example:
        >>> closeness("the lottery ticket idea", ["lottery ticket"]), closeness("x", ["abc"])
        (1.0, 0.0)
    """
    given = quiz.normalise_text(answer)
    best = 0.0
    for option in accepted:
        wanted = quiz.normalise_text(str(option))
        if not given or not wanted:
            continue
        if wanted in given or given in wanted:
            return 1.0
        best = max(best, difflib.SequenceMatcher(None, given, wanted).ratio())
    return best


def review_queue(grades: ClassGrades) -> list[ReviewItem]:
    """Every near miss and written answer of the class (sorted), reviewed ones left out."""
    reviewed = {o.key for o in grades.setup.overrides}
    queue = []
    for learner, record in grades.learners.items():
        for quiz_id, grade in record.quizzes.items():
            bank = grades.material.banks[quiz_id]
            answers = record.answers.get(quiz_id, {})
            for question in bank.questions:
                if (learner, quiz_id, question.id) in reviewed:
                    continue
                entry = answers.get(question.id)
                value = entry.get("value") if isinstance(entry, dict) else None
                result = grade.results.get(question.id)
                if result is None:  # not one of this learner's questions
                    continue
                item = _review(question, value, result.score)
                if item is not None:
                    kind, expected = item
                    queue.append(ReviewItem(learner, quiz_id, question.id, kind,
                                            str(value)[:MAX_ANSWER_CHARS], expected,
                                            result.score, result.max_score))
    return sorted(queue)


def _review(question: quiz.Question, value: object, score: float) -> tuple[str, str] | None:
    if question.type == "written":
        # No automatic score exists: every answer waits for a person (and an override).
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return "written", " | ".join(question.rubric)
    if question.type == "text" and isinstance(value, str) and score == 0 and value.strip():
        accepted = list(question.answer["accept"])  # type: ignore[index]
        if closeness(value, accepted) >= NEAR:
            return "near miss", " | ".join(map(str, accepted))
    return None
