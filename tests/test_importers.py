"""jupyterquiz and jupytercards JSON brought into our quiz-bank and glossary formats."""

import json
from pathlib import Path

import pytest

from pruneedu.flashcards.glossary import terms_from_dict
from pruneedu.importers import import_jupytercards, import_jupyterquiz
from pruneedu.quiz.schema import check_bank

FIXTURES = Path(__file__).parent / "fixtures" / "flashcards"


def test_jupyterquiz_questions_map_to_our_types_and_keys():
    bank = import_jupyterquiz(FIXTURES / "jupyterquiz.json", quiz_id="jq", lesson="02-weight")
    assert (bank["id"], bank["lesson"], bank["format_version"]) == ("jq", "02-weight", 1)
    single, multiple, value, span = bank["questions"]
    assert [q["id"] for q in bank["questions"]] == ["jq-q1", "jq-q2", "jq-q3", "jq-q4"]

    assert single["type"] == "single" and single["answer"] == "b"
    assert single["choices"][1] == {"id": "b", "text": "Removing whole neurons",
                                    "feedback": "Yes: rows and columns go away."}
    assert multiple["type"] == "multiple" and multiple["answer"] == ["a", "b"]
    assert multiple["choices"][2]["text"] == "model.eval()"  # a code-only answer
    assert "feedback" not in multiple["choices"][1]
    # precision 3 = three significant digits: 10 is checked as 10.0 +- 0.05.
    assert value["answer"] == {"value": 10.0, "tolerance": pytest.approx(0.05)}
    assert value["explanation"] == "1 / (1 - 0.9) = 10."
    assert span["answer"] == {"min": 0.8, "max": 0.9}
    assert span["prompt"].endswith("```python\nsparsity = zeros / total\n```")


def test_imported_bank_passes_the_quiz_schema():
    bank = import_jupyterquiz(FIXTURES / "jupyterquiz.json", quiz_id="jq")
    assert check_bank(bank, name="jq") == []


def test_jupyterquiz_accepts_json_text_and_parsed_lists():
    data = json.loads((FIXTURES / "jupyterquiz.json").read_text())
    from_file = import_jupyterquiz(FIXTURES / "jupyterquiz.json")
    assert import_jupyterquiz(json.dumps(data)) == from_file
    assert import_jupyterquiz(data) == from_file


def test_tolerance_follows_significant_digits():
    def key(value, precision):
        question = {"question": "?", "type": "numeric", "precision": precision,
                    "answers": [{"type": "value", "value": value, "correct": True}]}
        return import_jupyterquiz([question])["questions"][0]["answer"]["tolerance"]

    assert key(3.14, 3) == pytest.approx(0.005)  # 3.14 has its 3rd digit in the 0.01s
    assert key(0.0625, 2) == pytest.approx(0.0005)  # 0.062 -> 2nd digit in the 0.001s
    assert key(1500, 2) == pytest.approx(50)


@pytest.mark.parametrize("question, message", [
    ({"question": "?", "type": "fill_in", "answers": []}, "only multiple_choice"),
    ({"question": "?", "type": "multiple_choice", "answers": [
        {"answer": "a", "correct": True}, {"answer": "b", "correct": True}]}, "many_choice"),
    ({"question": "?", "type": "many_choice", "answers": [
        {"answer": "a", "correct": False}, {"answer": "b", "correct": False}]}, "no answer"),
    ({"question": "?", "type": "numeric", "answers": [
        {"type": "default", "feedback": "no"}]}, "no correct numeric"),
    ({"question": "", "type": "numeric", "answers": [
        {"type": "value", "value": 1, "correct": True}]}, "no 'question' text"),
])
def test_jupyterquiz_problems_are_value_errors(question, message):
    with pytest.raises(ValueError, match=message):
        import_jupyterquiz([question])


def test_bad_json_sources_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="not valid"):
        import_jupyterquiz("[{")
    with pytest.raises(ValueError, match="list of objects"):
        import_jupyterquiz('{"question": "?"}')
    with pytest.raises(ValueError, match="no jupyterquiz file"):
        import_jupyterquiz(tmp_path / "missing.json")


def test_jupytercards_become_glossary_terms():
    terms = import_jupytercards(FIXTURES / "jupytercards.json", lesson="01-introduction")
    assert [t["id"] for t in terms] == ["lottery-ticket", "compression-ratio",
                                        "compression-ratio-2"]
    assert terms[1] == {"id": "compression-ratio", "term": "Compression ratio",
                        "definition": "Dense size divided by pruned size.",
                        "lesson": "01-introduction"}
    # They load as a glossary, so they can become flashcards straight away.
    loaded = terms_from_dict({"format_version": 1, "terms": terms})
    assert [t.term for t in loaded] == ["Lottery ticket", "Compression ratio",
                                        "Compression ratio!"]


def test_jupytercards_card_without_front_is_rejected():
    with pytest.raises(ValueError, match="card #2"):
        import_jupytercards([{"front": "a", "back": "b"}, {"back": "only a back"}])
