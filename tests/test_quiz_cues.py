"""Test-taking cues: a simulated class that answers the released graded banks by cue alone
scores no better than random guessing, and the item analysis flags no item as cue-driven.

Each simulated learner sees what the widget shows them (their own choice order, per-learner
numbers and pools from the class seed) and picks by one strategy: the first shown choice, the
longest choice, or one at random. For "select all" questions they tick one choice; for true or
false "first" means True (shown first) and "longest" False; for matching every term gets the
first shown (or longest, or a random) definition; numeric, text and written questions cannot
be answered by a cue and stay blank. Chance is computed exactly: points / choices for single,
multiple (one tick) and matching questions, points / 2 for true or false.
"""

import csv
import dataclasses
import random
import shutil
from pathlib import Path

import pytest

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.grading.classgrade import grade_class
from pruneedu.grading.itemstats import item_analysis
from pruneedu.grading.material import load_material
from pruneedu.quiz.order import shuffled

ROOT = Path(__file__).resolve().parents[1]
GRADED = ("01-introduction", "02-weight-vs-node", "03-challenges", "final-review")
SECRET = "the instructor's secret for the simulated class"
SEED = quiz.class_seed(SECRET)
STRATEGIES = ("first", "longest", "random")
CLASS_SIZE = 200


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def pick(strategy: str, options: list, text, rng: random.Random):
    """One option by the strategy; ``options`` are in the learner's display order."""
    if strategy == "first":
        return options[0]
    if strategy == "longest":
        top = max(_length(text(o)) for o in options)
        return next(o for o in options if _length(text(o)) == top)  # a tie: the first shown
    return rng.choice(options)


def cue_answer(question: quiz.Question, learner: str, strategy: str, rng: random.Random):
    """What a cue-only learner enters for a (released) question, or None."""
    if question.type in ("single", "multiple"):
        shown = [c for _, c in quiz.lettered_choices(question, learner)]
        choice = pick(strategy, shown, lambda c: c.text, rng)
        return choice.id if question.type == "single" else [choice.id]
    if question.type == "truefalse":
        return pick(strategy, [True, False], lambda v: str(v), rng)
    if question.type == "matching":
        definitions = shuffled(question.definitions, learner, question.id + "/definitions")
        if strategy == "random":
            return {term: rng.choice(definitions) for term in question.terms}
        chosen = pick(strategy, definitions, lambda d: d, rng)
        return {term: chosen for term in question.terms}
    return None


def chance(question: quiz.Question) -> float:
    """The expected score of random guessing on one question."""
    if question.type in ("single", "multiple"):
        return question.points / len(question.choices)
    if question.type == "truefalse":
        return question.points / 2
    if question.type == "matching":
        return question.points / len(question.definitions)
    return 0.0


def class_files(strategy_of, folder: Path | None = None):
    """Responses of a simulated class answering the released banks; yields (learner, bank,
    responses, chance of this learner's questions)."""
    released = {bid: quiz.bank_from_dict(quiz.release_bank(quiz.load_bank(bid), SEED))
                for bid in GRADED}
    for index in range(CLASS_SIZE):
        learner = f"sim{index:03d}"
        rng = random.Random(index)
        for bank_id, shown in released.items():
            asked = quiz.select_questions(shown, learner, shown.variant_seed)
            responses = quiz.new_responses(bank_id, quiz.content_hash(shown), learner, "graded")
            responses["variant_seed_id"] = quiz.seed_id(shown.variant_seed)
            for question in asked:
                value = cue_answer(question, learner, strategy_of(index), rng)
                if value is not None:
                    quiz.record_answer(responses, question.id, value)
            if folder is not None:
                quiz.save_responses(folder / f"{learner}.{bank_id}.responses.json", responses)
            yield learner, bank_id, responses, sum(chance(q) for q in asked)


def class_scores(strategy: str) -> tuple[float, float, float]:
    """Mean score per learner (all four quizzes), its standard error, and the mean chance."""
    banks = {bid: quiz.load_bank(bid) for bid in GRADED}
    totals: dict[str, float] = {}
    expected: dict[str, float] = {}
    for learner, bank_id, responses, chance_score in class_files(lambda _: strategy):
        grade = quiz.grade_responses(banks[bank_id], responses, variant_seed=SEED)
        assert not grade.invalid and not grade.unknown_ids and not grade.not_asked
        totals[learner] = totals.get(learner, 0.0) + grade.score
        expected[learner] = expected.get(learner, 0.0) + chance_score
    scores = list(totals.values())
    mean = sum(scores) / len(scores)
    spread = (sum((s - mean) ** 2 for s in scores) / (len(scores) - 1)) ** 0.5
    return mean, spread / len(scores) ** 0.5, sum(expected.values()) / len(expected)


