"""`pruneedu import`: a teacher's jupyterquiz / jupytercards JSON becomes a checked course file."""

from pathlib import Path

import yaml

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.flashcards import load_glossary

FIXTURES = Path(__file__).parent / "fixtures" / "flashcards"


def right_answer(question):
    """A learner's answer value that the key accepts (the key itself for choice questions)."""
    key = question.answer
    if question.type == "numeric":
        return key["value"] if "value" in key else key["min"]
    if question.type == "text":
        return key["accept"][0]
    if question.type == "matching":
        return dict(key["pairs"])
    return key


def test_jupyterquiz_becomes_a_bank_the_quiz_engine_loads_and_grades(tmp_path, capsys):
    out = tmp_path / "quizzes" / "04-extra.yaml"
    code = main(["import", "jupyterquiz", str(FIXTURES / "jupyterquiz.json"), "--out", str(out),
                 "--lesson", "03-challenges"])
    assert code == 0 and "Imported 4 questions" in capsys.readouterr().out
    bank = quiz.load_bank(out)
    assert bank.id == "04-extra" and bank.lesson == "03-challenges"
    for question in bank.questions:
        assert quiz.grade_answer(question, right_answer(question)).correct


def test_jupytercards_becomes_a_glossary_the_flashcards_load(tmp_path):
    out = tmp_path / "cards.yaml"
    code = main(["import", "jupytercards", str(FIXTURES / "jupytercards.json"), "--out", str(out),
                 "--lesson", "01-introduction"])
    assert code == 0
    terms = load_glossary(out)
    assert len(terms) == 3 and all(t.lesson == "01-introduction" for t in terms)


def test_an_existing_file_is_not_overwritten_without_force(tmp_path, capsys):
    out = tmp_path / "04-extra.yaml"
    out.write_text("mine")
    args = ["import", "jupyterquiz", str(FIXTURES / "jupyterquiz.json"), "--out", str(out),
            "--lesson", "01-introduction"]
    assert main(args) == 2 and out.read_text() == "mine"
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    assert yaml.safe_load(out.read_text())["id"] == "04-extra"


def test_broken_source_writes_nothing_and_says_why(tmp_path, capsys):
    source = tmp_path / "bad.json"
    source.write_text('[{"question": "x?", "type": "multiple_choice", "answers": ['
                      '{"answer": "a", "correct": false}, {"answer": "b", "correct": false}]}]')
    out = tmp_path / "bad.yaml"
    code = main(["import", "jupyterquiz", str(source), "--out", str(out),
                 "--lesson", "01-introduction"])
    assert code == 2 and not out.exists()
    assert "marks no answer as correct" in capsys.readouterr().err


def test_an_imported_bank_that_breaks_a_format_rule_is_not_written(tmp_path, capsys):
    # A file name the format does not allow as a quiz id ("My Quiz") fails validation.
    out = tmp_path / "My Quiz.yaml"
    code = main(["import", "jupyterquiz", str(FIXTURES / "jupyterquiz.json"), "--out", str(out),
                 "--lesson", "01-introduction"])
    assert code == 1 and not out.exists()
    assert "Nothing was written" in capsys.readouterr().err
