"""Student copies of a bank without answer keys, and the hash that ties responses to a bank.

The hash covers exactly what a learner sees, so a full bank and its released copy hash the
same, while any change to a prompt, a choice or the points changes it.
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
        >>> import yaml
        >>> text = yaml.safe_dump(release_bank(load_bank("01-introduction")))  # doctest: +SKIP
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
        >>> content_hash(load_bank("01-introduction"))[:7]   # doctest: +SKIP
        'sha256:'
    """
    canonical = json.dumps(release_bank(bank), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
