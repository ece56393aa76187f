"""Content checks on the quiz banks and the glossary that the schema validator does not make.

The validator (``pruneedu validate``) checks the file format and warns about cues. These tests
check what the course promises about the content: every lesson's graded quiz covers its key
concepts with enough kinds of question (a per-learner numeric, a question about the learner's
own run, a predict-the-output question, a written one), practice and graded banks share no
question, every question says which depth it needs and where it is taught, every choice has
feedback, every numeric key agrees with architecture arithmetic recomputed here for EVERY
variant a learner can draw (from the layer sizes, not copied from the banks), and the
arithmetic written in explanations, filled in for sampled learners, adds up.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest
import yaml

from pruneedu import lessons, quiz
from pruneedu.quiz import teach

ROOT = Path(__file__).resolve().parents[1]
QUIZZES = ROOT / "quizzes"
LESSON_BANKS = {"01-introduction": "intro-", "02-weight-vs-node": "types-",
                "03-challenges": "chal-"}
ALL_BANKS = {**LESSON_BANKS, "final-review": "review-"}
PRACTICE_PREFIX = "p-"

# The key concepts of each lesson (DESIGN.md's lesson structure and each lesson's "Key
# concepts"); every one must be the `concept` of a question in that lesson's graded bank.
REQUIRED_CONCEPTS = {
    "01-introduction": {
        "pruning", "edge devices", "inference", "model optimization", "parameters", "sparsity",
        "mask", "magnitude-based pruning", "fine-tuning", "accuracy vs size", "training time",
        "compression ratio", "dense vs sparse storage",
    },
    "02-weight-vs-node": {
        "weight pruning", "node pruning", "structured pruning", "unstructured pruning",
        "channel pruning", "global vs layer-wise pruning", "inference speed", "pruning amount",
        "semi-structured sparsity", "granularity",
    },
    "03-challenges": {
        "sensitivity analysis", "iterative pruning", "fine-tuning with masks", "quantization",
        "evaluation", "best practices", "lottery ticket hypothesis", "activation-aware pruning",
        "fine-tuning",
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

def fc_weights(sizes: list[int]) -> float:
    """Weights of a fully connected stack, e.g. [784, 300, 100, 10] for LeNet-300-100."""
    return sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))


def fc_params(sizes: list[int]) -> float:
    """Weights plus one bias per output neuron."""
    return fc_weights(sizes) + sum(sizes[1:])


def conv_out(size: int, kernel: int) -> int:
    """Output side of a 'valid' convolution (stride 1, no padding)."""
    return size - kernel + 1


def lenet5_params(conv1: int = 20, conv2: int = 50, hidden: int = 500) -> float:
    """Parameters of a LeNet-5 (Han et al.'s sizes by default) for 28 x 28 inputs."""
    side = conv_out(conv_out(28, 5) // 2, 5) // 2          # 24 -> 12 -> 8 -> 4
    return ((conv1 * 1 * 25 + conv1) + (conv2 * conv1 * 25 + conv2)
            + fc_params([conv2 * side * side, hidden, 10]))


def torch_prune_twice(amount: float, calls: int = 2) -> float:
    """Sparsity (%) after calling torch's l1_unstructured ``calls`` times on a large layer:
    each call prunes ``amount`` of what is still unpruned."""
    weights, pruned = 1_000_000, 0
    for _ in range(calls):
        pruned += round(amount * (weights - pruned))
    return 100 * pruned / weights


def cubic(s_i: float, s_f: float, passed: float) -> float:
    """Zhu & Gupta's schedule at a fraction ``passed`` of its length (in percent)."""
    return 100 * (s_f + (s_i - s_f) * (1 - passed) ** 3)


LENET300 = [784, 300, 100, 10]

# Every numeric question's key, recomputed independently from its parameters.
EXPECTED = {
    "intro-param-count": lambda p: fc_params([p["n_in"], p["h1"], p["h2"], 10]),
    "intro-nonzero-left": lambda p: p["rows"] * p["cols"] - round(p["s"] * p["rows"] * p["cols"]),
    "intro-ideal-ratio": lambda p: 1 / (1 - p["s"]),
    "intro-own-accuracy": lambda p: round((p["accuracy_dense"] - p["accuracy_90"]) * 1000 / 100),
    "types-node-params": lambda p: fc_params([784, p["k1"], p["k2"], 10]),
    "types-one-neuron": lambda p: (fc_params([784, p["h1"], p["h2"], 10])
                                   - fc_params([784, p["h1"] - 1, p["h2"], 10])),
    "types-channel-params": lambda p: lenet5_params(conv1=20) - lenet5_params(conv1=20 - p["r"]),
    "types-amount-twice": lambda p: torch_prune_twice(p["a"]),
    "types-own-speedup": lambda p: 100 * p["speedup_nodes_50"] / p["mac_ratio_50"],
    "chal-cubic": lambda p: cubic(0, p["sf"], p["f"]),
    "chal-index-ratio": lambda p: (4 * 1000) / ((1 - p["s"]) * 1000 * (4 + p["b"])),
    "chal-lottery-rounds": lambda p: 100 * (1 - p["p"]) ** p["r"],
    "chal-recall": lambda p: p["hit"] / p["real"],
    "chal-own-finetune": lambda p: round(10 * (p["accuracy_98_tuned"] - p["accuracy_98_pruned"])),
    "review-lenet5-params": lambda p: lenet5_params(p["c1"], p["c2"], p["h"]),
    "review-dense-macs": lambda p: fc_weights([784, p["h1"], p["h2"], 10]),
    "review-node-both": lambda p: fc_params([784, round(300 * (1 - p["a"])),
                                             round(100 * (1 - p["a"])), 10]),
    "review-own-overhead": lambda p: 100 * (1 - p["sparse_ratio_90"] / 10),
    "p-intro-params-one-hidden": lambda p: fc_params([784, p["h"], 10]),
    "p-intro-weights-only": lambda p: fc_weights([784, p["h1"], p["h2"], 10]),
    "p-intro-pruned-count": lambda p: round(p["s"] * p["n"]),
    "p-intro-own-overhead": lambda p: 10 / p["sparse_ratio_90"],
    "p-types-second-layer-neuron": lambda p: (fc_params([784, p["h1"], p["h2"], 10])
                                              - fc_params([784, p["h1"], p["h2"] - 1, 10])),
    "p-types-node-first-only": lambda p: fc_params([784, p["k"], 100, 10]),
    "p-types-torch-twice": lambda p: torch_prune_twice(p["a"], int(p["r"])),
    "p-types-conv-positions": lambda p: conv_out(p["v"], p["k"]) * conv_out(p["w"], p["k"]),
    "p-chal-cubic": lambda p: cubic(0, p["sf"], p["f"]),
    "p-chal-precision": lambda p: p["hit"] / p["said"],
    "p-chal-seeds": lambda p: p["n"] * p["gain"] / 100,
    "p-review-sparse-bytes": lambda p: (p["n"] - round(p["s"] * p["n"])) * (4 + 4),
    "p-review-lenet5-fc1": lambda p: fc_params([p["c2"] * 16, p["h"]]),
}
RECORDED_SAMPLES = {   # plausible notebook numbers for the questions about a learner's own run
    "accuracy_dense": [94.7, 95.1], "accuracy_90": [93.9, 92.2], "speedup_nodes_50": [1.9, 1.2],
    "mac_ratio_50": [2.12, 2.2], "accuracy_98_pruned": [75.8, 60.3],
    "accuracy_98_tuned": [92.0, 93.4], "sparse_ratio_90": [8.2, 7.9],
}


def load(name: str, practice: bool = False) -> dict:
    path = QUIZZES / ("practice" if practice else "") / f"{name}.yaml"
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def all_questions(practice: bool | None = None) -> list[tuple[str, dict]]:
    kinds = (False, True) if practice is None else (practice,)
    return [(bank, q) for kind in kinds for bank in ALL_BANKS
            for q in load(bank, kind)["questions"]]


def banks(practice: bool | None = None) -> list[quiz.Bank]:
    kinds = (False, True) if practice is None else (practice,)
    return [quiz.load_bank(bank, practice=kind) for kind in kinds for bank in ALL_BANKS]


def glossary_terms() -> list[dict]:
    return load("glossary")["terms"]


def every_variant(question: quiz.Question) -> list[dict[str, float]]:
    """Every combination of parameter values and sample recorded numbers."""
    names = list(question.params) + list(question.recorded)
    options = [question.params[n] for n in question.params]
    options += [RECORDED_SAMPLES[n] for n in question.recorded]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*options)]


