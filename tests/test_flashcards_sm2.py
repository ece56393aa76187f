"""SM-2 scheduling checked against sequences worked out by hand in each test.

The rules (sm2.py): pass (q >= 3) -> intervals 1, 6, then round(prev * EF_before); lapse
(q < 3) -> repetitions 0, interval 1; then EF += 0.1 - (5-q)(0.08 + (5-q)0.02), EF >= 1.3.
EF change per quality: q=5 +0.10, q=4 +0.00, q=3 -0.14, q=1 -0.54, q=0 -0.80.
"""

import datetime as dt

import pytest

from pruneedu.flashcards import sm2

DAY0 = dt.date(2026, 11, 21)


def run(qualities):
    """Review a new card with each quality in turn, each time on the day it falls due."""
    state = sm2.new_card(DAY0)
    history = []
    for quality in qualities:
        state = sm2.review(state, quality, state.due)
        history.append(state)
    return history


def test_ease_change_per_quality_matches_the_formula():
    # q=5: 0.1 - 0*(...) = +0.1; q=4: 0.1 - 1*(0.08+0.02) = 0; q=3: 0.1 - 2*(0.08+0.04) = -0.14
    # q=2: 0.1 - 3*(0.08+0.06) = -0.32; q=1: 0.1 - 4*(0.08+0.08) = -0.54; q=0: -0.8
    expected = {5: 2.6, 4: 2.5, 3: 2.36, 2: 2.18, 1: 1.96, 0: 1.7}
    for quality, ease in expected.items():
        assert sm2.updated_ease(2.5, quality) == pytest.approx(ease)


def test_always_good_gives_1_6_15_38_days():
    # EF stays 2.5 (q=4 adds 0). 1, 6, 6*2.5 = 15, 15*2.5 = 37.5 -> 38.
    history = run([4, 4, 4, 4])
    assert [s.interval_days for s in history] == [1, 6, 15, 38]
    assert [s.repetitions for s in history] == [1, 2, 3, 4]
    assert all(s.ease == pytest.approx(2.5) for s in history)
    # Due dates: 11-21 +1 = 11-22, +6 = 11-28, +15 = 12-13, +38 = 2027-01-20.
    assert [s.due for s in history] == [
        dt.date(2026, 11, 22), dt.date(2026, 11, 28), dt.date(2026, 12, 13), dt.date(2027, 1, 20),
    ]
    assert history[-1].last_review == dt.date(2026, 12, 13)


def test_always_easy_uses_the_ease_before_the_review():
    # EF 2.5 -> 2.6 -> 2.7 -> 2.8; intervals 1, 6, round(6 * 2.7) = round(16.2) = 16.
    history = run([5, 5, 5])
    assert [s.interval_days for s in history] == [1, 6, 16]
    assert [s.ease for s in history] == pytest.approx([2.6, 2.7, 2.8])


def test_always_hard_shrinks_the_ease():
    # EF 2.5 -> 2.36 -> 2.22 -> 2.08 -> 1.94; intervals 1, 6, round(6 * 2.22) = round(13.32) = 13,
    # round(13 * 2.08) = round(27.04) = 27.
    history = run([3, 3, 3, 3])
    assert [s.interval_days for s in history] == [1, 6, 13, 27]
    assert [s.ease for s in history] == pytest.approx([2.36, 2.22, 2.08, 1.94])


def test_a_lapse_restarts_the_intervals_but_keeps_the_lowered_ease():
    # good x3: 1, 6, 15 (EF 2.5). again (q=1): interval 1, repetitions 0, EF 2.5 - 0.54 = 1.96.
    # good x3 again: 1, 6, round(6 * 1.96) = round(11.76) = 12.
    history = run([4, 4, 4, 1, 4, 4, 4])
    assert [s.interval_days for s in history] == [1, 6, 15, 1, 1, 6, 12]
    assert [s.repetitions for s in history] == [1, 2, 3, 0, 1, 2, 3]
    assert history[3].ease == pytest.approx(1.96)
    assert [s.lapses for s in history] == [0, 0, 0, 1, 1, 1, 1]


def test_ease_never_falls_below_1_3():
    # again: 2.5 -> 1.96 -> 1.42 -> max(1.3, 0.88) = 1.3 -> 1.3; every interval is 1 day.
    history = run([1, 1, 1, 1])
    assert [s.ease for s in history] == pytest.approx([1.96, 1.42, 1.3, 1.3])
    assert [s.interval_days for s in history] == [1, 1, 1, 1]
    assert history[-1].lapses == 4


def test_halves_round_up_not_to_even():
    # 5 * 2.5 = 12.5: half-up gives 13 (Python's round would give 12).
    state = sm2.CardState(ease=2.5, interval_days=5, repetitions=2, due=DAY0)
    assert sm2.next_interval(state, 4) == 13
    assert sm2.review(state, 4, DAY0).due == DAY0 + dt.timedelta(days=13)


def test_buttons_map_to_qualities_1_3_4_5():
    assert sm2.ANSWER_QUALITY == {"again": 1, "hard": 3, "good": 4, "easy": 5}
    assert sm2.quality_for("hard") == 3
    with pytest.raises(ValueError, match="again, hard, good, easy"):
        sm2.quality_for("meh")


@pytest.mark.parametrize("quality", [-1, 6, 3.0, True, "4"])
def test_bad_quality_is_rejected(quality):
    with pytest.raises(ValueError, match="0 to 5"):
        sm2.review(sm2.new_card(DAY0), quality, DAY0)


def test_review_does_not_change_the_input_state():
    state = sm2.new_card(DAY0)
    sm2.review(state, 5, DAY0)
    assert state == sm2.new_card(DAY0)


def test_due_on_and_after_the_due_date():
    state = sm2.review(sm2.new_card(DAY0), 4, DAY0)  # due DAY0 + 1
    assert not sm2.is_due(state, DAY0)
    assert sm2.is_due(state, DAY0 + dt.timedelta(days=1))
    assert sm2.is_due(state, DAY0 + dt.timedelta(days=30))


def test_json_round_trip_and_the_documented_example():
    state = run([4, 4, 1])[-1]
    assert sm2.CardState.from_json(state.to_json()) == state
    # The example entry from docs/formats.md.
    documented = {"ease": 2.5, "interval_days": 6, "repetitions": 2, "due": "2026-11-27",
                  "last_review": "2026-11-21", "lapses": 0}
    parsed = sm2.CardState.from_json(documented)
    assert parsed.due == dt.date(2026, 11, 27) and parsed.interval_days == 6
    assert parsed.to_json() == documented


def test_malformed_state_entry_is_a_value_error():
    with pytest.raises(ValueError, match="malformed"):
        sm2.CardState.from_json({"ease": "fast", "interval_days": 1, "repetitions": 0})
    with pytest.raises(ValueError, match="malformed"):
        sm2.CardState.from_json({"ease": 2.5})
