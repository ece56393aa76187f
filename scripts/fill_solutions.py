"""Write a copy of the course notebooks with every exercise stub replaced by its solution.

``make test`` runs the notebooks twice under nbval: as shipped (stubs that raise
NotImplementedError) and as this script writes them (reference solutions filled in), so both a
new learner's run and a finished learner's run are checked. The copies are generated, never
committed (``build/`` is ignored). Exercise cells are marked as :mod:`pruneedu.exercises.cells`
describes; a marked cell whose stub differs from ``exercises/<id>/stub.py`` stops the script.

    .venv/bin/python scripts/fill_solutions.py                       # every notebook
    .venv/bin/python scripts/fill_solutions.py notebooks/04-lab.ipynb --out build/solved
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pruneedu.exercises.cells import exercise_cells, fill_solutions, stub_problems

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to fill (default: every notebook in notebooks/)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "solved-notebooks",
                        help="folder for the filled copies (default: build/solved-notebooks)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    problems, filled = [], 0
    for path in paths:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        problems += stub_problems(notebook, path.name, ROOT / "exercises")
        filled += len(exercise_cells(notebook))
        solved = fill_solutions(notebook, ROOT / "exercises")
        (args.out / path.name).write_text(json.dumps(solved, indent=1, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"Filled {filled} exercise cells in {len(paths)} notebooks into {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
