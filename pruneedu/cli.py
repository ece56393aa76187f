"""The ``pruneedu`` command: a thin dispatcher over subcommand modules.

Each subcommand lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``. Modules that need torch or ipywidgets import them only inside ``run``,
so ``pruneedu --help`` and the quiz and grading commands start at once. Every command exits
0 when all went well, 1 when it found problems (and says which), 2 on a usage or set-up error
(with the message on standard error).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pruneedu import __version__
from pruneedu.grading.safe_text import say

DESCRIPTION = """\
PruneEdu's command for learners and teachers: read a lesson in the terminal; check, import
and release quiz material; grade a class, write feedback and item statistics."""

EPILOG = """\
exit status (every command):
  0  all went well
  1  problems found: the command lists them (see its --help for what counts)
  2  usage or set-up error: the message is on standard error

Run `pruneedu COMMAND --help` for a command's options, e.g. `pruneedu grade --help`."""

GRADING_STATUS = """\
  0  every submission was graded in full and the files were written
  1  some files or answers were rejected, or learners' ids are in conflict (listed); the
     rest was graded and the files written
  2  usage or set-up error (a missing folder, a broken bank, roster or overrides file, a
     sandbox that cannot start, an --out you cannot write to or that another command is
     writing): nothing was written, the previous output is left as it was"""

# name -> (module, what it does, what each exit status means for it)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "lesson": ("pruneedu.lessons",
               "read a lesson in the terminal at the depth you choose",
               "  0  the lesson was printed\n"
               "  2  usage error: an unknown lesson or depth, or the lesson file is missing"),
    "validate": ("pruneedu.validate",
                 "check quiz banks and the glossary after you edit them",
                 "  0  no problems: a one-line summary is printed\n"
                 "  1  problems found: one line each (file, question or term, what is wrong)\n"
                 "  2  usage error: PATH does not exist or holds no .yaml files"),
    "import": ("pruneedu.import_material",
               "turn jupyterquiz or jupytercards JSON into a checked quiz bank or glossary file",
               "  0  imported and written\n"
               "  1  the material breaks the course's rules (listed); nothing was written\n"
               "  2  usage error: an unreadable source, or --out exists (add --force)"),
    "release": ("pruneedu.grading.release",
                "write the installable course for learners, without keys; later, its solutions",
                "  0  released: every file was checked and holds no key text\n"
                "  1  key text or a key pattern found (listed); nothing was written\n"
                "  2  usage or set-up error: OUT overlaps the course, a non-empty OUT without "
                "--force,\n     broken material, a stub that cannot be run here"),
    "grade": ("pruneedu.grading.grade",
              "grade a folder of learners' submissions into a gradebook for your LMS",
              GRADING_STATUS),
    "feedback": ("pruneedu.grading.feedback",
                 "write one feedback file per learner", GRADING_STATUS),
    "stats": ("pruneedu.grading.stats",
              "item analysis: how hard each question was and how well it separated learners",
              GRADING_STATUS),
    "audio": ("pruneedu.audio.command",
              "build, check or export the spoken lessons (conversations and audio book)",
              "  0  done: built, exported, or every recording matches its lesson text\n"
              "  1  recordings that no longer match their lesson text (listed): run make audio\n"
              "  2  set-up error: no engines (pip install -e '.[audio]'), no ffmpeg, no audio/"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pruneedu", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"pruneedu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text, status) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text + ".",
                                    epilog=f"exit status:\n{status}",
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        sub_parser.set_defaults(_module=module_name)
        importlib.import_module(module_name).add_arguments(sub_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early; that is not an error of ours.
        sys.stderr.close()
        return 0
    except (OSError, ValueError) as error:
        # Files a command needs are missing or unreadable: a set-up error, not a crash.
        # The message can quote a file name a learner chose: printed without control codes.
        say(f"pruneedu {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
