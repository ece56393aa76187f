"""What notebook 01-introduction tells learners is what the code computes.

The notebook prints its numbers in checked cells (nbval compares them on every run); its prose
around them makes claims that a changed model or data split could silently falsify. Each claim
is recomputed here. The shipped results file (three trained models, made by
``scripts/make_results_01.py``) is checked against the script for the one model that costs no
training, so it cannot rot.
"""

from __future__ import annotations

import json
import re
import runpy
import statistics
from pathlib import Path

import pytest
import torch
import torch.nn.utils.prune as torch_prune

from pruneedu import metrics, models, pruning, training
from pruneedu.exercises.cells import cell_text, exercise_cells

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "01-introduction.ipynb"
LESSON = REPO / "lessons" / "01-introduction.md"
SCRIPT = REPO / "scripts" / "make_results_01.py"
RESULTS = REPO / "notebooks" / "results" / "01-introduction.json"
LESSON_1_EXERCISES = ["magnitude-mask", "global-threshold", "sparse-file-bytes"]


def flat(text: str) -> str:
    return " ".join(text.split())


def notebook() -> dict:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def prose() -> str:
    return flat(" ".join(cell_text(c) for c in notebook()["cells"]
                         if c["cell_type"] == "markdown"))


def lesson() -> str:
    return flat(LESSON.read_text(encoding="utf-8"))


def try_it() -> str:
    return flat(LESSON.read_text(encoding="utf-8").split("## Try it", 1)[1])


@pytest.fixture(scope="module")
def net():
    return models.pretrained("lenet-300-100")


