"""ScoreExplorer (magnitude vs activation-aware), SemiStructuredExplorer (n:m), NeuronTilesView
and OneShotVsIterative, driven through their controls and checked against the library."""


import numpy as np
import pytest
import torch

from pruneedu import metrics, models, pruning, training, viz
from pruneedu.widgets import (
    NeuronTilesView,
    OneShotVsIterative,
    ScoreExplorer,
    SemiStructuredExplorer,
)
from pruneedu.widgets.readouts import readout_text
from pruneedu.widgets.semi_structured import storage_bytes


@pytest.fixture(scope="module")
def digits(random_digits):
    return random_digits(train=96, test=64)


@pytest.fixture(scope="module")
def net():
    return models.lenet_300_100(seed=0)


@pytest.fixture(scope="module")
def scores(net, digits):
    return ScoreExplorer(net, digits, amounts=[0.0, 0.5, 0.9])


def row_pruned(net, amount, inputs=None):
    """A copy of ``net`` with ``amount`` of each row pruned: by magnitude (by hand, sorting
    each row) or, given each layer's inputs, by the library's activation-aware mask."""
    model = pruning.copy_model(net)
    with torch.no_grad():
        for name, module in model.named_children():
            if not isinstance(module, torch.nn.Linear):
                continue
            weight = module.weight
            if inputs is None:
                count = round(amount * weight.shape[1])
                mask = torch.ones_like(weight).scatter_(
                    1, weight.abs().argsort(dim=1, stable=True)[:, :count], 0.0)
            else:
                mask = pruning.activation_aware_mask(weight, inputs[name], amount).float()
            weight.mul_(mask)
    return model


def test_both_scores_equal_the_library_at_any_step(scores, net, digits):
    scores.slider.value = 0.63
    inputs = {name: pruning.layer_inputs(net, name, digits.train.tensors[0])
              for name in ("fc1", "fc2", "fc3")}
    for score, given in (("magnitude", None), ("activation", inputs)):
        model = row_pruned(net, 0.63, given)
        accuracy = training.evaluate(model, digits.test).accuracy
        assert scores.current.accuracy[score] == accuracy
        assert readout_text(scores.accuracy[score]) == f"{accuracy * 100:.1f}%"
        kept = (model.fc1.weight != 0).float().mean(0).reshape(28, 28).numpy()
        assert np.allclose(scores.current.kept_share[score], kept)
    assert torch.allclose(scores.norms["fc1"], inputs["fc1"].norm(dim=0))


def test_both_markers_and_both_pixel_maps_follow_the_slider(scores):
    scores.slider.value = 0.9
    step = scores.current
    assert list(viz.find_artist(scores.curve_figure, "current").get_ydata()) == [
        step.accuracy["magnitude"]]
    assert list(viz.find_artist(scores.curve_figure, "current-activation").get_ydata()) == [
        step.accuracy["activation"]]
    shown = viz.find_artist(scores.pixel_figure, "kept/activation").get_array()
    assert np.array_equal(np.asarray(shown), step.kept_share["activation"])
    assert scores.steps[0.9] is step and (scores.slider.step, scores.slider.max) == (0.01, 0.9)


def test_agreement_is_one_when_nothing_is_pruned(scores):
    scores.slider.value = 0.0
    assert scores.current.agreement == 1.0
    scores.slider.value = 0.5
    assert 0 < scores.current.agreement < 1


def test_score_explorer_needs_pixels_in_its_first_layer(digits):
    with pytest.raises(TypeError, match="784 pixels"):
        ScoreExplorer(models.lenet5(seed=0), digits)


@pytest.fixture(scope="module")
def semi(net, digits):
    return SemiStructuredExplorer(net, digits, batch_size=32)


def test_each_pattern_is_measured_against_the_same_sparsity_placed_freely(semi, net, digits):
    semi.pattern.value = (1, 4)
    step = semi.current
    reference = pruning.prune_nm(pruning.copy_model(net), 1, 4)
    free = pruning.prune_weights(pruning.copy_model(net), 0.75)
    assert step.sparsity == 0.75 and readout_text(semi.sparsity) == "75.0%"
    assert step.accuracy == training.evaluate(reference, digits.test).accuracy
    assert step.free_accuracy == training.evaluate(free, digits.test).accuracy
    assert step.sparse_file_bytes == metrics.model_size_bytes(reference, "sparse")
    assert readout_text(semi.values) == "66,550 x 4 bytes = 266,200 bytes"
    assert readout_text(semi.positions) == "66,550 x 2 bits = 16,638 bytes"


