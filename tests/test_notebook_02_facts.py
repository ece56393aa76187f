"""What notebook 02-weight-vs-node shows and says, checked against its sources.

- ``notebooks/results/02-weight-vs-node.json`` must still be what ``scripts/make_results_02.py``
  produces:
  the cheap entries are recomputed here with the script's own functions (the slow ones would
  take minutes; timings are not reproducible at all, so only their shape is checked).
- Every sentence of the notebook that reads a conclusion off the shipped numbers (who wins on
  validation, where sparse kernels lose, which widths the kernel likes, what a whole layer
  costs) is checked against the file, so rerunning the script with different results fails
  here until the text is brought in line.
- The lesson's 2:4 and merged-layer numbers agree with the shipped file.
"""

from __future__ import annotations

import json
import re
import statistics
from itertools import pairwise
from pathlib import Path

import pytest

from pruneedu import metrics, models, pruning, results_02

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "02-weight-vs-node.ipynb"
LESSON = REPO / "lessons" / "02-weight-vs-node.md"


@pytest.fixture(scope="module")
def script(load_script):
    return load_script("make_results_02")


@pytest.fixture(scope="module")
def shipped() -> dict:
    return results_02.load()


@pytest.fixture(scope="module")
def net():
    return models.pretrained("lenet-300-100")


def notebook_markdown(cell_id: str) -> str:
    cells = {cell["id"]: cell for cell in json.loads(NOTEBOOK.read_text())["cells"]}
    return " ".join("".join(cells[cell_id]["source"]).split())


def mean(values) -> float:
    return statistics.mean(values)


def ranking(shipped, amount, method, stage, split) -> float:
    return mean(row[stage][split] for row in shipped["neuron_ranking"]
                if row["amount"] == amount and row["method"] == method)


# -- the file is what the script makes ---------------------------------------------------------

def test_neuron_ranking_before_tuning_matches_the_script(script, shipped, net, mnist):
    for row in shipped["neuron_ranking"]:
        if row["amount"] == 0.5 and row["seed"] in (0, 1):
            small = (pruning.prune_nodes(net, amount=0.5) if row["method"] == "l1"
                     else results_02.random_nodes(net, 0.5, row["seed"]))
            assert script.accuracies(small, mnist) == row["before"], row


def test_one_fine_tuned_entry_matches_the_script(script, shipped, net, mnist):
    """The 2:4 model, seed 0: pruned and fine-tuned exactly as the script does (a second)."""
    semi = pruning.prune_nm(pruning.copy_model(net))
    entry = shipped["semi_structured"]["2:4"]
    assert script.accuracies(semi, mnist) == entry["before"][0]
    assert script.accuracies(script.tuned(semi, mnist, 0), mnist) == entry["after"][0]
    assert shipped["fine_tuning"] == {**script.TUNE, "seeds": list(script.SEEDS)}


def test_whole_layer_models_match_the_script(script, shipped, net, mnist):
    table = shipped["whole_layers"]
    merged = results_02.merged_fc2_fc3(net)
    assert script.accuracies(merged, mnist) == table["merge fc2+fc3"]["before"][0]
    assert metrics.parameter_count(merged) == table["merge fc2+fc3"]["parameters"]
    same_size = results_02.fewer_fc1_neurons(net, metrics.parameter_count(merged))
    assert metrics.parameter_count(same_size) == table["fewer fc1 neurons"]["parameters"]
    assert metrics.macs(same_size) == table["fewer fc1 neurons"]["macs"]


def test_timing_tables_cover_what_the_script_measures(script, shipped):
    kernels = {(row["sparsity"], row["batch"]) for row in shipped["sparse_kernels"]}
    assert kernels == {(s, b) for s in script.KERNEL_SPARSITIES for b in script.BATCHES}
    assert [row["width"] for row in shipped["width_sweep"]] == list(script.WIDTHS)
    assert {(row["amount"], row["multiple_of"], row["batch"]) for row in shipped["node_speed"]} \
        == {(a, m, b) for a in script.NODE_AMOUNTS for m in script.MULTIPLES
            for b in script.BATCHES}
    assert {(row["model"], row["batch"]) for row in shipped["layer_speed"]} \
        == {(m, b) for m in ("merge fc2+fc3", "fewer fc1 neurons") for b in script.BATCHES}
    for row in shipped["sparse_kernels"]:  # the ideal is arithmetic, so it must be exact
        assert row["mac_ratio"] == pytest.approx(1 / (1 - row["sparsity"]), rel=0.01)
    assert shipped["machine"]["threads"] == 1 and shipped["machine"]["cpu"]


