"""Feedback that teaches, as HTML: a hint after a wrong first try, the solution after the
second try or on request, per-option lines in the learner's own letters, and the lesson
chapter that teaches the question.

Pure functions over a (concrete) question, the learner's answer and its grade; the widget puts
the strings into ``ipywidgets.HTML``. Every text from a bank goes through
:mod:`pruneedu.markdown_html`, which escapes raw HTML.

Example:
    >>> score_text(2, 3), score_text(2 / 3, 2), total_text(14.66, 17)
    ('2/3 points', '0.7/2 points', '14.7 / 17')
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from pruneedu.markdown_html import inline_html, to_html
from pruneedu.quiz.bank import Question
from pruneedu.quiz.grading import Result
from pruneedu.quiz.order import lettered_choices
from pruneedu.quiz.schema import DEPTHS, normalise_text

STAGES = ("first", "solution")


def number(value: float) -> str:
    """A score with at most one decimal, no trailing zeros: 2, 0.7, 14.7."""
    return f"{round(value, 1):g}"


def score_text(score: float, max_score: float) -> str:
    """One question's score, as ``2/3 points``."""
    unit = "point" if max_score == 1 else "points"
    return f"{number(score)}/{number(max_score)} {unit}"


def total_text(score: float, max_score: float) -> str:
    """A quiz total, as ``14.7 / 17``."""
    return f"{number(score)} / {number(max_score)}"


def _md(text: str) -> str:
    return inline_html(text) if text else ""


def _choice_lines(question: Question, learner_id: str, value: object, reveal: bool) -> list[str]:
    """One line per relevant option, in the learner's order and letters."""
    key = set(question.answer if question.type == "multiple" else [question.answer])
    picked = set(value if isinstance(value, list) else [value])
    lines, missed = [], []
    for letter, choice in lettered_choices(question, learner_id):
        feedback = f" {_md(choice.feedback)}" if choice.feedback else ""
        if choice.id in picked and choice.id in key:
            lines.append(f"<b>{letter}</b> (your pick): right.{feedback}")
        elif choice.id in picked:
            lines.append(f"<b>{letter}</b> (your pick): not right.{feedback}")
        elif choice.id in key:
            missed.append(letter)
            if reveal:
                lines.append(f"<b>{letter}</b> (not picked): this one is right: "
                             f"“{_md(choice.text)}”.{feedback}")
    if missed and question.type == "multiple":
        if reveal:
            lines.append(f"You missed {_and(missed)}.")
        else:
            count = len(missed)
            lines.append(f"You missed {count} right option{'s' if count > 1 else ''}; "
                         "look again before you check.")
    return lines


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _matching_lines(question: Question, value: object, reveal: bool) -> list[str]:
    pairs = question.answer["pairs"]  # type: ignore[index]
    given = value if isinstance(value, Mapping) else {}
    lines = []
    for term, definition in pairs.items():
        if given.get(term) == definition:
            continue
        shown = html.escape(term)
        if reveal:
            lines.append(f"<b>{shown}</b>: {html.escape(definition)}")
        else:
            what = "no definition chosen" if given.get(term) is None else "not this definition"
            lines.append(f"<b>{shown}</b>: {what}")
    if lines:
        heading = "The right pairs:" if reveal else "These pairs are wrong:"
        lines.insert(0, heading)
    return lines


def _key_line(question: Question) -> str:
    key = question.answer
    if question.type == "numeric" and isinstance(key, Mapping):
        if "value" in key:
            within = f" (within {key['tolerance']:g})" if key["tolerance"] else ""
            return f"The answer is {key['value']:,.6g}{within}."
        return f"Any number from {key['min']:g} to {key['max']:g} is right."
    if question.type == "truefalse":
        return f"The statement is {'true' if key else 'false'}."
    if question.type == "text":
        return f"The answer is “{html.escape(str(key['accept'][0]))}”."  # type: ignore[index]
    return ""


def verdict_html(result: Result) -> str:
    """``Correct: 1/1 point.`` / ``Partly right: 0.7/2 points.`` / ``Not quite: 0/1 point.``"""
    verdict = ("Correct" if result.correct
               else "Partly right" if result.score > 0 else "Not quite")
    return f"<b>{verdict}</b>: {score_text(result.score, result.max_score)}."


