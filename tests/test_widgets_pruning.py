"""PruningExplorer and its magnitude masks, checked against pruning.prune_weights and torch."""


import ipywidgets
import pytest
import torch
import torch.nn.utils.prune as prune

from pruneedu import metrics, models, pruning, training, viz
from pruneedu.widgets import PruningExplorer
from pruneedu.widgets.readouts import readout_text
from pruneedu.widgets.sweep import MagnitudePruner, magnitude_sweep

STOPS = [0.0, 0.5, 0.9]


@pytest.fixture(scope="module")
def digits(random_digits):
    return random_digits(test=200)


@pytest.fixture(scope="module")
def net():
    return models.lenet_300_100(seed=0)


@pytest.fixture()
def explorer(net, digits):
    return PruningExplorer(net, digits, amounts=STOPS)


def reference_model(net, amount, scope="global", layers=None):
    """The library's answer: prune_weights on a copy."""
    model = pruning.copy_model(net)
    if amount:
        pruning.prune_weights(model, amount=amount, scope=scope, layers=layers)
    return model


def test_masks_equal_torch_global_magnitude_pruning(net):
    ours = MagnitudePruner(net).pruned_copy(0.9)
    reference = pruning.copy_model(net)
    layers = [(m, "weight") for _, m in pruning.prunable_layers(reference)]
    prune.global_unstructured(layers, pruning_method=prune.L1Unstructured, amount=0.9)
    for (name, module), (_, mine) in zip(pruning.prunable_layers(reference),
                                         pruning.prunable_layers(ours), strict=True):
        assert torch.equal(module.weight_mask, (mine.weight != 0).float()), name


@pytest.mark.parametrize(("scope", "layers"), [("layer", None), ("fc2", ["fc2"])])
def test_masks_per_layer_and_of_one_layer_equal_prune_weights(net, scope, layers):
    ours = MagnitudePruner(net).pruned_copy(0.735, scope)
    library = reference_model(net, 0.735, scope="layer", layers=layers)
    for (name, mine), (_, theirs) in zip(pruning.prunable_layers(ours),
                                         pruning.prunable_layers(library), strict=True):
        assert torch.equal(mine.weight, pruning.effective_weight(theirs)), name


def test_sweep_leaves_the_original_model_alone(net, digits):
    before = {k: v.clone() for k, v in net.state_dict().items()}
    magnitude_sweep(net, digits.test, [0.5])
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def test_sweep_rejects_an_amount_of_one_and_an_unknown_scope(net, digits):
    with pytest.raises(ValueError, match="not a fraction of weights in"):
        magnitude_sweep(net, digits.test, [1.0])
    with pytest.raises(ValueError, match="'fc9' is not one of"):
        magnitude_sweep(net, digits.test, [0.5], scope="fc9")


def test_the_slider_moves_in_even_half_percent_steps_when_let_go(explorer):
    slider = explorer.slider
    assert isinstance(slider, ipywidgets.FloatSlider) and slider.description
    assert (slider.min, slider.max, slider.step) == (0.0, 0.9, 0.005)
    assert slider.readout_format == ".1%"
    assert not slider.continuous_update  # one update when the learner lets go


@pytest.mark.parametrize("amount", [0.0, 0.5, 0.855, 0.9])
def test_readouts_match_the_library_at_any_step(explorer, net, digits, amount):
    explorer.slider.value = amount
    reference = reference_model(net, amount)
    accuracy = training.evaluate(reference, digits.test).accuracy
    assert readout_text(explorer.accuracy) == f"{accuracy * 100:.1f}%"
    assert readout_text(explorer.sparsity) == f"{metrics.sparsity(reference) * 100:.1f}%"
    nonzero = metrics.parameter_count(reference, nonzero_only=True)
    assert readout_text(explorer.nonzero) == f"{nonzero:,}"
    assert explorer.current.sparse_bytes == metrics.model_size_bytes(reference, "sparse")
    assert explorer.current.dense_bytes == metrics.model_size_bytes(reference, "dense")
    assert explorer.current.layer_sparsity == pytest.approx(metrics.layer_sparsity(reference))


