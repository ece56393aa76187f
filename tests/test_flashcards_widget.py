"""The review and glossary widgets, driven through ``.value`` and ``.click()``."""

import datetime as dt
import json
from pathlib import Path

import pytest

from pruneedu import flashcards
from pruneedu.flashcards.widget import KEY_ANSWERS

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "flashcards" / "course"
DAY0 = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def fixture_course(monkeypatch):
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(FIXTURE_COURSE))


def saved_cards(home):
    return json.loads((home / "flashcards.json").read_text())["cards"]


def all_html(widget):
    """Every HTML string the widget tree shows."""
    found = []
    stack = [widget]
    while stack:
        item = stack.pop()
        if hasattr(item, "children"):
            stack.extend(item.children)
        elif isinstance(getattr(item, "value", None), str):
            found.append(item.value)
    return found


def test_keys_cover_every_answer_button():
    assert sorted(KEY_ANSWERS.values()) == sorted(flashcards.ANSWER_QUALITY)


def test_start_shows_due_count_and_the_front_only():
    card = flashcards.show(today=DAY0)
    assert "Due today: 4" in card.due_label.value
    assert card.progress_label.value == "0 cards reviewed, 4 left"
    assert "Sparsity" in card.front.value
    assert card.back.value == ""
    assert all(button.disabled for button in card.answer_buttons.values())


def test_flip_shows_the_back_and_labelled_buttons_with_intervals():
    card = flashcards.show(today=DAY0)
    card.flip_button.click()
    assert "exactly zero" in card.back.value
    labels = [button.description for button in card.answer_buttons.values()]
    assert labels == ["1 Again (later today)", "2 Hard (1 day)", "3 Good (1 day)",
                      "4 Easy (1 day)"]
    assert not any(button.disabled for button in card.answer_buttons.values())
    card.flip_button.click()  # flipping again hides the answer
    assert card.back.value == ""


def test_answering_saves_and_moves_on(isolated_learner_home):
    card = flashcards.show(today=DAY0)
    card.flip_button.click()
    card.answer_buttons["good"].click()
    assert card.progress_label.value == "1 cards reviewed, 3 left"
    assert "Mask" in card.front.value and card.back.value == ""
    assert "comes back in 1 day" in card.message.value
    assert saved_cards(isolated_learner_home)["sparsity"]["due"] == "2026-11-22"


def test_answer_before_flip_is_refused_and_nothing_is_saved(isolated_learner_home):
    card = flashcards.show(today=DAY0)
    card.answer("easy")
    assert "Flip the card first" in card.message.value
    assert card.progress_label.value == "0 cards reviewed, 4 left"
    assert not (isolated_learner_home / "flashcards.json").exists()


def test_keyboard_box_space_flips_and_digits_answer(isolated_learner_home):
    card = flashcards.show(today=DAY0)
    card.key_box.value = " "
    assert "exactly zero" in card.back.value
    assert card.key_box.value == ""  # the box empties itself for the next key
    card.key_box.value = "4"  # easy
    assert saved_cards(isolated_learner_home)["sparsity"]["ease"] == pytest.approx(2.6)
    card.key_box.value = " 1"  # flip and "again" typed in one go
    assert saved_cards(isolated_learner_home)["mask"]["lapses"] == 1
    card.key_box.value = "x"  # other keys do nothing
    # "again" put the mask card back at the end of the session: 2 new cards + it are left.
    assert card.progress_label.value == "2 cards reviewed, 3 left"


def test_whole_session_then_restart(isolated_learner_home):
    card = flashcards.show(today=DAY0)
    for answer in ["again", "hard", "good", "easy", "good"]:  # the last is sparsity's repeat
        card.flip()
        card.answer_buttons[answer].click()
    assert card.progress_label.value == "4 cards reviewed, 0 left"
    assert "All done for today" in card.front.value
    assert card.flip_button.disabled
    saved = saved_cards(isolated_learner_home)
    assert {key: saved[key]["interval_days"] for key in saved} == {
        "sparsity": 1, "mask": 1, "fine-tuning": 1, "node-pruning": 1}
    assert saved["sparsity"]["lapses"] == 1 and saved["mask"]["lapses"] == 0
    # After a kernel restart on the same day nothing is due; the next day all four are.
    assert "Due today: 0" in flashcards.show(today=DAY0).due_label.value
    tomorrow = flashcards.show(today=DAY0 + dt.timedelta(days=1))
    assert "Due today: 4" in tomorrow.due_label.value
    tomorrow.flip()
    # sparsity: repetitions 0 after the lapse, so good gives 1 day; mask (hard, reps 1) next.
    assert tomorrow.answer_buttons["good"].description == "3 Good (1 day)"
    tomorrow.answer("good")
    tomorrow.flip()
    assert tomorrow.answer_buttons["good"].description == "3 Good (6 days)"


def test_again_repeats_the_card_later_today_without_rescheduling_it(isolated_learner_home):
    # SM-2: items you failed are drilled again in the same session; the drill is practice.
    card = flashcards.show(today=DAY0)
    first = card.current
    card.flip()
    card.answer_buttons["again"].click()
    saved_after_lapse = saved_cards(isolated_learner_home)[first]
    assert card.queue[-1] == first and card.queue.count(first) == 1
    while card.current != first:
        card.flip()
        card.answer_buttons["good"].click()
    card.flip()
    assert [b.description for b in card.answer_buttons.values()] == [
        "1 Again (later today)", "2 Hard", "3 Good", "4 Easy"]
    card.answer_buttons["easy"].click()
    assert saved_cards(isolated_learner_home)[first] == saved_after_lapse
    assert card.current is None and "practice only" in card.message.value


def test_no_javascript_in_any_output():
    card = flashcards.show(today=DAY0)
    card.flip()
    table = flashcards.glossary_table()
    for text in all_html(card) + all_html(table):
        assert "<script" not in text.lower() and "javascript:" not in text.lower()


def test_glossary_table_filters_by_term_and_definition():
    table = flashcards.glossary_table()
    assert table.count.value == "4 of 4 terms"
    table.search.value = "ZERO"  # "exactly zero" (sparsity) and "ones and zeros" (mask)
    assert table.count.value == "2 of 4 terms"
    assert "Sparsity" in table.table.value and "Mask" in table.table.value
    assert "Fine-tuning" not in table.table.value
    table.search.value = "node"
    assert table.count.value == "1 of 4 terms"
    assert "&lt;and&gt;" in table.table.value  # definitions are escaped, not rendered as tags
    table.search.value = "quantum"
    assert "No term matches" in table.table.value


def test_glossary_table_starts_with_the_given_query():
    table = flashcards.glossary_table("fine")
    assert table.search.value == "fine"
    assert table.count.value == "1 of 4 terms"