@pytest.fixture(scope="module")
def results():
    return {strategy: class_scores(strategy) for strategy in STRATEGIES}


def test_random_guessing_scores_chance(results):
    # Guards the simulation: random guessing must land on the exact chance expectation.
    mean, error, expected = results["random"]
    assert expected > 5                      # cues could earn something: enough to test
    assert abs(mean - expected) <= 3 * error + 0.05


@pytest.mark.parametrize("strategy", ["first", "longest"])
def test_answering_by_cue_is_no_better_than_random_guessing(results, strategy):
    mean, error, expected = results[strategy]
    random_mean, random_error, _ = results["random"]
    assert mean <= expected + 3 * max(error, random_error) + 0.05, (mean, expected)
    assert mean <= random_mean + 3 * max(error, random_error) + 0.05


def test_a_bank_with_longest_keys_is_caught(tmp_path):
    # The same check must fail on a bank where the key is always the longest choice.
    bank = quiz.load_bank("02-weight-vs-node")
    planted = quiz.release_bank(bank)
    full = yaml_roundtrip(bank)
    for question in full["questions"]:
        if question["type"] == "single":
            key = next(c for c in question["choices"] if c["id"] == question["answer"])
            key["text"] += " (and this makes the key clearly the longest choice)"
    cheat = quiz.bank_from_dict(full)
    singles = [q for q in cheat.questions if q.type == "single"]
    right = sum(quiz.grade_answer(q, cue_answer(q, f"sim{i}", "longest", random.Random(i))).score
                for i in range(20) for q in singles)
    assert right == 20 * len(singles)           # the longest strategy gets every one right
    assert planted["questions"]                 # the untouched bank still releases


def yaml_roundtrip(bank: quiz.Bank) -> dict:
    import yaml

    return yaml.safe_load((ROOT / "quizzes" / f"{bank.id}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mixed_class(tmp_path_factory):
    """A class of 200 on disk, a third answering by each strategy."""
    folder = tmp_path_factory.mktemp("cue-class")
    for _ in class_files(lambda index: STRATEGIES[index % 3], folder):
        pass
    return folder


def test_item_analysis_flags_no_item_as_cue_driven(mixed_class):
    material = dataclasses.replace(load_material(ROOT / "quizzes", ROOT / "exercises"),
                                   variant_seed=SEED)
    grades = grade_class(mixed_class, material, progress=False)
    assert grades.rejects == []
    analysis = item_analysis(grades)
    assert len(analysis) == sum(len(quiz.load_bank(b).questions) for b in GRADED)
    assert [item.question_id for item in analysis if item.cue] == []


def test_stats_command_on_the_simulated_class(mixed_class, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    out = tmp_path / "stats"
    code = main(["stats", str(mixed_class), "--out", str(out), "--quizzes", str(ROOT / "quizzes"),
                 "--secret-file", str(secret), "--no-progress"])
    assert code == 0, capsys.readouterr()
    rows = list(csv.DictReader((out / "item_analysis.csv").open()))
    assert rows and all(row["cue"] == "" for row in rows)
    pooled = [row for row in rows if row["question"] == "chal-cubic"][0]
    assert 0 < int(pooled["learners"]) < CLASS_SIZE       # a pool asks only some learners


def test_the_item_analysis_catches_a_planted_cue(mixed_class, tmp_path):
    # Make every single-choice key of 02 clearly the longest choice; the "longest" third of
    # the class then answers those right, and the analysis must say so.
    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes, ignore=shutil.ignore_patterns("practice"))
    data = yaml_roundtrip(quiz.load_bank("02-weight-vs-node"))
    planted = []
    for question in data["questions"]:
        if question["type"] == "single":
            key = next(c for c in question["choices"] if c["id"] == question["answer"])
            key["text"] += " -- and a long tail that makes this the longest choice by far"
            planted.append(question["id"])
    import yaml

    (quizzes / "02-weight-vs-node.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    material = load_material(quizzes, ROOT / "exercises")
    bank = material.banks["02-weight-vs-node"]
    folder = tmp_path / "class"
    folder.mkdir()
    for index in range(CLASS_SIZE):
        learner = f"sim{index:03d}"
        rng = random.Random(index)
        responses = quiz.new_responses(bank.id, quiz.content_hash(bank), learner, "graded")
        for question in quiz.select_questions(bank, learner):
            value = cue_answer(question, learner, STRATEGIES[index % 3], rng)
            if value is not None:
                quiz.record_answer(responses, question.id, value)
        quiz.save_responses(folder / f"{learner}.{bank.id}.responses.json", responses)
    grades = grade_class(folder, material, progress=False)
    flagged = {item.question_id: item.cue for item in item_analysis(grades) if item.cue}
    assert flagged == {qid: "length" for qid in planted}
