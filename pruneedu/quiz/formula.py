"""Formulas in quiz banks: arithmetic on declared names, parsed with ``ast``, never ``eval``'d.

A bank's per-learner questions compute their keys from parameters (``784 * h1 + h1``). Banks
are text an author (or anyone who edits the repository) wrote, and the instructor's grader
evaluates them, so the evaluator accepts only:

- numbers, and names the question declares (its parameters, values and recorded values);
- ``+ - * / // % **`` and unary ``+ -``, with every intermediate result a finite float below
  ``LIMIT`` in size and exponents of at most ``MAX_EXPONENT``;
- calls of the functions in ``FUNCTIONS`` by plain name, with positional arguments;
- one comparison at the top (``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``, chains allowed) for
  true/false keys.

Everything else (attribute access, subscripts, other calls, lambdas, comprehensions, strings,
f-strings, keywords, ``*args``, walrus, conditionals) is refused before anything is evaluated,
as are formulas over ``MAX_LENGTH`` characters or ``MAX_NODES`` syntax nodes. All arithmetic is
done in floats, so no formula can build a huge integer.

Example:
    >>> evaluate("784 * h + h", {"h": 300})
    235500.0
    >>> evaluate("h.__class__", {"h": 300})
    Traceback (most recent call last):
    pruneedu.quiz.formula.FormulaError: formula 'h.__class__': attribute access is not allowed
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterable, Mapping

MAX_LENGTH = 400
MAX_NODES = 200
MAX_EXPONENT = 64
LIMIT = 1e15


class FormulaError(ValueError):
    """A formula that uses something other than arithmetic on declared names, or whose value
    is not a finite number of sensible size."""


def _checked_round(value: float, digits: float = 0) -> float:
    if digits != int(digits) or not 0 <= digits <= 12:
        raise FormulaError("round(x, n) takes a whole n from 0 to 12")
    return float(round(value, int(digits)))


FUNCTIONS: dict[str, Callable[..., float]] = {
    "round": _checked_round,
    "abs": abs,
    "min": min,
    "max": max,
    "sqrt": math.sqrt,
    "log2": math.log2,
    "log10": math.log10,
    "floor": math.floor,
    "ceil": math.ceil,
}
_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_COMPARE: dict[type, Callable[[float, float], bool]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_FUNCTION_LIST = ", ".join(FUNCTIONS)


def _short(formula: str) -> str:
    return repr(formula if len(formula) <= 60 else formula[:57] + "...")


def parse(formula: object, names: Iterable[str]) -> ast.Expression:
    """Parse ``formula`` and check that it uses only what this module allows.

    Raises :class:`FormulaError` naming the first thing that is not allowed.

    Example:
        >>> parse("a.__class__", ["a"])
        Traceback (most recent call last):
        pruneedu.quiz.formula.FormulaError: formula 'a.__class__': attribute access is not allowed
    """
    if not isinstance(formula, str) or not formula.strip():
        raise FormulaError("a formula must be a non-empty string")
    where = f"formula {_short(formula)}"
    if len(formula) > MAX_LENGTH:
        raise FormulaError(f"{where} is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise FormulaError(f"{where} is not a valid expression") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FormulaError(f"{where} is too long ({len(nodes)} parts; at most {MAX_NODES})")
    allowed = set(names)
    body = tree.body
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    for node in nodes:
        problem = _problem(node, allowed, is_top=node is body, is_called=id(node) in called)
        if problem:
            raise FormulaError(f"{where}: {problem}")
    return tree


def _problem(node: ast.AST, names: set[str], is_top: bool, is_called: bool) -> str | None:
    """Why ``node`` is not allowed, or None."""
    if isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop, ast.cmpop)):
        return None
    if isinstance(node, ast.BinOp):
        return None if type(node.op) in _BINARY else "that operator is not allowed"
    if isinstance(node, ast.UnaryOp):
        return None if type(node.op) in _UNARY else "that operator is not allowed"
    if isinstance(node, ast.Compare):
        if not is_top:
            return "a comparison may only be the whole formula"
        return None if all(type(op) in _COMPARE for op in node.ops) else "use < <= > >= == !="
    if isinstance(node, ast.Constant):
        ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        return None if ok else "only numbers may be written in a formula"
    if isinstance(node, ast.Name):
        if node.id in names and not is_called:
            return None
        if node.id in FUNCTIONS and is_called:
            return None  # its Call node checks the arguments
        return f"unknown name {node.id!r}; declare it under params or values"
    if isinstance(node, ast.Call):
        if (not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS
                or node.func.id in names):
            return f"only calls of {_FUNCTION_LIST} are allowed"
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return "call functions with plain positional arguments"
        if not node.args:
            return f"{node.func.id}() needs an argument"
        return None
    if isinstance(node, ast.Attribute):
        return "attribute access is not allowed"
    return f"{type(node).__name__.lower()} is not allowed"


def _finite(value: float) -> float:
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise FormulaError(f"a result of {value!r} is out of range (at most {LIMIT:g} in size)")
    return value


def _eval(node: ast.AST, env: Mapping[str, float]) -> float | bool:
    if isinstance(node, ast.Constant):
        return _finite(float(node.value))
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, env))
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, env), _eval(node.right, env)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise FormulaError(f"an exponent of {right:g} is larger than {MAX_EXPONENT}")
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise FormulaError("the formula divides by zero for these numbers") from None
        except OverflowError:
            raise FormulaError("the formula's result is too large") from None
        if isinstance(result, complex):
            raise FormulaError("the formula takes a root of a negative number")
        return _finite(float(result))
    if isinstance(node, ast.Call):
        args = [_eval(arg, env) for arg in node.args]
        try:
            return _finite(float(FUNCTIONS[node.func.id](*args)))  # type: ignore[union-attr]
        except (TypeError, ValueError) as error:
            if isinstance(error, FormulaError):
                raise
            raise FormulaError(f"{node.func.id}() cannot take these arguments "  # type: ignore[union-attr]
                               f"({error})") from None
    if isinstance(node, ast.Compare):
        values = [_eval(node.left, env)] + [_eval(c, env) for c in node.comparators]
        return all(_COMPARE[type(op)](a, b)
                   for op, a, b in zip(node.ops, values, values[1:], strict=False))
    raise FormulaError(f"{type(node).__name__} is not allowed")  # parse() refuses it first


def evaluate(formula: str, env: Mapping[str, float]) -> float | bool:
    """The value of ``formula`` with the numbers in ``env`` (a float, or a bool for a
    comparison). Raises :class:`FormulaError` for anything not allowed or out of range.

    Example:
        >>> evaluate("round(100 * (1 - (1 - a) ** 2), 1)", {"a": 0.7})
        91.0
        >>> evaluate("acc < dense - 1", {"acc": 91.4, "dense": 94.7})
        True
    """
    values = {}
    for name, value in env.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FormulaError(f"the value of {name!r} must be a number, not {value!r}")
        values[name] = _finite(float(value))
    tree = parse(formula, values)
    return _eval(tree.body, values)


def is_comparison(formula: str) -> bool:
    """Whether a (valid) formula is a comparison, giving true or false."""
    try:
        return isinstance(ast.parse(formula.strip(), mode="eval").body, ast.Compare)
    except SyntaxError:
        return False
