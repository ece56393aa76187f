"""``pruneedu validate [PATH]``: check quiz banks and the glossary before learners see them.

Prints one line per problem (file, question or term id, what is wrong) and exits 1, or prints
a one-line summary and exits 0. PATH is the quizzes folder by default, or one YAML file; a
PATH that does not exist or holds no YAML file is a usage error (exit 2, message on stderr).

Example:
    $ pruneedu validate
    3 banks, 42 questions, glossary 30 terms: OK
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pruneedu import paths
from pruneedu.argcheck import short_repr
from pruneedu.quiz.schema import Problem, answer_leaks, check_bank, check_glossary, check_question
from pruneedu.yamlfile import CourseFileError, read_yaml

GLOSSARY_NAME = "glossary.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH",
                        help="a quizzes folder or one YAML file (default: the course's quizzes/)")
    parser.add_argument("--lessons", type=Path, default=None, metavar="DIR",
                        help="the lessons folder that `lesson:` fields must name "
                             "(default: lessons/ beside the quizzes folder)")


def _lesson_ids(lessons_dir: Path) -> set[str]:
    """Lesson ids: one per ``<id>.md`` file or ``<id>/`` folder in the lessons folder."""
    return {p.stem if p.is_file() else p.name for p in lessons_dir.iterdir()
            if (p.is_file() and p.suffix == ".md") or p.is_dir()}


def _default_lessons_dir(path: Path) -> Path:
    quizzes = path if path.is_dir() else path.parent
    beside = quizzes.parent / "lessons"
    return beside if beside.is_dir() else paths.lessons_dir()


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir()
                      if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")
                      and p.is_file())
    return [path]


class _Report:
    """Collects problem lines and the counts for the summary."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.banks = 0
        self.questions = 0
        self.terms: int | None = None

    def add(self, file: Path, problems: list[Problem]) -> None:
        for problem in problems:
            where = f"{file}: {problem.item}" if problem.item else str(file)
            self.lines.append(f"{where}: {problem.message}")


def _check_bank_file(file: Path, data: object, lessons: set[str] | None, report: _Report,
                     owners: dict[str, Path]) -> None:
    report.add(file, check_bank(data, name=file.stem, require_key=True))
    if not isinstance(data, dict):
        return
    report.banks += 1
    lesson = data.get("lesson")
    if lessons is not None and isinstance(lesson, str) and lesson not in lessons:
        report.add(file, [Problem(None, f"lesson {short_repr(lesson)} does not exist")])
    questions = data.get("questions")
    if not isinstance(questions, list):
        return
    for question in questions:
        qid = question.get("id") if isinstance(question, dict) else None
        if not isinstance(qid, str):
            continue
        report.questions += 1
        if not check_question(question):
            report.add(file, [Problem(qid, message) for message in answer_leaks(question)])
        owner = owners.setdefault(qid, file)
        if owner != file:
            report.add(file, [Problem(qid, f"question id already used in {owner}")])


def _summary(report: _Report) -> str:
    banks = f"{report.banks} bank{'s' if report.banks != 1 else ''}"
    questions = f"{report.questions} question{'s' if report.questions != 1 else ''}"
    parts = [banks, questions]
    if report.terms is not None:
        parts.append(f"glossary {report.terms} terms")
    return ", ".join(parts) + ": OK"


def _usage_error(message: str) -> int:
    print(f"pruneedu validate: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    path: Path = args.path if args.path is not None else paths.quizzes_dir()
    if not path.exists():
        return _usage_error(f"{path}: no such file or folder; give a quizzes folder or a "
                            "YAML file.")
    if args.lessons is not None and not args.lessons.is_dir():
        return _usage_error(f"--lessons {args.lessons} is not a folder; give the folder that "
                            "holds the lesson files.")
    lessons_dir: Path = args.lessons if args.lessons is not None else _default_lessons_dir(path)
    report = _Report()
    lessons: set[str] | None = None
    if lessons_dir.is_dir():
        lessons = _lesson_ids(lessons_dir)
    else:
        report.lines.append(f"{lessons_dir}: lessons folder not found, so `lesson:` fields "
                            "cannot be checked; pass --lessons DIR.")
    files = _yaml_files(path)
    if not files:
        return _usage_error(f"{path}: no .yaml files found; give the folder that holds the "
                            "quiz banks.")
    owners: dict[str, Path] = {}
    for file in files:
        try:
            data = read_yaml(file)
        except CourseFileError as error:
            report.lines.append(str(error))
            continue
        if file.name == GLOSSARY_NAME:
            report.add(file, check_glossary(data, lessons))
            terms = data.get("terms") if isinstance(data, dict) else None
            report.terms = len(terms) if isinstance(terms, list) else 0
        else:
            _check_bank_file(file, data, lessons, report, owners)
    for line in report.lines:
        print(line)
    if report.lines:
        count = len(report.lines)
        print(f"{count} problem{'s' if count != 1 else ''} found in {path}.")
        return 1
    print(_summary(report))
    return 0
