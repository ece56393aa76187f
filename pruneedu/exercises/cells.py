"""Exercise cells in the course notebooks: how they are marked, and filling in the solutions.

An exercise's stub cell starts with the line ``# exercise: <exercise-id>`` and holds, below it,
exactly that exercise's ``stub.py``. Nothing else marks it: the line is visible to learners, it
survives copying cells between notebooks, and it names what ``check("<exercise-id>", ...)``
checks. ``scripts/fill_solutions.py`` uses :func:`fill_solutions` to write a copy of each
notebook with every marked cell's stub replaced by the reference solution, so ``make test`` can
run the course twice: as shipped, and solved.

Example:
    >>> exercise_id_of("# exercise: nm-mask\\nimport torch\\n")
    'nm-mask'
    >>> exercise_id_of("import torch\\n") is None
    True
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from pruneedu.exercises.definition import load_exercise

MARKER = "# exercise: "
_MARKER_LINE = re.compile(r"# exercise: ([a-z0-9][a-z0-9-]*)\s*")


def cell_text(cell: dict) -> str:
    """A notebook cell's source as one string (notebooks may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def exercise_id_of(source: str) -> str | None:
    """The exercise id a stub cell is marked with (its first line), or None."""
    first = source.split("\n", 1)[0]
    match = _MARKER_LINE.fullmatch(first)
    return match.group(1) if match else None


def marked_cell(exercise_id: str, root: Path | None = None, solution: bool = False) -> str:
    """The text a marked cell holds: the marker line, then the stub (or the solution)."""
    exercise = load_exercise(exercise_id, root)
    path = exercise.solution_path if solution else exercise.stub_path
    return f"{MARKER}{exercise_id}\n" + path.read_text(encoding="utf-8").rstrip("\n")


def exercise_cells(notebook: dict) -> list[tuple[int, str]]:
    """``(cell index, exercise id)`` of every marked code cell, in notebook order."""
    found = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") == "code":
            exercise_id = exercise_id_of(cell_text(cell))
            if exercise_id is not None:
                found.append((index, exercise_id))
    return found


def stub_problems(notebook: dict, name: str, root: Path | None = None) -> list[str]:
    """Marked cells whose text is not exactly their exercise's stub (one sentence each)."""
    problems = []
    for index, exercise_id in exercise_cells(notebook):
        try:
            expected = marked_cell(exercise_id, root)
        except ValueError:
            problems.append(f"{name}, cell {index}: no exercise {exercise_id!r}.")
            continue
        if cell_text(notebook["cells"][index]).rstrip() != expected.rstrip():
            problems.append(f"{name}, cell {index}: the stub differs from "
                            f"exercises/{exercise_id}/stub.py; copy it into the cell again "
                            "(below the marker line).")
    return problems


def fill_solutions(notebook: dict, root: Path | None = None) -> dict:
    """A copy of ``notebook`` with every marked cell holding its reference solution."""
    filled = copy.deepcopy(notebook)
    for index, exercise_id in exercise_cells(filled):
        filled["cells"][index]["source"] = marked_cell(exercise_id, root, solution=True)
    return filled
