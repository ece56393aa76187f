"""Learner copies of a graded bank without answer keys, and the hash that ties responses to it.

A released question keeps what the learner needs to see and answer it: prompt, choices (ids
and texts), points, concept, depth and the lesson chapter it refers to, matching terms and
definitions (sorted), a written question's rubric, and the declarations that fill in
per-learner numbers (``params``, ``recorded``, and the ``values`` the prompt or choices show,
:func:`shown_values`). It drops every key field (``schema.KEY_FIELDS``: the answer, its
formula, explanation, hint, known mistakes, model answer, run-after code) and choice feedback.

The hash covers exactly what a learner sees, so a full bank and its released copy hash the
same, while any change to a prompt, a choice, the points or the declarations changes it. The
class's ``variant_seed`` is not part of it: the same bank released to two classes hashes alike.
"""

from __future__ import annotations

import ast
import hashlib
import json

from pruneedu.quiz.bank import Bank, Question
from pruneedu.quiz.variants import placeholders


def shown_values(question: Question) -> dict[str, str]:
    """The ``values`` a learner needs to read the question: those its prompt and choices name,
    and the values those are computed from. Values used only in the explanation would show how
    to work out the answer, so they stay in the instructor's bank.

    Example:
        >>> q = Question("q", "numeric", "{total} weights", "c", values={"part": "2 * 3",
        ...              "total": "part + 1", "hidden": "total * 9"})
        >>> shown_values(q)
        {'part': '2 * 3', 'total': 'part + 1'}
    """
    texts = [question.prompt, *(c.text for c in question.choices)]
    needed = {name for text in texts for name in placeholders(text)}
    for name in reversed(list(question.values)):  # a value only uses those declared before it
        if name in needed:
            tree = ast.parse(question.values[name], mode="eval")
            needed |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return {name: formula for name, formula in question.values.items() if name in needed}


def _released_question(question: Question) -> dict:
    data: dict = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "points": question.points,
        "concept": question.concept,
    }
    if question.depth != "basic":
        data["depth"] = question.depth
    for key in ("see", "lesson", "pool"):
        if getattr(question, key):
            data[key] = getattr(question, key)
    if question.choices:
        data["choices"] = [{"id": c.id, "text": c.text} for c in question.choices]
    if question.type == "matching":
        data["terms"] = list(question.terms)
        data["definitions"] = sorted(question.definitions)
    if question.rubric:
        data["rubric"] = list(question.rubric)
    if question.params:
        data["params"] = {name: {"values": list(options)}
                          for name, options in question.params.items()}
    if question.recorded:
        data["recorded"] = {name: {"min": spec.low, "max": spec.high, "source": spec.source}
                            for name, spec in question.recorded.items()}
    values = shown_values(question)
    if values:
        data["values"] = values
    return data


def release_bank(bank: Bank, variant_seed: str | None = None) -> dict:
    """The learner copy of a bank: no key, explanation, hint, mistakes or choice feedback.

    Matching definitions are sorted so their order does not reveal the pairing.
    ``variant_seed`` (:func:`pruneedu.quiz.variants.class_seed` of the instructor's secret) is
    written in so that each learner's widget draws the numbers the grader will expect.

    Example:
        >>> from pruneedu.quiz import load_bank
        >>> released = release_bank(load_bank("01-introduction"))
        >>> [key for q in released["questions"] for key in ("answer", "explanation") if key in q]
        []
    """
    data: dict = {
        "format_version": 1,
        "id": bank.id,
        "title": bank.title,
        "lesson": bank.lesson,
    }
    if bank.pools:
        data["pools"] = dict(bank.pools)
    seed = variant_seed if variant_seed is not None else bank.variant_seed
    if seed is not None:
        data["variant_seed"] = seed
    data["questions"] = [_released_question(q) for q in bank.questions]
    return data


def content_hash(bank: Bank) -> str:
    """``"sha256:<hex>"`` of the learner-visible content (the released copy without the class's
    variant seed, as canonical JSON).

    Example:
        >>> from pruneedu.quiz import bank_from_dict, load_bank
        >>> bank = load_bank("01-introduction")
        >>> content_hash(bank) == content_hash(bank_from_dict(release_bank(bank)))
        True
    """
    released = release_bank(bank)
    released.pop("variant_seed", None)
    canonical = json.dumps(released, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
