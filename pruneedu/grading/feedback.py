"""``pruneedu feedback SUBMISSIONS_DIR --out FEEDBACK_DIR``: one Markdown file per learner.

Each ``<learner-id>.md`` (with a short hash added where two ids differ only in case) lists, per
quiz, every question as right or wrong with the points earned;
for a question not fully right it adds the explanation (and the per-choice feedback on what
they picked). Keys are never shown unless ``--reveal-answers``, and then only for questions the
learner got wrong. For code exercises it lists the PUBLIC tests by name with their result and
gives the hidden tests only as a count: hidden names, inputs and sources never appear. Files of
theirs that were rejected are listed with the reason. Exit status as for ``pruneedu grade``.

Example:
    $ pruneedu feedback submissions/ --out feedback/ --reveal-answers
"""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter

from pruneedu import quiz
from pruneedu.atomic import write_atomic
from pruneedu.grading.classgrade import ClassGrades, LearnerGrades
from pruneedu.grading.codegrade import WITHHELD, ExerciseResult
from pruneedu.grading.command import add_grading_arguments, run_grading_command
from pruneedu.grading.gradebook import format_points


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_grading_arguments(parser, "folder for the feedback files")
    parser.add_argument("--reveal-answers", action="store_true",
                        help="show the right answer for each question a learner got wrong")


def describe_key(question: quiz.Question) -> str:
    """The right answer in words, for ``--reveal-answers``.

    Example:
        >>> describe_key(quiz.Question("q", "truefalse", "?", "c", answer=True))
        'true'
    """
    key = question.answer
    if question.type == "written":
        return "none: a person scores it against its rubric"
    if question.type in ("numeric", "truefalse") and isinstance(key, dict) and "formula" in key:
        return "it depends on numbers your notebook records, which your file does not hold"
    if question.type == "single":
        return f"{key}) {question.choice(key).text}"
    if question.type == "multiple":
        return "; ".join(f"{k}) {question.choice(k).text}" for k in key)
    if question.type == "truefalse":
        return "true" if key else "false"
    if question.type == "numeric":
        if "value" in key:
            return f"{key['value']:g} (within {key['tolerance']:g})"
        return f"from {key['min']:g} to {key['max']:g}"
    if question.type == "text":
        return str(key["accept"][0])
    return "; ".join(f"{term} -> {definition}" for term, definition in key["pairs"].items())


def _quiz_section(bank: quiz.Bank, record: LearnerGrades, reveal: bool) -> list[str]:
    grade = record.quizzes.get(bank.id)
    if grade is None:
        return [f"## {bank.title} ({bank.id})", "", "Not handed in, or not graded (see below).", ""]
    lines = [f"## {bank.title} ({bank.id}): {format_points(grade.score)} of "
             f"{format_points(grade.max_score)} points", ""]
    for question in bank.questions:
        result = grade.results.get(question.id)
        if result is None:  # a pool did not ask this learner this question
            continue
        question = grade.questions.get(question.id, question)  # with the learner's own numbers
        mark = "right" if result.correct else "wrong" if result.score == 0 else "partly right"
        if result.pending:
            mark = "waiting for a person's score"
        lines.append(f"- **{mark}** ({format_points(result.score)} of "
                     f"{format_points(result.max_score)}): {question.prompt}")
        if not result.correct:
            if result.feedback:
                lines.append(f"  - On your answer: {result.feedback}")
            if question.explanation:
                lines.append(f"  - Why: {question.explanation}")
            if reveal:
                lines.append(f"  - The answer: {describe_key(question)}")
    return lines + [""]


def _exercise_section(title: str, exercise_id: str, result: ExerciseResult | None) -> list[str]:
    if result is None:
        return [f"## {title} ({exercise_id})", "", "No code handed in.", ""]
    lines = [f"## {title} ({exercise_id}): {format_points(result.score)} of "
             f"{format_points(result.max_score)} points", ""]
    if result.error:  # text from after hidden inputs may encode them: never quoted
        lines.append(f"Your code did not finish: "
                     f"{result.error if result.error_quotable else WITHHELD}.")
    for test in result.public:
        lines.append(f"- PASS {test.name}" if test.passed else f"- FAIL {test.name}: {test.reason}")
    hidden_passed = sum(test.passed for test in result.hidden)
    lines.append(f"- Hidden tests: {hidden_passed} of {len(result.hidden)} passed.")
    return lines + [""]


def learner_feedback(grades: ClassGrades, learner: str, reveal: bool = False) -> str:
    """The Markdown feedback for one learner (deterministic: no dates)."""
    record = grades.learners[learner]
    lines = [f"# Feedback for {learner}", "", f"Total: {format_points(record.total)} points.", ""]
    for bank in grades.material.banks.values():
        lines += _quiz_section(bank, record, reveal)
    for exercise in grades.material.exercises.values():
        lines += _exercise_section(exercise.title, exercise.id, record.exercises.get(exercise.id))
    theirs = [r for r in grades.rejects if r.learner_id == learner]
    if theirs:
        lines += ["## Not graded", ""]
        lines += [f"- {r.file}" + (f" ({r.question})" if r.question else "") + f": {r.reason}"
                  for r in theirs]
        lines.append("")
    return "\n".join(lines)


def feedback_file_names(learners: list[str]) -> dict[str, str]:
    """``<learner-id>.md`` per learner; ids that differ only in case (``Ada``, ``ada``) get a short
    hash as well, since macOS and Windows would otherwise write both to the same file.

    Example:
        >>> names = feedback_file_names(["Ada", "ada", "ben"])
        >>> names["ben"], names["Ada"] != names["ada"], names["ada"].startswith("ada-")
        ('ben.md', True, True)
    """
    folded = Counter(learner.casefold() for learner in learners)
    names = {}
    for learner in learners:
        suffix = ""
        if folded[learner.casefold()] > 1:
            suffix = "-" + hashlib.sha256(learner.encode()).hexdigest()[:8]
        names[learner] = f"{learner}{suffix}.md"
    return names


def run(args: argparse.Namespace) -> int:
    def write(grades: ClassGrades) -> str:
        names = feedback_file_names(list(grades.learners))
        for learner in grades.learners:
            write_atomic(args.out / names[learner],
                         learner_feedback(grades, learner, args.reveal_answers))
        return f"Wrote feedback for {len(grades.learners)} learners to {args.out}."

    return run_grading_command("feedback", args, (args.out,), write)
