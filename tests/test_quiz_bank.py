"""Loading banks, the released copy and the content hash, and display order."""

import copy
from pathlib import Path

import pytest
import yaml

from pruneedu import quiz

COURSE = Path(__file__).parent / "fixtures" / "quiz" / "course"
FIXTURE_BANK = COURSE / "quizzes" / "01-demo.yaml"


@pytest.fixture
def bank():
    return quiz.load_bank(FIXTURE_BANK)


def test_load_by_path_and_by_id(bank, monkeypatch):
    assert (bank.id, bank.title, bank.lesson) == ("01-demo", "Demo quiz", "01-demo")
    assert [q.type for q in bank.questions] == [
        "single", "multiple", "truefalse", "numeric", "numeric", "text", "matching"]
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(COURSE))
    assert quiz.load_bank("01-demo") == bank


def test_question_fields_and_defaults(bank):
    q = bank.question("demo-multiple")
    assert q.points == 2 and q.concept == "edge devices" and q.answer == ["a", "b", "d"]
    assert [c.id for c in q.choices] == ["a", "b", "c", "d"]
    assert bank.question("demo-truefalse").points == 1
    assert bank.max_score == 10
    matching = bank.question("demo-matching")
    assert matching.terms == ("sparsity", "mask", "latency")
    assert list(matching.definitions) == sorted(matching.definitions)


def test_unknown_question_and_missing_bank_raise_clear_errors(bank, tmp_path):
    with pytest.raises(KeyError, match="no question 'nope'"):
        bank.question("nope")
    with pytest.raises(quiz.BankError, match="no quiz bank at"):
        quiz.load_bank(tmp_path / "missing.yaml")


def test_broken_bank_is_rejected_with_the_problem_named(tmp_path):
    data = yaml.safe_load(FIXTURE_BANK.read_text())
    data["questions"][0]["answer"] = "z"
    path = tmp_path / "01-demo.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(quiz.BankError, match="demo-single: answer 'z' is not one of the choice"):
        quiz.load_bank(path)


def test_release_drops_every_key_explanation_and_feedback(bank):
    released = quiz.release_bank(bank)
    text = yaml.safe_dump(released)
    for secret in ("answer", "explanation", "feedback", "pairs", "tolerance", "accept",
                   "Right: small magnitude first", "lottery ticket hypothesis"):
        assert secret not in text
    q = released["questions"][0]
    assert set(q) == {"id", "type", "prompt", "points", "concept", "choices"}
    assert q["choices"][0] == {"id": "a", "text": "The weights with the smallest absolute value."}
    matching = released["questions"][-1]
    assert matching["terms"] == ["sparsity", "mask", "latency"]
    assert matching["definitions"] == [
        "fraction of weights that are zero",
        "tensor of zeros and ones applied to weights",
        "time for one prediction",
    ]


def test_released_copy_loads_keyless_and_hashes_the_same(bank, tmp_path):
    path = tmp_path / "learner-copy.yaml"
    path.write_text(yaml.safe_dump(quiz.release_bank(bank)))
    released = quiz.load_bank(path)
    assert bank.has_key and not released.has_key
    assert all(q.answer is None for q in released.questions)
    assert released.question("demo-matching").definitions == bank.question(
        "demo-matching").definitions
    assert quiz.content_hash(released) == quiz.content_hash(bank)
    assert quiz.release_bank(released) == quiz.release_bank(bank)


