"""What notebook 03-challenges prints agrees with lesson 3, and its shipped results with the code.

The notebook's checked cells (``# NBVAL_CHECK_OUTPUT``) store what a learner sees; nbval reruns
them, so those stored prints are the notebook's real numbers. These tests read them and the
lesson text, so a number corrected in one place cannot stay wrong in the other. The one-shot vs
iterative results are too slow for the notebook and ship as
``notebooks/results/03-challenges.json`` (``scripts/make_results_03.py``): one cheap entry is
recomputed here, so the file cannot silently drift from the code.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from pruneedu import exercises, pruning
from pruneedu.exercises.cells import cell_text, exercise_cells

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "03-challenges.ipynb"
RESULTS = REPO / "notebooks" / "results" / "03-challenges.json"
LESSON = REPO / "lessons" / "03-challenges.md"


def flat(text: str) -> str:
    return " ".join(text.split())


def lesson() -> str:
    return flat(LESSON.read_text(encoding="utf-8"))


def notebook() -> dict:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def printed(marker: str) -> str:
    """The stored output of the one checked cell whose source contains ``marker``."""
    cells = [c for c in notebook()["cells"] if c["cell_type"] == "code"
             and "# NBVAL_CHECK_OUTPUT" in cell_text(c) and marker in cell_text(c)]
    assert len(cells) == 1, f"expected one checked cell containing {marker!r}, found {len(cells)}"
    text = "".join("".join(o.get("text", "")) for o in cells[0].get("outputs", []))
    assert text, f"the cell containing {marker!r} has no stored output: run store_checked_outputs"
    return text


def results() -> dict:
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def entry(amount: float, budget: int) -> dict:
    found = [c for c in results()["comparisons"] if (c["amount"], c["budget"]) == (amount, budget)]
    assert len(found) == 1, (amount, budget)
    return found[0]


def pct(values: list[float]) -> str:
    return f"{100 * statistics.mean(values):.1f}%"


# --- int8 after pruning: the printed sizes are the ones the lesson quotes ---------------------

def test_int8_file_sizes_the_notebook_prints_are_the_lessons():
    text = printed("int8_view.measure(0.98)")
    dense = re.search(r"dense file: +([\d,]+) B -> int8 ([\d,]+) B, ([\d.]+x) smaller", text)
    sparse = re.search(r"98% sparse file: ([\d,]+) B \(([\d.]+) kB\) -> sparse int8 ([\d,]+) B "
                       r"\(([\d.]+) kB\), ([\d.]+x) smaller", text)
    assert dense and sparse, text
    assert (sparse[2], sparse[4], sparse[5]) == ("31.1", "14.4", "2.2x")  # the figures
    quoted = lesson()
    assert f"from {dense[1]} to {dense[2]} bytes, {dense[3]}" in quoted
    assert f"from {sparse[1]} to {sparse[3]} bytes, {sparse[5]}" in quoted
    assert f"only {sparse[5]} on our 98% sparse file" in quoted
    assert f"{dense[3]} for int8 on the dense file, {sparse[5]} on the 98% sparse one" in quoted


def test_the_values_and_the_rest_add_up_to_the_sparse_files():
    sizes = printed("int8_view.measure(0.98)")
    split = printed("values = {")
    other = {}
    for storage in ("sparse", "sparse-int8"):
        row = re.search(rf"^{storage} +([\d,]+) B: values +([\d,]+) B \(([\d,]+) x (\d) B\), "
                        rf"everything else +([\d,]+) B", split, flags=re.MULTILINE)
        assert row, split
        total, values, kept, each, rest = (int(g.replace(",", "")) for g in row.groups())
        assert values == kept * each and values + rest == total
        assert f"{total:,} B" in sizes
        other[storage] = rest
    # The positions do not shrink with the values: what is not values stays within 10%.
    assert other["sparse-int8"] >= 0.9 * other["sparse"]


# --- sensitivity scan, scores, fine-tuning: printed numbers match the lesson's ----------------

def test_the_scan_the_notebook_prints_is_the_lessons():
    text = printed("scan.baseline")
    assert re.search(r"unpruned: 95\.8% on validation", text)
    at_90 = {layer: re.search(rf"{layer} alone: .*?([\d.]+%) at 90%", text)[1]
             for layer in ("fc1", "fc2", "fc3")}
    assert f"fc1 {at_90['fc1']} fc2 {at_90['fc2']} fc3 {at_90['fc3']}" in lesson()
    assert f"drops accuracy from 95.8% to {at_90['fc3']}" in lesson()


def test_the_score_table_the_notebook_prints_is_the_lessons():
    text = printed("random_pruned(amount, seed)")
    rows = {int(m[1]): (m[2], m[3]) for m in re.finditer(r"(\d+)% +([\d.]+%) +([\d.]+%)", text)}
    assert sorted(rows) == [50, 70, 90]
    quoted = lesson()
    assert "magnitude score " + " ".join(rows[a][0] for a in (50, 70, 90)) in quoted
    assert "Wanda score " + " ".join(rows[a][1] for a in (50, 70, 90)) in quoted
    assert f"({rows[90][1]} against {rows[90][0]} at 90% sparsity" in quoted
    # Both scores beat the random baseline's best seed at every sparsity.
    for amount, (magnitude, aware) in rows.items():
        best_random = re.search(rf"{amount}% .*to ([\d.]+)\)", text)[1]
        assert float(aware[:-1]) > float(best_random), amount
        assert float(magnitude[:-1]) >= float(aware[:-1]), amount


def test_the_activation_aware_score_costs_accuracy_in_every_layer_as_the_notebook_says():
    text = printed("def rows_pruned")
    accuracy = {m[1].strip(): float(m[2]) for m in re.finditer(r"^(.+?) +([\d.]+)%$", text,
                                                               flags=re.MULTILINE)}
    magnitude = accuracy.pop("magnitude everywhere")
    assert len(accuracy) == 4 and all(value < magnitude for value in accuracy.values())
    assert accuracy["activation-aware in fc1, fc2, fc3"] == min(accuracy.values())
    assert re.search(r"norm and share of activity from one digit: -0\.\d\d", printed("corrcoef"))


def test_one_plain_step_revives_more_than_half_of_the_pruned_weights():
    text = printed("optimizer.step()")
    before, after = (float(v) / 100 for v in re.findall(r"sparsity after .*?: +([\d.]+)%", text))
    assert before == 0.9 and (before - after) / before > 0.5
    assert "bring back more than half of the pruned weights" in lesson()


# --- one-shot vs iterative: shipped results, the lesson's table, the code ----------------------

@pytest.mark.parametrize(("amount", "budget"), [(0.95, 10), (0.98, 10), (0.99, 10), (0.99, 1)])
def test_the_lessons_gap_table_is_the_shipped_results(amount, budget):
    c = entry(amount, budget)
    epochs = f"{budget} epoch{'s' if budget > 1 else ''}"
    gaps = [b - a for a, b in zip(c["one_shot"], c["iterative"], strict=True)]
    mean_gap = f"{100 * statistics.mean(gaps):.1f}"
    row = f"{amount:.0%} {epochs} {pct(c['one_shot'])} {pct(c['iterative'])} {mean_gap}"
    assert row in lesson(), row


def test_the_lessons_baselines_are_the_shipped_results():
    quoted = lesson()
    at_98 = entry(0.98, 10)
    assert f"the one-shot 98% model scores {at_98['untuned']:.1%}" in quoted
    assert f"random pruning to 98% followed by the same fine-tuning reaches only " \
           f"{pct(at_98['random'])}" in quoted
    assert f"{results()['dense_accuracy']:.1%}" == "94.7%"


def test_the_shipped_results_are_complete_and_use_the_widgets_settings(load_script):
    script = load_script("make_results_03")
    shipped = results()
    cells = {(c["amount"], c["budget"]) for c in shipped["comparisons"]}
    assert cells == {(a, b) for a in script.AMOUNTS for b in script.BUDGETS}
    for c in shipped["comparisons"]:
        assert c["seeds"] == [0, 1, 2]
        for method in ("one_shot", "iterative", "random"):
            assert len(c[method]) == 3 and all(0.0 <= v <= 1.0 for v in c[method])
        schedule = pruning.cubic_schedule(c["amount"], shipped["rounds"])
        assert c["schedule"] == pytest.approx(schedule)
        # Fine-tuning rescues one-shot pruning, and random pruning is the floor.
        assert statistics.mean(c["one_shot"]) > c["untuned"]
        assert statistics.mean(c["random"]) < statistics.mean(c["one_shot"])


def test_the_shipped_results_match_what_the_script_computes_now(load_script):
    """The cheapest entry (1 epoch), seed 0 only: about 10 s on 2 cores."""
    fresh = load_script("make_results_03").compare(0.99, 1, seeds=(0,))
    shipped = entry(0.99, 1)
    assert fresh["untuned"] == shipped["untuned"]
    for method in ("one_shot", "iterative", "random"):
        assert fresh[method][0] == pytest.approx(shipped[method][0], abs=0.0015), (
            f"{method}: the code now gives {fresh[method][0]}, the file {shipped[method][0]}; "
            "rerun scripts/make_results_03.py")
    assert fresh["schedule"] == shipped["schedule"]


# --- the notebook holds lesson 3's exercises and records the quiz values -----------------------

def test_lesson_3_exercises_live_in_notebook_03():
    # The capstone uses lesson 3's tools but is the final lab's (04-lab), not the lesson's.
    lesson_3 = sorted(e.id for e in exercises.load_exercises().values()
                      if e.lesson == 3 and e.id != "capstone")
    assert len(lesson_3) >= 3
    assert sorted(exercise_id for _, exercise_id in exercise_cells(notebook())) == lesson_3
    lab = json.loads((REPO / "notebooks" / "04-lab.ipynb").read_text(encoding="utf-8"))
    assert not set(lesson_3) & {exercise_id for _, exercise_id in exercise_cells(lab)}


def test_notebook_03_records_the_quiz_values_and_shows_the_practice_quiz():
    source = "\n".join(cell_text(c) for c in notebook()["cells"] if c["cell_type"] == "code")
    for name in ("accuracy_98_pruned", "accuracy_98_tuned"):
        assert f'quiz.record_value("{name}"' in source
    assert 'quiz.show("03-challenges", mode="practice")' in source
