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
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from pruneedu import quiz
from pruneedu.grading.classgrade import ClassGrades, grade_class
from pruneedu.grading.material import Material, load_material
from pruneedu.grading.rejects import report
from pruneedu.grading.sandbox import SandboxError

MIN_SECRET_CHARS = 16


def add_material_arguments(parser: argparse.ArgumentParser) -> None:
    """``--quizzes``, ``--exercises`` (where the instructor's full material is) and
    ``--secret-file`` (the instructor's secret behind each class's per-learner numbers)."""
    parser.add_argument("--quizzes", type=Path, default=None, metavar="DIR",
                        help="folder of the full quiz banks, with answer keys "
                             "(default: the course's quizzes/)")
    parser.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                        help="folder of the code exercises (default: the course's exercises/)")
    parser.add_argument("--secret-file", type=Path, default=None, metavar="FILE",
                        help="file holding the instructor's secret, from which each class's "
                             "per-learner numbers are derived (use the same file to release "
                             "and to grade; never hand it out)")


def read_secret(path: Path | None) -> str | None:
    """The instructor's secret from ``--secret-file`` (None without one); ValueError when the
    file cannot be read or is too short to be a secret.

    Example:
        >>> read_secret(None) is None
        True
    """
    if path is None:
        return None
    try:
        secret = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"--secret-file {path} cannot be read ({error}); give the file that "
                         "holds the instructor's secret.") from None
    if len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"--secret-file {path} holds {len(secret)} characters; write a random "
                         f"secret of at least {MIN_SECRET_CHARS} into it (e.g. "
                         "`python -c 'import secrets; print(secrets.token_hex(32))'`).")
    return secret


def material_from_args(args: argparse.Namespace) -> Material:
    """The banks and exercises of ``--quizzes``/``--exercises``, with the class's variant seed
    derived from ``--secret-file`` (ValueError on bad material or secret)."""
    material = load_material(args.quizzes, args.exercises)
    secret = read_secret(getattr(args, "secret_file", None))
    if secret is None:
        return material
    return dataclasses.replace(material, variant_seed=quiz.class_seed(secret))


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
        material = material_from_args(args)
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
    pending = sum(len(g.pending) for r in grades.learners.values() for g in r.quizzes.values())
    if pending:
        print(f"{pending} written answer{'s' if pending != 1 else ''} await a person's score "
              "(scored 0 until then).")
    return report(grades.rejects)