@pytest.fixture(scope="module")
def results() -> dict:
    return json.loads(RESULTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def script() -> dict:
    return runpy.run_path(str(SCRIPT))


def accuracies(results: dict, method: str, amount: float, split: str) -> list[float]:
    return [row[split] for row in results["pruned"]
            if row["method"] == method and row["amount"] == amount]


# --- the shipped results file ----------------------------------------------------------------

def test_results_hold_every_model_method_and_amount_once(results, script):
    assert results["made_by"] == "scripts/make_results_01.py"
    assert results["seeds"] == list(script["SEEDS"]) and len(results["seeds"]) >= 3
    assert results["amounts"] == list(script["AMOUNTS"])
    assert results["methods"] == list(script["METHODS"])
    keys = [(r["seed"], r["method"], r["amount"]) for r in results["pruned"]]
    expected = [(s, m, a) for s in script["SEEDS"] for m in script["METHODS"]
                for a in script["AMOUNTS"]]
    assert keys == expected
    assert [r["seed"] for r in results["dense"]] == list(script["SEEDS"])


def test_results_for_the_shipped_model_are_what_the_script_computes(results, script, mnist,
                                                                      net):
    # Seed 0 is the shipped model: no training, so the script's own code reruns in seconds
    # (at a few amounts, each method; the random rows show the seeding is still the same).
    amounts = (0.3, 0.9, 0.98)
    fresh = script["pruned_rows"](net, 0, mnist, amounts)
    shipped = [row for row in results["pruned"] if row["seed"] == 0 and row["amount"] in amounts]
    assert len(shipped) == len(amounts) * len(script["METHODS"]) and fresh == shipped
    assert results["dense"][0] == {"seed": 0, **script["accuracies"](net, mnist)}
    assert results["split_sizes"] == {"train": len(mnist.train), "val": len(mnist.val),
                                      "test": len(mnist.test)}


def test_the_other_seeds_are_really_other_models(results):
    by_seed = {}
    for row in results["pruned"]:
        if row["method"] == "magnitude-global":
            by_seed.setdefault(row["seed"], []).append(row["val"])
    assert len({tuple(values) for values in by_seed.values()}) == len(by_seed)


# --- claims in the notebook about those results ----------------------------------------------

def mean(values: list[float]) -> float:
    return statistics.fmean(values)


def test_magnitude_beats_random_and_random_collapses_by_half(results):
    dense = mean([row["val"] for row in results["dense"]])
    assert "Magnitude beats chance by a mile" in prose()
    assert "by 50% the random models are close to guessing (10%)" in prose()
    assert mean(accuracies(results, "random", 0.5, "val")) < 0.25
    assert "Removing just 20% of the weights at random, with no retraining, costs more than " \
        "ten points" in prose()
    assert mean(accuracies(results, "random", 0.2, "val")) < dense - 0.10
    assert "Magnitude pruning removes 80% with hardly any loss" in prose()
    assert mean(accuracies(results, "magnitude-global", 0.8, "val")) >= dense - 0.01
    for amount in results["amounts"]:
        assert (min(accuracies(results, "magnitude-global", amount, "val"))
                > max(accuracies(results, "random", amount, "val")))


def test_random_with_retraining_is_quoted_from_the_benchmark():
    bench = flat((REPO / "benchmarks" / "README.md").read_text(encoding="utf-8"))
    assert "Random pruning falls apart beyond 80% (42.9% at 98%)" in bench
    assert "holds up to 80% and only beyond that falls apart (42.9% at 98%)" in prose()
    assert "*random + budget*: random pruning, then 10 epochs" in bench
    assert "followed by 10 epochs of retraining" in prose()


def test_global_beats_per_layer_at_high_sparsity(results):
    assert "Global beats per layer at high sparsity" in prose()
    for amount in (a for a in results["amounts"] if a >= 0.9):
        assert (mean(accuracies(results, "magnitude-global", amount, "val"))
                > mean(accuracies(results, "magnitude-layer", amount, "val")))


def test_the_spread_at_95_percent_is_several_points(results):
    assert "At 95% the three models differ by several points" in prose()
    for split in ("val", "test"):
        values = accuracies(results, "magnitude-global", 0.95, split)
        assert max(values) - min(values) >= 0.015


# --- the data and the model ------------------------------------------------------------------

def test_small_data_explains_the_accuracy(mnist, net):
    text = lesson()
    assert len(mnist.train) == 3500 and "3,500 training" in text
    assert len(mnist.val) == 500 and len(mnist.test) == 1000
    assert "500 validation and 1,000 test digits" in text
    assert round(60_000 / len(mnist.train)) == 17 and "17 times less" in text
    assert "With 17 times less data" in prose()
    assert round(100 / len(mnist.test), 1) == 0.1 and "one image is 0.1 point" in text
    accuracy = training.evaluate(net, mnist.test).accuracy
    assert f"{accuracy:.1%}" == "94.7%" and "Why 94.7% and not the 98%" in prose()
    # Han et al.'s dense LeNet-300-100 error, as the notebook quotes it.
    assert "1.64% errors" in prose() and round(100 - 1.64, 1) == 98.4 and "98.4%" in prose()


# --- pruning rules and tools -----------------------------------------------------------------

def test_the_shortcuts_the_notebook_shows_really_fail():
    assert int(0.29 * 100) == 28 and round(0.29 * 100) == 29
    tied = torch.tensor([0.5, -0.5, 0.5, 0.5, 2.0, 3.0])
    kept = tied.abs() > tied.abs().kthvalue(3).values
    assert int((~kept).sum()) == 4
    assert "prunes {int((~kept).sum())} of 6, not 3" in "".join(
        cell_text(c) for c in notebook()["cells"])


def test_torch_amount_is_a_share_of_what_remains_and_ours_a_target(net):
    fc1 = pruning.copy_model(net).fc1
    for _ in range(2):
        torch_prune.l1_unstructured(fc1, "weight", amount=0.9)
    assert round((fc1.weight == 0).float().mean().item(), 3) == 0.99
    assert "90% + 90% of 10% = 99%" in prose()
    ours = pruning.copy_model(net)
    for _ in range(2):
        pruning.prune_weights(ours, amount=0.9, scope="layer")
    assert round(metrics.sparsity(ours), 3) == 0.9
    assert round(1 - 0.8**5, 2) == 0.67 and "reaches 67% with torch's meaning" in prose()


def test_global_threshold_takes_more_from_fc1_than_fc3(net):
    assert "far more than 90% from the big first layer and far less from the small output" \
        in prose()
    shares = metrics.layer_sparsity(pruning.prune_weights(pruning.copy_model(net), 0.9))
    assert shares["fc1"] > 0.92 and shares["fc3"] < 0.5
    assert "although its weights are the largest in the network" in prose()
    typical = {name: getattr(net, name).weight.detach().abs().median().item()
               for name in ("fc1", "fc2", "fc3")}
    assert typical["fc3"] > 2 * max(typical["fc1"], typical["fc2"])
    assert "the global threshold takes only about a fifth of them" in prose()
    assert round(shares["fc3"], 1) == 0.2


# --- per-class results -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def reports(mnist, net):
    found = {"dense": training.evaluate(net, mnist.test)}
    for amount in (0.9, 0.97):
        found[amount] = training.evaluate(
            pruning.prune_weights(pruning.copy_model(net), amount=amount), mnist.test)
    return found


def test_macro_recall_is_accuracy_on_a_balanced_test_set(mnist, reports):
    assert set(torch.bincount(mnist.test.tensors[1]).tolist()) == {100}
    assert "Macro recall equals accuracy exactly" in prose()
    for report in reports.values():
        assert report.recall == pytest.approx(report.accuracy, abs=1e-12)
    assert any(abs(r.precision - r.accuracy) >= 0.005 for r in reports.values())


def test_at_90_percent_the_damage_is_thin_and_at_97_one_digit_becomes_a_dumping_ground(
        reports):
    dense, at90, at97 = reports["dense"], reports[0.9], reports[0.97]
    assert "At 90% the damage is spread thin: a few digits lose one to four images each" \
        in prose()
    lost = (dense.confusion.diagonal() - at90.confusion.diagonal()).tolist()
    assert max(lost) <= 4 and sum(1 for n in lost if n >= 1) >= 2
    assert sum(1 for n in lost if n < 0) >= 2 and "and a few gain one" in prose()
    lost = (dense.confusion.diagonal() - at97.confusion.diagonal()).tolist()
    assert lost[8] == max(lost) == 16 and lost[4] == lost[7] == 1
    assert "The 8s lose 16 of their 100 test images, the 4s and 7s only one each" in prose()
    favourite = int((at97.confusion.sum(axis=0) - at97.confusion.diagonal()).argmax())
    wrongly_called_5 = at97.confusion[:, 5] - dense.confusion[:, 5]
    assert favourite == 5 and all(wrongly_called_5[digit] >= 5 for digit in (0, 3, 6))
    assert "many 0s, 3s and 6s are now called 5" in prose()
    assert f"{at97.per_class_precision[5]:.0%}" == "74%" and "falls to 74%" in prose()
    assert at97.per_class_recall[5] > dense.per_class_recall[5]
    assert "An accuracy of 89% hides" in prose() and f"{at97.accuracy:.0%}" == "89%"


# --- sparsity and bytes ----------------------------------------------------------------------

def test_ninety_percent_sparsity_gives_about_eight_times(net):
    pruned = pruning.prune_weights(pruning.copy_model(net), amount=0.9)
    ratio = metrics.model_size_bytes(pruned, "dense") / metrics.model_size_bytes(pruned, "sparse")
    assert f"{ratio:.0f}" == "8" and "gave you about 8x, not 10x" in prose()


# --- the lesson's promises -------------------------------------------------------------------

def test_the_lesson_1_exercises_sit_in_notebook_01():
    assert [exercise_id for _, exercise_id in exercise_cells(notebook())] == LESSON_1_EXERCISES


def test_try_it_describes_what_notebook_01_does():
    text = try_it()
    code = "".join(cell_text(c) for c in notebook()["cells"] if c["cell_type"] == "code")
    for name in ("magnitude_mask", "global_magnitude_masks", "relative_index_bytes"):
        assert f"`{name}`" in text and f"def {name}(" in code
    assert "torch.nn.utils.prune" in text and "prune.l1_unstructured" in code
    assert "random" in text and "01-introduction.json" in code
    assert "confusion" in text and ".confusion" in code
    assert "04-lab" not in lesson(), "lesson 1's exercises moved to notebook 01-introduction"
    assert re.search(r"PruningExplorer\(net, mnist\)", code)
