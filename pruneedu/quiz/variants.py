"""Per-learner questions: parameters, values and recorded numbers filled into a question.

A question may declare ``params`` (numbers drawn per learner), ``values`` (formulas over them,
shown in the text) and ``recorded`` (numbers the learner's own notebook produced, see
:mod:`pruneedu.quiz.recorded`), and compute its key with ``answer: {formula: ...}``.
:func:`concrete` turns such a question into an ordinary one for one learner: the text filled
in, the key computed. The widget and the grader both call it, so they always agree.

Which numbers a learner gets depends only on (variant seed, learner id, quiz id, question id,
variant index), hashed with SHA-256:

- the **variant seed** is ``None`` for practice (anyone may recompute it) and, for a class,
  :func:`class_seed` of the instructor's secret. ``pruneedu release`` writes that class seed
  into the released graded banks (never the secret); the grader derives it again from the
  secret. A classmate's numbers, or last year's class's, differ from yours.
- the **variant index** is 0, except in practice mode, where "Try another" counts up. The
  grader reads the index only from practice files; graded answers are always variant 0.

Example:
    >>> from pruneedu.quiz.bank import Question
    >>> q = Question("q", "numeric", "Keep {h} of 784 x {h} weights?", "c",
    ...              answer={"formula": "784 * h", "tolerance": 0},
    ...              params={"h": (100.0, 200.0, 300.0)})
    >>> concrete(q, "demo", "ada").answer == {"value": 784 * draw_params(q, "demo", "ada")["h"],
    ...                                       "tolerance": 0}
    True
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import math
import re
from collections.abc import Mapping

import pruneedu
from pruneedu.quiz.bank import Bank, Choice, Question
from pruneedu.quiz.formula import FormulaError, evaluate

PUBLIC_SEED = "public"
# {name}, {name:%} (as a percentage), {name:.2f} (fixed decimals), {name:,} (thousands).
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(%|\.[0-9]f|\.[0-9]%|,))?\}")


class VariantError(ValueError):
    """A question that cannot be filled in for this learner (a recorded value is missing or
    out of range, or a formula fails for the numbers drawn)."""


def class_seed(secret: str, course_id: str = pruneedu.COURSE_ID) -> str:
    """The class's variant seed: HMAC-SHA256 of the course id under the instructor's secret.

    The seed is what releases carry; the secret cannot be recovered from it.

    Example:
        >>> len(class_seed("correct horse battery staple"))
        64
    """
    if not secret.strip():
        raise ValueError("the instructor's secret is empty; put a long random text in it.")
    message = f"pruneedu variant seed v1\x00{course_id}".encode()
    return hmac.new(secret.strip().encode(), message, hashlib.sha256).hexdigest()


def seed_id(variant_seed: str | None) -> str:
    """A short public fingerprint of a variant seed (``"none"`` without one), written into
    responses files so the grader can tell a learner answered with another class's seed.

    Example:
        >>> seed_id(None), len(seed_id(class_seed("s3cret")))
        ('none', 12)
    """
    if variant_seed is None:
        return "none"
    return hashlib.sha256(f"seed-id\x00{variant_seed}".encode()).hexdigest()[:12]


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x00".join(parts).encode()).digest()[:8], "big")


def draw_params(question: Question, quiz_id: str, learner_id: str,
                variant_seed: str | None = None, index: int = 0) -> dict[str, float]:
    """This learner's parameters for ``question`` (each one of its declared options).

    Example:
        >>> from pruneedu.quiz.bank import Question
        >>> q = Question("q", "numeric", "?", "c", params={"s": (0.8, 0.9)})
        >>> draw_params(q, "demo", "ada") == draw_params(q, "demo", "ada")
        True
    """
    base = (variant_seed or PUBLIC_SEED, learner_id, quiz_id, question.id, str(index))
    return {name: options[_digest(*base, name) % len(options)]
            for name, options in question.params.items()}


def format_number(value: float, spec: str | None = None) -> str:
    """A number as a learner reads it: ``235,500``, ``0.85``, ``85%`` (spec ``%``).

    Example:
        >>> format_number(235500.0), format_number(0.85), format_number(0.85, "%")
        ('235,500', '0.85', '85%')
    """
    if spec and spec.endswith("%"):
        digits = int(spec[1]) if len(spec) == 3 else None
        shown = f"{100 * value:.{digits}f}" if digits is not None else _plain(100 * value)
        return shown + "%"
    if spec and spec.endswith("f"):
        return f"{value:,.{int(spec[1])}f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return _plain(value)


def _plain(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.2f}"


def fill(text: str, env: Mapping[str, float]) -> str:
    """Replace each ``{name}`` placeholder whose name is in ``env``; others stay as written.

    Example:
        >>> fill("{n} weights at {s:%} sparsity", {"n": 266200, "s": 0.9})
        '266,200 weights at 90% sparsity'
    """
    def replace(match: re.Match) -> str:
        name, spec = match.group(1), match.group(2)
        return format_number(env[name], spec) if name in env else match.group(0)

    return PLACEHOLDER.sub(replace, text) if text else text


def placeholders(text: str) -> list[str]:
    """The names of the ``{name}`` placeholders in ``text``."""
    return [match.group(1) for match in PLACEHOLDER.finditer(text or "")]


def is_variant(question: Question) -> bool:
    """Whether the question changes with the learner or their recorded numbers."""
    return bool(question.params or question.values or question.recorded)


def environment(question: Question, quiz_id: str, learner_id: str,
                variant_seed: str | None = None, index: int = 0,
                recorded: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every name a question's text and formulas may use, for this learner: parameters,
    recorded values, then values in the order declared.

    Raises:
        VariantError: a recorded value is missing or outside its declared range, or a
            formula fails (divides by zero...) for these numbers.
    """
    env: dict[str, float] = draw_params(question, quiz_id, learner_id, variant_seed, index)
    recorded = recorded or {}
    for name, spec in question.recorded.items():
        value = recorded.get(name)
        if value is None:
            raise VariantError(f"question {question.id!r} needs the value {name!r} that "
                               f"{spec.source} records; run that cell first.")
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or not spec.low <= value <= spec.high):
            raise VariantError(f"the recorded value {name}={value!r} is outside "
                               f"{spec.low:g}..{spec.high:g}; run {spec.source} again.")
        env[name] = float(value)
    for name, formula in question.values.items():
        try:
            env[name] = float(evaluate(formula, env))
        except FormulaError as error:
            raise VariantError(f"question {question.id!r}, value {name!r}: {error}") from None
    return env


