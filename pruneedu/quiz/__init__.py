"""Quizzes: banks, grading, responses files and the quiz widget (no torch needed).

The names below are the contract described in docs/formats.md; the instructor's grader,
the flashcards and the progress dashboard rely on them.

Example:
    >>> from pruneedu import quiz
    >>> bank = quiz.load_bank("01-introduction")
    >>> question = next(q for q in bank.questions if q.type == "truefalse")
    >>> quiz.grade_answer(question, question.answer).score == question.points
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pruneedu.quiz.bank import (
    Bank,
    BankError,
    Choice,
    Question,
    bank_from_dict,
    bank_path,
    load_bank,
)
from pruneedu.quiz.formula import FormulaError
from pruneedu.quiz.grading import (
    AnswerError,
    QuizGrade,
    Result,
    grade_answer,
    grade_responses,
    normalise_text,
)
from pruneedu.quiz.order import letter_of, lettered_choices, shuffled
from pruneedu.quiz.recorded import record_value, recorded_values
from pruneedu.quiz.release import content_hash, release_bank
from pruneedu.quiz.responses import (
    ResponsesError,
    load_responses,
    new_responses,
    record_answer,
    record_try,
    responses_path,
    save_responses,
)
from pruneedu.quiz.schema import Problem, check_bank, check_glossary
from pruneedu.quiz.variants import (
    VariantError,
    class_seed,
    concrete,
    draw_params,
    seed_id,
    select_questions,
)

if TYPE_CHECKING:
    from pruneedu.identity_prompt import IdentityPrompt
    from pruneedu.quiz.widget import QuizView

__all__ = [
    "AnswerError", "Bank", "BankError", "Choice", "FormulaError", "Problem", "Question",
    "QuizGrade", "Result", "ResponsesError", "VariantError", "bank_from_dict", "bank_path",
    "check_bank", "check_glossary", "class_seed", "concrete", "content_hash", "draw_params",
    "grade_answer", "grade_responses", "letter_of", "lettered_choices", "load_bank",
    "load_responses", "new_responses", "normalise_text", "record_answer", "record_try",
    "record_value", "recorded_values", "release_bank", "responses_path", "save_responses",
    "seed_id", "select_questions", "show", "shuffled",
]


def show(source: str | Path, mode: str = "practice", learner_id: str | None = None,
         path: str | Path | None = None,
         depth: str | None = None) -> QuizView | IdentityPrompt:
    """Show a quiz as widgets in the notebook; see :func:`pruneedu.quiz.widget.show`.

    By quiz id, practice mode shows the practice bank (with hints and solutions) and graded
    mode the graded bank without its keys. ipywidgets is imported only here, so grading
    scripts never load it.

    Example:
        >>> from pruneedu import quiz
        >>> view = quiz.show("01-introduction", mode="practice")   # a cell's last line shows it
    """
    from pruneedu.quiz.widget import show as show_widget

    return show_widget(source, mode=mode, learner_id=learner_id, path=path, depth=depth)
