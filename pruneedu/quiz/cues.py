"""What lets a learner score without knowing: test-taking cues that ``pruneedu validate`` warns
about, each naming the question ids.

- **answers in ids**: a released copy shows a text question's ``id`` and ``concept``; neither
  may hold an accepted answer.
- **key-position skew**: the keys of single-choice questions pile up in one position of the
  source (released copies list choices in source order), or true/false keys are nearly all
  one way. Judged by the chance of so many under a fair spread (exact Poisson-binomial tail,
  below ``SKEW_P`` after dividing by the positions tested).
- **longest choice**: the key is the strictly longest choice more often than chance allows
  (more than the expected count plus one half), or one key is far longer than every
  distractor (``LONG_KEY_RATIO``).
- **numbers given away**: a numeric key that is printed verbatim in a lesson or the glossary;
  for a per-learner question, more than ``VARIANT_LEAK_SHARE`` of its variants.

Example:
    >>> numbers_in("LeNet-300-100 has 266,610 parameters, 8.2x smaller") >= {266610.0, 8.2}
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pruneedu.argcheck import short_repr
from pruneedu.quiz.bank import Bank, Question
from pruneedu.quiz.schema import Problem, normalise_text
from pruneedu.quiz.variants import VariantError, concrete, format_number

SKEW_P = 0.05
LONG_KEY_RATIO = 1.5
VARIANT_SAMPLES = 200
VARIANT_LEAK_SHARE = 0.10
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?")


def answer_leaks(question: dict) -> list[str]:
    """Released copies show a question's ``id``, ``concept`` and ``see`` (the chapter it points
    to): none may hold an accepted answer of a text question.

    Example:
        >>> answer_leaks({"id": "q-7", "type": "text", "concept": "sparsity",
        ...               "answer": {"accept": ["Sparsity"]}})[0][:28]
        "concept 'sparsity' gives the"
    """
    if question.get("type") != "text" or "answer" not in question:
        return []
    problems = []
    for field in ("concept", "id", "see"):
        if field not in question:
            continue
        shown = question[field]
        padded = f" {normalise_text(str(shown).replace('-', ' '))} "
        for variant in question["answer"]["accept"]:
            if f" {normalise_text(variant)} " in padded:
                problems.append(f"{field} {short_repr(shown)} gives the answer "
                                f"{short_repr(variant)} away (released "
                                f"copies show the {field}); use a neutral {field} instead")
                break
    return problems


def tail_probability(chances: list[float], at_least: int) -> float:
    """P(at least ``at_least`` successes) for independent trials with these chances.

    Example:
        >>> round(tail_probability([0.5, 0.5], 2), 2)
        0.25
    """
    distribution = [1.0]
    for p in chances:
        distribution = [a * (1 - p) + b * p
                        for a, b in zip(distribution + [0.0], [0.0] + distribution, strict=True)]
    return sum(distribution[at_least:])


def _ids(questions: Iterable[Question]) -> str:
    shown = [q.id for q in questions]
    return ", ".join(shown[:8]) + (f" and {len(shown) - 8} more" if len(shown) > 8 else "")


def position_warnings(bank: Bank) -> list[Problem]:
    """Key-position skew among single-choice keys, and true/false keys all one way."""
    problems = []
    singles = [q for q in bank.questions if q.type == "single" and isinstance(q.answer, str)]
    positions = max((len(q.choices) for q in singles), default=0)
    for position in range(positions):
        chances = [1 / len(q.choices) for q in singles if len(q.choices) > position]
        hits = [q for q in singles if [c.id for c in q.choices].index(q.answer) == position]
        if len(hits) >= 3 and tail_probability(chances, len(hits)) < SKEW_P / positions:
            problems.append(Problem(None, (
                f"key-position skew: choice #{position + 1} is the key in {len(hits)} of "
                f"{len(chances)} single-choice questions (about {sum(chances):.1f} by chance): "
                f"{_ids(hits)}; move some keys to other positions")))
    flags = [q for q in bank.questions if q.type == "truefalse" and isinstance(q.answer, bool)]
    for side in (True, False):
        same = [q for q in flags if q.answer is side]
        if len(same) >= 3 and tail_probability([0.5] * len(flags), len(same)) < SKEW_P / 2:
            problems.append(Problem(None, (
                f"key-position skew: {len(same)} of {len(flags)} true/false keys are "
                f"{str(side).lower()} ({_ids(same)}); balance them")))
    return problems


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def length_warnings(bank: Bank) -> list[Problem]:
    """Keys that are the longest choice more often than chance, or far longer than the rest."""
    problems = []
    singles = [q for q in bank.questions if q.type == "single" and isinstance(q.answer, str)]
    longest = []
    for question in singles:
        key = _length(question.choice(question.answer).text)
        others = [_length(c.text) for c in question.choices if c.id != question.answer]
        if key > max(others):
            longest.append(question)
        if key >= LONG_KEY_RATIO * max(others):
            problems.append(Problem(question.id, (
                f"the key is {key / max(others):.1f}x as long as the longest other choice; "
                "make the choices similar in length")))
    expected = sum(1 / len(q.choices) for q in singles)
    if len(longest) > expected + 0.5:
        problems.append(Problem(None, (
            f"longest-choice cue: the key is the longest choice in {len(longest)} of "
            f"{len(singles)} single-choice questions (about {expected:.1f} by chance): "
            f"{_ids(longest)}; shorten some keys or lengthen distractors")))
    for question in bank.questions:
        if question.type != "multiple" or not isinstance(question.answer, list):
            continue
        keys = [_length(question.choice(k).text) for k in question.answer]
        rest = [_length(c.text) for c in question.choices if c.id not in question.answer]
        if rest and min(keys) > max(rest):
            problems.append(Problem(question.id, (
                "every right choice is longer than every wrong one; vary the lengths")))
    return problems


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text`` (thousands separators removed)."""
    return {float(match.replace(",", "")) for match in _NUMBER.findall(text)}


def _printed(value: float, known: set[float]) -> bool:
    return any(abs(value - number) <= 1e-9 * max(1.0, abs(number)) for number in known)


def numeric_leak_warnings(bank: Bank, known: set[float]) -> list[Problem]:
    """Numeric keys printed verbatim in the course texts (``known``: :func:`numbers_in` of the
    lessons and glossary)."""
    problems = []
    for question in bank.questions:
        if question.type != "numeric" or question.answer is None or question.recorded:
            continue
        keys = []
        samples = VARIANT_SAMPLES if question.params else 1
        for index in range(samples):
            try:
                shown = concrete(question, bank.id, "validate", None, index)
            except VariantError:
                continue
            answer = shown.answer
            if isinstance(answer, dict):
                keys.append(answer["value"] if "value" in answer
                            else (answer["min"] + answer["max"]) / 2)
        leaked = [k for k in keys if _printed(k, known)]
        if not keys or len(leaked) <= VARIANT_LEAK_SHARE * len(keys) and question.params:
            continue
        if leaked:
            example = format_number(leaked[0])
            what = (f"{len(leaked)} of {len(keys)} variants' keys (e.g. {example}) appear"
                    if question.params else f"the key {example} appears")
            problems.append(Problem(question.id, (
                f"{what} verbatim in the lessons or glossary; a learner can copy it from "
                "there: change the numbers or draw them per learner (params)")))
    return problems


def cue_warnings(bank: Bank, known_numbers: set[float]) -> list[Problem]:
    """All the warnings above for one (valid) bank."""
    return (position_warnings(bank) + length_warnings(bank)
            + numeric_leak_warnings(bank, known_numbers))
