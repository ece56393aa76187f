"""Exercise cells in the notebooks: every marked stub cell holds exactly its exercise's stub,
every exercise is in a notebook, and filling in the solutions touches only the marked cells
(make test runs the filled copies under nbval, see the Makefile's notebooks target)."""

import json
import subprocess
import sys
from pathlib import Path

from pruneedu.exercises import load_exercises
from pruneedu.exercises.cells import (
    cell_text,
    exercise_cells,
    exercise_id_of,
    fill_solutions,
    marked_cell,
    stub_problems,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_marked_cell_holds_exactly_its_stub():
    problems = [p for path in NOTEBOOKS for p in stub_problems(read(path), path.name,
                                                               ROOT / "exercises")]
    assert problems == []


def test_every_exercise_has_one_stub_cell_and_a_check_in_the_course():
    marked = [(path.name, exercise_id) for path in NOTEBOOKS
              for _, exercise_id in exercise_cells(read(path))]
    ids = [exercise_id for _, exercise_id in marked]
    assert sorted(ids) == sorted(load_exercises(ROOT / "exercises")), marked
    for path in NOTEBOOKS:
        code = [cell_text(c) for c in read(path)["cells"] if c["cell_type"] == "code"]
        for _, exercise_id in exercise_cells(read(path)):
            assert any(f'check("{exercise_id}", ' in cell for cell in code), exercise_id


def test_a_changed_stub_is_reported_and_filling_replaces_only_marked_cells(tmp_path):
    notebook = read(ROOT / "notebooks" / "04-lab.ipynb")
    index, exercise_id = exercise_cells(notebook)[0]
    notebook["cells"][index]["source"] = cell_text(notebook["cells"][index]) + "\nx = 1\n"
    assert "the stub differs" in stub_problems(notebook, "04-lab", ROOT / "exercises")[0]
    filled = fill_solutions(notebook, ROOT / "exercises")
    for before, after in zip(notebook["cells"], filled["cells"], strict=True):
        if exercise_id_of(cell_text(before)) is None:
            assert before == after
        else:
            assert cell_text(after) == marked_cell(exercise_id_of(cell_text(before)),
                                                   ROOT / "exercises", solution=True)
            assert "NotImplementedError" not in cell_text(after)


def test_the_fill_script_writes_copies_and_refuses_a_stale_stub(tmp_path):
    lab = ROOT / "notebooks" / "04-lab.ipynb"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "fill_solutions.py"), str(lab),
                           "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    solved = read(tmp_path / "04-lab.ipynb")
    assert exercise_cells(solved) == exercise_cells(read(lab))
    assert not any("raise NotImplementedError" in cell_text(c) for c in solved["cells"]
               if c["cell_type"] == "code")
    stale = read(lab)
    index, _ = exercise_cells(stale)[0]
    stale["cells"][index]["source"] = "# exercise: magnitude-mask\ndef magnitude_mask(w):\n  pass"
    (tmp_path / "stale.ipynb").write_text(json.dumps(stale))
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "fill_solutions.py"),
                           str(tmp_path / "stale.ipynb"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "stub differs" in done.stderr