def test_hash_format_and_what_it_depends_on(bank):
    digest = quiz.content_hash(bank)
    assert digest.startswith("sha256:") and len(digest) == len("sha256:") + 64
    data = yaml.safe_load(FIXTURE_BANK.read_text())

    def hash_after(change):
        changed = copy.deepcopy(data)
        change(changed)
        return quiz.content_hash(quiz.bank_from_dict(changed))

    assert hash_after(lambda d: None) == digest
    # Keys, explanations and feedback are not learner-visible: the hash ignores them.
    assert hash_after(lambda d: d["questions"][0].update(answer="b")) == digest
    assert hash_after(lambda d: d["questions"][0].update(explanation="other")) == digest
    assert hash_after(lambda d: d["questions"][0]["choices"][0].update(feedback="x")) == digest
    # Anything a learner sees changes it.
    assert hash_after(lambda d: d["questions"][0].update(prompt="Other?")) != digest
    assert hash_after(lambda d: d["questions"][1].update(points=3)) != digest
    assert hash_after(lambda d: d["questions"][0]["choices"][1].update(text="x")) != digest
    assert hash_after(lambda d: d["questions"].reverse()) != digest


def test_hash_ignores_matching_pair_order_in_the_file(bank):
    data = yaml.safe_load(FIXTURE_BANK.read_text())
    pairs = data["questions"][-1]["answer"]["pairs"]
    # Same terms in the same order, definitions written in another order: same content.
    data["questions"][-1]["answer"]["pairs"] = dict(pairs)
    assert quiz.content_hash(quiz.bank_from_dict(data)) == quiz.content_hash(bank)


def test_shuffled_is_a_stable_permutation_per_learner():
    items = list("abcdefgh")
    ada = quiz.shuffled(items, "ada", "q1")
    assert sorted(ada) == items
    assert ada == quiz.shuffled(items, "ada", "q1")
    orders = {tuple(quiz.shuffled(items, learner, "q1")) for learner in ("ada", "bo", "cy", "di")}
    assert len(orders) > 1  # 8! orders: four learners all alike would mean no shuffling
    assert items == list("abcdefgh")  # the input is not shuffled in place


def test_shipped_banks_load_and_release_with_equal_hashes():
    from pruneedu import paths

    banks = sorted(p for p in paths.quizzes_dir().glob("*.yaml") if p.name != "glossary.yaml")
    assert banks, "the course ships at least one quiz bank"
    for path in banks:
        bank = quiz.load_bank(path.stem)
        assert bank.has_key
        released = quiz.bank_from_dict(quiz.release_bank(bank))
        assert quiz.content_hash(released) == quiz.content_hash(bank)


ODD_VALUES = [None, 0, -1, 1.5, float("nan"), True, "", "x", [], ["a"], {}, {"a": 1},
              [{"id": 1}], {"pairs": {"a": None}}, {"value": "x", "tolerance": None},
              {"accept": [1]}]


def _mutated(data, rng):
    """A copy of ``data`` with one randomly chosen field replaced by an odd value or removed."""
    data = copy.deepcopy(data)
    places, stack = [], [(data, ())]
    while stack:
        node, where = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            places.append(where + (key,))
            if isinstance(child, (dict, list)):
                stack.append((child, where + (key,)))
    place = rng.choice(places)
    parent = data
    for key in place[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and rng.random() < 0.2:
        del parent[place[-1]]
    else:
        parent[place[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    return data


def test_any_malformed_bank_is_a_bank_error_never_a_crash():
    import random

    rng = random.Random(0)
    data = yaml.safe_load(FIXTURE_BANK.read_text())
    loaded = 0
    for _ in range(400):
        broken = _mutated(data, rng)
        problems = quiz.check_bank(broken, name="01-demo")
        try:
            bank = quiz.bank_from_dict(broken)
        except quiz.BankError:
            continue
        loaded += 1
        # Whatever loads must also release, hash and grade (or refuse the answer) cleanly.
        assert quiz.content_hash(quiz.bank_from_dict(quiz.release_bank(bank))) == \
            quiz.content_hash(bank)
        for question in bank.questions:
            for value in ODD_VALUES + ["a", ["a", "b"], 75]:
                try:
                    quiz.grade_answer(question, value)
                except quiz.AnswerError:
                    pass
        assert isinstance(problems, list)
    assert loaded > 10  # harmless mutations (a prompt, a feedback) still load
