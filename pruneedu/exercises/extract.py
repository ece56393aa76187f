"""The part of a learner's file that an exercise grades: one function and what it needs.

A notebook exported to ``.py`` (or handed in as it is) holds much more than the function:
``seed_everything(0)``, ``check(...)`` calls, prints, training runs, ``get_ipython()`` calls for
``!pip`` and magics. Running all of that in the grader would score the notebook, not the
function (today's ``seed_everything`` alone made a correct export score 0). So the grader keeps
only, from the top level of the file:

- ``from __future__`` imports;
- the last definition of the named function (a ``def``, or an assignment such as
  ``magnitude_mask = my_mask``);
- the last definition of every top-level name the kept code uses, again and again: helper
  functions and classes, constants, and the imports that bind those names;

and blanks every other line, so line numbers in error messages still match the learner's
file. Nothing is executed here: this is :mod:`ast` on text.

Example:
    >>> text = "import torch\\nseed_everything(0)\\ndef f(x):\\n    return torch.abs(x)\\n"
    >>> print(extract_function(text, "f").code)
    import torch
    <BLANKLINE>
    def f(x):
        return torch.abs(x)
    <BLANKLINE>
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
import symtable
from dataclasses import dataclass

# A notebook export of the whole course is about 20,000 characters; each parse of a text costs
# the grader's own process hundreds of bytes of syntax tree per character, outside any
# sandbox limit, so a text much larger than any real notebook is refused before parsing.
MAX_SOURCE_CHARS = 250_000
MAX_SOURCE_LINES = 20_000
MAX_STATEMENTS = 5_000
# Modules a learner's notebook imports for itself that the graded function never needs;
# their star imports are dropped (the sandbox has neither).
NOTEBOOK_ONLY_PACKAGES = ("pruneedu", "IPython", "ipywidgets", "matplotlib", "tqdm")
# Python's tokenizer (so every ast line number) ends lines only at \n, \r\n and \r; not at the
# form feed, U+2028 and the others str.splitlines() also breaks at.
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


@dataclass(frozen=True)
class Extracted:
    """The code to run (``code``), or why there is none (``problem``, one sentence)."""

    code: str = ""
    problem: str = ""


@dataclass(frozen=True)
class _Statement:
    """What extraction needs of one top-level statement, kept instead of its syntax tree."""

    bound: tuple[str, ...]
    callables: frozenset[str]
    used: frozenset[str]
    always_kept: bool
    first_line: int
    first_col: int
    last_line: int
    last_col: int
    text: str


@dataclass(frozen=True)
class _Parsed:
    problem: str = ""
    statements: tuple[_Statement, ...] = ()


def parse_problem(source: str) -> str:
    """One sentence saying why ``source`` is not Python the grader can read, or ``""``.

    Example:
        >>> parse_problem("def f(:\\n")[:28]
        'the file is not valid Python'
    """
    return _parse(source).problem


def extract_function(source: str, name: str) -> Extracted:
    """Keep the function ``name`` of ``source`` with its imports and helpers; blank the rest.
    Never raises: a text it cannot handle gives ``Extracted(problem=...)``.

    Example:
        >>> extract_function("def g():\\n    pass\\n", "f").problem
        'the file defines no top-level function named f.'
    """
    parsed = _parse(source)
    if parsed.problem:
        return Extracted(problem=parsed.problem)
    statements = parsed.statements
    defined: dict[str, int] = {}  # name -> index of the last top-level statement binding it
    for index, statement in enumerate(statements):
        for bound in statement.bound:
            defined[bound] = index
    if name not in defined or name not in statements[defined[name]].callables:
        return Extracted(problem=f"the file defines no top-level function named {name}.")
    keep = {i for i, statement in enumerate(statements) if statement.always_kept}
    pending = [defined[name]]
    while pending:
        index = pending.pop()
        if index in keep and index != defined[name]:
            continue
        keep.add(index)
        for used in statements[index].used:
            target = defined.get(used)
            if target is not None and target not in keep:
                pending.append(target)
    try:
        code, mixed = _blank_all_but(source, statements, keep)
        # Only a line holding a kept and a dropped statement (`y = 2; import os`) can leave
        # text that does not parse; the kept statements' own text is then run instead.
        if mixed and _syntax_problem(code):
            code = "\n".join(statements[i].text for i in sorted(keep)) + "\n"
            if _syntax_problem(code):
                return Extracted(problem="the function cannot be separated from the rest of "
                                 "the file; put it and its helpers on lines of their own.")
    except (ValueError, IndexError, RecursionError, MemoryError) as error:
        return Extracted(problem=f"the file cannot be read as Python ({type(error).__name__}).")
    return Extracted(code=code)


def defined_functions(source: str) -> set[str]:
    """Names of the functions (and callables assigned by name) at the top level of ``source``.

    Example:
        >>> sorted(defined_functions("def f():\\n    pass\\ng = f\\nx = 1\\n"))
        ['f', 'g']
    """
    return {n for statement in _parse(source).statements for n in statement.callables}


def course_library_imports(source: str) -> list[str]:
    """The modules of the course library (``pruneedu``) that ``source`` imports anywhere, in
    order. The grader's sandbox runs a function without the course library, so a graded
    function must not use it (``check()`` says so before the grader gives 0).

    Example:
        >>> course_library_imports("import numpy\\nfrom pruneedu import metrics\\n")
        ['pruneedu.metrics']
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "pruneedu"]
        elif isinstance(node, ast.ImportFrom) and not node.level \
                and (node.module or "").split(".")[0] == "pruneedu":
            found += [f"{node.module}.{a.name}" if node.module == "pruneedu" else node.module
                      for a in node.names]
    return list(dict.fromkeys(found))


