"""What of a code exercise must never reach learners, and how a release would show it.

- **Solutions and every other instructor-only file** of the exercise folder (wrong variants,
  notes; everything the release does not name): the lines of their own work, i.e. without
  imports, ``def``/``class`` lines and docstrings, which the stub shares. A stub may hold none
  of them. Any other released file leaks such a file when it repeats at least
  ``MIN_SHARED_LINES`` of its lines (all of them, for a file with fewer): a public checker or a
  by-hand notebook cell may repeat one line of a reference (``channels = weight.shape[0]``) on
  purpose, while a pasted solution repeats several.
- **Hidden tests**: their names and their inputs, written out (found under any new name) and
  by value among the public tests (found however they are spelled). Their other lines (helpers,
  input generators) are shared with the public tests by design, so they are not searched.

Lines the released library also holds never count: the library ships, so a line of a
reference implementation it provides on purpose, or ``with torch.no_grad():``, gives nothing
away.

Example:
    >>> code_lines('import torch\\n\\ndef f(w):\\n    "Doc."\\n    return w.abs() > 0.5\\n')
    ['return w.abs() > 0.5']
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from pruneedu.exercises import Exercise
from pruneedu.grading.student_package import released_exercise_files

MIN_LINE_CHARS = 10  # shorter lines ("x = 1") are too common to prove anything
MIN_SHARED_LINES = 3
# Lines too common to prove anything however long the name: `return mask`, `else:`.
GENERIC_LINE = re.compile(r"^(return|yield|pass|break|continue|else:|try:|finally:)"
                          r"(\s+[A-Za-z_]\w*)?$")
DOCTEST_PROMPT = re.compile(r"^(>>>|\.\.\.) ?")
TEXT_SUFFIXES = {".py", ".md", ".txt", ".yaml", ".yml", ".json", ".ipynb", ".cfg", ".toml"}


@dataclass(frozen=True)
class InstructorCode:
    """The searchable lines of one instructor-only file of an exercise folder."""

    source: str  # "<exercise id>/<file>"
    lines: frozenset[str]


def _squash(text: str) -> str:
    return " ".join(text.split())


def code_lines(source: str) -> list[str]:
    """The lines of a Python file that are its own work (stripped): no imports, no
    ``def``/``class`` lines or decorators, no docstrings. Every line if it does not parse."""
    lines = source.splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [line.strip() for line in lines if line.strip()]
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skipped.update(range(node.lineno, node.end_lineno + 1))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                skipped.update(range(body[0].lineno, body[0].end_lineno + 1))
            if not isinstance(node, ast.Module):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                skipped.update(range(first, body[0].lineno))
    return [line.strip() for number, line in enumerate(lines, 1)
            if number not in skipped and line.strip()]


def library_lines(texts: dict[str, str]) -> frozenset[str]:
    """Every stripped line of the released library's Python files (doctest prompts removed)."""
    return frozenset(DOCTEST_PROMPT.sub("", line.strip())
                     for name, text in texts.items()
                     if name.startswith("pruneedu/") and name.endswith(".py")
                     for line in text.splitlines())


def instructor_code(exercise: Exercise, public_lines: frozenset[str]) -> list[InstructorCode]:
    """The instructor-only files of an exercise folder, hidden tests aside (see above), each
    with its searchable lines; lines in ``public_lines`` (the library's) are left out."""
    released = set(released_exercise_files(exercise))
    found = []
    for path in sorted(p for p in exercise.folder.rglob("*") if p.is_file()):
        relative = path.relative_to(exercise.folder).as_posix()
        if (relative in released or path == exercise.hidden_tests_path
                or "__pycache__" in path.parts or path.suffix not in TEXT_SUFFIXES):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        lines = code_lines(text) if path.suffix == ".py" else [s.strip() for s in
                                                                text.splitlines()]
        kept = frozenset(_squash(line) for line in lines
                         if len(line) >= MIN_LINE_CHARS and not GENERIC_LINE.match(line)
                         and line not in public_lines)
        if kept:
            found.append(InstructorCode(f"{exercise.id}/{relative}", kept))
    return found


def _testcase_inputs(source: str) -> list[str]:
    """The source text of the inputs of each ``TestCase(name, inputs, ...)`` in a file."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [_squash(ast.get_source_segment(source, node.args[1]) or "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "TestCase" and len(node.args) >= 2]


def hidden_test_texts(exercise: Exercise) -> dict[str, str]:
    """Hidden test names and written-out inputs, to search for in every released file."""
    if not exercise.hidden_tests_path.is_file():
        return {}
    public_names = {case.name for case in exercise.public_cases()}
    keys = {case.name: f"a hidden test name of {exercise.id}"
            for case in exercise.hidden_cases() if case.name not in public_names}
    for written in _testcase_inputs(exercise.hidden_tests_path.read_text("utf-8")):
        if len(written) >= MIN_LINE_CHARS:
            keys.setdefault(written, f"the written-out inputs of a hidden test of {exercise.id}")
    return keys


def code_leaks(files: dict[str, str], code: list[InstructorCode], strict: set[str]
               ) -> list[tuple[str, str, str]]:
    """(file, what, line) for each released file that repeats instructor code: any line in a
    ``strict`` file (the stubs), else at least ``MIN_SHARED_LINES`` lines of one source."""
    found = []
    for name, text in files.items():
        squashed = _squash(text)
        for item in code:
            shared = sorted(line for line in item.lines if line in squashed)
            if shared and (name in strict or len(shared) >= min(MIN_SHARED_LINES,
                                                                 len(item.lines))):
                found += [(name, f"a line of {item.source}", line) for line in shared]
    return found


def _value_key(value: object) -> object:
    """A hashable stand-in for a test input, equal for equal arrays and values."""
    if hasattr(value, "tobytes") and hasattr(value, "shape"):
        return ("array", str(getattr(value, "dtype", "")), tuple(value.shape), value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, *map(_value_key, value))
    if isinstance(value, dict):
        return ("dict", *sorted((repr(k), _value_key(v)) for k, v in value.items()))
    return ("value", repr(value))


def hidden_inputs_in_public_tests(exercise: Exercise) -> list[tuple[str, str, str]]:
    """(file, what, name) for each hidden test whose inputs equal a public test's: learners
    run the public tests, so those inputs are no longer hidden."""
    if not exercise.hidden_tests_path.is_file():
        return []
    public = {_value_key(case.args): case.name for case in exercise.public_cases()}
    where = Path("exercises", exercise.id, "public_tests.py").as_posix()
    return [(where, f"the inputs of hidden test {case.name!r} in public test "
                    f"{public[_value_key(case.args)]!r}", case.name)
            for case in exercise.hidden_cases()
            if _value_key(case.args) in public and case.name != public[_value_key(case.args)]]