def concrete_for(question: quiz.Question, bank: quiz.Bank, params: dict[str, float]):
    """The question filled with exactly these numbers (params forced, recorded given)."""
    forced = quiz.Question(**{**question.__dict__,
                              "params": {n: (params[n],) for n in question.params}})
    recorded = {n: params[n] for n in question.recorded}
    return quiz.concrete(forced, bank.id, "content-test", None, 0, recorded)


# --- sizes, kinds and coverage ----------------------------------------------------------------

def test_reference_arithmetic_matches_known_totals():
    # The helpers must reproduce the totals quoted in REFERENCES.md before they check anything.
    assert fc_params(LENET300) == 266_610
    assert fc_weights(LENET300) == 266_200
    assert lenet5_params() == 431_080
    assert torch_prune_twice(0.9) == pytest.approx(99.0)


@pytest.mark.parametrize("bank_id", ALL_BANKS)
def test_each_graded_quiz_asks_enough_kinds_of_question(bank_id):
    bank = quiz.load_bank(bank_id)
    asked = quiz.select_questions(bank, "ada")
    assert 10 <= len(asked) <= 15, f"{bank_id} asks {len(asked)} questions"
    types = {q.type for q in asked}
    assert {"single", "numeric", "written"} <= types and len(types) >= 5, types
    assert any(q.params for q in asked), f"{bank_id}: no per-learner numbers"
    assert any(q.recorded for q in bank.questions), f"{bank_id}: nothing about the learner's run"
    assert any("```python" in q.prompt for q in bank.questions), f"{bank_id}: nothing to predict"
    maxima = {quiz.grade_responses(bank, {"learner_id": f"l{i}", "answers": {}}).max_score
              for i in range(30)}
    assert maxima == {bank.max_score}       # pools give every learner the same maximum