@functools.lru_cache(maxsize=8)
def _parse(source: str) -> _Parsed:
    """Parse ``source`` once (a notebook export is asked about once per exercise it defines)
    and keep only what extraction needs, or the one-sentence problem."""
    if len(source) > MAX_SOURCE_CHARS:
        return _Parsed(f"the file is longer than {MAX_SOURCE_CHARS:,} characters; hand in "
                       "only the notebook or functions of this course.")
    lines = source.count("\n") + source.count("\r") - source.count("\r\n")
    if lines > MAX_SOURCE_LINES:
        return _Parsed(f"the file has more than {MAX_SOURCE_LINES:,} lines; hand in only the "
                       "notebook or functions of this course.")
    try:
        body = ast.parse(source).body
    except SyntaxError as error:
        return _Parsed(_syntax_message(error))
    except (ValueError, RecursionError, MemoryError) as error:
        return _Parsed(f"the file cannot be read as Python ({type(error).__name__}).")
    try:
        if len(body) > MAX_STATEMENTS:
            return _Parsed(f"the file has more than {MAX_STATEMENTS:,} top-level statements; "
                           "hand in only the notebook or functions of this course.")
        rows = _rows(source)
        return _Parsed("", tuple(_describe(node, rows) for node in body))
    except (ValueError, IndexError, RecursionError, MemoryError) as error:
        return _Parsed(f"the file cannot be read as Python ({type(error).__name__}).")


def _syntax_message(error: SyntaxError) -> str:
    where = f"line {error.lineno}" if error.lineno else "the file"
    return (f"the file is not valid Python ({where}: {error.msg}); fix it and export or "
            "hand in the notebook again.")


def _syntax_problem(source: str) -> str:
    try:
        ast.parse(source)
    except SyntaxError as error:
        return _syntax_message(error)
    except (ValueError, RecursionError, MemoryError) as error:
        return f"the file cannot be read as Python ({type(error).__name__})."
    return ""


