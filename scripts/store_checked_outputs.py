"""Store reference outputs for the notebook cells marked ``# NBVAL_CHECK_OUTPUT``, and no others.

nbval compares a cell's fresh output with the output stored in the notebook, and it skips any
cell stored unrun. So the course keeps its notebooks free of outputs except for these few
deterministic prints: that way `make test` really checks the numbers a learner will see, and a
change that moves them shows up as a failing cell rather than passing silently.

Run it after changing a notebook or anything that changes a checked number, then review the
diff of the notebooks before committing:

    .venv/bin/python scripts/store_checked_outputs.py               # every notebook
    .venv/bin/python scripts/store_checked_outputs.py notebooks/01-introduction.ipynb
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARKER = "# NBVAL_CHECK_OUTPUT"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and MARKER in cell.source


def keep_checked_outputs(notebook: nbformat.NotebookNode) -> int:
    """Strip every output except those of checked cells; return how many cells kept theirs."""
    kept = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if is_checked(cell):
            kept += 1
        else:
            cell.outputs = []
            cell.execution_count = None
    return kept


def store(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    # Running adds widget state and kernel details to the notebook's metadata; keep it as written.
    metadata = copy.deepcopy(notebook.metadata)
    with tempfile.TemporaryDirectory() as home:
        # A scratch learner folder: running the notebook must not touch the author's own
        # saved answers or flashcards.
        os.environ["PRUNEEDU_HOME"] = home
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "error"]
    if errors:
        raise SystemExit(f"{path.name}: a cell raised {errors[0]['ename']}; fix it first.")
    kept = keep_checked_outputs(notebook)
    notebook.metadata = metadata
    nbformat.write(notebook, path)
    print(f"{path.name}: stored the outputs of {kept} checked cells")


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in targets:
        store(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
