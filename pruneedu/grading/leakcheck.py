"""Proof that a released course carries no key: search every released file for key text, and
check each released graded bank's structure and order.

Key text is everything a learner must not see before the deadline:

- each graded question's explanation and choice feedback (texts of four words or more: "No."
  appears everywhere and proves nothing);
- every file of an exercise folder that is not released (solution, hidden tests, wrong
  variants, notes): its code lines (imports, signatures and docstrings left out, since the
  stub shares them) and the names of the hidden tests. These are taken from the instructor's
  files alone, never from the released ones, so a solution pasted into a stub is still found;
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

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pruneedu import quiz
from pruneedu.grading.material import Material
from pruneedu.grading.student_package import pairs_aligned, released_exercise_files
from pruneedu.yamlfile import parse_yaml

KEY_FIELDS = {"answer", "explanation", "feedback", "accept", "pairs"}
MIN_LINE_CHARS = 10  # shorter code lines ("x = 1") are too common to prove a leak
MIN_KEY_WORDS = 4
# Lines too common to prove anything however long the name: `return mask`, `else:`.
GENERIC_LINE = re.compile(r"^(return|yield|pass|break|continue|else:|try:|finally:)"
                          r"(\s+[A-Za-z_]\w*)?$")
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


def _code_lines(source: str) -> list[str]:
    """The lines of a Python file that are its own work: no imports, no ``def``/``class``
    lines or decorators, no docstrings; plus the inputs of each ``TestCase(...)`` written
    out, so a hidden test copied under another name is still found. Falls back to every
    line if the file does not parse."""
    lines = source.splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [line.strip() for line in lines]
    skipped: set[int] = set()
    inputs = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "TestCase" and len(node.args) >= 2):
            inputs.append(ast.get_source_segment(source, node.args[1]) or "")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skipped.update(range(node.lineno, node.end_lineno + 1))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                skipped.update(range(body[0].lineno, body[0].end_lineno + 1))
            if not isinstance(node, ast.Module):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                skipped.update(range(first, body[0].lineno))
    kept = [line.strip() for number, line in enumerate(lines, 1) if number not in skipped]
    return kept + [_squash(text) for text in inputs]


def _is_key_line(line: str) -> bool:
    return len(line) >= MIN_LINE_CHARS and not GENERIC_LINE.match(line)


def exercise_key_texts(exercise) -> dict[str, str]:
    """Key strings of one exercise, from the files of its folder that are never released."""
    keys: dict[str, str] = {}
    released = set(released_exercise_files(exercise))
    for path in sorted(p for p in exercise.folder.rglob("*") if p.is_file()):
        relative = path.relative_to(exercise.folder).as_posix()
        if relative in released or "__pycache__" in path.parts or path.suffix in BINARY_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        lines = _code_lines(text) if path.suffix == ".py" else [s.strip() for s in
                                                                 text.splitlines()]
        for line in lines:
            if _is_key_line(line):
                keys.setdefault(line, f"a line of {exercise.id}/{relative}")
    if exercise.hidden_tests_path.is_file():
        public_names = {case.name for case in exercise.public_cases()}
        for case in exercise.hidden_cases():
            if case.name not in public_names:
                keys[case.name] = f"a hidden test name of {exercise.id}"
    return keys


def _value_key(value: object) -> object:
    """A hashable stand-in for a test input, equal for equal arrays and values."""
    if hasattr(value, "tobytes") and hasattr(value, "shape"):
        return ("array", str(getattr(value, "dtype", "")), tuple(value.shape), value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, *map(_value_key, value))
    if isinstance(value, dict):
        return ("dict", *sorted((repr(k), _value_key(v)) for k, v in value.items()))
    return ("value", repr(value))


def hidden_inputs_leaks(exercise) -> list[Leak]:
    """Hidden tests whose inputs are also a public test's, however the copy was written:
    learners run the public tests, so those inputs are no longer hidden."""
    if not exercise.hidden_tests_path.is_file():
        return []
    public = {_value_key(case.args): case.name for case in exercise.public_cases()}
    return [Leak(f"exercises/{exercise.id}/public_tests.py",
                 f"the inputs of hidden test {case.name!r} in public test "
                 f"{public[_value_key(case.args)]!r}", case.name)
            for case in exercise.hidden_cases()
            if _value_key(case.args) in public and case.name != public[_value_key(case.args)]]


def key_texts(material: Material) -> dict[str, str]:
    """Every searchable key string, mapped to a description of what it is."""
    keys: dict[str, str] = {}
    for bank in material.banks.values():
        for question in bank.questions:
            where = f"{bank.id}/{question.id}"
            texts = [(question.explanation, f"explanation of {where}")]
            texts += [(c.feedback, f"feedback on choice {c.id} of {where}")
                      for c in question.choices]
            for text, what in texts:
                if len(text.split()) >= MIN_KEY_WORDS:
                    keys[text] = what
    for exercise in material.exercises.values():
        keys.update(exercise_key_texts(exercise))
    return keys


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


def matching_order_leaks(name: str, released: object, material: Material) -> list[Leak]:
    """Matching questions (three or more terms) whose released terms line up with the
    definitions, so the pairing can be read off the order."""
    if not isinstance(released, dict) or released.get("id") not in material.banks:
        return []
    bank = material.banks[released["id"]]
    leaks = []
    for shown in released.get("questions", []):
        try:
            question = bank.question(shown.get("id"))
        except (KeyError, AttributeError):
            continue
        terms, definitions = shown.get("terms"), shown.get("definitions")
        if (question.type == "matching" and isinstance(terms, list) and len(terms) >= 3
                and isinstance(definitions, list)
                and set(terms) == set(question.answer["pairs"])  # type: ignore[index]
                and pairs_aligned(terms, definitions, question.answer["pairs"])):  # type: ignore[index]
            leaks.append(Leak(name, "matching pairs readable off the released order",
                              f"{bank.id}/{question.id}"))
    return leaks


def _tail_probability(chances: list[float], observed: int) -> float:
    """P(at least ``observed`` successes) for independent trials with these chances."""
    distribution = [1.0]
    for p in chances:
        grown = [0.0] * (len(distribution) + 1)
        for k, mass in enumerate(distribution):
            grown[k] += mass * (1 - p)
            grown[k + 1] += mass * p
        distribution = grown
    return sum(distribution[observed:])


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
        if hits and _tail_probability([p for p, _ in trials], hits) < threshold:
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
