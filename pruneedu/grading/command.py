"""What the grading commands share: their options, and grade -> write -> report -> exit status.

``pruneedu grade``, ``feedback`` and ``stats`` each grade the whole class the same way and
differ only in the files they write. Their exit status means the same for all three (the
``pruneedu`` help lists it too):

- 0: every submission was graded in full and the files were written;
- 1: something was rejected (listed, and in ``gradebook.rejects.csv`` for ``grade``); the
  rest was graded and the files were still written;
- 2: a usage or set-up problem (a missing folder, a broken bank, a sandbox that cannot start,
  an ``--out`` that cannot be written): the reason is on standard error, and the output is
  not to be used.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from pruneedu.grading.classgrade import ClassGrades, grade_class
from pruneedu.grading.material import load_material
from pruneedu.grading.rejects import report
from pruneedu.grading.sandbox import SandboxError


def add_material_arguments(parser: argparse.ArgumentParser) -> None:
    """``--quizzes`` and ``--exercises``: where the instructor's full material is."""
    parser.add_argument("--quizzes", type=Path, default=None, metavar="DIR",
                        help="folder of the full quiz banks, with answer keys "
                             "(default: the course's quizzes/)")
    parser.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                        help="folder of the code exercises (default: the course's exercises/)")


def add_grading_arguments(parser: argparse.ArgumentParser, out_help: str) -> None:
    """The arguments of every grading command: the submissions, ``--out``, the material and
    ``--no-progress``."""
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR",
                        help="folder of the files learners handed in (sub-folders allowed)")
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    add_material_arguments(parser)
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def run_grading_command(command: str, args: argparse.Namespace, ignore: tuple[Path, ...],
                        write: Callable[[ClassGrades], str]) -> int:
    """Grade ``args.submissions`` against the material, let ``write`` write the command's
    files (it returns the line saying what it wrote), print the rejects: the exit status.
    """
    try:
        material = load_material(args.quizzes, args.exercises)
        unsafe = getattr(args, "unsafe_no_isolation", False)
        if unsafe:
            print(f"pruneedu {command}: WARNING: learners' code runs without isolation "
                  "(--unsafe-no-isolation); it can read and change your files.", file=sys.stderr)
        grades = grade_class(args.submissions, material, ignore=ignore,
                             progress=False if args.no_progress else None,
                             isolation="unsafe-none" if unsafe else "bwrap")
    except (ValueError, SandboxError) as error:
        print(f"pruneedu {command}: {error}", file=sys.stderr)
        return 2
    try:
        done = write(grades)
    except OSError as error:  # exit status 1 would read as "something was rejected"
        print(f"pruneedu {command}: cannot write to {args.out} ({error}); choose an --out "
              "you can write to.", file=sys.stderr)
        return 2
    print(done)
    return report(grades.rejects)