def test_semi_structured_refuses_a_convolutional_model_and_unknown_options(net, digits):
    with pytest.raises(TypeError, match="784 pixels"):
        SemiStructuredExplorer(models.lenet5(seed=0), digits)
    with pytest.raises(TypeError, match="'epoch'"):  # before any click, not inside one
        SemiStructuredExplorer(net, digits, epoch=3)


def test_the_storage_arithmetic_of_two_of_four():
    # The lesson's worked example: 266,200 weights of LeNet-300-100.
    s = storage_bytes(266_200, 2, 4)
    assert (s["kept"], s["value_bytes"], s["position_bits"]) == (133_100, 532_400, 2)
    assert (s["position_bytes"], s["total"], s["dense"]) == (33_275, 565_675, 1_064_800)


def test_the_block_picture_shows_exactly_n_kept_in_every_group(semi):
    for n, m in ((2, 4), (1, 2)):
        semi.pattern.value = (n, m)
        block = np.asarray(viz.find_artist(semi.figure, "block/semi").get_array())
        assert (block.reshape(block.shape[0], -1, m).sum(-1) == n).all()
        assert f"{n}:{m}" in semi.figure.axes[0].get_title()


def test_fine_tuning_both_is_kept_per_pattern(semi):
    semi.pattern.value = (2, 4)
    assert "not yet" in readout_text(semi.tuned)
    semi.button.click()
    tuned = semi.current.tuned
    assert tuned is not None and readout_text(semi.tuned) == (
        f"{tuned[0] * 100:.1f}% / {tuned[1] * 100:.1f}%")
    semi.pattern.value = (1, 2)
    assert "not yet" in readout_text(semi.tuned)
    semi.pattern.value = (2, 4)
    assert semi.current.tuned == tuned


def test_tiles_view_redraws_its_panels_with_captions_in_the_frame_colours():
    rows = np.ones((6, 784))
    view = NeuronTilesView({"a": (rows, ["kept"] * 6)}, columns=3)
    before = bytes(view.images["a"].value)
    view.show({"a": (rows, ["removed"] * 6)})
    assert bytes(view.images["a"].value) != before
    for state, color in viz.NEURON_COLORS.items():
        assert color in view.captions.value and state in view.captions.value


@pytest.fixture(scope="module")
def race(net, digits):
    return OneShotVsIterative(net, digits, amounts=[0.9, 0.98], budgets=[1, 5], rounds=5,
                              seeds=(0, 1))


def test_nothing_runs_until_asked_and_the_status_says_what_a_run_costs(race):
    assert race.current is None and readout_text(race.one_shot) == "not run yet"
    # Default budget: the middle choice, 5 epochs; 2 methods x 2 seeds x 5 epochs.
    assert "20 epochs of fine-tuning" in readout_text(race.status)


def test_a_run_fine_tunes_both_methods_per_seed_with_the_same_budget(race, net, digits):
    race.amount.value, race.budget.value = 0.9, 5
    race.button.click()
    result = race.current
    assert result.seeds == (0, 1) and len(result.one_shot) == len(result.iterative) == 2
    assert result.schedule[-1] == 0.9 and len(result.schedule) == 5
    # One-shot, seed 0, recomputed with the library.
    model = pruning.prune_weights(pruning.copy_model(net), 0.9)
    training.fine_tune(model, digits.train, epochs=5, lr=0.05, seed=0)
    assert result.one_shot[0] == training.evaluate(model, digits.test).accuracy
    # Iterative, seed 0: prune_iteratively with one epoch per round.
    model = pruning.copy_model(net)
    pruning.prune_iteratively(model, digits.train, 0.9, rounds=5, fine_tune_epochs=1,
                              lr=0.05, seed=0, progress=False)
    assert result.iterative[0] == training.evaluate(model, digits.test).accuracy
    assert race.progress.value == race.progress.max
    gap = 100 * (sum(result.iterative) - sum(result.one_shot)) / 2
    assert readout_text(race.gap).startswith(f"{gap:+.1f} points")
    assert "<table" in race.table.value and ">90%</td>" in race.table.value


def test_a_budget_below_the_rounds_slices_the_images_and_results_are_kept(race):
    race.amount.value, race.budget.value = 0.98, 1
    race.button.click()
    first = race.current
    assert race.progress.max == 2 * (1 + 5)  # per seed: one-shot, then five slices
    race.amount.value = 0.9
    race.budget.value = 5
    race.amount.value, race.budget.value = 0.98, 1
    assert race.current is first
    assert readout_text(race.status).startswith("done")
    assert len(race.results) == 2


def test_one_shot_vs_iterative_refuses_empty_choices(net, digits):
    with pytest.raises(ValueError, match="budgets"):
        OneShotVsIterative(net, digits, budgets=[0])
