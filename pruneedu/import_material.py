"""``pruneedu import``: turn a teacher's jupyterquiz or jupytercards JSON into course files.

    pruneedu import jupyterquiz my-quiz.json --out quizzes/04-extra.yaml --lesson 03-challenges
    pruneedu import jupytercards cards.json --out my-glossary.yaml --lesson 01-introduction

The quiz id is the output file's name (``04-extra``), as ``pruneedu validate`` expects. The
result is checked with the same rules as ``pruneedu validate`` before anything is written, so a
file that lands is one the course can load; an existing file is never overwritten without
``--force``. To add imported cards to the course glossary, copy the ``terms`` entries into
``quizzes/glossary.yaml`` and run ``pruneedu validate``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from pruneedu.atomic import write_atomic
from pruneedu.importers import import_jupytercards, import_jupyterquiz
from pruneedu.quiz.schema import check_bank, check_glossary

KINDS = ("jupyterquiz", "jupytercards")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS, help="the tool the JSON was written for")
    parser.add_argument("source", type=Path, help="the JSON file to import")
    parser.add_argument("--out", type=Path, required=True,
                        help="the YAML file to write (a quiz's file name is its id)")
    parser.add_argument("--lesson", required=True,
                        help="the lesson id the questions or terms belong to, "
                             "e.g. 01-introduction")
    parser.add_argument("--title", default=None, help="the quiz title (jupyterquiz only)")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def converted(args: argparse.Namespace) -> tuple[dict, list]:
    """The YAML document for ``args`` and the problems the validator finds in it."""
    if args.kind == "jupyterquiz":
        quiz_id = args.out.stem
        bank = import_jupyterquiz(args.source, quiz_id=quiz_id,
                                  title=args.title or f"Imported quiz {quiz_id}",
                                  lesson=args.lesson, concept="imported")
        return bank, check_bank(bank, quiz_id)
    glossary = {"format_version": 1,
                "terms": import_jupytercards(args.source, lesson=args.lesson)}
    return glossary, check_glossary(glossary)


def run(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.force:
        print(f"pruneedu import: {args.out} exists; choose another --out or add --force.",
              file=sys.stderr)
        return 2
    try:
        document, problems = converted(args)
    except (ValueError, OSError) as error:
        print(f"pruneedu import: {args.source}: {error}", file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            where = f"{problem.item}: " if problem.item else ""
            print(f"pruneedu import: {args.source}: {where}{problem.message}", file=sys.stderr)
        print("Nothing was written; fix the source and run the import again.", file=sys.stderr)
        return 1
    try:
        write_atomic(args.out, yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    except OSError as error:
        print(f"pruneedu import: cannot write {args.out} ({error.strerror or error}); choose "
              "an --out you can write to.", file=sys.stderr)
        return 2
    count = len(document.get("questions", document.get("terms", [])))
    noun = "question" if args.kind == "jupyterquiz" else "term"
    print(f"Imported {count} {noun}{'' if count == 1 else 's'} from {args.source} "
          f"into {args.out}.")
    return 0
