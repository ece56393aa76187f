"""The ``pruneedu`` command: a thin dispatcher over subcommand modules.

Each subcommand lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``. Modules are imported only when their subcommand runs, so
``pruneedu validate`` never loads torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pruneedu import __version__

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "lesson": ("pruneedu.lessons", "print a lesson in the terminal at the depth you choose"),
    "validate": ("pruneedu.validate", "check quiz banks and the glossary for mistakes"),
    "import": ("pruneedu.import_material", "turn jupyterquiz or jupytercards JSON into a quiz "
               "bank or glossary file"),
    "release": ("pruneedu.grading.release", "write student copies without answer keys"),
    "grade": ("pruneedu.grading.grade", "grade a folder of student submissions"),
    "feedback": ("pruneedu.grading.feedback", "write one feedback file per student"),
    "stats": ("pruneedu.grading.stats", "item analysis of a graded class"),
    "audio": ("pruneedu.audio.command", "build, check or export the spoken lessons"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pruneedu", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"pruneedu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.set_defaults(_module=module_name)
        try:
            importlib.import_module(module_name).add_arguments(sub_parser)
        except ModuleNotFoundError:
            # A subcommand whose module is not installed yet stays listed but refuses to run.
            sub_parser.set_defaults(_missing=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if getattr(args, "_missing", False):
        print(f"pruneedu {args.command}: this command is not available in this install.",
              file=sys.stderr)
        return 2
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early; that is not an error of ours.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
