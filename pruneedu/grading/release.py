"""``pruneedu release OUT_DIR``: learner copies of the quiz banks and exercises, without keys.

Writes ``OUT_DIR/quizzes/<quiz-id>.yaml`` (``quiz.release_bank``: no answers, explanations or
feedback; matching definitions sorted) and ``OUT_DIR/exercises/<id>/`` with ``exercise.yaml``,
``stub.py`` and ``public_tests.py`` only. Everything is first written to a staging folder and
checked by :mod:`pruneedu.grading.leakcheck`; if any key text survives, the staging folder is
removed, the leaks are listed and the command exits 1 without touching ``OUT_DIR``. A non-empty
``OUT_DIR`` is refused unless ``--force`` (which replaces the released files and deletes
nothing else). Exit status: 0 released, 1 a leak was found, 2 a usage or set-up error.

Example:
    $ pruneedu release handout/ --quizzes quizzes/ --exercises exercises/
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from pruneedu import quiz
from pruneedu.grading.command import add_material_arguments, material_from_args
from pruneedu.grading.leakcheck import Leak, find_leaks, key_texts, released_bank_leaks
from pruneedu.grading.material import Material

RELEASED_EXERCISE_FILES = ("exercise.yaml", "stub.py", "public_tests.py")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder for the learner copies")
    add_material_arguments(parser)
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty folder (replaces released files only)")


def write_release(material: Material, folder: Path) -> list[Path]:
    """Write the learner copies into ``folder``; returns the files written (relative)."""
    written = []
    for bank in material.banks.values():
        text = yaml.safe_dump(quiz.release_bank(bank, material.variant_seed), sort_keys=False,
                              allow_unicode=True, width=10**9)
        target = Path("quizzes") / f"{bank.id}.yaml"
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        (folder / target).write_text(text, encoding="utf-8")
        written.append(target)
    for exercise in material.exercises.values():
        for name in RELEASED_EXERCISE_FILES:
            target = Path("exercises") / exercise.id / name
            (folder / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(exercise.folder / name, folder / target)
            written.append(target)
    return written


def check_release(material: Material, folder: Path, files: list[Path]) -> list[Leak]:
    """Every leak of key text (or key fields) in the released ``files`` under ``folder``."""
    texts = {path.as_posix(): (folder / path).read_text(encoding="utf-8") for path in files}
    leaks = find_leaks(texts, key_texts(material))
    for name, text in texts.items():
        if name.startswith("quizzes/"):
            leaks += released_bank_leaks(name, text, material)
    return sorted(set(leaks))


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not out.is_dir():
        print(f"pruneedu release: {out} is a file; give a folder.", file=sys.stderr)
        return 2
    if out.is_dir() and any(out.iterdir()) and not args.force:
        print(f"pruneedu release: {out} is not empty; choose an empty folder or add --force.",
              file=sys.stderr)
        return 2
    try:
        material = material_from_args(args)
    except ValueError as error:
        print(f"pruneedu release: {error}", file=sys.stderr)
        return 2
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.staging-"))
    except OSError as error:
        print(f"pruneedu release: cannot write to {out} ({error.strerror or error}); choose a "
              "folder you can write to.", file=sys.stderr)
        return 2
    try:
        files = write_release(material, staging)
        leaks = check_release(material, staging, files)
        if leaks:
            print(f"pruneedu release: KEY TEXT FOUND in the learner copies; nothing was "
                  f"written to {out}:", file=sys.stderr)
            for leak in leaks:
                print(f"  {leak.file}: {leak.what}: {leak.text!r}", file=sys.stderr)
            return 1
        for path in files:
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, out / path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Released {len(material.banks)} quiz banks and {len(material.exercises)} exercises "
          f"to {out}; checked {len(files)} files: no key text found.")
    return 0
