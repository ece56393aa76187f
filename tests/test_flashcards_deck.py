"""The deck: glossary cards, the saved schedule, atomic writes and corrupt-file recovery."""

import datetime as dt
import html
import json
import os
from pathlib import Path

import pytest
import yaml

from pruneedu import paths
from pruneedu.flashcards import store
from pruneedu.flashcards.deck import Deck
from pruneedu.flashcards.glossary import load_glossary, terms_from_dict

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "flashcards" / "course"
DAY0 = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def fixture_course(monkeypatch):
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(FIXTURE_COURSE))


def test_cards_are_the_glossary_terms_and_new_cards_are_due_today():
    deck = Deck.load(today=DAY0)
    assert [t.id for t in deck.terms] == ["sparsity", "mask", "fine-tuning", "node-pruning"]
    assert [t.id for t in deck.due_cards()] == ["sparsity", "mask", "fine-tuning", "node-pruning"]
    assert deck.counts() == {"total": 4, "due_today": 4, "learned": 0, "mastered": 0}


def test_card_back_holds_definition_example_related_names_and_lesson():
    back = Deck.load(today=DAY0).back_html("mask")
    assert "ones and zeros" in back
    assert "weight_mask" in back
    assert "Related:</i> Sparsity, Fine-tuning" in back  # ids shown as the terms' names
    assert "01-introduction" in back


def test_an_answer_is_saved_at_once_and_survives_a_restart(isolated_learner_home):
    deck = Deck.load(today=DAY0)
    deck.answer("sparsity", "good")
    saved = json.loads((isolated_learner_home / "flashcards.json").read_text())
    assert saved["format_version"] == 1
    assert saved["cards"]["sparsity"] == {
        "ease": 2.5, "interval_days": 1, "repetitions": 1, "due": "2026-11-22",
        "last_review": "2026-11-21", "lapses": 0,
    }
    # A kernel restart is a fresh load: the same schedule comes back.
    again = Deck.load(today=DAY0)
    assert again.states == deck.states
    assert [t.id for t in again.due_cards()] == ["mask", "fine-tuning", "node-pruning"]
    assert again.learner_id == saved["learner_id"]


def test_next_day_the_answered_card_is_due_again_and_overdue_cards_come_first():
    deck = Deck.load(today=DAY0)
    deck.answer("node-pruning", "good")  # due 11-22
    later = Deck.load(today=DAY0 + dt.timedelta(days=1))
    # The three never-reviewed cards were due 11-21, the answered one on 11-22.
    assert [t.id for t in later.due_cards()] == ["sparsity", "mask", "fine-tuning", "node-pruning"]
    counts = later.counts()
    assert counts["learned"] == 1 and counts["due_today"] == 4


def test_mastered_means_an_interval_of_at_least_21_days():
    deck = Deck.load(today=DAY0)
    day = DAY0
    for _ in range(3):  # good, good, good -> intervals 1, 6, 15
        deck.today = day
        state = deck.answer("mask", "good")
        day = state.due
    assert deck.counts()["mastered"] == 0
    deck.today = day
    assert deck.answer("mask", "good").interval_days == 38
    assert deck.counts()["mastered"] == 1


def test_preview_intervals_label_each_button():
    deck = Deck.load(today=DAY0)
    assert deck.preview_intervals("mask") == {"again": 1, "hard": 1, "good": 1, "easy": 1}
    deck.answer("mask", "good")
    deck.today = DAY0 + dt.timedelta(days=1)
    deck.answer("mask", "good")  # repetitions 2, interval 6, EF 2.5
    # again -> 1; hard -> round(6 * 2.5) = 15; good 15; easy 15 (all use the EF before the review)
    assert deck.preview_intervals("mask") == {"again": 1, "hard": 15, "good": 15, "easy": 15}


def test_unknown_card_and_unknown_answer_are_value_errors():
    deck = Deck.load(today=DAY0)
    with pytest.raises(ValueError, match="no card 'nope'"):
        deck.answer("nope", "good")
    with pytest.raises(ValueError, match="unknown answer"):
        deck.answer("mask", "perfect")


def test_states_of_removed_terms_are_kept(isolated_learner_home):
    path = isolated_learner_home / "flashcards.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format_version": 1, "learner_id": "ada", "cards": {
        "old-term": {"ease": 2.1, "interval_days": 9, "repetitions": 3, "due": "2026-12-01",
                     "last_review": "2026-11-22", "lapses": 1}}}))
    deck = Deck.load(today=DAY0)
    deck.answer("mask", "easy")
    saved = json.loads(path.read_text())
    assert saved["learner_id"] == "ada"
    assert saved["cards"]["old-term"]["interval_days"] == 9
    assert deck.counts()["total"] == 4


