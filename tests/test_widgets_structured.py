"""WeightVsNodeExplorer and ChannelExplorer: readouts checked against hand-computed shapes."""

import itertools

import ipywidgets
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from pruneedu import metrics, models, pruning, viz
from pruneedu.viz.masks import COLUMNS, PITCH
from pruneedu.widgets import ChannelExplorer, WeightVsNodeExplorer
from pruneedu.widgets.readouts import readout_text
from pruneedu.widgets.weight_vs_node import LABELS


@pytest.fixture(scope="module")
def digits(random_digits):
    return random_digits(test=64)


@pytest.fixture(scope="module")
def mlp():
    return models.lenet_300_100(seed=0)


@pytest.fixture(scope="module")
def comparison(mlp, digits):
    return WeightVsNodeExplorer(mlp, digits, amounts=[0.0, 0.5], batch_size=8)


def test_both_columns_keep_the_same_parameter_budget(comparison):
    comparison.slider.value = 0.5
    # Half the hidden neurons: 784*150+150 + 150*50+50 + 50*10+10 parameters.
    budget = 784 * 150 + 150 + 150 * 50 + 50 + 50 * 10 + 10
    assert readout_text(comparison.budget) == f"{budget:,}"
    for method in ("weights", "nodes"):
        assert readout_text(comparison.readouts[method]["nonzero"]) == f"{budget:,}"


def test_only_node_pruning_cuts_the_multiply_adds_and_the_file(comparison):
    comparison.slider.value = 0.5
    weights, nodes = comparison.readouts["weights"], comparison.readouts["nodes"]
    assert readout_text(weights["macs"]) == f"{784 * 300 + 300 * 100 + 100 * 10:,}"
    assert readout_text(nodes["macs"]) == f"{784 * 150 + 150 * 50 + 50 * 10:,}"
    step = comparison.current
    assert step["nodes"].dense_bytes < 0.5 * step["weights"].dense_bytes
    assert step["nodes"].widths == "784-150-50-10" and step["weights"].widths == "784-300-100-10"
    models = comparison.pruned_models()
    assert models["nodes"].fc1.out_features == 150
    assert metrics.parameter_count(models["weights"], nonzero_only=True) == step["nodes"].parameters


def test_the_slider_moves_in_even_one_percent_steps_measured_once(comparison):
    slider = comparison.slider
    assert (slider.min, slider.max, slider.step, slider.readout_format) == (0.0, 0.5, 0.01, ".0%")
    assert not slider.continuous_update
    comparison.slider.value = 0.37
    pair = comparison.steps[0.37]
    comparison.slider.value = 0.5
    comparison.slider.value = 0.37
    assert comparison.steps[0.37] is pair  # kept, not measured again
    # 37% of 300 and of 100 neurons: round(111.0) and round(37.0) removed
    assert pair["nodes"].widths == "784-189-63-10"


def test_layer_bars_show_the_fraction_of_each_layer_removed(comparison):
    comparison.slider.value = 0.5
    bar = {p.get_gid(): p.get_height() for p in comparison.layer_figure.axes[0].patches}
    # Node pruning: fc1 loses half its rows, fc2 keeps 50x150 of 100x300, fc3 keeps 10x50 of 10x100.
    assert bar["Node pruning/fc1"] == pytest.approx(0.5)
    assert bar["Node pruning/fc2"] == pytest.approx(0.75)
    assert bar["Node pruning/fc3"] == pytest.approx(0.5)
    sparse = comparison.pruned_models()["weights"]
    for layer, fraction in metrics.layer_sparsity(sparse).items():
        assert bar[f"Weight pruning/{layer}"] == pytest.approx(fraction)


def tile_states(comparison, method):
    rows, states = comparison._tiles(comparison.slider.value)[method]
    return rows, states


def test_node_tiles_show_whole_neurons_kept_or_removed(comparison, mlp):
    comparison.slider.value = 0.5
    strength = mlp.fc1.weight.detach().abs().sum(dim=1)
    kept = set(strength.topk(150).indices.tolist())
    rows, states = tile_states(comparison, "Node pruning")
    assert len(states) == 300  # every first-layer neuron has a tile
    for neuron in range(300):
        expected = "kept" if neuron in kept else "removed"
        assert states[neuron] == expected, neuron
        assert (rows[neuron] != 0).all() == (neuron in kept)
    picture = viz.neuron_tiles(rows, states)
    first_removed = min(set(range(300)) - kept)
    r, c = divmod(first_removed, COLUMNS)
    corner = picture[r * PITCH, c * PITCH].tolist()
    assert corner == [round(v * 255) for v in to_rgb(viz.NEURON_COLORS["removed"])]