# -- what the notebook concludes from the file -------------------------------------------------

def test_l1_ranking_beats_random_neurons_on_validation(shipped):
    text = notebook_markdown("02-ranking-after")
    assert "On the validation split the L1 ranking wins everywhere" in text
    for amount in (0.25, 0.5, 0.75):
        for stage in ("before", "after"):
            assert ranking(shipped, amount, "l1", stage, "val") \
                > ranking(shipped, amount, "random", stage, "val"), (amount, stage)
    assert "closes most of the gap at 25% and 50% removed, but not at 75%" in text
    gap = {amount: ranking(shipped, amount, "l1", "after", "val")
           - ranking(shipped, amount, "random", "after", "val") for amount in (0.25, 0.5, 0.75)}
    before = {amount: ranking(shipped, amount, "l1", "before", "val")
              - ranking(shipped, amount, "random", "before", "val") for amount in (0.5, 0.75)}
    assert gap[0.25] < 1.0 and gap[0.5] < 0.25 * before[0.5]
    assert gap[0.75] >= 2.0


def test_sparse_kernel_sentences(shipped):
    text = notebook_markdown("02-kernels-after")
    rows = shipped["sparse_kernels"]
    assert "Dense kernels run at about the dense speed whatever the sparsity" in text
    assert all(0.85 <= row["speedup_dense"] <= 1.15 for row in rows)
    assert "on one image at a time they reach the dense speed at best, even at 95-98% sparsity" \
        in text
    single = [row for row in rows if row["batch"] == 1]
    assert all(row["speedup_csr"] < 1 for row in single if row["sparsity"] < 0.95)
    assert all(row["speedup_csr"] <= 1.15 and row["speedup_coo"] < 1 for row in single)
    assert "need most of the weights gone before they beat the dense model" in text
    batch = {row["sparsity"]: row for row in rows if row["batch"] == 256}
    assert batch[0.5]["speedup_csr"] < 1 and batch[0.98]["speedup_csr"] > 1
    assert "far less than the drop in multiply-adds" in text
    assert all(row["speedup_csr"] < row["mac_ratio"] / 2 for row in rows)


def test_rounded_widths_sentence(shipped):
    text = notebook_markdown("02-widths-table-after")
    assert "With a batch of 256, the rounded widths ran at least as efficiently as the exact ones" \
        in text
    efficiency = {(row["amount"], row["multiple_of"]): row["speedup"] / row["mac_ratio"]
                  for row in shipped["node_speed"] if row["batch"] == 256}
    for amount in {amount for amount, _ in efficiency}:
        assert efficiency[(amount, 16)] >= efficiency[(amount, 1)] - 0.02, amount
    assert "every speed-up is smaller" in text
    assert all(row["speedup"] < next(
        other["speedup"] for other in shipped["node_speed"] if other["batch"] == 256
        and (other["amount"], other["multiple_of"]) == (row["amount"], row["multiple_of"]))
        for row in shipped["node_speed"] if row["batch"] == 1)


def test_numbers_quoted_from_the_lesson_are_in_the_lesson():
    """The notebook quotes the lesson's benchmark run; those figures must be the lesson's."""
    lesson = " ".join(LESSON.read_text(encoding="utf-8").split())
    for cell_id in ("02-kernels-after", "02-widths-table-after"):
        text = notebook_markdown(cell_id)
        quoted = re.findall(r"\d+\.\d+x", text)
        assert quoted, cell_id
        for number in quoted:
            assert number in lesson, (cell_id, number)


def test_width_sentences(shipped):
    text = notebook_markdown("02-widths-after")
    cost = {row["width"]: row["relative_cost_per_neuron"] for row in shipped["width_sweep"]}
    assert "Each circled multiple of 16 costs less per neuron than the widths just beside it" \
        in text
    for width in cost:
        if width % 16 == 0:
            beside = [cost[w] for w in (width - 4, width + 4) if w in cost]
            assert cost[width] < min(beside), width
    assert "such as 68, 72 or 84 cost noticeably more" in text
    assert min(cost[68], cost[72], cost[84]) > 1.03
    assert "a few percent up to about 20%" in text
    widths = sorted(cost)
    steps = [max(cost[a], cost[b]) / min(cost[a], cost[b]) for a, b in pairwise(widths)]
    assert 1.05 <= max(steps) <= 1.25


def test_two_four_sentences(shipped):
    text = notebook_markdown("02-nm-after")
    semi = shipped["semi_structured"]
    test_after = {key: mean(a["test"] for a in semi[key]["after"]) for key in semi}
    assert "costs a few tenths of a point against the same zeros placed freely" in text
    assert 0.2 <= test_after["free"] - test_after["2:4"] < 1.0
    # The random baseline must really be the floor, or the comparison says nothing.
    assert test_after["random"] < test_after["2:4"]
    assert semi["2:4"]["sparsity"] == semi["free"]["sparsity"] == 0.5


