"""``pruneedu stats SUBMISSIONS_DIR --out stats/``: how each quiz question worked, at class size.

Grades the quiz answers as ``pruneedu grade`` does (same roster, overrides and accepted
versions) but never runs learners' code: item statistics need only the quizzes. Writes into
``stats/`` (replaced as a whole):

- ``item_analysis.csv``: ``quiz, question, type, learners, difficulty, discrimination,
  distractors, flags``; in ``distractors`` the key is marked with ``*`` (``a:3 b*:90 c:27``);
- ``<quiz-id>.png``: one chart per quiz, a bar per question for difficulty and one for
  discrimination, flagged questions in orange, the number of learners in the title.

and prints each quiz's table, its flagged questions and, under :data:`SMALL_CLASS` learners,
a warning that one learner moves the difficulty by ``1/n``. The measures are defined in
:mod:`pruneedu.grading.itemstats`. A question is flagged when nearly everyone or nearly no
one got it (difficulty above :data:`EASY` or below :data:`HARD`), when it separates stronger
from weaker learners weakly or backwards (discrimination below :data:`LOW_DISCRIMINATION`),
or when the item analysis finds it answered by a test-taking cue (``cue``, where the item
analysis has one). Exit status as for ``pruneedu grade``.

Example:
    $ pruneedu stats submissions/ --out stats/
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pruneedu import quiz
from pruneedu.grading.classgrade import ClassGrades
from pruneedu.grading.command import add_grading_arguments, run_grading_command
from pruneedu.grading.itemstats import ItemStats, item_analysis
from pruneedu.grading.outputset import OutputSet
from pruneedu.grading.safe_text import csv_cell
from pruneedu.grading.textfiles import csv_text

COLUMNS = ("quiz", "question", "type", "learners", "difficulty", "discrimination", "distractors",
           "cue", "flags")
EASY, HARD, LOW_DISCRIMINATION = 0.9, 0.3, 0.2
SMALL_CLASS = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_grading_arguments(parser, "folder for item_analysis.csv and one chart per quiz "
                                  "(replaced as a whole)")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def flags(item: ItemStats) -> list[str]:
    """Why a question deserves a second look (empty: it worked).

    Example:
        >>> flags(ItemStats("q", "q1", "single", 40, 0.95, 0.05, {}))
        ['too easy', 'weak discrimination']
    """
    found = []
    if item.difficulty is not None and item.difficulty > EASY:
        found.append("too easy")
    if item.difficulty is not None and item.difficulty < HARD:
        found.append("too hard")
    if item.discrimination is not None and item.discrimination < 0:
        found.append("negative discrimination")
    elif item.discrimination is not None and item.discrimination < LOW_DISCRIMINATION:
        found.append("weak discrimination")
    cue = getattr(item, "cue", "")  # the item analysis's own flag: answered by a test cue
    if cue:
        found.append(f"{cue} cue")
    return found


def distractor_text(item: ItemStats, question: quiz.Question) -> str:
    """Choice counts with the key marked ``*``; answers naming no choice count as
    ``(invalid)`` (they are the learner's own text, which stays out of the report).

    Example:
        >>> q = quiz.Question("q1", "single", "?", "c", choices=(quiz.Choice("a", "A"),
        ...                   quiz.Choice("b", "B")), answer="b")
        >>> distractor_text(ItemStats("q", "q1", "single", 5, 0.4, None,
        ...                           {"a": 2, "b": 2, "=cmd": 1}), q)
        'a:2 b*:2 (invalid):1'
    """
    key = question.answer
    keys = set(key) if isinstance(key, (list, tuple)) else {key} if isinstance(key, str) else set()
    shown = {choice.id for choice in question.choices} | {"(blank)", "(invalid)"}
    counts: dict[str, int] = {}
    for choice, count in item.distractors.items():
        name = choice if choice in shown else "(invalid)"
        counts[name] = counts.get(name, 0) + count
    return " ".join(f"{choice}{'*' if choice in keys else ''}:{count}"
                    for choice, count in counts.items())


def table_rows(grades: ClassGrades, analysis: list[ItemStats]) -> list[list[str]]:
    """The CSV and printed rows: numbers to 3 decimals, blank when undefined.

    Example (``class_folder`` holds the responses files ada and ben handed in):
        >>> from pruneedu.grading.classgrade import grade_class
        >>> from pruneedu.grading.material import load_material
        >>> grades = grade_class(class_folder, load_material(), progress=False)
        >>> table_rows(grades, item_analysis(grades))[0][:5]
        ['01-introduction', 'intro-what-is-pruning', 'single', '2', '0.500']
    """
    rows = []
    for item in analysis:
        question = grades.material.banks[item.quiz_id].question(item.question_id)
        rows.append([item.quiz_id, item.question_id, item.type, str(item.learners),
                     _number(item.difficulty), _number(item.discrimination),
                     csv_cell(distractor_text(item, question)), getattr(item, "cue", ""),
                     "; ".join(flags(item))])
    return rows


def format_table(rows: list[list[str]]) -> str:
    """A plain fixed-width table for the terminal."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(COLUMNS, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in [list(COLUMNS), *rows]]
    return "\n".join(line.rstrip() for line in lines)


def plot_quiz(title: str, items: list[ItemStats], path: Path) -> Path:
    """One quiz's chart: difficulty and discrimination per question, flagged ones in orange."""
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    height = 1.2 + 0.3 * len(items)
    figure = Figure(figsize=(9, height), layout="constrained")
    left, right = figure.subplots(1, 2, sharey=True)
    labels = [item.question_id for item in items]
    colours = ["tab:orange" if flags(item) else "tab:blue" for item in items]
    positions = range(len(items))
    left.barh(positions, [item.difficulty or 0.0 for item in items], color=colours)
    for limit in (HARD, EASY):
        left.axvline(limit, color="grey", linestyle="--", linewidth=0.8)
    left.set_xlim(0, 1)
    left.set_xlabel(f"difficulty (share of points earned); flagged outside {HARD}-{EASY}")
    left.set_yticks(list(positions), labels, fontsize=8)
    left.invert_yaxis()
    right.barh(positions, [item.discrimination or 0.0 for item in items], color=colours)
    for position, item in zip(positions, items, strict=True):
        if item.discrimination is None:  # fewer than 3 learners, or no one differs
            right.text(0.02, position, "undefined", va="center", fontsize=7, color="grey")
    right.axvline(LOW_DISCRIMINATION, color="grey", linestyle="--", linewidth=0.8)
    right.axvline(0.0, color="black", linewidth=0.8)
    right.set_xlim(-1, 1)
    right.set_xlabel(f"discrimination (r with the rest of the quiz); flagged below "
                     f"{LOW_DISCRIMINATION}")
    learners = max((item.learners for item in items), default=0)
    small = " (few: rough numbers)" if learners < SMALL_CLASS else ""
    noun = "learner" if learners == 1 else "learners"
    figure.suptitle(f"{title}: {learners} {noun}{small}; orange = flagged", fontsize=10)
    figure.savefig(path, dpi=100, metadata={"Software": None})
    return path


def write_stats(grades: ClassGrades, output: OutputSet) -> str:
    """Write the CSV and the charts; returns the report for the terminal."""
    analysis = item_analysis(grades)
    rows = table_rows(grades, analysis)
    output.write_text("item_analysis.csv", csv_text(COLUMNS, rows))
    report = []
    for bank in grades.material.banks.values():
        items = [item for item in analysis if item.quiz_id == bank.id]
        quiz_rows = [row for row in rows if row[0] == bank.id]
        learners = max((item.learners for item in items), default=0)
        noun = "learner" if learners == 1 else "learners"
        report += ["", f"{bank.title} ({bank.id}): {learners} {noun}", format_table(quiz_rows)]
        if 0 < learners < SMALL_CLASS:
            report.append(f"Warning: only {learners} {noun}; one learner moves a question's "
                          f"difficulty by {1 / learners:.3f}, so read these numbers as rough.")
        flagged = [f"  {row[1]}: {row[8]}" for row in quiz_rows if row[8]]
        report += ["Flagged:", *flagged] if flagged else ["Flagged: none."]
        if items and learners:
            plot_quiz(bank.title, items, output.path(f"{bank.id}.png"))
    report.append(f"\nWrote {output.out}/item_analysis.csv and one chart per quiz answered.")
    return "\n".join(report).lstrip("\n")


def run(args: argparse.Namespace) -> int:
    return run_grading_command("stats", args, write_stats, run_code=False)