def _key(question: Question, env: dict[str, float]) -> object:
    answer = question.answer
    if not (isinstance(answer, Mapping) and "formula" in answer):
        return answer
    try:
        result = evaluate(answer["formula"], env)
    except FormulaError as error:
        raise VariantError(f"question {question.id!r}, answer: {error}") from None
    if question.type == "truefalse":
        return bool(result)
    return {"value": float(result), "tolerance": answer.get("tolerance", 0)}


def concrete(question: Question, quiz_id: str, learner_id: str,
             variant_seed: str | None = None, index: int = 0,
             recorded: Mapping[str, float] | None = None) -> Question:
    """The question as this learner sees it: placeholders filled, formula keys computed
    (``{value, tolerance}`` or a bool), mistake formulas turned into values. A question
    without params, values or recorded numbers comes back unchanged.

    Raises :class:`VariantError` as :func:`environment` does.
    """
    if not is_variant(question):
        return question
    env = environment(question, quiz_id, learner_id, variant_seed, index, recorded)
    answer = _key(question, env)
    if isinstance(answer, Mapping) and "value" in answer:
        env["answer"] = answer["value"]
    mistakes = []
    for mistake in question.mistakes:
        try:
            mistakes.append(dataclasses.replace(
                mistake, value=float(evaluate(mistake.formula, env)),
                hint=fill(mistake.hint, env)))
        except FormulaError:
            continue  # a diagnosis that does not apply to these numbers
    return dataclasses.replace(
        question,
        prompt=fill(question.prompt, env),
        explanation=fill(question.explanation, env),
        hint=fill(question.hint, env),
        run_after=fill(question.run_after, env),
        model_answer=fill(question.model_answer, env),
        choices=tuple(Choice(c.id, fill(c.text, env), fill(c.feedback, env))
                      for c in question.choices),
        answer=answer,
        mistakes=tuple(mistakes),
        shown={name: env[name] for name in (*question.params, *question.recorded,
                                            *question.values)},
    )


def select_questions(bank: Bank, learner_id: str,
                     variant_seed: str | None = None) -> list[Question]:
    """The questions this learner is asked: every question outside a pool, and ``k`` drawn
    from each pool the bank declares (``pools: {name: k}``), in bank order.

    Example:
        >>> from pruneedu.quiz.bank import load_bank
        >>> bank = load_bank("01-introduction")
        >>> len(select_questions(bank, "ada")) <= len(bank.questions)
        True
    """
    chosen: set[str] = set()
    for pool, count in bank.pools.items():
        members = sorted((q.id for q in bank.questions if q.pool == pool),
                         key=lambda qid: (_digest(variant_seed or PUBLIC_SEED, learner_id,
                                                  bank.id, "pool", pool, qid), qid))
        chosen.update(members[:count])
    return [q for q in bank.questions if not q.pool or q.id in chosen]
