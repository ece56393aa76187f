"""Content checks on the quiz banks and the glossary that the schema validator does not make.

The validator (``pruneedu validate``) checks the file format. These tests check what the course
promises about the content: enough questions of enough kinds per lesson, teaching feedback on
every choice, numeric keys that agree with the architecture arithmetic (recomputed here from the
layer sizes, not copied from the banks), arithmetic written in explanations that adds up, the
glossary terms the issue asks for, and concept coverage per lesson. Only ``yaml.safe_load`` is
used, except for the last tests, which run the real quiz engine over every key.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
QUIZZES = ROOT / "quizzes"
LESSONS = ROOT / "lessons"

LESSON_BANKS = {
    "01-introduction": "intro-", "02-weight-vs-node": "types-", "03-challenges": "chal-",
}
ALL_BANKS = {**LESSON_BANKS, "final-review": "review-"}
QUESTION_TYPES = {"single", "multiple", "truefalse", "numeric", "text", "matching"}

# The key concepts of each lesson (DESIGN.md's lesson structure and the syllabus); every one
# must be the `concept` of at least one question in that lesson's bank.
REQUIRED_CONCEPTS = {
    "01-introduction": {
        "pruning", "edge devices", "inference", "model optimization", "parameters", "sparsity",
        "mask", "magnitude-based pruning", "fine-tuning", "accuracy vs size", "training time",
        "applications",
    },
    "02-weight-vs-node": {
        "weight pruning", "node pruning", "structured pruning", "unstructured pruning",
        "channel pruning", "global vs layer-wise pruning", "dense vs sparse storage", "FLOPs",
        "inference speed",
    },
    "03-challenges": {
        "accuracy vs size", "sensitivity analysis", "iterative pruning", "fine-tuning with masks",
        "quantization", "compression ratio", "file size", "evaluation", "precision and recall",
        "best practices", "lottery ticket hypothesis", "saving pruned models", "when to prune",
    },
}

# Glossary ids the issue asks for (the lessons' own glossary lists name the same ids).
REQUIRED_TERMS = {
    "pruning", "weight-pruning", "node-pruning", "structured-pruning", "unstructured-pruning",
    "channel-pruning", "inference", "model-optimization", "sparsity", "mask",
    "magnitude-pruning", "sensitivity-analysis", "fine-tuning", "quantization", "latency",
    "edge-device", "compression-ratio", "iterative-pruning", "one-shot-pruning",
    "lottery-ticket", "global-pruning", "layer-wise-pruning", "precision", "recall", "accuracy",
    "flops", "dense-storage", "sparse-format", "throughput", "knowledge-distillation",
    "regularization",
}


# --- architecture arithmetic, from the layer sizes only -------------------------------------

def fc_weights(sizes: list[int]) -> int:
    """Weights of a fully connected stack, e.g. [784, 300, 100, 10] for LeNet-300-100."""
    return sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))


def fc_params(sizes: list[int]) -> int:
    """Weights plus one bias per output neuron."""
    return fc_weights(sizes) + sum(sizes[1:])


def conv_out(size: int, kernel: int) -> int:
    """Output side of a square 'valid' convolution (stride 1, no padding)."""
    return size - kernel + 1


def lenet5_params(conv1: int = 20, conv2: int = 50, hidden: int = 500) -> int:
    """Parameters of Han et al.'s LeNet-5 with the given channel and hidden sizes."""
    side = conv_out(28, 5) // 2          # conv1 + 2x2 max pool: 24 -> 12
    side = conv_out(side, 5) // 2        # conv2 + 2x2 max pool: 8 -> 4
    flat = conv2 * side * side
    return ((conv1 * 1 * 25 + conv1) + (conv2 * conv1 * 25 + conv2)
            + fc_params([flat, hidden, 10]))


LENET300 = [784, 300, 100, 10]