@pytest.mark.parametrize("bank_id", LESSON_BANKS)
def test_lesson_quiz_covers_its_key_concepts(bank_id):
    concepts = {q["concept"] for q in load(bank_id)["questions"]}
    missing = REQUIRED_CONCEPTS[bank_id] - concepts
    assert not missing, f"{bank_id} has no question on {sorted(missing)}"


def test_final_review_mixes_all_lessons():
    lessons_seen = {q.lesson or "03-challenges" for q in quiz.load_bank("final-review").questions}
    assert lessons_seen == set(LESSON_BANKS)


@pytest.mark.parametrize("bank_id", ALL_BANKS)
def test_each_quiz_has_a_practice_bank_with_other_questions(bank_id):
    graded, practice = quiz.load_bank(bank_id), quiz.load_bank(bank_id, practice=True)
    assert practice.lesson == graded.lesson and len(practice.questions) >= 7
    assert all(q.id.startswith(PRACTICE_PREFIX) for q in practice.questions)
    assert {q.prompt for q in practice.questions}.isdisjoint({q.prompt for q in graded.questions})
    assert {q.type for q in practice.questions} >= {"single", "numeric", "written"}
    assert any(q.params for q in practice.questions)            # "Try another" has work to do


def test_question_ids_are_unique_and_prefixed_per_bank():
    seen: dict[str, str] = {}
    for practice in (False, True):
        for bank_id, prefix in ALL_BANKS.items():
            for q in load(bank_id, practice)["questions"]:
                expected = (PRACTICE_PREFIX if practice else "") + prefix
                assert q["id"].startswith(expected), f"{q['id']} in {bank_id}"
                assert q["id"] not in seen, f"{q['id']} in {seen.get(q['id'])} and {bank_id}"
                seen[q["id"]] = bank_id


def test_true_false_keys_are_balanced_in_each_graded_bank():
    for bank_id in ALL_BANKS:
        keys = [q["answer"] for q in load(bank_id)["questions"] if q["type"] == "truefalse"]
        assert abs(keys.count(True) - keys.count(False)) <= 1, (bank_id, keys)


# --- teaching quality -----------------------------------------------------------------------

@pytest.mark.parametrize("practice", [False, True], ids=["graded", "practice"])
def test_every_question_says_its_depth_and_where_it_is_taught(practice):
    for bank in banks(practice):
        for question in bank.questions:
            assert question.depth in lessons.DEPTHS
            if question.type == "matching" and not question.see:
                continue
            reference = teach.find_reference(question, bank.lesson)
            assert reference is not None, f"{question.id}: see {question.see!r} not found"
            if reference.part == "Summary":
                assert lessons.DEPTHS.index(reference.depth) <= lessons.DEPTHS.index(
                    question.depth), question.id


