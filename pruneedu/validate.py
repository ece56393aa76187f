"""``pruneedu validate [PATH]``: check quiz banks and the glossary before learners see them.

Prints one line per problem (file, question or term id, what is wrong) and exits 1, or prints
a one-line summary and exits 0. PATH is the quizzes folder by default (with its ``practice/``
folder), or one YAML file; a PATH that does not exist or holds no YAML file is a usage error
(exit 2, message on stderr).

Warnings (``... : warning: ...``) name test-taking cues (:mod:`pruneedu.quiz.cues`: key
positions, longest choices, numeric keys printed in the lessons or glossary) and lesson
references that point deeper than the question's depth. They do not change the exit status
unless ``--strict``.

Example:
    $ pruneedu validate
    8 banks, 96 questions, glossary 40 terms: OK
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pruneedu import paths
from pruneedu.argcheck import short_repr
from pruneedu.lessons import DEPTHS, Lesson, parse_lesson
from pruneedu.quiz.bank import PRACTICE_FOLDER, bank_from_dict
from pruneedu.quiz.cues import answer_leaks, cue_warnings, numbers_in
from pruneedu.quiz.schema import Problem, check_bank, check_glossary, check_question, normalise_text
from pruneedu.yamlfile import CourseFileError, read_yaml

GLOSSARY_NAME = "glossary.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH",
                        help="a quizzes folder or one YAML file (default: the course's quizzes/)")
    parser.add_argument("--lessons", type=Path, default=None, metavar="DIR",
                        help="the lessons folder that `lesson:` fields must name "
                             "(default: lessons/ beside the quizzes folder)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings (test-taking cues) too")


def _lesson_ids(lessons_dir: Path) -> set[str]:
    """Lesson ids: one per ``<id>.md`` file or ``<id>/`` folder in the lessons folder."""
    return {p.stem if p.is_file() else p.name for p in lessons_dir.iterdir()
            if (p.is_file() and p.suffix == ".md") or p.is_dir()}


def _default_lessons_dir(path: Path) -> Path:
    quizzes = path if path.is_dir() else path.parent
    beside = quizzes.parent / "lessons"
    return beside if beside.is_dir() else paths.lessons_dir()


def _yaml_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    found = []
    for folder in (path, path / PRACTICE_FOLDER):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir()
                            if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")
                            and p.is_file())
    return found


class _Report:
    """Collects problem and warning lines and the counts for the summary."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.warnings: list[str] = []
        self.banks = 0
        self.questions = 0
        self.terms: int | None = None

    def add(self, file: Path, problems: list[Problem], warning: bool = False) -> None:
        for problem in problems:
            where = f"{file}: {problem.item}" if problem.item else str(file)
            if warning:
                self.warnings.append(f"{where}: warning: {problem.message}")
            else:
                self.lines.append(f"{where}: {problem.message}")


class _Texts:
    """The lessons (parsed, by id) and every number printed in them or in the glossary."""

    def __init__(self, lessons_dir: Path | None) -> None:
        self.lessons: dict[str, Lesson] = {}
        self.numbers: set[float] = set()
        for path in sorted(lessons_dir.glob("*.md")) if lessons_dir else []:
            text = path.read_text(encoding="utf-8")
            self.numbers |= numbers_in(text)
            try:
                self.lessons[path.stem] = parse_lesson(path.stem, text, source=str(path))
            except ValueError:
                continue  # `pruneedu lesson` reports a broken lesson; here it only has no chapters

    def add_glossary(self, data: object) -> None:
        terms = data.get("terms") if isinstance(data, dict) else None
        for term in terms if isinstance(terms, list) else []:
            if isinstance(term, dict):
                text = f"{term.get('definition', '')} {term.get('example', '')}"
                self.numbers |= numbers_in(text)

    def reference_problems(self, question: dict, bank_lesson: object) -> tuple[list, list]:
        """(problems, warnings) for a question's ``see``: it must name a summary chapter or
        FAQ question of its lesson, at a depth the question says it needs."""
        see, lesson_id = question.get("see"), question.get("lesson", bank_lesson)
        if not isinstance(see, str) or lesson_id not in self.lessons:
            return [], []
        lesson = self.lessons[lesson_id]
        wanted = normalise_text(see)
        depths = [d for d in DEPTHS
                  if any(normalise_text(c.title) == wanted for c in lesson.summary_chapters(d))]
        if not depths and not any(normalise_text(f.question) == wanted for f in lesson.faq()):
            return [f"see {short_repr(see)} is no summary chapter or FAQ question of "
                    f"{lesson_id}"], []
        depth = question.get("depth", "basic")
        if depths and depth in DEPTHS and DEPTHS.index(depths[0]) > DEPTHS.index(depth):
            return [], [f"see {short_repr(see)} is taught at {depths[0]} depth, but the question "
                        f"says it needs only {depth}"]
        return [], []


def _check_bank_file(file: Path, data: object, lessons: set[str] | None, report: _Report,
                     owners: dict[str, Path], texts: _Texts) -> list[Problem]:
    """Check one bank and report its problems; returns them (cue checks need a valid bank)."""
    problems = check_bank(data, name=file.stem, require_key=True)
    report.add(file, problems)
    if not isinstance(data, dict):
        return problems
    report.banks += 1
    lesson = data.get("lesson")
    if lessons is not None and isinstance(lesson, str) and lesson not in lessons:
        report.add(file, [Problem(None, f"lesson {short_repr(lesson)} does not exist")])
    questions = data.get("questions")
    if not isinstance(questions, list):
        return problems
    for question in questions:
        qid = question.get("id") if isinstance(question, dict) else None
        if not isinstance(qid, str):
            continue
        report.questions += 1
        if not check_question(question):
            report.add(file, [Problem(qid, message) for message in answer_leaks(question)])
            wrong, doubtful = texts.reference_problems(question, lesson)
            report.add(file, [Problem(qid, message) for message in wrong])
            report.add(file, [Problem(qid, message) for message in doubtful], warning=True)
        owner = owners.setdefault(qid, file)
        if owner != file:
            report.add(file, [Problem(qid, f"question id already used in {owner}")])
    return problems


def _summary(report: _Report) -> str:
    banks = f"{report.banks} bank{'s' if report.banks != 1 else ''}"
    questions = f"{report.questions} question{'s' if report.questions != 1 else ''}"
    parts = [banks, questions]
    if report.terms is not None:
        parts.append(f"glossary {report.terms} terms")
    count = len(report.warnings)
    warned = f", {count} warning{'s' if count != 1 else ''}" if count else ""
    return ", ".join(parts) + f": OK{warned}"


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
    texts = _Texts(lessons_dir if lessons_dir.is_dir() else None)
    glossary = (path if path.is_dir() else path.parent) / GLOSSARY_NAME
    if glossary.is_file():
        try:
            texts.add_glossary(read_yaml(glossary))
        except CourseFileError:
            pass  # reported below when the glossary itself is checked
    banks: list[tuple[Path, dict]] = []
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
        elif not _check_bank_file(file, data, lessons, report, owners, texts):
            banks.append((file, data))
    for file, data in banks:
        report.add(file, cue_warnings(bank_from_dict(data, source=str(file)), texts.numbers),
                   warning=True)
    for line in report.lines + report.warnings:
        print(line)
    if report.lines or (args.strict and report.warnings):
        count = len(report.lines) + (len(report.warnings) if args.strict else 0)
        print(f"{count} problem{'s' if count != 1 else ''} found in {path}.")
        return 1
    print(_summary(report))
    return 0
