"""The rules a quiz bank and the glossary must follow (docs/formats.md), as lists of problems.

Checks return every problem they find instead of stopping at the first, so a course author
can fix a whole file in one pass. ``pruneedu validate`` prints them; ``load_bank`` raises.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from typing import NamedTuple

from pruneedu.argcheck import is_number, short_repr
from pruneedu.quiz.paramcheck import NAME, check_formula_key, check_variant_fields

QUESTION_TYPES = ("single", "multiple", "truefalse", "numeric", "text", "matching", "written")
DEPTHS = ("basic", "medium", "detailed")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TERM_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SEED_PATTERN = re.compile(r"^[0-9a-f]{64}$")

BANK_FIELDS = {"format_version", "id", "title", "lesson", "questions", "pools", "variant_seed"}
QUESTION_FIELDS = {"id", "type", "prompt", "points", "concept", "choices", "answer", "explanation",
                   "terms", "definitions", "depth", "see", "lesson", "hint", "mistakes", "params",
                   "values", "recorded", "pool", "rubric", "model_answer", "run_after"}
# What a released (learner) copy may not hold: the key and everything that teaches it.
KEY_FIELDS = ("answer", "explanation", "hint", "mistakes", "model_answer", "run_after")
OPTIONAL_TEXT_FIELDS = ("explanation", "see", "lesson", "hint", "model_answer", "run_after")
CHOICE_FIELDS = {"id", "text", "feedback"}
TERM_FIELDS = {"id", "term", "definition", "example", "related", "lesson"}


_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}\u2010-\u2015\u2018-\u201f]")


def normalise_text(text: str) -> str:
    """Compatibility forms folded (NFKC: fullwidth "ｐｒｕｎｉｎｇ" and a decomposed "ë" read as
    typed plainly), lower-case, hyphens and punctuation to spaces, runs of spaces to one.

    Example:
        >>> normalise_text("  Lottery-Ticket  hypothesis! "), normalise_text("ＰＲＵＮＩＮＧ")
        ('lottery ticket hypothesis', 'pruning')
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


class Problem(NamedTuple):
    """One thing wrong in a file: ``item`` is the question or term id (None: the whole file)."""

    item: str | None
    message: str