@pytest.mark.parametrize("practice", [False, True], ids=["graded", "practice"])
def test_every_question_explains_and_every_choice_has_feedback(practice):
    for _, q in all_questions(practice):
        if q["type"] == "written":
            assert len(q["rubric"]) >= 2 and len(q.get("model_answer", "").split()) >= 25, q["id"]
            continue
        assert len(q.get("explanation", "").split()) >= 12, f"{q['id']}: explanation too thin"
        for choice in q.get("choices", []):
            assert choice.get("feedback", "").strip(), f"{q['id']}/{choice['id']}: no feedback"
        if q["type"] in ("numeric", "truefalse", "text") and "answer" in q:
            # A wrong first try must have something to say that is not the solution.
            assert q.get("hint") or q.get("mistakes"), f"{q['id']}: no hint for a wrong try"


@pytest.mark.parametrize("practice", [False, True], ids=["graded", "practice"])
def test_wrong_choice_feedback_never_names_the_key(practice):
    # Feedback on a wrong pick is shown after the first try; it must not say which is right.
    for _, q in all_questions(practice):
        if q["type"] != "single":
            continue
        key = next(c for c in q["choices"] if c["id"] == q["answer"])
        for choice in q["choices"]:
            if choice is not key:
                assert key["text"] not in choice["feedback"], f"{q['id']}/{choice['id']}"
                assert not choice["feedback"].startswith("Right"), f"{q['id']}/{choice['id']}"


def test_choice_keys_point_at_real_choices_and_leave_distractors():
    for _, q in all_questions():
        if q["type"] not in ("single", "multiple"):
            continue
        ids = [c["id"] for c in q["choices"]]
        key = [q["answer"]] if q["type"] == "single" else q["answer"]
        assert len(ids) == len(set(ids)) >= 4, q["id"]
        assert set(key) <= set(ids) and len(set(ids) - set(key)) >= 2, q["id"]
        if q["type"] == "multiple":
            assert len(key) >= 2, q["id"]


# --- numbers ----------------------------------------------------------------------------------

def test_every_numeric_question_has_an_independent_recomputation():
    numeric = {q["id"] for _, q in all_questions() if q["type"] == "numeric"}
    assert numeric == set(EXPECTED), f"differ: {sorted(numeric ^ set(EXPECTED))}"


@pytest.mark.parametrize("qid", sorted(EXPECTED))
def test_every_variant_key_matches_the_recomputation(qid):
    bank = next(b for b in banks() if any(q.id == qid for q in b.questions))
    question = bank.question(qid)
    variants = every_variant(question)
    assert len(variants) >= (2 if question.recorded else 3), qid
    for params in variants:
        shown = concrete_for(question, bank, params)
        expected = EXPECTED[qid](params)
        key = shown.answer
        assert abs(key["value"] - expected) <= key["tolerance"] + 1e-9 * max(1, abs(expected)), (
            qid, params, key, expected)
        assert key["tolerance"] <= 0.05 * abs(expected) or key["tolerance"] <= 1, qid
        for mistake in shown.mistakes:            # a slip's value must not be the right answer
            assert abs(mistake.value - key["value"]) > key["tolerance"] or (
                mistake.formula.startswith("floor")), (qid, params, mistake.formula)


def test_no_rounding_formula_meets_a_tie():
    # Python rounds x.5 to even, a learner usually up: the numbers must avoid exact halves.
    for bank in banks():
        for question in bank.questions:
            formulas = [*question.values.values()]
            if isinstance(question.answer, dict) and "formula" in question.answer:
                formulas.append(question.answer["formula"])
            if not any("round(" in f for f in formulas) or question.recorded:
                continue
            for params in every_variant(question):
                env = quiz.concrete(quiz.Question(**{**question.__dict__, "params": {
                    n: (params[n],) for n in question.params}}), bank.id, "x").shown
                for name, value in env.items():
                    assert abs(value % 1 - 0.5) > 1e-6 or name in question.params, (
                        question.id, params)
                for inner in re.findall(r"round\(([^()]*(?:\([^()]*\))*[^()]*)\)", " ".join(
                        formulas)):
                    value = quiz.formula.evaluate(inner.split(",")[0], env)
                    assert abs(abs(value % 1) - 0.5) > 1e-6, (question.id, params, inner)