# Every numeric question's answer, recomputed independently (REFERENCES.md for paper figures).
EXPECTED_NUMBERS = {
    "intro-param-count": fc_params(LENET300),
    "intro-remaining-weights": fc_weights(LENET300) * (1 - 0.9),
    "types-one-neuron": fc_params(LENET300) - fc_params([784, 299, 100, 10]),
    "types-node-params": fc_params([784, 150, 100, 10]),
    "types-channel-params": lenet5_params(conv2=50) - lenet5_params(conv2=49),
    "types-dense-bytes": fc_params(LENET300) * 4,
    "types-sparse-bytes": 1000 * (1 - 0.9) * (4 + 4),
    "types-conv-reuse": conv_out(conv_out(28, 5) // 2, 5) ** 2,
    "review-lenet5-params": lenet5_params(),
    "review-fc1-kept": 784 * 300 * 0.08,                 # Han et al. 2015: fc1 keeps 8%
    "review-node-both": fc_params([784, 150, 50, 10]),
    "review-dense-macs": fc_weights(LENET300),
    "review-han-ratio": 431 / 36,                         # Han et al. 2015: 431K -> 36K
    "chal-compression-ratio": 1 / (1 - 0.95),
    "chal-cubic-schedule": 100 * (0.9 + (0 - 0.9) * (1 - 0.5) ** 3),  # Zhu & Gupta 2017
    "chal-lottery-rounds": 100 * 0.8 ** 3,                # Frankle & Carbin 2019: 20% a round
    "chal-recall-seven": 90 / 120,
}


def load(name: str) -> dict:
    with open(QUIZZES / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def all_questions() -> list[tuple[str, dict]]:
    return [(bank, q) for bank in ALL_BANKS for q in load(bank)["questions"]]


def glossary_terms() -> list[dict]:
    return load("glossary")["terms"]


# --- sizes and kinds ------------------------------------------------------------------------

def test_reference_arithmetic_matches_known_totals():
    # The helpers must reproduce the totals quoted in REFERENCES.md before they check anything.
    assert fc_params(LENET300) == 266_610
    assert fc_weights(LENET300) == 266_200
    assert lenet5_params() == 431_080


@pytest.mark.parametrize("bank", LESSON_BANKS)
def test_lesson_bank_has_enough_questions_of_enough_types(bank):
    questions = load(bank)["questions"]
    assert len(questions) >= 12, f"{bank} has only {len(questions)} questions"
    types = {q["type"] for q in questions}
    assert len(types) >= 4, f"{bank} uses only {sorted(types)}"


def test_final_review_mixes_all_lessons():
    questions = load("final-review")["questions"]
    assert len(questions) >= 10
    concepts = {q["concept"] for q in questions}
    for lesson, required in REQUIRED_CONCEPTS.items():
        assert concepts & (required | {"parameters"}), f"final review skips {lesson}"


def test_every_question_type_is_used_somewhere():
    assert {q["type"] for _, q in all_questions()} == QUESTION_TYPES


def test_question_ids_are_unique_and_prefixed_per_bank():
    seen: dict[str, str] = {}
    for bank, q in all_questions():
        assert q["id"].startswith(ALL_BANKS[bank]), f"{q['id']} in {bank}"
        assert q["id"] not in seen, f"{q['id']} in both {seen.get(q['id'])} and {bank}"
        seen[q["id"]] = bank


@pytest.mark.parametrize("bank", LESSON_BANKS)
def test_lesson_bank_covers_its_key_concepts(bank):
    concepts = {q["concept"] for q in load(bank)["questions"]}
    missing = REQUIRED_CONCEPTS[bank] - concepts
    assert not missing, f"{bank} has no question on {sorted(missing)}"


# --- teaching quality -----------------------------------------------------------------------

@pytest.mark.parametrize("bank", ALL_BANKS)
def test_every_question_explains_and_every_choice_has_feedback(bank):
    for q in load(bank)["questions"]:
        assert len(q.get("explanation", "").split()) >= 12, f"{q['id']}: explanation too thin"
        for choice in q.get("choices", []):
            assert choice.get("feedback", "").strip(), f"{q['id']}/{choice['id']}: no feedback"
            assert choice["feedback"] != q["explanation"], f"{q['id']}/{choice['id']}"


@pytest.mark.parametrize("bank", ALL_BANKS)
def test_choice_keys_point_at_real_choices_and_leave_distractors(bank):
    for q in load(bank)["questions"]:
        if q["type"] not in ("single", "multiple"):
            continue
        ids = [c["id"] for c in q["choices"]]
        assert len(ids) == len(set(ids)) >= 3, q["id"]
        key = [q["answer"]] if q["type"] == "single" else q["answer"]
        assert key and set(key) <= set(ids), q["id"]
        assert len(set(ids) - set(key)) >= 1, f"{q['id']}: every choice is right"
        if q["type"] == "multiple":
            # Partial credit only means something with at least two right and one wrong choice.
            assert len(key) >= 2 and len(ids) - len(key) >= 2, q["id"]


@pytest.mark.parametrize("bank", ALL_BANKS)
def test_text_and_matching_keys_are_usable(bank):
    for q in load(bank)["questions"]:
        if q["type"] == "text":
            accept = q["answer"]["accept"]
            assert len(accept) >= 2, f"{q['id']}: accept at least one variant"
        if q["type"] == "matching":
            pairs = q["answer"]["pairs"]
            assert len(pairs) >= 3, q["id"]
            # Two identical definitions would make the pairing ambiguous.
            assert len(set(pairs.values())) == len(pairs), q["id"]
        if q["type"] == "truefalse":
            assert isinstance(q["answer"], bool), q["id"]


# --- numbers ----------------------------------------------------------------------------------

def test_every_numeric_question_has_an_independent_recomputation():
    numeric = {q["id"] for _, q in all_questions() if q["type"] == "numeric"}
    assert numeric == set(EXPECTED_NUMBERS), (
        "numeric questions and EXPECTED_NUMBERS differ: "
        f"{sorted(numeric ^ set(EXPECTED_NUMBERS))}")


@pytest.mark.parametrize("qid", sorted(EXPECTED_NUMBERS))
def test_numeric_key_matches_recomputed_value(qid):
    question = next(q for _, q in all_questions() if q["id"] == qid)
    key = question["answer"]
    expected = EXPECTED_NUMBERS[qid]
    if "value" in key:
        assert abs(key["value"] - expected) <= key["tolerance"] + 1e-9 * abs(expected), qid
        # A wide tolerance would accept wrong arithmetic.
        assert key["tolerance"] <= 0.05 * abs(expected), qid
    else:
        assert key["min"] <= expected <= key["max"], qid


NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Runs of digits, operators, brackets and '=' (after thousands separators are removed and a
# spaced 'x' between numbers has become '*').
EQUATION = re.compile(r"[\d.()+\-*/= ]*=[\d.()+\-*/= ]*")


def _equations(text: str) -> list[tuple[str, ...]]:
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=[\d)]) x (?=[\d(])", " * ", text)
    found = []
    for match in EQUATION.finditer(text):
        start, end = match.span()
        start += len(match.group()) - len(match.group().lstrip())
        end -= len(match.group()) - len(match.group().rstrip())
        parts = [p.strip().rstrip(".") for p in text[start:end].split("=")]  # end of sentence
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not NUMBER.search(parts[0]):
            parts = parts[1:]  # "recall = 90 / 120 = 0.75": the first part is a name
        elif not before.isspace() and before not in "(:":
            continue           # "0.8^3 = ..." : the left side is cut off
        if after in "^%" or after.isalnum() and after != "x":
            continue           # "(1 - 0.5)^3", "= 99.23%": the right side is cut off
        if len(parts) >= 2 and all(NUMBER.search(p) for p in parts):
            found.append(tuple(parts))
    return found


def _decimals(part: str) -> int | None:
    """Decimals of a part that is a single written number, else None."""
    if re.fullmatch(r"\d+(\.\d+)?", part):
        return len(part.split(".")[1]) if "." in part else 0
    return None


def _all_prose() -> list[tuple[str, str]]:
    texts = []
    for _, q in all_questions():
        texts += [(q["id"], q["prompt"]), (q["id"], q.get("explanation", ""))]
        texts += [(f"{q['id']}/{c['id']}", c.get("feedback", "")) for c in q.get("choices", [])]
    for term in glossary_terms():
        texts += [(term["id"], term["definition"]), (term["id"], term.get("example", ""))]
    return texts


def test_written_arithmetic_adds_up():
    checked = 0
    for where, text in _all_prose():
        for parts in _equations(text):
            try:
                values = [eval(p, {"__builtins__": {}}) for p in parts]  # digits and + - * / only
            except SyntaxError:
                continue
            for left, right, lp, rp in zip(values, values[1:], parts, parts[1:], strict=False):
                shown = [d for d in (_decimals(lp), _decimals(rp)) if d is not None]
                slack = 0.5 * 10 ** -max(shown) if shown else 1e-9 * max(1.0, abs(left))
                assert math.isclose(left, right, abs_tol=slack + 1e-9), (
                    f"{where}: '{lp} = {rp}' is {left} vs {right}")
                checked += 1
    # The checker must actually see the worked arithmetic, or it proves nothing.
    assert checked >= 40, f"only {checked} written equations were checked"


def test_equation_finder_catches_a_wrong_sum():
    # Guards the checker above: a deliberately wrong line must be found and must not add up.
    parts = _equations("So 784 x 300 + 300 = 235,400 parameters.")[0]
    assert eval(parts[0]) == 235_500 and eval(parts[1]) == 235_400


# --- glossary -------------------------------------------------------------------------------

def test_glossary_has_every_required_term():
    ids = {t["id"] for t in glossary_terms()}
    assert len(ids) >= 30
    assert not REQUIRED_TERMS - ids, f"missing terms: {sorted(REQUIRED_TERMS - ids)}"


def test_glossary_entries_are_complete_and_linked():
    terms = glossary_terms()
    ids = [t["id"] for t in terms]
    assert len(ids) == len(set(ids))
    for term in terms:
        assert term["lesson"] in LESSON_BANKS, term["id"]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", term["definition"]) if s]
        assert 1 <= len(sentences) <= 2, f"{term['id']}: definition should be 1-2 sentences"
        assert NUMBER.search(term["example"]), f"{term['id']}: example has no concrete number"
        related = term.get("related", [])
        assert related and term["id"] not in related, term["id"]
        assert set(related) <= set(ids), f"{term['id']}: unknown related {set(related) - set(ids)}"


def test_every_lesson_teaches_glossary_terms_and_the_lessons_link_to_real_terms():
    ids = {t["id"] for t in glossary_terms()}
    per_lesson = {lesson: 0 for lesson in LESSON_BANKS}
    for term in glossary_terms():
        per_lesson[term["lesson"]] += 1
    assert all(count >= 5 for count in per_lesson.values()), per_lesson
    for lesson in LESSON_BANKS:
        path = LESSONS / f"{lesson}.md"
        if not path.exists():
            continue  # lesson texts are optional for this check; the bank is not
        section = path.read_text(encoding="utf-8").partition("## Glossary")[2].split("\n## ")[0]
        linked = set(re.findall(r"^- `([a-z0-9-]+)`", section, flags=re.MULTILINE))
        assert linked <= ids, f"{lesson}.md links to unknown terms {sorted(linked - ids)}"


# --- the quiz engine grades every key as right ----------------------------------------------

try:
    from pruneedu import quiz
except ImportError:  # pragma: no cover - only while the engine is being written
    quiz = None

needs_engine = pytest.mark.skipif(
    quiz is None,
    reason="SKIPPED LOUDLY: pruneedu.quiz is missing, so no bank was loaded or graded by the "
           "real engine; the content checks above still ran.")


def _key_values(q: dict) -> list[object]:
    """Every answer value the key says is fully right."""
    key = q["answer"]
    if q["type"] == "numeric":
        return [key["value"]] if "value" in key else [key["min"], key["max"]]
    if q["type"] == "text":
        return list(key["accept"])
    if q["type"] == "matching":
        return [dict(key["pairs"])]
    return [key]


@needs_engine
@pytest.mark.parametrize("bank", ALL_BANKS)
def test_engine_loads_bank_and_grades_every_key_full_marks(bank):
    loaded = quiz.load_bank(QUIZZES / f"{bank}.yaml")
    raw = load(bank)
    assert loaded.id == bank
    assert [q.id for q in loaded.questions] == [q["id"] for q in raw["questions"]]
    for q in raw["questions"]:
        question = loaded.question(q["id"])
        for value in _key_values(q):
            result = quiz.grade_answer(question, value)
            assert result.correct and result.score == result.max_score, (q["id"], value)


@needs_engine
@pytest.mark.parametrize("bank", ALL_BANKS)
def test_engine_gives_no_full_marks_to_a_distractor(bank):
    loaded = quiz.load_bank(QUIZZES / f"{bank}.yaml")
    for q in load(bank)["questions"]:
        question = loaded.question(q["id"])
        if q["type"] == "single":
            wrong = next(c["id"] for c in q["choices"] if c["id"] != q["answer"])
            assert quiz.grade_answer(question, wrong).score == 0, q["id"]
        elif q["type"] == "truefalse":
            assert quiz.grade_answer(question, not q["answer"]).score == 0, q["id"]
        elif q["type"] == "multiple":
            everything = [c["id"] for c in q["choices"]]
            assert not quiz.grade_answer(question, everything).correct, q["id"]