def feedback_html(question: Question, learner_id: str, value: object, result: Result,
                  stage: str) -> str:
    """What the learner reads after checking an answer.

    ``stage`` ``"first"`` (a wrong first try): the verdict, which of their picks are wrong and
    the misconception behind each, how many right options they missed (not which), and a hint;
    no solution. ``"solution"`` (a second try, or asked for): all of that with the missed
    options named, the key and the worked explanation. A right answer always gets the
    explanation.
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}.")
    reveal = stage == "solution" or result.correct
    parts = [verdict_html(result)]
    if question.type in ("single", "multiple"):
        parts += _choice_lines(question, learner_id, value, reveal)
    elif question.type == "matching":
        parts += _matching_lines(question, value, reveal)
    if not result.correct and not reveal:
        # Choice and pair lines already name the misconceptions; other types get the slip
        # their answer matches (result.hint), else the question's own hint.
        listed = question.type in ("single", "multiple", "matching")
        hint = question.hint if listed else result.hint
        if hint:
            parts.append(f"<i>Hint:</i> {_md(hint)}")
        parts.append("Try again, or ask for the solution.")
    if reveal:
        if not result.correct and question.type not in ("single", "multiple", "matching"):
            parts.append(_key_line(question))
        if question.explanation:
            parts.append(f"<div class='pruneedu-explanation'>{to_html(question.explanation)}"
                         "</div>")
    return "<br>".join(p for p in parts if p)


def solution_html(question: Question, learner_id: str) -> str:
    """The solution shown on request before any answer: the key and the explanation."""
    parts = []
    if question.type in ("single", "multiple"):
        key = set(question.answer if question.type == "multiple" else [question.answer])
        parts += [f"<b>{letter}</b> is right: {_md(c.text)}"
                  for letter, c in lettered_choices(question, learner_id) if c.id in key]
    elif question.type == "matching":
        parts += _matching_lines(question, {}, reveal=True)
    else:
        parts.append(_key_line(question))
    if question.explanation:
        parts.append(to_html(question.explanation))
    return "<br>".join(p for p in parts if p)


def written_html(question: Question, saved: bool) -> str:
    """After a written answer is saved in practice: the rubric (and model answer) to compare."""
    rubric = "".join(f"<li>{_md(item)}</li>" for item in question.rubric)
    parts = ["Saved. A person scores written answers; compare yours with what a full answer "
             f"contains:<ul>{rubric}</ul>" if saved else ""]
    if question.model_answer:
        parts.append(f"<i>One good answer:</i> {to_html(question.model_answer)}")
    return "".join(parts)


def depth_note(question: Question, learner_depth: str | None, lesson_title: str) -> str:
    """A note when the question needs a deeper summary than the one the learner reads."""
    if question.depth == "basic":
        return ""
    needed = question.depth.capitalize()
    if learner_depth is None:
        return f"<i>(needs the {needed} summary)</i>"
    if DEPTHS.index(question.depth) <= DEPTHS.index(learner_depth):
        return ""
    return (f"<i>This question needs the {needed} summary of {html.escape(lesson_title)}; "
            f"you read it at {learner_depth.capitalize()} depth. Read the chapter it points to, "
            "or leave it for later.</i>")


@dataclass(frozen=True)
class LessonReference:
    """Where a question is taught: lesson, depth of the summary, the chapter and its text."""

    lesson_id: str
    lesson_title: str
    depth: str
    part: str   # "Summary" or "FAQ"
    title: str
    text: str

    def html(self) -> str:
        """The reference line and the chapter itself, for the "Re-read" box."""
        where = (f"{self.part} ({self.depth.capitalize()} depth)" if self.part == "Summary"
                 else self.part)
        call = f"lessons.show(\"{self.lesson_id}\", depth=\"{self.depth}\")"
        return (f"<p><b>{html.escape(self.lesson_title)}</b>, {where}: "
                f"<i>{html.escape(self.title)}</i></p>{to_html(self.text)}"
                f"<p><small>The whole lesson: <code>{html.escape(call)}</code></small></p>")


def _same(a: str, b: str) -> bool:
    return normalise_text(a) == normalise_text(b)


def find_reference(question: Question, bank_lesson: str) -> LessonReference | None:
    """The summary chapter (at the question's depth, else any depth) or FAQ entry whose title
    is the question's ``see``; None when the question names none or the lesson lacks it."""
    if not question.see:
        return None
    from pruneedu import lessons  # loads only lesson texts; no widgets

    lesson_id = question.lesson or bank_lesson
    try:
        lesson = lessons.load_lesson(lesson_id)
    except (OSError, ValueError):
        return None
    order = [question.depth] + [d for d in DEPTHS if d != question.depth]
    for depth in order:
        for chapter in lesson.summary_chapters(depth):
            if _same(chapter.title, question.see):
                return LessonReference(lesson_id, lesson.title, depth, "Summary",
                                       chapter.title, chapter.text)
    for entry in lesson.faq():
        if _same(entry.question, question.see):
            return LessonReference(lesson_id, lesson.title, question.depth, "FAQ",
                                   entry.question, entry.answer)
    return None