NUMBER = re.compile(r"\d+(?:\.\d+)?")
EQUATION = re.compile(r"[\d.()+\-*/= ]*=[\d.()+\-*/= ]*")


def _equations(text: str) -> list[tuple[str, ...]]:
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=[\d)]) x (?=[\d(])", " * ", text)
    text = re.sub(r"(?<=[\d)])\^(?=[\d(])", " ** ", text)
    found = []
    for match in EQUATION.finditer(text):
        start, end = match.span()
        start += len(match.group()) - len(match.group().lstrip())
        end -= len(match.group()) - len(match.group().rstrip())
        parts = [p.strip().rstrip(".") for p in text[start:end].split("=")]
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not NUMBER.search(parts[0]):
            parts = parts[1:]
        elif not before.isspace() and before not in "(:":
            continue
        if after in "^%" or after.isalnum() and after != "x":
            continue
        if len(parts) >= 2 and all(NUMBER.search(p) for p in parts):
            found.append(tuple(parts))
    return found


def _decimals(part: str) -> int | None:
    if re.fullmatch(r"\d+(\.\d+)?", part):
        return len(part.split(".")[1]) if "." in part else 0
    return None


def _filled_texts() -> list[tuple[str, str]]:
    texts = []
    for bank in banks():
        for question in bank.questions:
            varies = question.params or question.recorded
            samples = every_variant(question)[:12] if varies else [{}]
            for params in samples:
                shown = concrete_for(question, bank, params) if params else question
                texts += [(question.id, shown.prompt), (question.id, shown.explanation),
                          (question.id, shown.model_answer)]
                texts += [(f"{question.id}/{c.id}", c.feedback) for c in shown.choices]
    for term in glossary_terms():
        texts += [(term["id"], term["definition"]), (term["id"], term.get("example", ""))]
    return texts


def test_written_arithmetic_adds_up():
    checked = 0
    for where, text in _filled_texts():
        for parts in _equations(text):
            try:
                values = [eval(p, {"__builtins__": {}}) for p in parts]  # digits and operators
            except (SyntaxError, ZeroDivisionError):
                continue
            for left, right, lp, rp in zip(values, values[1:], parts, parts[1:], strict=False):
                shown = [d for d in (_decimals(lp), _decimals(rp)) if d is not None]
                slack = 0.5 * 10 ** -max(shown) if shown else 1e-9 * max(1.0, abs(left))
                assert math.isclose(left, right, abs_tol=slack + 1e-9), (
                    f"{where}: '{lp} = {rp}' is {left} vs {right}")
                checked += 1
    assert checked >= 150, f"only {checked} written equations were checked"


def test_equation_finder_catches_a_wrong_sum():
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
        section = (ROOT / "lessons" / f"{lesson}.md").read_text(encoding="utf-8")
        section = section.partition("## Glossary")[2].split("\n## ")[0]
        linked = set(re.findall(r"^- `([a-z0-9-]+)`", section, flags=re.MULTILINE))
        assert linked <= ids, f"{lesson}.md links to unknown terms {sorted(linked - ids)}"


# --- the quiz engine grades every key as right ----------------------------------------------

def _key_values(question: quiz.Question) -> list[object]:
    key = question.answer
    if question.type == "numeric":
        return [key["value"]] if "value" in key else [key["min"], key["max"]]
    if question.type == "text":
        return list(key["accept"])
    if question.type == "matching":
        return [dict(key["pairs"])]
    return [key]


@pytest.mark.parametrize("practice", [False, True], ids=["graded", "practice"])
def test_engine_grades_every_key_full_marks_and_no_distractor(practice):
    for bank in banks(practice):
        for question in bank.questions:
            if question.type == "written":
                continue
            varies = question.params or question.recorded
            samples = every_variant(question)[:5] if varies else [{}]
            for params in samples:
                shown = concrete_for(question, bank, params) if params else question
                for value in _key_values(shown):
                    result = quiz.grade_answer(shown, value)
                    assert result.correct and result.score == result.max_score, (shown.id, value)
                if shown.type == "single":
                    wrong = next(c.id for c in shown.choices if c.id != shown.answer)
                    assert quiz.grade_answer(shown, wrong).score == 0
                elif shown.type == "truefalse":
                    assert quiz.grade_answer(shown, not shown.answer).score == 0
                elif shown.type == "multiple":
                    everything = [c.id for c in shown.choices]
                    assert not quiz.grade_answer(shown, everything).correct