def test_weight_tiles_are_speckled_like_the_pruned_rows(comparison):
    comparison.slider.value = 0.9
    sparse = comparison.pruned_models()["weights"]
    rows, states = tile_states(comparison, "Weight pruning")
    assert np.array_equal(rows != 0, (sparse.fc1.weight != 0).numpy())
    empty = [(sparse.fc1.weight[i] == 0).all().item() for i in range(300)]
    assert states == ["cut off" if e else "kept" for e in empty]
    assert comparison.tiles.images["Weight pruning"].value[:4] == b"\x89PNG"


def test_at_zero_both_columns_show_the_unpruned_model(comparison, mlp):
    comparison.slider.value = 0.0
    for method in ("weights", "nodes"):
        assert readout_text(comparison.readouts[method]["nonzero"]) == f"{266_610:,}"


@pytest.fixture(scope="module")
def channels(digits):
    return ChannelExplorer(models.lenet5(seed=0), digits, amounts=[0.0, 0.5], batch_size=8)


def test_channel_pruning_shrinks_every_consumer(channels):
    channels.slider.value = 0.5
    assert readout_text(channels.shapes) == "conv1 10 channels, conv2 25 channels"
    # conv1 10x1x5x5+10, conv2 25x10x5x5+25, fc1 500x(25*4*4)+500, fc2 10x500+10
    parameters = 260 + 6275 + 200_500 + 5010
    assert readout_text(channels.parameters) == f"{parameters:,}"
    # conv1 at 24x24 positions, conv2 at 8x8, then the two Linear layers
    assert readout_text(channels.macs) == f"{10 * 25 * 576 + 25 * 250 * 64 + 200_000 + 5000:,}"
    assert channels.current.parameters == metrics.parameter_count(
        pruning.prune_channels(models.lenet5(seed=0), amount=0.5))


def test_channel_marker_and_speedup_follow_the_slider(channels):
    channels.slider.value = 0.0
    assert readout_text(channels.accuracy) == f"{channels.reference * 100:.1f}%"
    assert readout_text(channels.speedup) == "1.0x"
    channels.slider.value = 0.5
    assert list(viz.find_artist(channels.figure, "current").get_xdata()) == [0.5]
    # Each stop is timed side by side with the unpruned model.
    ratio = channels.current.unpruned_ms / channels.current.latency_ms
    assert readout_text(channels.speedup) == f"{ratio:.1f}x"


def test_channel_stops_are_even_by_default():
    from pruneedu.widgets.channel_explorer import DEFAULT_CHANNEL_AMOUNTS

    gaps = {round(b - a, 6) for a, b in itertools.pairwise(DEFAULT_CHANNEL_AMOUNTS)}
    assert gaps == {0.1} and DEFAULT_CHANNEL_AMOUNTS[0] == 0.0


def test_every_control_is_labelled(comparison, channels):
    assert comparison.slider.description and channels.slider.description
    # The readouts sit in a table: each row starts with its label, then both methods.
    table = next(c for c in comparison.children[2].children if isinstance(c, ipywidgets.GridBox))
    rows = [table.children[i:i + 3] for i in range(3, len(table.children), 3)]
    labels = [label.value for label, _, _ in rows]
    assert all(labels) and len(set(labels)) == len(labels) == len(LABELS)
    assert [w for _, w, _ in rows] == list(comparison.readouts["weights"].values())
    assert [n for _, _, n in rows] == list(comparison.readouts["nodes"].values())


def test_empty_stops_are_a_clear_error(mlp, digits):
    with pytest.raises(ValueError, match="at least one amount"):
        WeightVsNodeExplorer(mlp, digits, amounts=[])


def test_weight_vs_node_refuses_a_convolutional_model(digits):
    with pytest.raises(TypeError, match="ChannelExplorer"):
        WeightVsNodeExplorer(models.lenet5(seed=0), digits)


def test_explorers_refuse_a_bare_dataset_with_a_hint(mlp, digits):
    with pytest.raises(TypeError, match=r"data\.load_mnist\(\)"):
        ChannelExplorer(models.lenet5(seed=0), digits.test)
    with pytest.raises(TypeError, match=r"data\.load_mnist\(\)"):
        WeightVsNodeExplorer(mlp, digits.test)


def test_amounts_in_percent_are_refused_before_any_measuring(mlp, digits):
    # The messages speak of what the slider removes, not of sparsity.
    with pytest.raises(ValueError, match="such as 0.9 to remove 90% of the neurons"):
        WeightVsNodeExplorer(mlp, digits, amounts=[50])
    with pytest.raises(ValueError, match="such as 0.9 to remove 90% of the channels"):
        ChannelExplorer(models.lenet5(seed=0), digits, amounts=[0.5, 1.0])
