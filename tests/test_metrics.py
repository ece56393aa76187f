"""Sparsity, parameter counts, MACs, file sizes and latency, against hand-computed values."""

from collections import OrderedDict

import pytest
import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu import metrics, models, pruning


def hand_made():
    net = nn.Sequential(OrderedDict(a=nn.Linear(2, 2), relu=nn.ReLU(), b=nn.Linear(2, 1)))
    with torch.no_grad():
        net.a.weight.copy_(torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
        net.b.weight.copy_(torch.tensor([[0.0, 0.0]]))
        net.a.bias.zero_()  # zero biases do not count towards sparsity
    return net


def test_sparsity_counts_zero_weights_but_not_biases():
    net = hand_made()
    assert metrics.sparsity(net) == pytest.approx(3 / 6)
    assert metrics.layer_sparsity(net) == {"a": 0.25, "b": 1.0}


def test_sparsity_reads_masks_even_when_the_cached_weight_is_stale():
    net = models.lenet_300_100(seed=0)
    pruning.prune_weights(net, amount=0.9)
    with torch.no_grad():  # as after an optimizer step, before the next forward pass
        net.fc1.weight_orig.add_(1.0)
    assert metrics.sparsity(net) == pytest.approx(0.9, abs=1e-6)
    pruning.make_permanent(net)
    assert metrics.sparsity(net) == pytest.approx(0.9, abs=1e-6)


def test_parameter_count_matches_the_architecture_and_ignores_masks():
    net = models.lenet_300_100(seed=0)
    total = 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10
    assert metrics.parameter_count(net) == total == 266610
    pruning.prune_weights(net, amount=0.9)
    assert metrics.parameter_count(net) == total
    assert metrics.parameter_count(net, nonzero_only=True) == total - round(0.9 * 266200)
    assert metrics.parameter_count(models.lenet5()) == 431080


def test_macs_of_the_two_lenets():
    assert metrics.macs(models.lenet_300_100()) == 784 * 300 + 300 * 100 + 100 * 10
    conv1 = 20 * 1 * 5 * 5 * 24 * 24  # every weight used at each 24x24 output position
    conv2 = 50 * 20 * 5 * 5 * 8 * 8
    assert metrics.macs(models.lenet5()) == conv1 + conv2 + 800 * 500 + 500 * 10


@pytest.mark.parametrize("side", [10, 20, 29])
def test_macs_of_a_convolution_grow_with_the_output_positions_of_input_shape(side):
    # input_shape is one image's shape (no batch axis), as in latency_ms: a 3x3 convolution
    # uses each of its 4*2*3*3 weights once per output position, (side-2)**2 of them.
    net = nn.Sequential(nn.Conv2d(2, 4, kernel_size=3))
    assert metrics.macs(net, input_shape=(2, side, side)) == 4 * 2 * 3 * 3 * (side - 2) ** 2


def test_macs_skip_zeros_is_the_hand_count_of_nonzero_weights_times_their_uses():
    # Each weight of a Linear is used once per image, of conv1 at 24x24 and of conv2 at 8x8
    # output positions (28-5+1 = 24, pooled to 12, 12-5+1 = 8).
    uses = {"conv1": 24 * 24, "conv2": 8 * 8, "fc1": 1, "fc2": 1, "fc3": 1}
    for net in (models.lenet_300_100(seed=0), models.lenet5(seed=0)):
        pruning.prune_weights(net, amount=0.8)
        layers = [(n, m) for n, m in net.named_children() if hasattr(m, "weight_mask")]
        nonzero = sum(int(m.weight_mask.sum()) * uses[n] for n, m in layers)
        total = sum(m.weight_mask.numel() * uses[n] for n, m in layers)
        assert metrics.macs(net, skip_zeros=True) == nonzero
        assert metrics.macs(net) == total


def test_macs_and_latency_run_a_float64_model():
    net = models.lenet5(seed=0).double()
    assert metrics.macs(net) == metrics.macs(models.lenet5(seed=0))
    assert metrics.latency_ms(net, batch_size=2, repeats=1, min_run_time=0.01) > 0


def test_macs_and_latency_explain_a_wrong_input_shape():
    for function in (metrics.macs, metrics.latency_ms):
        with pytest.raises(ValueError, match="input_shape"):
            function(models.lenet5(), input_shape=(784,))
        with pytest.raises(TypeError, match="input_shape"):
            function(models.lenet5(), input_shape=28)


def test_macs_skip_zeros_counts_only_nonzero_weights():
    net = models.lenet5(seed=0)
    mask = torch.ones_like(net.conv1.weight)
    mask[:5] = 0
    prune.custom_from_mask(net.conv1, "weight", mask)
    dense = metrics.macs(net)
    assert dense - metrics.macs(net, skip_zeros=True) == 5 * 25 * 24 * 24


def test_smaller_models_have_fewer_macs_in_proportion():
    net = models.lenet_300_100(seed=0)
    small = pruning.prune_nodes(net, amount=0.5)
    assert metrics.macs(small) == 784 * 150 + 150 * 50 + 50 * 10


def test_model_size_bytes_shrinks_only_with_a_sparse_format():
    net = models.lenet_300_100(seed=0)
    dense = metrics.model_size_bytes(net)
    assert 266610 * 4 < dense < 266610 * 4 + 200
    pruning.prune_weights(net, amount=0.9)
    assert metrics.model_size_bytes(net) == dense  # zeros cost 4 bytes like any float
    assert metrics.model_size_bytes(net, "sparse") < dense / 5
    assert 266200 < metrics.model_size_bytes(models.lenet_300_100(), "int8") < dense / 3.9
    with pytest.raises(ValueError, match="storage"):
        metrics.model_size_bytes(net, "gzip")


def test_latency_ms_is_positive_and_checks_its_arguments():
    net = models.lenet_300_100(seed=0)
    assert metrics.latency_ms(net, batch_size=4, repeats=2, min_run_time=0.01) > 0
    assert net.training  # the mode is restored
    with pytest.raises(ValueError, match="batch_size"):
        metrics.latency_ms(net, batch_size=0)
    with pytest.raises(TypeError, match="repeats"):
        metrics.latency_ms(net, repeats=2.5)
    with pytest.raises(ValueError, match="num_threads"):
        metrics.latency_ms(net, num_threads=0)
    with pytest.raises(ValueError, match="min_run_time"):
        metrics.latency_ms(net, min_run_time=0)


def test_metrics_reject_non_models():
    with pytest.raises(TypeError, match="torch.nn.Module"):
        metrics.sparsity({"fc1.weight": torch.zeros(2, 2)})
    with pytest.raises(ValueError, match="no Linear or Conv2d"):
        metrics.sparsity(nn.Sequential(nn.ReLU()))
