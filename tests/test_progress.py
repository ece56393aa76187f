"""The progress dashboard: scores regraded from responses files, card stages, empty state."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from fresh_python import heavy_imports

from pruneedu import progress, quiz
from pruneedu.flashcards.deck import Deck

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "flashcards" / "course"
DAY0 = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def course(tmp_path, monkeypatch):
    """A copy of the fixture course (glossary of 4 terms, fixture-quiz worth 1 + 2 + 1 points)."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(root))
    return root


def answer(bank_id, mode, values, quiz_hash=None):
    bank = quiz.load_bank(bank_id)
    responses = quiz.new_responses(bank_id, quiz_hash or quiz.content_hash(bank), "ada", mode)
    for question_id, value in values.items():
        quiz.record_answer(responses, question_id, value)
    return quiz.save_responses(quiz.responses_path(bank_id, mode), responses)


def test_nothing_answered_is_empty_with_a_start_message():
    data = progress.summary(DAY0)
    assert data["empty"] is True
    assert data["quizzes"] == []
    assert data["cards"] == {"total": 4, "due_today": 4, "learned": 0, "mastered": 0,
                             "reviewed": 0}
    dashboard = progress.show(DAY0)
    assert len(dashboard.children) == 1  # no chart of nothing
    assert "Start with lesson 1" in dashboard.children[0].value


def test_practice_answers_are_regraded_against_the_key():
    # fx-single "a" right (1 of 1); fx-truefalse True wrong (0 of 2); fx-numeric 10.2 is within
    # 10 +- 0.5 (1 of 1): 2 of 4 points = 50%.
    answer("fixture-quiz", "practice", {"fx-single": "a", "fx-truefalse": True,
                                        "fx-numeric": 10.2})
    [row] = progress.summary(DAY0)["quizzes"]
    assert row == {
        "quiz_id": "fixture-quiz", "title": "Fixture quiz", "lesson": "01-introduction",
        "mode": "practice", "answered": 3, "questions": 3, "score": 2.0,
        "first_try_score": 2.0, "max_score": 4.0, "percent": 50.0, "current_version": True,
    }


def test_practice_shows_the_first_try_beside_the_best(course):
    bank = quiz.load_bank("fixture-quiz")
    responses = quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "practice")
    quiz.record_try(responses, "fx-single", "b")          # wrong first, then right
    quiz.record_try(responses, "fx-single", "a")
    quiz.record_try(responses, "fx-truefalse", False)     # right at once (2 points)
    quiz.record_try(responses, "fx-numeric", 10.0)        # right first, then worse
    quiz.record_try(responses, "fx-numeric", 3.0)
    quiz.save_responses(quiz.responses_path(bank.id, "practice"), responses)
    [row] = progress.summary(DAY0)["quizzes"]
    assert (row["first_try_score"], row["score"], row["max_score"]) == (3.0, 4.0, 4.0)
    html = progress.summary_html(progress.summary(DAY0))
    assert "<th>First try</th><th>Best</th>" in html
    assert "<td>3 / 4</td><td>4 / 4 (100%)</td>" in html


def test_practice_rows_grade_against_the_practice_bank(course):
    practice = course / "quizzes" / "practice"
    practice.mkdir()
    (practice / "fixture-quiz.yaml").write_text(yaml.safe_dump({
        "format_version": 1, "id": "fixture-quiz", "title": "Fixture practice",
        "lesson": "01-introduction", "questions": [
            {"id": "p-fx", "type": "truefalse", "prompt": "Practise.", "concept": "c",
             "answer": True},
            {"id": "p-fx-written", "type": "written", "prompt": "Explain.", "concept": "c",
             "rubric": ["a point"]}]}))
    answer("fixture-quiz", "practice", {"p-fx": True, "p-fx-written": "my words"})
    answer("fixture-quiz", "graded", {"fx-single": "a"})
    rows = {row["mode"]: row for row in progress.summary(DAY0)["quizzes"]}
    assert rows["practice"]["title"] == "Fixture practice"
    assert (rows["practice"]["score"], rows["practice"]["max_score"]) == (1.0, 1.0)  # no written
    assert (rows["graded"]["score"], rows["graded"]["first_try_score"]) == (1.0, None)


