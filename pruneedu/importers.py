"""Bring in material written for two popular notebook tools by J. M. Shea.

* jupyterquiz: a JSON list of questions, each with ``question``, ``type``
  (``multiple_choice`` / ``many_choice`` / ``numeric``) and ``answers``; choice answers carry
  ``answer`` (or ``code``), ``correct`` and ``feedback``; numeric answers carry ``type``
  (``value`` / ``range`` / ``default``), ``value`` or ``range`` [A, B), ``correct``,
  ``feedback``, and the question an optional ``precision`` (significant digits).
* jupytercards: a JSON list of ``{"front": ..., "back": ...}`` cards.

They become a quiz bank dict (docs/formats.md, ready for ``yaml.safe_dump``) and glossary
term dicts (the ``terms`` entries of quizzes/glossary.yaml). ``pruneedu import``
(:mod:`pruneedu.import_material`) runs them and checks the result before writing it.
"""

from __future__ import annotations

import json
import math
import re
import string
from pathlib import Path

JsonSource = str | Path | list


def _read(source: JsonSource, what: str) -> list:
    """Accept a path, a JSON string or an already parsed list."""
    if isinstance(source, list):
        data = source
    else:
        text = str(source)
        if isinstance(source, str) and text.lstrip().startswith(("[", "{")):
            raw = text
        else:
            path = Path(source)
            if not path.exists():
                raise ValueError(f"no {what} file at {path}; give a path or the JSON text.")
            raw = path.read_text(encoding="utf-8")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ValueError(f"the {what} JSON is not valid ({error}); check the file.") from None
    if not isinstance(data, list):
        raise ValueError(f"{what} JSON must be a list of objects at the top level.")
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"{what} item #{index} is not an object; each entry needs keys.")
    return data


def _with_code(text: str, code: str | None) -> str:
    return f"{text}\n\n```python\n{code}\n```" if code else text


def _choice_question(item: dict, qid: str, number: int) -> dict:
    answers = item.get("answers")
    if not isinstance(answers, list) or len(answers) < 2:
        raise ValueError(f"question #{number} needs at least two answers to choose from.")
    choices, correct = [], []
    for letter, answer in zip(string.ascii_lowercase, answers, strict=False):
        text = answer.get("answer") or answer.get("code")
        if not text:
            raise ValueError(f"question #{number}: an answer has neither 'answer' nor 'code'.")
        choice = {"id": letter, "text": str(text)}
        if answer.get("feedback"):
            choice["feedback"] = str(answer["feedback"])
        choices.append(choice)
        if answer.get("correct") is True:
            correct.append(letter)
    if len(answers) > len(string.ascii_lowercase):
        raise ValueError(f"question #{number} has more than 26 answers; split it.")
    if not correct:
        raise ValueError(f"question #{number} marks no answer as correct; mark at least one.")
    if item["type"] == "multiple_choice":
        if len(correct) > 1:
            raise ValueError(
                f"question #{number} is multiple_choice with {len(correct)} correct answers; "
                "make it many_choice or keep one correct answer."
            )
        return {"id": qid, "type": "single", "choices": choices, "answer": correct[0]}
    return {"id": qid, "type": "multiple", "choices": choices, "answer": correct}


def _numeric_question(item: dict, qid: str, number: int) -> dict:
    answers = item.get("answers") or []
    correct = [a for a in answers if isinstance(a, dict) and a.get("correct") is True]
    if not correct:
        raise ValueError(f"question #{number} has no correct numeric answer; mark one correct.")
    first = correct[0]
    if first.get("type") == "range":
        low, high = first["range"]
        # jupyterquiz ranges exclude their upper end; ours include it, one point wider.
        key = {"min": float(low), "max": float(high)}
    elif first.get("type") == "value":
        value = float(first["value"])
        key = {"value": value, "tolerance": _tolerance(value, item.get("precision"))}
    else:
        raise ValueError(f"question #{number}: a correct numeric answer must be a value or range.")
    question = {"id": qid, "type": "numeric", "answer": key}
    if first.get("feedback"):
        question["explanation"] = str(first["feedback"])
    return question


def _tolerance(value: float, precision: object) -> float:
    """Half a unit in the last significant digit jupyterquiz compares (0 without precision)."""
    if precision is None:
        return 0.0
    digits = int(precision)
    exponent = math.floor(math.log10(abs(value))) if value else 0
    return 0.5 * 10 ** (exponent - digits + 1)


def import_jupyterquiz(
    source: JsonSource, quiz_id: str = "imported", title: str = "Imported quiz",
    lesson: str = "imported", concept: str = "imported",
) -> dict:
    """Convert jupyterquiz JSON into a quiz bank dict in our format.

    Question ids are ``<quiz_id>-q1``, ``<quiz_id>-q2``...; ``multiple_choice`` becomes
    ``single``, ``many_choice`` becomes ``multiple``, ``numeric`` keeps its first correct
    value (with a tolerance from ``precision``) or range.

    Example:
        >>> bank = import_jupyterquiz('[{"question": "2+2?", "type": "numeric",'
        ...     ' "answers": [{"type": "value", "value": 4, "correct": true}]}]')
        >>> bank["questions"][0]["answer"]
        {'value': 4.0, 'tolerance': 0.0}
    """
    questions = []
    for number, item in enumerate(_read(source, "jupyterquiz"), start=1):
        qtype = item.get("type")
        qid = f"{quiz_id}-q{number}"
        if qtype in ("multiple_choice", "many_choice"):
            question = _choice_question(item, qid, number)
        elif qtype == "numeric":
            question = _numeric_question(item, qid, number)
        else:
            raise ValueError(
                f"question #{number} has type {qtype!r}; only multiple_choice, many_choice "
                "and numeric can be imported."
            )
        prompt = _with_code(str(item.get("question") or ""), item.get("code"))
        if not prompt.strip():
            raise ValueError(f"question #{number} has no 'question' text; add one.")
        questions.append({"id": qid, "type": question["type"], "prompt": prompt,
                          "concept": concept, **question})
    if not questions:
        raise ValueError("the jupyterquiz JSON holds no questions.")
    return {"format_version": 1, "id": quiz_id, "title": title, "lesson": lesson,
            "questions": questions}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def import_jupytercards(source: JsonSource, lesson: str = "") -> list[dict]:
    """Convert jupytercards JSON (``[{"front", "back"}]``) into glossary term dicts.

    The front becomes the term, the back the definition; ids are the lowercase, hyphenated
    front text (a repeat gets ``-2``, ``-3``...).

    Example:
        >>> import_jupytercards('[{"front": "Mask", "back": "A 0/1 tensor."}]')[0]["id"]
        'mask'
    """
    terms: list[dict] = []
    used: set[str] = set()
    for number, card in enumerate(_read(source, "jupytercards"), start=1):
        front, back = card.get("front"), card.get("back")
        if not isinstance(front, str) or not front.strip() or not isinstance(back, str):
            raise ValueError(f"card #{number} needs string 'front' and 'back' fields.")
        base = _slug(front) or f"card-{number}"
        term_id, suffix = base, 2
        while term_id in used:
            term_id, suffix = f"{base}-{suffix}", suffix + 1
        used.add(term_id)
        term = {"id": term_id, "term": front.strip(), "definition": back.strip()}
        if lesson:
            term["lesson"] = lesson
        terms.append(term)
    return terms