def problems_message(source: str, problems: list[Problem]) -> str:
    """One sentence naming the first three problems of a file, for the errors loaders raise.

    Example:
        >>> problems_message("q.yaml", [Problem(None, "format_version must be 1")])
        'q.yaml: format_version must be 1; run `pruneedu validate` for the full list.'
    """
    shown = "; ".join(f"{p.item}: {p.message}" if p.item else p.message for p in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return f"{source}: {shown}{more}; run `pruneedu validate` for the full list."


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_bank(data: object, name: str | None = None, require_key: bool = True) -> list[Problem]:
    """Every problem in a parsed quiz bank; ``name`` is the file name without ``.yaml``.

    With ``require_key=False`` a released bank (no ``answer`` anywhere) is accepted too.

    Example:
        >>> check_bank({"format_version": 1})[0].message
        'missing required field id'
    """
    if not isinstance(data, dict):
        return [Problem(None, "the file must be a YAML mapping with id, title, lesson, questions")]
    problems = [Problem(None, f"missing required field {key}")
                for key in ("id", "title", "lesson") if key not in data]
    if data.get("format_version") != 1:
        problems.append(Problem(None, "format_version must be 1"))
    problems += [Problem(None, f"unknown field {short_repr(key)}")
                 for key in data if key not in BANK_FIELDS]
    for key in ("title", "lesson"):
        if key in data and not _is_text(data[key]):
            problems.append(Problem(None, f"{key} must be a non-empty string"))
    if "id" in data:
        if not isinstance(data["id"], str) or not ID_PATTERN.match(data["id"]):
            problems.append(Problem(None, "id must be letters, digits, '-', '_' or '.'"))
        elif name is not None and data["id"] != name:
            problems.append(Problem(None, f"id {short_repr(data['id'])} differs from the file "
                                          f"name {short_repr(name)}"))
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        return problems + [Problem(None, "questions must be a non-empty list")]
    keyless = not require_key and all(
        isinstance(q, dict) and "answer" not in q for q in questions
    )
    seen: set[str] = set()
    for index, question in enumerate(questions, start=1):
        qid = question.get("id") if isinstance(question, dict) else None
        label = qid if isinstance(qid, str) else f"question #{index}"
        if isinstance(qid, str):
            if qid in seen:
                problems.append(Problem(label, "question id used twice in this bank"))
            seen.add(qid)
        problems += [Problem(label, message) for message in check_question(question, keyless)]
    problems += _check_pools(data, questions)
    seed = data.get("variant_seed")
    if seed is not None and (not keyless or not isinstance(seed, str)
                             or not SEED_PATTERN.match(seed)):
        problems.append(Problem(None, "variant_seed belongs only in a released bank, as the 64 "
                                      "hex digits `pruneedu release` writes"))
    return problems


def _check_pools(data: dict, questions: list) -> list[Problem]:
    """``pools: {name: k}`` draws k questions per learner from those with ``pool: name``;
    every question of a pool is worth the same, so every learner's maximum is the same."""
    pools = data.get("pools", {})
    if not isinstance(pools, dict):
        return [Problem(None, "pools must be a mapping of pool name to how many to draw")]
    problems = []
    members: dict[str, list[dict]] = {}
    for question in questions:
        if isinstance(question, dict) and isinstance(question.get("pool"), str):
            members.setdefault(question["pool"], []).append(question)
    for name, count in pools.items():
        group = members.get(name, [])
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(Problem(None, f"pool name {short_repr(name)} must be an identifier"))
        elif isinstance(count, bool) or not isinstance(count, int) or count < 1:
            problems.append(Problem(None, f"pool {name!r} must draw a whole number >= 1"))
        elif len(group) < count:
            problems.append(Problem(None, f"pool {name!r} draws {count} but has "
                                          f"{len(group)} questions"))
        if len({q.get("points", 1) for q in group}) > 1:
            problems.append(Problem(None, f"pool {name!r}: its questions must all be worth the "
                                          "same points, so every learner can earn the same"))
    for name, group in members.items():
        if name not in pools:
            problems += [Problem(q.get("id"), f"pool {name!r} is not declared under the "
                                              "bank's pools") for q in group]
    return problems


def check_question(question: object, keyless: bool = False) -> list[str]:
    """Problems with one question mapping; ``keyless``: it comes from a released bank."""
    if not isinstance(question, dict):
        return ["a question must be a mapping with id, type, prompt, concept, answer"]
    qtype = question.get("type")
    needs_key = not keyless and qtype != "written"
    required = ["id", "type", "prompt", "concept"] + (["answer"] if needs_key else [])
    problems = [f"missing required field {key}" for key in required if key not in question]
    problems += [f"unknown field {short_repr(key)}"
                 for key in question if key not in QUESTION_FIELDS]
    if keyless:
        problems += [f"a released question may not hold {key}"
                     for key in KEY_FIELDS if key in question]
    if "id" in question and (not isinstance(question["id"], str)
                             or not ID_PATTERN.match(question["id"])):
        problems.append("id must be a string of letters, digits, '-', '_' or '.'")
    for key in ("prompt", "concept"):
        if key in question and not _is_text(question[key]):
            problems.append(f"{key} must be a non-empty string")
    problems += [f"{key} must be a string" for key in OPTIONAL_TEXT_FIELDS
                 if key in question and not isinstance(question[key], str)]
    if question.get("depth", "basic") not in DEPTHS:
        problems.append(f"depth must be one of {', '.join(DEPTHS)}")
    if "pool" in question and (not isinstance(question["pool"], str)
                               or not NAME.match(question["pool"])):
        problems.append("pool must be an identifier naming one of the bank's pools")
    points = question.get("points", 1)
    if not is_number(points) or not math.isfinite(points) or points <= 0:
        problems.append("points must be a positive number")
    if "type" in question and qtype not in QUESTION_TYPES:
        problems.append(f"unknown type {short_repr(qtype)}; "
                        f"use one of {', '.join(QUESTION_TYPES)}")
        return problems
    choice_ids = _check_choices(question, qtype, problems)
    if qtype == "matching":
        _check_matching_lists(question, keyless, problems)
    elif "terms" in question or "definitions" in question:
        problems.append("terms and definitions belong to matching questions only")
    _check_written(question, qtype, problems)
    if "answer" in question and qtype not in (None, "written"):
        answer = question["answer"]
        if isinstance(answer, dict) and "formula" in answer:
            problems += check_formula_key(qtype, answer)
        else:
            problems += check_answer_key(qtype, answer, choice_ids)
    problems += check_variant_fields(question)
    return problems


def _check_written(question: dict, qtype: object, problems: list[str]) -> None:
    """A written question has a rubric (what a marker looks for) and no key."""
    if qtype != "written":
        if "rubric" in question or "model_answer" in question:
            problems.append("rubric and model_answer belong to written questions only")
        return
    if "answer" in question:
        problems.append("a written question has no answer key; a person scores it by the rubric")
    rubric = question.get("rubric")
    if not isinstance(rubric, list) or not rubric or not all(map(_is_text, rubric)):
        problems.append("rubric must be a list of what a full answer contains")


def _check_choices(question: dict, qtype: object, problems: list[str]) -> list[str]:
    """Check the choices list, returning the choice ids found."""
    if qtype not in ("single", "multiple"):
        if "choices" in question:
            problems.append(f"a {qtype} question takes no choices")
        return []
    choices = question.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        problems.append("choices must be a list of at least two {id, text} mappings")
        return []
    ids: list[str] = []
    for number, choice in enumerate(choices, start=1):
        if not isinstance(choice, dict):
            problems.append(f"choice #{number} must be a mapping with id and text")
            continue
        unknown = [key for key in choice if key not in CHOICE_FIELDS]
        if unknown:
            problems.append(f"choice #{number} has unknown field {short_repr(unknown[0])}")
        cid = choice.get("id")
        if not isinstance(cid, str) or not cid:
            problems.append(f"choice #{number} needs a string id (quote it in YAML)")
        elif cid in ids:
            problems.append(f"choice id {short_repr(cid)} used twice")
        else:
            ids.append(cid)
        if not _is_text(choice.get("text")):
            problems.append(f"choice #{number} needs a non-empty text (quote numbers in YAML)")
        if "feedback" in choice and not isinstance(choice["feedback"], str):
            problems.append(f"choice #{number} feedback must be a string")
    return ids


def _check_matching_lists(question: dict, keyless: bool, problems: list[str]) -> None:
    """A released matching question carries ``terms`` and ``definitions`` instead of a key."""
    if not keyless:
        if "terms" in question or "definitions" in question:
            problems.append("a matching question with a key lists its pairs only in answer.pairs")
        return
    terms, definitions = question.get("terms"), question.get("definitions")
    for key, value in (("terms", terms), ("definitions", definitions)):
        if not isinstance(value, list) or len(value) < 2 or not all(map(_is_text, value)):
            problems.append(f"{key} must be a list of at least two strings")
        elif len(set(value)) != len(value):
            problems.append(f"{key} must not repeat an entry")
    if isinstance(terms, list) and isinstance(definitions, list) and len(terms) != len(definitions):
        problems.append("terms and definitions must be equally many (pairs are one-to-one)")


def check_answer_key(qtype: str, answer: object, choice_ids: list[str]) -> list[str]:
    """Problems with the key ``answer`` of a question of type ``qtype``.

    Example:
        >>> check_answer_key("single", "c", ["a", "b"])
        ["answer 'c' is not one of the choice ids a, b"]
    """
    listed = ", ".join(choice_ids)
    if qtype == "single":
        if not isinstance(answer, str):
            return ["answer must be one choice id (a string)"]
        if choice_ids and answer not in choice_ids:
            return [f"answer {short_repr(answer)} is not one of the choice ids {listed}"]
        return []
    if qtype == "multiple":
        if (not isinstance(answer, list) or not answer
                or not all(isinstance(a, str) for a in answer)):
            return ["answer must be a non-empty list of choice ids"]
        if len(set(answer)) != len(answer):
            return ["answer lists a choice id twice"]
        missing = [a for a in answer if choice_ids and a not in choice_ids]
        return [f"answer {short_repr(m)} is not one of the choice ids {listed}" for m in missing]
    if qtype == "truefalse":
        return [] if isinstance(answer, bool) else ["answer must be true or false"]
    if qtype == "numeric":
        return _check_numeric_key(answer)
    if qtype == "text":
        accept = answer.get("accept") if isinstance(answer, dict) else None
        if (not isinstance(accept, list) or not accept or not all(map(_is_text, accept))
                or set(answer) != {"accept"}):
            return ["answer must be {accept: [one or more non-empty strings]}"]
        return []
    # matching
    pairs = answer.get("pairs") if isinstance(answer, dict) else None
    if not isinstance(pairs, dict) or len(pairs) < 2 or set(answer) != {"pairs"}:
        return ["answer must be {pairs: {term: definition, ...}} with at least two pairs"]
    if not all(_is_text(k) and _is_text(v) for k, v in pairs.items()):
        return ["every matching term and definition must be a non-empty string"]
    if len(set(pairs.values())) != len(pairs):
        return ["two terms share a definition; matching pairs must be one-to-one"]
    return []


def _check_numeric_key(answer: object) -> list[str]:
    if not isinstance(answer, dict):
        return ["answer must be {value: V, tolerance: T}, {min: A, max: B} or "
                "{formula: F, tolerance: T}"]
    keys = set(answer)
    if keys == {"value", "tolerance"}:
        value, tolerance = answer["value"], answer["tolerance"]
        if not is_number(value) or not math.isfinite(value):
            return ["answer value must be a finite number"]
        if not is_number(tolerance) or not math.isfinite(tolerance) or tolerance < 0:
            return ["answer tolerance must be a finite number >= 0"]
        return []
    if keys == {"min", "max"}:
        low, high = answer["min"], answer["max"]
        if not all(is_number(x) and math.isfinite(x) for x in (low, high)):
            return ["answer min and max must be finite numbers"]
        return [] if low <= high else ["answer min must not exceed max"]
    return ["answer must be {value: V, tolerance: T} or {min: A, max: B}"]


def check_glossary(data: object, lessons: set[str] | None = None) -> list[Problem]:
    """Every problem in a parsed glossary; ``lessons``: the lesson ids that exist (None: skip).

    Example:
        >>> check_glossary({"format_version": 1, "terms": []})
        [Problem(item=None, message='terms must be a non-empty list')]
    """
    if not isinstance(data, dict):
        return [Problem(None, "the glossary must be a YAML mapping with format_version and terms")]
    problems = [Problem(None, f"unknown field {short_repr(key)}")
                for key in data if key not in {"format_version", "terms"}]
    if data.get("format_version") != 1:
        problems.append(Problem(None, "format_version must be 1"))
    terms = data.get("terms")
    if not isinstance(terms, list) or not terms:
        return problems + [Problem(None, "terms must be a non-empty list")]
    ids = [t.get("id") for t in terms if isinstance(t, dict)]
    known = {i for i in ids if isinstance(i, str)}
    seen: set[str] = set()
    for index, entry in enumerate(terms, start=1):
        tid = entry.get("id") if isinstance(entry, dict) else None
        label = tid if isinstance(tid, str) else f"term #{index}"
        if not isinstance(entry, dict):
            problems.append(Problem(label, "a term must be a mapping with id, term, definition"))
            continue
        messages = [f"missing required field {key}"
                    for key in ("id", "term", "definition", "lesson") if key not in entry]
        messages += [f"unknown field {short_repr(key)}" for key in entry if key not in TERM_FIELDS]
        if isinstance(tid, str):
            if not TERM_ID_PATTERN.match(tid):
                messages.append("id must be lowercase words joined by hyphens")
            if tid in seen:
                messages.append("term id used twice")
            seen.add(tid)
        for key in ("term", "definition", "example", "lesson"):
            if key in entry and not _is_text(entry[key]):
                messages.append(f"{key} must be a non-empty string")
        related = entry.get("related", [])
        if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
            messages.append("related must be a list of term ids")
        else:
            messages += [f"related term {short_repr(r)} is not in the glossary"
                         for r in related if r not in known]
            if tid in related:
                messages.append("a term cannot be related to itself")
        lesson = entry.get("lesson")
        if lessons is not None and isinstance(lesson, str) and lesson not in lessons:
            messages.append(f"lesson {short_repr(lesson)} does not exist")
        problems += [Problem(label, message) for message in messages]
    return problems