def test_a_new_amount_is_measured_once_and_kept(explorer, monkeypatch):
    calls = []
    measure = explorer.pruner.measure
    monkeypatch.setattr(explorer.pruner, "measure",
                        lambda *args, **kw: calls.append(args) or measure(*args, **kw))
    explorer.slider.value = 0.615
    explorer.slider.value = 0.5   # measured up front: a curve point
    explorer.slider.value = 0.615
    assert len(calls) == 1 and calls[0][0] == 0.615
    assert ("global", 0.615) in explorer.cache


def test_moving_the_slider_moves_the_marker_and_changes_the_picture(explorer):
    explorer.slider.value = 0.0
    picture = bytes(explorer.view.image.value)
    explorer.slider.value = 0.9
    marker = viz.find_artist(explorer.figure, "current")
    assert list(marker.get_xdata()) == [0.9]
    assert list(marker.get_ydata()) == [explorer.current.accuracy]
    assert bytes(explorer.view.image.value) != picture


def test_per_layer_scope_takes_the_same_share_from_every_layer(explorer, net, digits):
    explorer.slider.value = 0.9
    global_text = readout_text(explorer.per_layer)
    explorer.scope.value = "layer"
    assert readout_text(explorer.per_layer) == "fc1 90.0%, fc2 90.0%, fc3 90.0%"
    assert readout_text(explorer.per_layer) != global_text
    accuracy = training.evaluate(reference_model(net, 0.9, "layer"), digits.test).accuracy
    assert readout_text(explorer.accuracy) == f"{accuracy * 100:.1f}%"
    # The global curve stays in the picture, for comparison.
    comparison = viz.find_artist(explorer.figure, "comparison/0/0")
    assert len(comparison.get_xdata()) == len(STOPS)
    assert explorer.steps == [explorer.cache[("layer", a)] for a in STOPS]


def test_one_layer_alone_prunes_only_that_layer_and_greys_out_the_scope(explorer):
    explorer.slider.value = 0.9
    explorer.layer.value = "fc3"
    assert explorer.scope.disabled
    assert explorer.current.layer_sparsity == pytest.approx({"fc1": 0.0, "fc2": 0.0,
                                                             "fc3": 0.9})
    assert "fc3" in explorer.figure.axes[0].get_xlabel()
    assert "fc3 pruned alone" in [t.get_text() for t in explorer.figure.legends[0].get_texts()]
    explorer.layer.value = "all"
    assert not explorer.scope.disabled


def test_the_pruned_model_can_be_taken_out(explorer, net):
    explorer.slider.value = 0.5
    explorer.layer.value = "fc1"
    model = explorer.pruned_model()
    assert metrics.layer_sparsity(model) == pytest.approx({"fc1": 0.5, "fc2": 0.0, "fc3": 0.0})
    explorer.slider.value = 0.9  # the copy does not change with the explorer
    assert metrics.layer_sparsity(model)["fc1"] == pytest.approx(0.5)


def test_dense_file_size_stays_while_sparse_file_shrinks(explorer):
    explorer.slider.value = 0.0
    dense, sparse = readout_text(explorer.dense_size), explorer.current.sparse_bytes
    explorer.slider.value = 0.9
    assert readout_text(explorer.dense_size) == dense
    # 266,610 float32 parameters = 1,066,440 bytes plus a header well under 1 kB.
    assert dense == "1.07 MB"
    assert explorer.current.sparse_bytes < sparse / 5


def test_no_stops_or_a_bad_step_is_a_clear_error(net, digits):
    with pytest.raises(ValueError, match="at least one amount"):
        PruningExplorer(net, digits, amounts=[])
    with pytest.raises(ValueError, match="step=2"):
        PruningExplorer(net, digits, step=2)


def test_stops_that_are_not_fractions_are_a_clear_error(net, digits):
    with pytest.raises(TypeError, match="list of fractions of weights"):
        PruningExplorer(net, digits, amounts=0.9)
    with pytest.raises(ValueError, match="such as 0.9 to prune 90% of the weights"):
        PruningExplorer(net, digits, amounts=[0, 90])
