"""PruningExplorer and its magnitude sweep, checked against pruning.prune_weights and torch."""

from types import SimpleNamespace

import pytest
import torch
import torch.nn.utils.prune as prune
from torch.utils.data import TensorDataset

from pruneedu import metrics, models, pruning, training, viz
from pruneedu.widgets import PruningExplorer
from pruneedu.widgets.readouts import readout_text
from pruneedu.widgets.sweep import magnitude_sweep

STOPS = [0.0, 0.5, 0.9]


@pytest.fixture(scope="module")
def digits():
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(200, 1, 28, 28, generator=generator)
    return SimpleNamespace(test=TensorDataset(images, torch.randint(0, 10, (200,),
                                                                    generator=generator)))


@pytest.fixture(scope="module")
def net():
    return models.lenet_300_100(seed=0)


@pytest.fixture(scope="module")
def explorer(net, digits):
    return PruningExplorer(net, digits, amounts=STOPS)


def test_sweep_masks_equal_torch_global_magnitude_pruning(net, digits):
    step = magnitude_sweep(net, digits.test, [0.9])[0]
    reference = pruning.copy_model(net)
    layers = [(m, "weight") for _, m in pruning.prunable_layers(reference)]
    prune.global_unstructured(layers, pruning_method=prune.L1Unstructured, amount=0.9)
    for (name, module), (_, ours) in zip(pruning.prunable_layers(reference),
                                         pruning.prunable_layers(step.model), strict=True):
        assert torch.equal(module.weight_mask, (ours.weight != 0).float()), name


def test_sweep_leaves_the_original_model_alone(net, digits):
    before = {k: v.clone() for k, v in net.state_dict().items()}
    magnitude_sweep(net, digits.test, [0.5])
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def test_sweep_rejects_an_amount_of_one(net, digits):
    with pytest.raises(ValueError, match="not a fraction of weights in"):
        magnitude_sweep(net, digits.test, [1.0])


def test_slider_has_a_label_and_one_stop_per_amount(explorer):
    assert explorer.slider.description
    assert [value for _, value in explorer.slider.options] == STOPS
    assert not explorer.slider.continuous_update  # updates when the learner lets go


@pytest.mark.parametrize("amount", STOPS)
def test_readouts_match_the_library_at_each_stop(explorer, net, digits, amount):
    explorer.slider.value = amount
    reference = pruning.copy_model(net)
    if amount:
        pruning.prune_weights(reference, amount=amount, scope="global")
    accuracy = training.evaluate(reference, digits.test).accuracy
    assert readout_text(explorer.accuracy) == f"{accuracy * 100:.1f}%"
    assert readout_text(explorer.sparsity) == f"{amount * 100:.1f}%"
    nonzero = metrics.parameter_count(reference, nonzero_only=True)
    assert readout_text(explorer.nonzero) == f"{nonzero:,}"
    assert explorer.current.sparse_bytes == metrics.model_size_bytes(reference, "sparse")
    sparse_kb = metrics.model_size_bytes(reference, "sparse") / 1e3
    shown = readout_text(explorer.sparse_size)
    assert shown in (f"{sparse_kb:.2f} kB", f"{sparse_kb / 1e3:.2f} MB")


def test_moving_the_slider_moves_the_marker_and_changes_the_picture(explorer):
    explorer.slider.value = 0.0
    picture = bytes(explorer.view.image.value)
    explorer.slider.value = 0.9
    marker = viz.find_artist(explorer.figure, "current")
    assert list(marker.get_xdata()) == [0.9]
    assert list(marker.get_ydata()) == [explorer.current.accuracy]
    assert bytes(explorer.view.image.value) != picture


def test_dense_file_size_stays_while_sparse_file_shrinks(explorer):
    explorer.slider.value = 0.0
    dense, sparse = readout_text(explorer.dense_size), explorer.current.sparse_bytes
    explorer.slider.value = 0.9
    assert readout_text(explorer.dense_size) == dense
    # 266,610 float32 parameters = 1,066,440 bytes plus a header well under 1 kB.
    assert dense == "1.07 MB"
    assert explorer.current.sparse_bytes < sparse / 5


def test_no_stops_is_a_clear_error(net, digits):
    with pytest.raises(ValueError, match="at least one amount"):
        PruningExplorer(net, digits, amounts=[])


def test_stops_that_are_not_fractions_are_a_clear_error(net, digits):
    with pytest.raises(TypeError, match="list of fractions of weights"):
        PruningExplorer(net, digits, amounts=0.9)
    with pytest.raises(ValueError, match="such as 0.9 to prune 90% of the weights"):
        PruningExplorer(net, digits, amounts=[0, 90])