def test_practice_and_graded_files_are_separate_rows():
    answer("fixture-quiz", "practice", {"fx-truefalse": False})  # 2 of 4 = 50%
    answer("fixture-quiz", "graded", {"fx-single": "b"})  # 0 of 4
    data = progress.summary(DAY0)
    assert [(r["mode"], r["answered"], r["score"], r["percent"]) for r in data["quizzes"]] == [
        ("practice", 1, 2.0, 50.0), ("graded", 1, 0.0, 0.0)]
    assert data["empty"] is False


def test_a_score_written_into_the_file_is_ignored():
    path = answer("fixture-quiz", "practice", {"fx-single": "b"})
    text = path.read_text().replace('"answers"', '"score": 4, "answers"')
    path.write_text(text)
    [row] = progress.summary(DAY0)["quizzes"]
    assert row["score"] == 0.0


def test_a_keyless_bank_shows_answered_counts_only(course):
    released = quiz.release_bank(quiz.load_bank("fixture-quiz"))
    (course / "quizzes" / "fixture-quiz.yaml").write_text(yaml.safe_dump(released))
    answer("fixture-quiz", "graded", {"fx-single": "a", "fx-numeric": 3})
    [row] = progress.summary(DAY0)["quizzes"]
    assert (row["answered"], row["score"], row["percent"]) == (2, None, None)
    assert row["current_version"] is True  # a released copy hashes like the full bank
    assert "2 of 3" in progress.summary_html(progress.summary(DAY0))
    assert "no answer key here" in progress.summary_html(progress.summary(DAY0))


def test_answers_to_an_older_version_are_flagged():
    answer("fixture-quiz", "practice", {"fx-single": "a"}, quiz_hash="sha256:0123")
    data = progress.summary(DAY0)
    assert data["quizzes"][0]["current_version"] is False
    assert "older version" in progress.summary_html(data)


def test_a_damaged_responses_file_is_reported_and_left_alone():
    path = quiz.responses_path("fixture-quiz", "practice")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    data = progress.summary(DAY0)
    assert data["quizzes"] == []
    assert len(data["problems"]) == 1 and "not valid JSON" in data["problems"][0]
    assert path.read_text() == "{not json"


def test_card_stages_follow_the_schedule():
    deck = Deck.load(today=DAY0)
    deck.answer("mask", "good")
    deck.answer("sparsity", "again")
    data = progress.summary(DAY0)
    # Both reviewed; "again" leaves sparsity with 0 repetitions, so only mask counts as learned.
    assert data["cards"] == {"total": 4, "due_today": 2, "learned": 1, "mastered": 0,
                             "reviewed": 2}
    assert data["empty"] is False
    assert "2 due today, 1 learned, 0 mastered" in progress.summary_html(data)


def test_chart_bars_match_the_summary():
    answer("fixture-quiz", "practice", {"fx-single": "a", "fx-truefalse": False})  # 3 of 4
    Deck.load(today=DAY0).answer("mask", "easy")
    data = progress.summary(DAY0)
    scores, cards = progress.progress_figure(data).axes
    assert [bar.get_height() for bar in scores.patches] == [75.0, 75.0]  # best, first try
    assert [bar.get_height() for bar in cards.patches] == [3, 1, 0]  # due, learned, mastered


def test_dashboard_shows_table_and_png_chart():
    answer("fixture-quiz", "graded", {"fx-single": "a"})
    dashboard = progress.show(DAY0)
    table, chart = dashboard.children
    assert "<table>" in table.value and "1 / 4 (25%)" in table.value
    assert "<td>-</td><td>1 / 4 (25%)</td>" in table.value        # graded: no first try
    assert chart.value[:4] == b"\x89PNG"


def test_progress_and_flashcards_never_load_torch():
    # A fresh interpreter: this test process may have imported torch for other tests.
    loaded, _ = heavy_imports("import pruneedu.flashcards, pruneedu.progress")
    assert "torch" not in loaded