def test_whole_layer_sentences(shipped, net):
    text = notebook_markdown("02-layers-after")
    table = shipped["whole_layers"]
    after = {name: mean(a["test"] for a in row["after"]) for name, row in table.items()}
    assert "saves about a tenth of the parameters" in text
    saved = 1 - table["merge fc2+fc3"]["parameters"] / table["dense"]["parameters"]
    assert 0.08 <= saved <= 0.12
    assert "removing the same number of parameters as `fc1` neurons costs nothing measurable" \
        in text
    assert after["fewer fc1 neurons"] >= after["dense"] - 0.1 > after["merge fc2+fc3"]
    removed = re.search(r"the weakest (\d+) neurons of `fc1`",
                        notebook_markdown("02-layers-measured-md"))
    assert removed and 300 - int(removed.group(1)) == results_02.fewer_fc1_neurons(
        net, table["merge fc2+fc3"]["parameters"]).fc1.out_features
    assert "A fresh head is worse still" in text
    assert after["new head"] < after["merge fc2+fc3"]
    assert "`fc1` holds 88% of the multiply-adds" in text
    assert "buys a speed-up of about that size with a batch of 256" in text
    speed = {(row["model"], row["batch"]): row for row in shipped["layer_speed"]}
    merged_256 = speed[("merge fc2+fc3", 256)]
    assert 0.9 <= merged_256["speedup"] / merged_256["mac_ratio"] <= 1.2
    assert "more with one image, where the fixed cost of calling each layer counts" in text
    assert speed[("merge fc2+fc3", 1)]["speedup"] > merged_256["speedup"]
    assert round(100 * net.fc1.weight.numel() / metrics.macs(net)) == 88


# -- the lesson agrees with the file -----------------------------------------------------------

def test_lesson_two_four_numbers_match_the_shipped_file(shipped):
    lesson = " ".join(LESSON.read_text(encoding="utf-8").split())
    semi = shipped["semi_structured"]
    found = re.search(r"the 2:4 mask gives (\d+\.\d)% before any retraining \((\d+\.\d)% for an "
                      r"unconstrained 50% magnitude cut\).*?it reaches (\d+\.\d)-(\d+\.\d)%, "
                      r"against (\d+\.\d)% for the unconstrained cut and (\d+\.\d)% for the dense",
                      lesson)
    assert found, "lesson 2 no longer states the 2:4 accuracies in the expected sentence"
    before, free_before, low, high, free_after, dense_after = map(float, found.groups())
    assert before == semi["2:4"]["before"][0]["test"]
    assert free_before == semi["free"]["before"][0]["test"]
    tuned = [a["test"] for a in semi["2:4"]["after"]]
    assert (low, high) == (min(tuned), max(tuned))
    assert free_after == round(mean(a["test"] for a in semi["free"]["after"]), 1)
    assert dense_after == round(mean(a["test"] for a in semi["dense"]["after"]), 1)


def test_lesson_merged_layer_numbers_match_the_shipped_file(shipped):
    lesson = " ".join(LESSON.read_text(encoding="utf-8").split())
    found = re.search(r"from 266,610 to ([\d,]+) parameters and keeps (\d+\.\d)% test accuracy "
                      r"before any retraining and (\d+\.\d)% after", lesson)
    assert found, "lesson 2 no longer states the merged layer's numbers in the expected sentence"
    merged = shipped["whole_layers"]["merge fc2+fc3"]
    assert int(found.group(1).replace(",", "")) == merged["parameters"]
    assert float(found.group(2)) == merged["before"][0]["test"]
    assert float(found.group(3)) == round(mean(a["test"] for a in merged["after"]), 1)


def test_notebook_keeps_its_quiz_values_and_practice_quiz():
    source = "".join("".join(cell["source"]) for cell in json.loads(NOTEBOOK.read_text())["cells"])
    for name in ("speedup_nodes_50", "mac_ratio_50"):
        assert f'quiz.record_value("{name}"' in source
    assert 'quiz.show("02-weight-vs-node", mode="practice")' in source


def test_the_results_file_sits_with_the_other_notebooks_data():
    # setup.py copies notebooks/ (results/ included) into the wheel and the release ships it.
    assert (REPO / "notebooks" / "results" / results_02.RESULTS_FILE).is_file()
    assert results_02.load()["fine_tuning"]["seeds"] == [0, 1, 2]
