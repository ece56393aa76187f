"""Proof that a released course carries no key: search every released file for key text, and
check each released graded bank's structure and order.

Key text is everything a learner must not see before the deadline:

- each graded question's explanation and choice feedback (texts of four words or more: "No."
  appears everywhere and proves nothing), searched in every released file;
- each exercise's solution, wrong variants, hidden test names and inputs (what counts and
  where is in :mod:`pruneedu.grading.exercise_leaks`). These come from the instructor's files
  alone, never from the released ones, so a solution pasted into a stub is still found;
- accepted text answers, searched in the released copy of their own question (a one-word
  answer such as "sparsity" is all over a pruning course, so finding it elsewhere proves
  nothing, while finding it in its own question gives the answer away).

Released graded banks are also checked structurally: no ``answer``, ``explanation``,
``feedback``, ``accept`` or ``pairs`` field at any depth; matching terms not lined up with the
definitions; and no answer position or choice id that holds the key far more often than chance
(see :func:`answer_pattern_leaks`). A practice bank must not repeat a graded question.

Example:
    >>> find_leaks({"q.yaml": "prompt: Name it.\\n"}, {"Pruned weights are zero.": "explanation"})
    []
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from pruneedu import quiz
from pruneedu.grading.exercise_leaks import (  # MIN_LINE_CHARS: shared with feedback's tests
    MIN_LINE_CHARS,  # noqa: F401
    code_leaks,
    hidden_inputs_in_public_tests,
    hidden_test_texts,
    instructor_code,
    library_lines,
)
from pruneedu.grading.material import Material
from pruneedu.grading.student_package import pairs_aligned
from pruneedu.quiz.cues import tail_probability
from pruneedu.quiz.schema import KEY_FIELDS as BANK_KEY_FIELDS
from pruneedu.yamlfile import parse_yaml

# Every key field of a bank (quiz.schema.KEY_FIELDS) and the parts of keys and choices that
# hold one: choice feedback, accepted answers, matching pairs, formulas.
KEY_FIELDS = {*BANK_KEY_FIELDS, "feedback", "accept", "pairs", "formula"}
MIN_KEY_WORDS = 4
PATTERN_ALPHA = 0.01  # chance that a bank with keys placed at random is refused
BINARY_SUFFIXES = {".pt", ".npy", ".npz", ".png", ".jpg", ".gif", ".mp3", ".ogg", ".wav",
                   ".opus", ".flac", ".zip", ".gz", ".whl"}


@dataclass(frozen=True, order=True)
class Leak:
    """Key text (or a key pattern) found in a released file."""

    file: str
    what: str
    text: str


def _squash(text: str) -> str:
    return " ".join(text.split())


def key_texts(material: Material) -> dict[str, str]:
    """Every key string searched for anywhere in a release, mapped to what it is: graded
    explanations and choice feedback, hidden test names and written-out inputs."""
    keys: dict[str, str] = {}
    for bank in material.banks.values():
        for question in bank.questions:
            where = f"{bank.id}/{question.id}"
            texts = [(question.explanation, f"explanation of {where}"),
                     (question.hint, f"hint of {where}"),
                     (question.model_answer, f"model answer of {where}")]
            texts += [(m.hint, f"a known mistake's hint of {where}") for m in question.mistakes]
            texts += [(c.feedback, f"feedback on choice {c.id} of {where}")
                      for c in question.choices]
            for text, what in texts:
                if len(text.split()) >= MIN_KEY_WORDS:
                    keys[text] = what
    for exercise in material.exercises.values():
        keys.update(hidden_test_texts(exercise))
    return keys


def exercise_leaks(files: dict[str, str], material: Material) -> list[Leak]:
    """Instructor code of the exercises repeated in released files (name -> text), and hidden
    inputs among the public tests (see :mod:`pruneedu.grading.exercise_leaks`)."""
    library = library_lines(files)
    code = [item for exercise in material.exercises.values()
            for item in instructor_code(exercise, library)]
    stubs = {f"exercises/{exercise_id}/stub.py" for exercise_id in material.exercises}
    found = code_leaks(files, code, stubs)
    for exercise in material.exercises.values():
        found += hidden_inputs_in_public_tests(exercise)
    return sorted(Leak(*item) for item in found)


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings(key) + _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


def searchable_text(path: Path) -> str | None:
    """A released file as text to search: the raw text plus, for notebooks and YAML, the
    decoded strings (so escaping in JSON or YAML cannot hide a key). None for binary files."""
    if path.suffix in BINARY_SUFFIXES:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    try:
        if path.suffix == ".ipynb":
            text += "\n" + "\n".join(_strings(json.loads(text).get("cells", [])))
        elif path.suffix in (".yaml", ".yml"):
            text += "\n" + "\n".join(_strings(yaml.safe_load(text)))
    except (ValueError, yaml.YAMLError):
        pass  # the raw text is still searched
    return text


def find_leaks(files: dict[str, str], keys: dict[str, str]) -> list[Leak]:
    """Search each file's text (name -> text) for each key string (runs of white space match
    any run of white space, so re-wrapped text is still found)."""
    squashed_keys = [(_squash(key), key, what) for key, what in keys.items()]
    leaks = []
    for name, text in files.items():
        squashed = _squash(text)
        leaks += [Leak(name, what, key) for needle, key, what in squashed_keys
                  if needle and needle in squashed]
    return sorted(leaks)


def _released_with_keys(released: object, material: Material):
    """Each released question beside its bank and its keyed original (unknown ones skipped)."""
    if not isinstance(released, dict) or released.get("id") not in material.banks:
        return
    bank = material.banks[released["id"]]
    for shown in released.get("questions", []):
        try:
            yield bank, shown, bank.question(shown.get("id"))
        except (KeyError, AttributeError):
            continue


def answer_in_question_leaks(name: str, released: object, material: Material) -> list[Leak]:
    """Accepted text answers found (as whole words, case and punctuation ignored) in the
    released copy of their own question."""
    leaks = []
    for bank, shown, question in _released_with_keys(released, material):
        if question.type != "text":
            continue
        # Ids are identifiers, not text a learner reads in the quiz, so they are left out.
        visible = {key: value for key, value in shown.items() if key != "id"}
        words = f" {quiz.normalise_text(yaml.safe_dump(visible, allow_unicode=True))} "
        for variant in question.answer["accept"]:  # type: ignore[index]
            if f" {quiz.normalise_text(variant)} " in words:
                leaks.append(Leak(name, f"the accepted answer of {bank.id}/{question.id}",
                                  variant))
    return leaks


def structural_leaks(name: str, released: object) -> list[Leak]:
    """Key fields anywhere in a released bank, or matching definitions left unsorted."""
    leaks = []
    stack = [released]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            leaks += [Leak(name, f"a '{key}' field", str(node[key])[:80])
                      for key in node if key in KEY_FIELDS]
            definitions = node.get("definitions")
            if isinstance(definitions, list) and definitions != sorted(definitions):
                leaks.append(Leak(name, "matching definitions in key order", str(node.get("id"))))
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return sorted(leaks)


def matching_order_leaks(name: str, released: object, material: Material) -> list[Leak]:
    """Matching questions (three or more terms) whose released terms line up with the
    definitions, so the pairing can be read off the order."""
    leaks = []
    for bank, shown, question in _released_with_keys(released, material):
        terms, definitions = shown.get("terms"), shown.get("definitions")
        if (question.type == "matching" and isinstance(terms, list) and len(terms) >= 3
                and isinstance(definitions, list)
                and set(terms) == set(question.answer["pairs"])  # type: ignore[index]
                and pairs_aligned(terms, definitions, question.answer["pairs"])):  # type: ignore[index]
            leaks.append(Leak(name, "matching pairs readable off the released order",
                              f"{bank.id}/{question.id}"))
    return leaks


def answer_pattern_leaks(name: str, released: object, material: Material) -> list[Leak]:
    """Answer positions or choice ids that hold the key far more often than chance.

    For each position in the released choice order, and each choice id (and true/false), the
    number of questions whose key sits there is compared with what keys placed at random would
    give (a question with k choices and m keys puts a key at a given place with chance m/k). A
    place is refused when keys placed at random would crowd it so much less than once in
    ``1 / PATTERN_ALPHA`` banks (the threshold split over all the places tested). Example: six
    single-choice questions that all have the key first, or all have the key ``a``.
    """
    if not isinstance(released, dict) or released.get("id") not in material.banks:
        return []
    bank = material.banks[released["id"]]
    places: dict[str, list[tuple[float, bool]]] = {}
    for shown in released.get("questions", []):
        try:
            question = bank.question(shown.get("id"))
        except (KeyError, AttributeError):
            continue
        if question.type in ("single", "multiple"):
            keys = question.answer if isinstance(question.answer, list) else [question.answer]
            order = [c.get("id") for c in shown.get("choices", []) if isinstance(c, dict)]
            if not order:
                continue
            chance = len(keys) / len(order)
            for position, choice_id in enumerate(order, 1):
                for place in (f"the key is at position {position}",
                              f"the key is choice {choice_id!r}"):
                    places.setdefault(place, []).append((chance, choice_id in keys))
        elif question.type == "truefalse":
            for value in (True, False):
                places.setdefault(f"the answer is {value}", []).append(
                    (0.5, question.answer is value))
    threshold = PATTERN_ALPHA / max(1, len(places))
    leaks = []
    for place, trials in sorted(places.items()):
        hits = sum(hit for _, hit in trials)
        if hits and tail_probability([p for p, _ in trials], hits) < threshold:
            leaks.append(Leak(name, f"answer pattern: {place} in {hits} of {len(trials)} "
                                    "questions", bank.id))
    return leaks


def released_bank_leaks(name: str, text: str, material: Material) -> list[Leak]:
    """Every check of one released graded bank file's YAML text."""
    released = parse_yaml(text, source=name)
    return (structural_leaks(name, released) + answer_in_question_leaks(name, released, material)
            + matching_order_leaks(name, released, material)
            + answer_pattern_leaks(name, released, material))


def practice_repeat_leaks(name: str, practice: quiz.Bank, material: Material) -> list[Leak]:
    """Graded questions repeated in a practice bank, which ships with its answers."""
    graded = {_squash(q.prompt).lower(): f"{bank.id}/{q.id}"
              for bank in material.banks.values() for q in bank.questions}
    return [Leak(name, f"graded question {graded[_squash(q.prompt).lower()]} repeated in a "
                       "practice bank", q.id)
            for q in practice.questions if _squash(q.prompt).lower() in graded]