def test_corrupt_schedule_is_kept_aside_with_a_warning(isolated_learner_home):
    path = isolated_learner_home / "flashcards.json"
    isolated_learner_home.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format_version": 1, "cards": {"mask": ')  # cut off mid-file
    with pytest.warns(UserWarning, match="could not be read"):
        deck = Deck.load(today=DAY0)
    kept = list(isolated_learner_home.glob("flashcards.json.corrupt-*"))
    assert len(kept) == 1
    assert kept[0].read_text() == '{"format_version": 1, "cards": {"mask": '
    assert not path.exists()
    assert deck.counts()["due_today"] == 4
    deck.answer("mask", "good")  # a fresh schedule is written beside the kept file
    assert json.loads(path.read_text())["cards"]["mask"]["repetitions"] == 1
    assert kept[0].exists()


@pytest.mark.parametrize("content", ['[1, 2]', '{"format_version": 7, "cards": {}}',
                                     '{"format_version": 1, "cards": {"mask": {"ease": "x"}}}'])
def test_wrong_format_is_also_kept_aside(isolated_learner_home, content):
    path = isolated_learner_home / "flashcards.json"
    isolated_learner_home.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    with pytest.warns(UserWarning):
        cards, learner = store.load_schedule()
    assert cards == {} and learner is None
    [kept] = isolated_learner_home.glob("flashcards.json.corrupt-*")
    assert kept.read_text() == content


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_crash_while_saving_leaves_the_old_schedule_intact(isolated_learner_home,
                                                             monkeypatch, step):
    # Killed mid-write (before the data is safe on disk) or just before the rename.
    deck = Deck.load(today=DAY0)
    deck.answer("mask", "good")
    path = isolated_learner_home / "flashcards.json"
    before = path.read_bytes()

    def crash(*args):
        raise KeyboardInterrupt(f"kernel interrupted at {step}")

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(os, step, crash)
        deck.answer("sparsity", "easy")
    assert path.read_bytes() == before
    assert [p.name for p in isolated_learner_home.iterdir()] == ["flashcards.json"]
    assert Deck.load(today=DAY0).states["mask"].repetitions == 1


def test_a_leftover_temporary_file_is_ignored(isolated_learner_home):
    Deck.load(today=DAY0).answer("mask", "hard")
    # What a power cut between write and rename would leave behind.
    (isolated_learner_home / "flashcards.json.abc123.tmp").write_text('{"cards": {"ma')
    deck = Deck.load(today=DAY0)
    assert deck.states["mask"].ease == pytest.approx(2.36)


def test_glossary_errors_say_what_to_fix(tmp_path):
    # The same rules as `pruneedu validate` (quiz.check_glossary), one sentence each.
    term = {"id": "a", "term": "A", "definition": "x", "lesson": "01-introduction"}
    with pytest.raises(ValueError, match="a: term id used twice; run `pruneedu validate`"):
        terms_from_dict({"format_version": 1, "terms": [term, {**term, "term": "B"}]})
    with pytest.raises(ValueError, match="missing required field definition"):
        terms_from_dict({"format_version": 1, "terms": [{"id": "a", "term": "A", "lesson": "x"}]})
    with pytest.raises(ValueError, match="terms must be a non-empty list"):
        terms_from_dict({"format_version": 1, "glossary": []})
    with pytest.raises(ValueError, match="no glossary"):
        load_glossary(tmp_path / "missing.yaml")


def test_the_glossary_is_read_as_strictly_as_every_course_file(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("format_version: 1\nformat_version: 1\nterms: []\n")
    with pytest.raises(ValueError, match="'format_version' appears twice"):
        load_glossary(path)


def test_the_course_glossary_becomes_one_card_per_term(monkeypatch):
    monkeypatch.delenv("PRUNEEDU_COURSE_ROOT")
    entries = yaml.safe_load((paths.quizzes_dir() / "glossary.yaml").read_text())["terms"]
    deck = Deck.load(today=DAY0)
    assert [t.id for t in deck.terms] == [entry["id"] for entry in entries]
    assert deck.counts()["due_today"] == len(entries)
    names = {t.id: t.term for t in deck.terms}
    for term in deck.terms:  # every related id is shown by its name on the card's back
        back = deck.back_html(term.id)
        assert all(html.escape(names[r]) in back for r in term.related)


def test_two_open_notebooks_do_not_undo_each_others_answers(isolated_learner_home):
    first, second = Deck.load(today=DAY0), Deck.load(today=DAY0)
    first.answer("mask", "good")
    second.answer("sparsity", "easy")  # second was loaded before first's answer
    saved = json.loads((isolated_learner_home / "flashcards.json").read_text())["cards"]
    assert saved["mask"]["repetitions"] == 1
    assert saved["sparsity"]["ease"] == pytest.approx(2.6)
