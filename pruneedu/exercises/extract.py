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
import symtable
from dataclasses import dataclass

MAX_SOURCE_CHARS = 1_000_000
# Modules a learner's notebook imports for itself that the graded function never needs;
# their star imports are dropped (the sandbox has neither).
NOTEBOOK_ONLY_PACKAGES = ("pruneedu", "IPython", "ipywidgets", "matplotlib", "tqdm")


@dataclass(frozen=True)
class Extracted:
    """The code to run (``code``), or why there is none (``problem``, one sentence)."""

    code: str = ""
    problem: str = ""


def parse_problem(source: str) -> str:
    """One sentence saying why ``source`` is not Python the grader can read, or ``""``."""
    try:
        ast.parse(source)
    except SyntaxError as error:
        where = f"line {error.lineno}" if error.lineno else "the file"
        return (f"the file is not valid Python ({where}: {error.msg}); fix it and export or "
                "hand in the notebook again.")
    except (ValueError, RecursionError, MemoryError) as error:
        return f"the file cannot be read as Python ({type(error).__name__})."
    return ""


def extract_function(source: str, name: str) -> Extracted:
    """Keep the function ``name`` of ``source`` with its imports and helpers; blank the rest.

    Example:
        >>> extract_function("def g():\\n    pass\\n", "f").problem
        'the file defines no top-level function named f.'
    """
    if len(source) > MAX_SOURCE_CHARS:
        return Extracted(problem=f"the file is longer than {MAX_SOURCE_CHARS:,} characters.")
    problem = parse_problem(source)
    if problem:
        return Extracted(problem=problem)
    tree = ast.parse(source)
    statements = tree.body
    defined: dict[str, int] = {}  # name -> index of the last top-level statement binding it
    for index, node in enumerate(statements):
        for bound in _bound_names(node):
            defined[bound] = index
    if name not in defined or not _defines_callable(statements[defined[name]], name):
        return Extracted(problem=f"the file defines no top-level function named {name}.")
    keep = {i for i, node in enumerate(statements) if _always_kept(node)}
    pending = [defined[name]]
    while pending:
        index = pending.pop()
        if index in keep and index != defined[name]:
            continue
        keep.add(index)
        for used in _used_names(statements[index]):
            target = defined.get(used)
            if target is not None and target not in keep:
                pending.append(target)
    code = _blank_all_but(source, statements, keep)
    if parse_problem(code):  # e.g. a kept and a dropped statement shared a line oddly
        code = "\n".join(ast.unparse(statements[i]) for i in sorted(keep)) + "\n"
    return Extracted(code=code)


def defined_functions(source: str) -> set[str]:
    """Names of the functions (and callables assigned by name) at the top level of ``source``.

    Example:
        >>> sorted(defined_functions("def f():\\n    pass\\ng = f\\nx = 1\\n"))
        ['f', 'g']
    """
    if parse_problem(source):
        return set()
    names = set()
    for node in ast.parse(source).body:
        names |= {n for n in _bound_names(node) if _defines_callable(node, n)}
    return names


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


def _blank_all_but(source: str, statements: list[ast.stmt], keep: set[int]) -> str:
    # ast's columns count UTF-8 bytes, so the blanking works on bytes; a statement starts
    # and ends on character boundaries, so every character it covers becomes whole spaces.
    rows = [bytearray(line.encode("utf-8")) for line in source.splitlines(keepends=True)]
    touched = set()
    for index, node in enumerate(statements):
        if index in keep:
            continue
        start_line = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        start_col = node.col_offset if start_line == node.lineno else 0
        for number in range(start_line, node.end_lineno + 1):
            row = rows[number - 1]
            first = start_col if number == start_line else 0
            last = node.end_col_offset if number == node.end_lineno else len(row)
            if number == node.end_lineno:  # swallow the `;` that joined it to a next statement
                after = row[last:].lstrip(b" \t")
                if after.startswith(b";"):
                    last = len(row) - len(after) + 1
            for position in range(first, min(last, len(row))):
                if row[position] not in b"\r\n":
                    row[position] = ord(" ")
            touched.add(number - 1)
    text = []
    for number, row in enumerate(rows):
        line = row.decode("utf-8")
        if number in touched:  # a statement kept after a dropped one moves to the line start
            ending = "\n" if line.endswith("\n") else ""
            line = line.strip() + ending
        text.append(line)
    return "".join(text)
