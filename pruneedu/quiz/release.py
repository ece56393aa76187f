"""Student copies of a bank without answer keys, and the hash that ties responses to a bank.

The hash covers exactly what a learner sees, so a full bank and its released copy hash the
same, while any change to a prompt, a choice or the points changes it. The order of matching
terms is not part of it: every learner sees the terms in their own shuffled order, and
``pruneedu release`` shuffles them in the released copy so the order cannot give the pairing
away.
"""

from __future__ import annotations

import hashlib
import json

from pruneedu.quiz.bank import Bank, Question


def _released_question(question: Question) -> dict:
    data: dict = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "points": question.points,
        "concept": question.concept,
    }
    if question.choices:
        data["choices"] = [{"id": c.id, "text": c.text} for c in question.choices]
    if question.type == "matching":
        data["terms"] = list(question.terms)
        data["definitions"] = sorted(question.definitions)
    return data


def release_bank(bank: Bank) -> dict:
    """The learner copy of a bank: no ``answer``, ``explanation`` or choice ``feedback``.

    Matching definitions are sorted so their order does not reveal the pairing.

    Example:
        >>> from pruneedu.quiz import load_bank
        >>> released = release_bank(load_bank("01-introduction"))
        >>> [key for q in released["questions"] for key in ("answer", "explanation") if key in q]
        []
    """
    return {
        "format_version": 1,
        "id": bank.id,
        "title": bank.title,
        "lesson": bank.lesson,
        "questions": [_released_question(q) for q in bank.questions],
    }


def content_hash(bank: Bank) -> str:
    """``"sha256:<hex>"`` of the learner-visible content (the released copy, canonical JSON).

    Example:
        >>> from pruneedu.quiz import bank_from_dict, load_bank
        >>> bank = load_bank("01-introduction")
        >>> content_hash(bank) == content_hash(bank_from_dict(release_bank(bank)))
        True
    """
    released = release_bank(bank)
    for question in released["questions"]:
        if "terms" in question:
            question["terms"] = sorted(question["terms"])
    canonical = json.dumps(released, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
