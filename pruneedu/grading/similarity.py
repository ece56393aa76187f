"""Identical code from different learners: the same program once comments, blank lines,
docstrings and names are set aside.

Each submission is parsed (never run) and its syntax tree is printed with every name the
learner chose (variables, arguments, functions, classes) replaced by its order of first use,
docstrings removed and constants kept. Two learners whose trees print the same handed in the
same program, whatever they renamed or reformatted; library names (attributes such as
``torch.topk``, imported modules, whatever alias they were imported under, and names the code
uses but never binds, such as ``torch`` imported in an earlier notebook cell) are kept, since
they are the program's substance. The import statements themselves are then left out:
every use already says what it imports, and where the import line sits (or whether it is
there: a notebook may import in an earlier cell, a hand-in file right above the function)
is no difference between two programs.
Files that equal the handed-out stub are not compared (everyone starts from it), nor are
files that do not parse.

This finds copies, not proof of copying: short exercises have few good answers. Read the
pairs before you act on them.

Example:
    >>> a = "def f(w):\\n    # mine\\n    return w * 2\\n"
    >>> b = "def g(x):\\n    '''doc'''\\n    return x*2\\n"
    >>> fingerprint(a) == fingerprint(b), fingerprint(a) == fingerprint("def f(w): return w + 2")
    (True, False)
"""

from __future__ import annotations

import ast
import builtins
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


class _Renamer(ast.NodeTransformer):
    """Learner-chosen names -> n0, n1, ... in order of first appearance; imported names ->
    what they import (``import numpy as xp`` reads as ``numpy``)."""

    def __init__(self, bound: set[str]) -> None:
        self.names: dict[str, str] = {}
        self.imported: dict[str, str] = {}
        self.bound = bound

    def _new(self, name: str) -> str:
        if name in self.imported:
            return self.imported[name]
        return self.names.setdefault(name, f"n{len(self.names)}")

    def visit_Import(self, node: ast.Import) -> ast.AST:
        for alias in node.names:
            if alias.asname:
                self.imported[alias.asname] = alias.name
            else:
                self.imported[alias.name.split(".")[0]] = alias.name.split(".")[0]
            alias.asname = None
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        for alias in node.names:
            self.imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            alias.asname = None
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        # A name the code never binds is the notebook's or the library's (``torch`` from an
        # earlier cell): it is substance, like an import, not a name the learner chose.
        if node.id not in self.imported and (node.id in _BUILTINS or node.id not in self.bound):
            return node
        return ast.copy_location(ast.Name(self._new(node.id), node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._new(node.arg)
        node.annotation = None
        return node

    def _visit_defined(self, node: ast.AST) -> ast.AST:
        node.name = self._new(node.name)  # type: ignore[attr-defined]
        body = node.body  # type: ignore[attr-defined]
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
        return self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_defined


class _ImportDropper(ast.NodeTransformer):
    """Import statements out (run after renaming, which has read them)."""

    def visit_Import(self, node: ast.AST) -> None:
        return None

    visit_ImportFrom = visit_Import

    def generic_visit(self, node: ast.AST) -> ast.AST:
        node = super().generic_visit(node)
        if not isinstance(node, ast.Module) and getattr(node, "body", None) == []:
            node.body = [ast.Pass()]  # type: ignore[attr-defined]
        return node


_BUILTINS = frozenset(dir(builtins))


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the code itself binds (assigns, deletes, defines, catches, declares)."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    return bound


def fingerprint(code: str) -> str | None:
    """A hash of the normalised program; None when the code does not parse.

    Example:
        >>> fingerprint("def broken(:") is None
        True
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    # Imports first, so names they bind are never renamed wherever they are used.
    renamer = _Renamer(_bound_names(tree))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            renamer.visit(node)
    try:
        tree = _ImportDropper().visit(renamer.visit(tree))
        normal = ast.dump(tree, annotate_fields=False, include_attributes=False)
    except RecursionError:
        return None
    return hashlib.sha256(normal.encode()).hexdigest()[:16]


@dataclass(frozen=True, order=True)
class SamePair:
    """Two learners who handed in the same program for one exercise."""

    exercise_id: str
    learner_a: str
    learner_b: str
    fingerprint: str


def identical_pairs(submissions: Iterable[tuple[str, str, str]],
                    stubs: dict[str, str] | None = None) -> list[SamePair]:
    """Every pair of learners with the same fingerprint per exercise, sorted.

    Args:
        submissions: ``(exercise_id, learner_id, code)`` for each graded code file.
        stubs: exercise id -> the handed-out stub; copies of it are left out.

    Example:
        >>> pairs = identical_pairs([("e", "ada", "x = 1"), ("e", "ben", "y = 1"),
        ...                          ("e", "cy", "y = 2")])
        >>> [(p.learner_a, p.learner_b) for p in pairs]
        [('ada', 'ben')]
    """
    stub_prints = {eid: fingerprint(code) for eid, code in (stubs or {}).items()}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for exercise_id, learner, code in submissions:
        mark = fingerprint(code)
        if mark is not None and mark != stub_prints.get(exercise_id):
            groups[(exercise_id, mark)].append(learner)
    pairs = []
    for (exercise_id, mark), learners in groups.items():
        ordered = sorted(set(learners))
        pairs += [SamePair(exercise_id, a, b, mark)
                  for i, a in enumerate(ordered) for b in ordered[i + 1:]]
    return sorted(pairs)
