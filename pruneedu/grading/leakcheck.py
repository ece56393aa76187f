"""Proof that released files carry no key: search them for every piece of key text.

Key text is everything a learner must not see: each question's explanation and choice
feedback, each exercise's solution lines and hidden test names and lines (those not also in the
stub or public tests); every released file is searched for each of them. Accepted text
answers are searched in the released copy of their own question (prompt, concept, choices; not
ids): a one-word answer such as "sparsity" is all over a pruning course, so finding it elsewhere
proves nothing, while finding it in its own question gives the answer away. Choice ids and
numeric keys cannot be searched as text, so released banks are also checked structurally: no
``answer``, ``explanation``, ``feedback``, ``accept`` or ``pairs`` field at any depth, and
matching definitions sorted.

Example:
    >>> find_leaks({"q.yaml": "prompt: Name it.\\n"}, {"Pruned weights are zero.": "explanation"})
    []
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from pruneedu import quiz
from pruneedu.grading.material import Material
from pruneedu.yamlfile import parse_yaml

KEY_FIELDS = {"answer", "explanation", "feedback", "accept", "pairs", "formula", "hint",
              "mistakes", "model_answer", "run_after"}
MIN_LINE_CHARS = 10  # shorter code lines ("return x") are too common to prove a leak


@dataclass(frozen=True, order=True)
class Leak:
    """Key text found in a released file."""

    file: str
    what: str
    text: str


def _squash(text: str) -> str:
    return " ".join(text.split())


def key_texts(material: Material) -> dict[str, str]:
    """Every searchable key string, mapped to a description of what it is."""
    keys: dict[str, str] = {}
    for bank in material.banks.values():
        for question in bank.questions:
            where = f"{bank.id}/{question.id}"
            if question.explanation:
                keys[question.explanation] = f"explanation of {where}"
            for choice in question.choices:
                if choice.feedback:
                    keys[choice.feedback] = f"feedback on choice {choice.id} of {where}"
    for exercise in material.exercises.values():
        public_text = (exercise.stub_path.read_text(encoding="utf-8")
                       + exercise.public_tests_path.read_text(encoding="utf-8"))
        public_lines = {line.strip() for line in public_text.splitlines()}
        public_names = {case.name for case in exercise.public_cases()}
        for path, label in ((exercise.solution_path, "solution"),
                            (exercise.hidden_tests_path, "hidden tests")):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if len(line) >= MIN_LINE_CHARS and line not in public_lines:
                    keys.setdefault(line, f"a line of the {label} of {exercise.id}")
        for case in exercise.hidden_cases():
            if case.name not in public_names:
                keys[case.name] = f"a hidden test name of {exercise.id}"
    return keys


def find_leaks(files: dict[str, str], keys: dict[str, str]) -> list[Leak]:
    """Search each file's text (name -> text) for each key string (runs of white space match
    any run of white space, so re-wrapped text is still found)."""
    leaks = []
    for name, text in files.items():
        squashed = _squash(text)
        leaks += [Leak(name, what, key) for key, what in keys.items() if _squash(key) in squashed]
    return sorted(leaks)


def answer_in_question_leaks(name: str, released: object, material: Material) -> list[Leak]:
    """Accepted text answers found (as whole words, case and punctuation ignored) in the
    released copy of their own question."""
    if not isinstance(released, dict) or released.get("id") not in material.banks:
        return []
    bank = material.banks[released["id"]]
    leaks = []
    for shown in released.get("questions", []):
        try:
            question = bank.question(shown.get("id"))
        except (KeyError, AttributeError):
            continue
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


def released_bank_leaks(name: str, text: str, material: Material) -> list[Leak]:
    """Structural leaks and own-question answer leaks of a released bank file's YAML text."""
    released = parse_yaml(text, source=name)
    return structural_leaks(name, released) + answer_in_question_leaks(name, released, material)
