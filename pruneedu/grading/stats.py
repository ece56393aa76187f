"""``pruneedu stats SUBMISSIONS_DIR --out DIR``: item analysis of every quiz question.

Grades the class as ``pruneedu grade`` does, then prints a table and writes
``DIR/item_analysis.csv`` and ``DIR/item_analysis.png`` (difficulty against discrimination, one
labelled point per question). The measures are defined in :mod:`pruneedu.grading.itemstats`:
discrimination is the point-biserial correlation with the rest score (not upper-lower groups).
Exit status as for ``pruneedu grade``.

Example:
    $ pruneedu stats submissions/ --out stats/
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pruneedu.grading.classgrade import ClassGrades
from pruneedu.grading.command import add_grading_arguments, run_grading_command
from pruneedu.grading.gradebook import write_csv
from pruneedu.grading.itemstats import ItemStats, item_analysis

COLUMNS = ("quiz", "question", "type", "learners", "difficulty", "discrimination", "distractors",
           "cue")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_grading_arguments(parser, "folder for item_analysis.csv and item_analysis.png")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def table_rows(analysis: list[ItemStats]) -> list[list[str]]:
    """The CSV and printed rows: numbers to 3 decimals, blank when undefined.

    Example:
        >>> table_rows([ItemStats("q", "q1", "single", 4, 0.5, None, {"a": 2, "b": 2})])
        [['q', 'q1', 'single', '4', '0.500', '', 'a:2 b:2', '']]
    """
    return [[s.quiz_id, s.question_id, s.type, str(s.learners), _number(s.difficulty),
             _number(s.discrimination), " ".join(f"{k}:{v}" for k, v in s.distractors.items()),
             s.cue]
            for s in analysis]


def format_table(rows: list[list[str]]) -> str:
    """A plain fixed-width table for the terminal."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(COLUMNS, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in [list(COLUMNS), *rows]]
    return "\n".join(line.rstrip() for line in lines)


def plot(analysis: list[ItemStats], path: Path) -> Path:
    """Save difficulty (x) against discrimination (y) as a PNG; undefined points are left out."""
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    figure = Figure(figsize=(7, 5))
    axes = figure.subplots()
    shown = [s for s in analysis if s.difficulty is not None and s.discrimination is not None]
    axes.scatter([s.difficulty for s in shown], [s.discrimination for s in shown])
    for item in shown:
        axes.annotate(item.question_id, (item.difficulty, item.discrimination), fontsize=7,
                      xytext=(3, 3), textcoords="offset points")
    axes.axhline(0.0, color="grey", linewidth=0.8)
    axes.set_xlim(-0.05, 1.05)
    axes.set_ylim(-1.05, 1.05)
    axes.set_xlabel("difficulty (mean score fraction; 1 = everyone right)")
    axes.set_ylabel("discrimination (point-biserial r with rest score)")
    axes.set_title(f"Item analysis: {len(shown)} of {len(analysis)} questions plotted")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100, metadata={"Software": None})
    return path


def run(args: argparse.Namespace) -> int:
    def write(grades: ClassGrades) -> str:
        analysis = item_analysis(grades)
        rows = table_rows(analysis)
        print(format_table(rows))
        write_csv(args.out / "item_analysis.csv", COLUMNS, rows)
        plot(analysis, args.out / "item_analysis.png")
        return f"Wrote {args.out / 'item_analysis.csv'} and {args.out / 'item_analysis.png'}."

    return run_grading_command("stats", args, (args.out,), write)
