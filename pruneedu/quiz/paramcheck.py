"""Format rules for the per-learner parts of a question: params, values, recorded numbers,
formula keys, mistakes and placeholders (docs/formats.md, "Per-learner questions").

Each check returns problems as sentences, like :mod:`pruneedu.quiz.schema`, which calls them.
"""

from __future__ import annotations

import math
import re

from pruneedu.argcheck import is_number, short_repr
from pruneedu.quiz.formula import FUNCTIONS, FormulaError, is_comparison, parse

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,30}$")
RESERVED = {*FUNCTIONS, "answer"}
MAX_OPTIONS = 10_000
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")
TEXT_FIELDS = ("prompt", "explanation", "hint", "run_after", "model_answer")


def _finite(value: object) -> bool:
    return is_number(value) and math.isfinite(value)


def _check_name(name: object, seen: set[str], what: str) -> list[str]:
    if not isinstance(name, str) or not NAME.match(name):
        return [f"{what} name {short_repr(name)} must be a short identifier (letters, digits, _)"]
    if name in RESERVED:
        return [f"{what} name {name!r} is reserved; choose another"]
    if name in seen:
        return [f"{what} name {name!r} is declared twice"]
    return []


def _param_problems(name: str, spec: object) -> list[str]:
    if not isinstance(spec, dict):
        return [f"param {name!r} must be {{values: [...]}} or {{min: A, max: B, step: S}}"]
    if set(spec) == {"values"}:
        values = spec["values"]
        if not isinstance(values, list) or not values or not all(map(_finite, values)):
            return [f"param {name!r} values must be a non-empty list of numbers"]
        if len(values) > MAX_OPTIONS:
            return [f"param {name!r} has more than {MAX_OPTIONS} values"]
        return []
    if set(spec) == {"min", "max", "step"}:
        low, high, step = spec["min"], spec["max"], spec["step"]
        if not all(map(_finite, (low, high, step))) or step <= 0 or low > high:
            return [f"param {name!r} needs finite numbers with min <= max and step > 0"]
        if (high - low) / step + 1 > MAX_OPTIONS:
            return [f"param {name!r} has more than {MAX_OPTIONS} values; use a larger step"]
        return []
    return [f"param {name!r} must be {{values: [...]}} or {{min: A, max: B, step: S}}"]


def _recorded_problems(name: str, spec: object) -> list[str]:
    if not isinstance(spec, dict) or set(spec) != {"min", "max", "source"}:
        return [f"recorded {name!r} must be {{min: A, max: B, source: where it is recorded}}"]
    if not (_finite(spec["min"]) and _finite(spec["max"])) or spec["min"] > spec["max"]:
        return [f"recorded {name!r} needs finite numbers with min <= max"]
    if not isinstance(spec["source"], str) or not spec["source"].strip():
        return [f"recorded {name!r} source must say where the value is recorded"]
    return []


def _formula_problems(formula: object, names: set[str], where: str) -> list[str]:
    try:
        parse(formula, names)
    except FormulaError as error:
        return [f"{where}: {error}"]
    return []


def declared_names(question: dict) -> set[str]:
    """The names a question's formulas and placeholders may use."""
    names: set[str] = set()
    for key in ("params", "recorded", "values"):
        if isinstance(question.get(key), dict):
            names.update(n for n in question[key] if isinstance(n, str))
    return names


def check_variant_fields(question: dict) -> list[str]:
    """Problems with ``params``, ``recorded``, ``values``, ``mistakes``, a formula key and the
    ``{name}`` placeholders of one question mapping."""
    problems: list[str] = []
    seen: set[str] = set()
    for key, check in (("params", _param_problems), ("recorded", _recorded_problems)):
        section = question.get(key, {})
        if not isinstance(section, dict):
            problems.append(f"{key} must be a mapping of names")
            continue
        for name, spec in section.items():
            problems += _check_name(name, seen, key.rstrip("s"))
            if isinstance(name, str):
                seen.add(name)
                problems += check(name, spec)
    values = question.get("values", {})
    if not isinstance(values, dict):
        problems.append("values must be a mapping of name: formula")
        values = {}
    for name, formula in values.items():
        problems += _check_name(name, seen, "value")
        problems += _formula_problems(formula, set(seen), f"value {short_repr(name)}")
        if isinstance(formula, str) and is_comparison(formula):
            problems.append(f"value {short_repr(name)} must be a number, not a comparison")
        if isinstance(name, str):
            seen.add(name)
    answer = question.get("answer")
    if isinstance(answer, dict) and "formula" in answer:
        problems += _formula_problems(answer["formula"], seen, "answer formula")
    mistakes = question.get("mistakes", [])
    if mistakes and question.get("type") != "numeric":
        problems.append("mistakes belong to numeric questions only")
    elif not isinstance(mistakes, list):
        problems.append("mistakes must be a list of {formula, hint}")
    else:
        for number, mistake in enumerate(mistakes, start=1):
            if not isinstance(mistake, dict) or set(mistake) != {"formula", "hint"}:
                problems.append(f"mistake #{number} must be {{formula: ..., hint: ...}}")
                continue
            problems += _formula_problems(mistake["formula"], seen, f"mistake #{number}")
            if not isinstance(mistake["hint"], str) or not mistake["hint"].strip():
                problems.append(f"mistake #{number} needs a hint")
    problems += _placeholder_problems(question, seen)
    return problems


def _placeholder_problems(question: dict, names: set[str]) -> list[str]:
    """A ``{name}`` that no declaration fills would reach the learner as it is written."""
    texts = [(key, question.get(key)) for key in TEXT_FIELDS]
    choices = question.get("choices")
    for choice in choices if isinstance(choices, list) else []:
        if isinstance(choice, dict):
            texts += [("a choice", choice.get("text")),
                      ("a choice feedback", choice.get("feedback"))]
    mistakes = question.get("mistakes")
    for mistake in mistakes if isinstance(mistakes, list) else []:
        if isinstance(mistake, dict):
            texts.append(("a mistake hint", mistake.get("hint")))
    problems = []
    allowed = names | ({"answer"} if names else set())
    for where, text in texts:
        if not isinstance(text, str):
            continue
        for name in PLACEHOLDER.findall(text):
            if name not in allowed:
                problems.append(f"{{{name}}} in {where} is not a declared param, value or "
                                "recorded name")
    return problems


def check_formula_key(qtype: str, answer: dict) -> list[str]:
    """Problems with ``answer: {formula: ...}`` (numeric: with ``tolerance``; truefalse: a
    comparison)."""
    formula = answer.get("formula")
    if qtype == "numeric":
        if set(answer) - {"formula", "tolerance"}:
            return ["a formula key is {formula: ..., tolerance: T}"]
        tolerance = answer.get("tolerance", 0)
        if not _finite(tolerance) or tolerance < 0:
            return ["answer tolerance must be a finite number >= 0"]
        if isinstance(formula, str) and is_comparison(formula):
            return ["a numeric answer formula must give a number, not a comparison"]
        return []
    if qtype == "truefalse":
        if set(answer) != {"formula"}:
            return ["a true/false formula key is {formula: comparison}"]
        if isinstance(formula, str) and not is_comparison(formula):
            return ["a true/false answer formula must be a comparison such as a < b"]
        return []
    return [f"a {qtype} question cannot compute its key from a formula"]