def _describe(node: ast.stmt, rows: list[bytes]) -> _Statement:
    bound = tuple(_bound_names(node))
    first_line = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    first_col = node.col_offset if first_line == node.lineno else 0
    last_line, last_col = node.end_lineno or node.lineno, node.end_col_offset or 0
    if first_line == last_line:
        text = rows[first_line - 1][first_col:last_col]
    else:
        text = (rows[first_line - 1][first_col:] + b"".join(rows[first_line:last_line - 1])
                + rows[last_line - 1][:last_col])
    return _Statement(bound, frozenset(n for n in bound if _defines_callable(node, n)),
                      frozenset(_used_names(node)), _always_kept(node), first_line, first_col,
                      last_line, last_col, text.decode("utf-8"))


def _rows(source: str) -> list[bytes]:
    """The lines of ``source`` as Python counts them, with their ends, as UTF-8 bytes (ast's
    columns count bytes)."""
    return [line.encode("utf-8") for line in _LINE_END.split(source) if line]


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names
                if alias.name != "*"]
    if isinstance(node, ast.Assign):
        return [t.id for target in node.targets for t in _target_names(target)]
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        return [t.id for t in _target_names(node.target)]
    return []


def _target_names(target: ast.expr) -> list[ast.Name]:
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _target_names(element)]
    return []


def _defines_callable(node: ast.stmt, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    # `magnitude_mask = my_mask` or a lambda; `x = print(...)` binds a value, not a function.
    return (isinstance(node, ast.Assign) and name in _bound_names(node)
            and isinstance(node.value, (ast.Name, ast.Attribute, ast.Lambda)))


def _always_kept(node: ast.stmt) -> bool:
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        return True
    if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
        return (node.module or "").split(".")[0] not in NOTEBOOK_ONLY_PACKAGES
    return False


def _used_names(node: ast.stmt) -> set[str]:
    """The global names the statement reads: at its top level, and inside its functions and
    classes the names that are not their own (parameters and locals shadow globals)."""
    try:
        table = symtable.symtable(ast.unparse(node), "<submission>", "exec")
    except (SyntaxError, ValueError, RecursionError):
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    names: set[str] = set()

    def visit(scope: symtable.SymbolTable, top: bool) -> None:
        for symbol in scope.get_symbols():
            if symbol.is_referenced() and (top or symbol.is_global()):
                names.add(symbol.get_name())
        for child in scope.get_children():
            visit(child, False)

    visit(table, True)
    return names - set(dir(builtins))


def _blank_all_but(source: str, statements: tuple[_Statement, ...], keep: set[int]
                   ) -> tuple[str, bool]:
    """The source with every statement not in ``keep`` blanked, and whether a line held both
    a dropped and a kept statement."""
    # ast's columns count UTF-8 bytes, so the blanking works on bytes; rows are split exactly
    # where Python counts lines, so a statement starts and ends on character boundaries.
    rows = [bytearray(row) for row in _rows(source)]
    touched = set()
    for index, node in enumerate(statements):
        if index in keep:
            continue
        for number in range(node.first_line, node.last_line + 1):
            row = rows[number - 1]
            first = node.first_col if number == node.first_line else 0
            last = node.last_col if number == node.last_line else len(row)
            if number == node.last_line:  # swallow the `;` that joined it to a next statement
                after = row[last:].lstrip(b" \t")
                if after.startswith(b";"):
                    last = len(row) - len(after) + 1
            for position in range(first, min(last, len(row))):
                if row[position] not in b"\r\n":
                    row[position] = ord(" ")
            touched.add(number - 1)
    text, mixed = [], False
    for number, row in enumerate(rows):
        line = row.decode("utf-8")
        if number in touched:  # a statement kept after a dropped one moves to the line start
            ending = line[len(line.rstrip("\r\n")):]
            stripped = line.strip()
            mixed = mixed or bool(stripped and not stripped.startswith("#"))
            line = stripped + ending
        text.append(line)
    return "".join(text), mixed
