"""Notebooks are stored the way the course promises: no outputs except the reference prints
of cells marked ``# NBVAL_CHECK_OUTPUT``, which nbval compares on every `make test`.

A checked cell stored without output would be skipped by nbval and check nothing, so that is
an error here; `scripts/store_checked_outputs.py` refreshes the reference outputs.
"""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
MARKER = "# NBVAL_CHECK_OUTPUT"
SEED_CALL = re.compile(r"\bseed_everything\(")


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_the_course_notebooks_are_all_here():
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["00-welcome", "01-introduction", "02-weight-vs-node", "03-challenges",
                     "04-lab", "05-review"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_only_checked_cells_store_outputs(path):
    for cell in code_cells(path):
        if MARKER in cell.source:
            assert cell.outputs and cell.execution_count is not None, (
                f"{path.name}: a checked cell has no stored output, so nbval would skip it; "
                "run scripts/store_checked_outputs.py")
            assert all(o.output_type in ("stream", "execute_result") for o in cell.outputs)
            assert all(getattr(o, "name", "stdout") == "stdout" for o in cell.outputs), (
                f"{path.name}: a checked cell writes to stderr (a progress bar?)")
        else:
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name}: an unchecked cell was stored with its output")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_one_seed_call_right_after_the_imports(path):
    cells = code_cells(path)
    seeded = [i for i, c in enumerate(cells) if SEED_CALL.search(c.source)]
    assert len(seeded) == 1, f"{path.name}: expected exactly one seed_everything call"
    assert all("import" in c.source for c in cells[: seeded[0]])
