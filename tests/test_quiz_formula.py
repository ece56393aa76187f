"""Formulas in banks: arithmetic on declared names works, and nothing else gets through."""

import math
import resource
import subprocess
import sys

import pytest

from pruneedu.quiz.formula import MAX_LENGTH, FormulaError, evaluate, parse

ENV = {"h": 300.0, "s": 0.9, "a": 0.35}


@pytest.mark.parametrize(("formula", "expected"), [
    ("784 * h + h", 235_500),
    ("100 * (1 - (1 - a) ** 2)", 100 * (1 - 0.65 ** 2)),
    ("round(s * 1000)", 900),
    ("round(1 / 3, 2)", 0.33),
    ("min(h, 100) + max(1, 2) + abs(-3)", 105),
    ("sqrt(16) + log2(8) + log10(100) + floor(2.7) + ceil(2.1)", 4 + 3 + 2 + 2 + 3),
    ("-h // 7 % 5", (-300 // 7) % 5),
    ("1e3 + 0.5", 1000.5),
])
def test_arithmetic_on_declared_names(formula, expected):
    assert evaluate(formula, ENV) == pytest.approx(expected)


def test_a_comparison_at_the_top_gives_a_bool():
    assert evaluate("h * s < 271", ENV) is True
    assert evaluate("0 < s <= 1", ENV) is True
    assert evaluate("h == 299", ENV) is False


ATTACKS = [
    ("h.__class__", "attribute access"),
    ("h.real", "attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "only calls of"),
    ("__import__('os').system('true')", "only calls of"),
    ("open('/etc/passwd')", "only calls of"),
    ("eval('1')", "only calls of"),
    ("exec('x=1')", "only calls of"),
    ("getattr(h, 'real')", "only calls of"),
    ("h(1)", "only calls of"),            # a declared name is not callable
    ("(lambda: 1)()", "only calls of"),
    ("lambda: 1", "lambda is not allowed"),
    ("[x for x in range(3)]", "listcomp is not allowed"),
    ("{x: 1 for x in range(3)}", "dictcomp is not allowed"),
    ("sum(x for x in [1])", "only calls of"),
    ("[1, 2][0]", "subscript is not allowed"),
    ("h[0]", "subscript is not allowed"),
    ("'text' * 3", "only numbers"),
    ("f'{h}'", "joinedstr is not allowed"),
    ("True + 1", "only numbers"),
    ("None", "only numbers"),
    ("(y := 2)", "namedexpr is not allowed"),
    ("h if s else 1", "ifexp is not allowed"),
    ("round(h, ndigits=1)", "plain positional arguments"),
    ("max(*[1, 2])", "plain positional arguments"),
    ("round", "unknown name 'round'"),      # a function name used as a value
    ("__builtins__", "unknown name"),
    ("undeclared + 1", "unknown name 'undeclared'"),
    ("(1 < 2) + 1", "a comparison may only be the whole formula"),
    ("h is h", "use < <= > >= == !="),
    ("h and s", "boolop is not allowed"),
    ("~1", "that operator is not allowed"),
    ("1 << 2", "that operator is not allowed"),
    ("h @ h", "that operator is not allowed"),
    ("1; 2", "not a valid expression"),
    ("import os", "not a valid expression"),
]


@pytest.mark.parametrize(("formula", "reason"), ATTACKS, ids=[a for a, _ in ATTACKS])
def test_anything_but_arithmetic_is_refused_before_evaluation(formula, reason):
    with pytest.raises(FormulaError, match=reason.replace("(", r"\(").replace("[", r"\[")):
        parse(formula, ENV)
    with pytest.raises(FormulaError):
        evaluate(formula, ENV)


@pytest.mark.parametrize("formula", [
    "9 ** 9 ** 9",           # would build a huge integer in Python
    "2 ** 65",
    "10 ** 64",
    "1e308 * 10",
    "h ** 100",
    "1 / 0",
    "h % 0",
    "sqrt(-1)",
    "(-8) ** 0.5",
    "log2(0)",
    "round(1.5, 99)",
    "max(1)",
])
def test_huge_or_undefined_results_are_refused_quickly(formula):
    with pytest.raises(FormulaError):
        evaluate(formula, ENV)


def test_sizes_are_limited():
    with pytest.raises(FormulaError, match="longer than"):
        parse("1 + " * (MAX_LENGTH // 4 + 1) + "1", {})
    with pytest.raises(FormulaError, match="too long"):
        parse("-" * 250 + "1", {})   # short text, many nodes
    with pytest.raises(FormulaError, match="must be a non-empty string"):
        parse(42, {})


def test_values_must_be_finite_numbers():
    with pytest.raises(FormulaError, match="must be a number"):
        evaluate("h", {"h": "300"})
    with pytest.raises(FormulaError, match="must be a number"):
        evaluate("h", {"h": True})
    with pytest.raises(FormulaError, match="out of range"):
        evaluate("h", {"h": math.inf})


def test_a_power_bomb_costs_no_memory():
    # In a child capped at 200 MB: if anything computed 9**9**9 as an integer, it would fail
    # with MemoryError (or take minutes) instead of refusing at once.
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (200 * 2**20,) * 2)\n"
            "from pruneedu.quiz.formula import evaluate, FormulaError\n"
            "try:\n    evaluate('9 ** 9 ** 9 ** 9', {})\n"
            "except FormulaError as e:\n    print('refused:', e)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused:")
    assert resource  # the child used it; imported here so a missing module fails loudly
