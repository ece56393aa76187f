"""Node and channel pruning: exact slices, unchanged outputs where removed units were dead."""

import copy
from collections import OrderedDict

import pytest
import torch
import torch.nn.utils.prune as prune
from torch import nn
from torch.utils.data import TensorDataset

from pruneedu import models, pruning


def mlp(w1, w2, b1=None):
    """Linear(3 -> n) - ReLU - Linear(n -> m) with the given weights and zero output bias."""
    w1, w2 = torch.tensor(w1), torch.tensor(w2)
    net = nn.Sequential(
        OrderedDict(
            fc1=nn.Linear(w1.shape[1], w1.shape[0]),
            relu=nn.ReLU(),
            fc2=nn.Linear(w2.shape[1], w2.shape[0]),
        )
    )
    with torch.no_grad():
        net.fc1.weight.copy_(w1)
        net.fc1.bias.copy_(torch.zeros(w1.shape[0]) if b1 is None else torch.tensor(b1))
        net.fc2.weight.copy_(w2)
        net.fc2.bias.zero_()
    return net


def images(n=32, seed=0):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def test_prune_nodes_removes_the_rows_and_columns_of_the_weakest_neurons():
    w1 = [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [2.0, -2.0, 1.0], [0.5, 0.0, 0.5]]
    w2 = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
    net = mlp(w1, w2, b1=[0.1, 0.2, 0.3, 0.4])
    small = pruning.prune_nodes(net, amount=0.5)  # L1 norms 3, 0, 5, 1 -> keep 0 and 2
    assert small.fc1.weight.tolist() == [[1.0, 1.0, 1.0], [2.0, -2.0, 1.0]]
    assert small.fc1.bias.tolist() == pytest.approx([0.1, 0.3])
    assert small.fc2.weight.tolist() == [[1.0, 3.0], [5.0, 7.0]]
    assert list(small._modules) == ["fc1", "relu", "fc2"]


def test_l1_and_l2_rank_neurons_differently():
    # Row 0: L1 3.0, L2 3.0.  Row 1: L1 4.5, L2 about 2.6.
    net = mlp([[3.0, 0.0, 0.0], [1.5, 1.5, 1.5]], [[1.0, 1.0]])
    assert pruning.prune_nodes(net, amount=1, criterion="l1").fc1.weight.tolist()[0][0] == 1.5
    assert pruning.prune_nodes(net, amount=1, criterion="l2").fc1.weight.tolist()[0][0] == 3.0


def test_activation_criterion_removes_a_neuron_that_never_fires():
    # Neuron 0 has large weights but inputs in [0, 1] never switch it on (all negative).
    net = mlp([[-10.0, -10.0, -10.0], [0.1, 0.1, 0.1]], [[1.0, 1.0]])
    data = torch.rand(50, 3, generator=torch.Generator().manual_seed(0))
    by_norm = pruning.prune_nodes(net, amount=1, criterion="l1")
    by_activation = pruning.prune_nodes(net, amount=1, criterion="activation", data=data)
    assert by_norm.fc1.weight.tolist() == [[-10.0, -10.0, -10.0]]
    assert torch.equal(by_activation.fc1.weight, net.fc1.weight[1:])
    assert torch.allclose(by_activation(data), net(data))


def test_removing_zero_importance_neurons_keeps_outputs():
    net = models.lenet_300_100(seed=0)
    with torch.no_grad():  # silence half of each hidden layer completely
        net.fc1.weight[::2] = 0.0
        net.fc1.bias[::2] = 0.0
        net.fc2.weight[1::2] = 0.0
        net.fc2.bias[1::2] = 0.0
    small = pruning.prune_nodes(net, amount=0.5)
    assert (small.fc1.out_features, small.fc2.in_features, small.fc2.out_features) == (150, 150, 50)
    assert small.fc3.out_features == 10 and small.fc3.in_features == 50
    x = images()
    assert torch.allclose(small(x), net(x), atol=1e-6)


def test_prune_nodes_leaves_the_original_untouched():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.5)
    before = copy.deepcopy(net.state_dict())
    pruning.prune_nodes(net, amount=0.5)
    after = net.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_prune_nodes_on_a_weight_pruned_model_keeps_masks_sliced():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    small = pruning.prune_nodes(net, amount=0.5)
    # A neuron whose incoming weights are all masked scores zero, so masks decide the ranking.
    norms = (net.fc1.weight_orig * net.fc1.weight_mask).abs().sum(1)
    keep = torch.argsort(norms, descending=True, stable=True)[:150].sort().values
    assert torch.equal(small.fc1.weight_mask, net.fc1.weight_mask[keep])
    assert torch.equal(small.fc1.weight_orig, net.fc1.weight_orig[keep])
    norms2 = (net.fc2.weight_orig * net.fc2.weight_mask).abs().sum(1)
    keep2 = torch.argsort(norms2, descending=True, stable=True)[:50].sort().values
    assert torch.equal(small.fc2.weight_mask, net.fc2.weight_mask[keep2][:, keep])
    assert torch.equal(small.fc3.weight_mask, net.fc3.weight_mask[:, keep2])
    assert torch.equal(small.fc1.weight, small.fc1.weight_orig * small.fc1.weight_mask)


def test_prune_nodes_on_a_permanently_pruned_model():
    net = pruning.make_permanent(pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9))
    small = pruning.prune_nodes(net, amount=0.25)
    assert not hasattr(small.fc1, "weight_mask")
    assert small.fc1.weight.shape == (225, 784)
    assert bool((small.fc1.weight == 0).any())


def test_fully_masked_neuron_is_removed_first():
    net = mlp([[0.1, 0.1, 0.1], [9.0, 9.0, 9.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0]])
    mask = torch.ones(3, 3)
    mask[1] = 0
    prune.custom_from_mask(net.fc1, "weight", mask)
    small = pruning.prune_nodes(net, amount=1)
    assert torch.equal(small.fc1.weight_orig, net.fc1.weight_orig[[0, 2]])
    assert torch.equal(small.fc2.weight, net.fc2.weight[:, [0, 2]])


def test_prune_nodes_rejects_bad_input():
    net = models.lenet_300_100(seed=0)
    with pytest.raises(ValueError, match="all 100 neurons of fc2"):
        pruning.prune_nodes(net, amount=100)
    with pytest.raises(ValueError, match="all 3 neurons"):
        pruning.prune_nodes(mlp([[1.0, 0, 0]] * 3, [[1.0] * 3]), amount=0.9)
    with pytest.raises(ValueError, match="'l1', 'l2', 'activation'"):
        pruning.prune_nodes(net, amount=0.5, criterion="taylor")
    with pytest.raises(TypeError, match="needs data"):
        pruning.prune_nodes(net, amount=0.5, criterion="activation")
    with pytest.raises(ValueError, match="at least two Linear"):
        pruning.prune_nodes(nn.Sequential(nn.Linear(3, 2)), amount=0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\); .* remove 50% of the neurons of fc1"):
        pruning.prune_nodes(net, amount=1.0)
    with pytest.raises(ValueError, match=r"\[0, 1\); .* remove 50% of the channels of conv1"):
        pruning.prune_channels(models.lenet5(seed=0), amount=1.0)
    with pytest.raises(TypeError, match="int count of neurons"):
        pruning.prune_nodes(net, amount="half")
    with pytest.raises(TypeError, match="torch.nn.Module"):
        pruning.prune_nodes("lenet", amount=0.5)


def test_prune_channels_shapes_and_fc1_blocks():
    net = models.lenet5(seed=0)
    small = pruning.prune_channels(net, amount=0.5)
    assert (small.conv1.out_channels, small.conv2.in_channels) == (10, 10)
    assert (small.conv2.out_channels, small.fc1.in_features) == (25, 25 * 16)
    kept1 = torch.argsort(net.conv1.weight.abs().sum((1, 2, 3)), descending=True)[:10].sort()[0]
    kept2 = torch.argsort(net.conv2.weight.abs().sum((1, 2, 3)), descending=True)[:25].sort()[0]
    assert torch.equal(small.conv1.weight, net.conv1.weight[kept1])
    assert torch.equal(small.conv2.weight, net.conv2.weight[kept2][:, kept1])
    # fc1 sees 50 channels x 4 x 4 positions; it keeps the 4x4 block of every kept channel.
    blocks = net.fc1.weight.reshape(500, 50, 16)[:, kept2].reshape(500, 400)
    assert torch.equal(small.fc1.weight, blocks)
    assert torch.equal(small.fc2.weight, net.fc2.weight)


def test_prune_channels_keeps_outputs_when_removed_channels_are_zero():
    net = models.lenet5(seed=0)
    with torch.no_grad():
        net.conv1.weight[:10] = 0.0
        net.conv1.bias[:10] = 0.0
        net.conv2.weight[25:] = 0.0
        net.conv2.bias[25:] = 0.0
    small = pruning.prune_channels(net, amount=0.5)
    x = images(8)
    assert small.conv2.weight.shape == (25, 10, 5, 5)
    assert torch.allclose(small(x), net(x), atol=1e-5)


def test_prune_channels_by_activation_and_on_a_masked_model():
    net = pruning.prune_weights(models.lenet5(seed=0), amount=0.8)
    small = pruning.prune_channels(net, amount=5, criterion="activation", data=images(16))
    assert (small.conv1.out_channels, small.conv2.out_channels) == (15, 45)
    assert small.fc1.weight_mask.shape == (500, 45 * 16)
    assert small(images(2)).shape == (2, 10)


def test_prune_channels_rejects_models_without_convolutions():
    with pytest.raises(ValueError, match="no Conv2d"):
        pruning.prune_channels(models.lenet_300_100(), amount=0.5)
    with pytest.raises(ValueError, match="all 20 channels of conv1"):
        pruning.prune_channels(models.lenet5(), amount=20)


def test_multiple_of_rounds_the_kept_widths():
    net = models.lenet_300_100(seed=0)
    quarter = pruning.prune_nodes(net, amount=0.75, multiple_of=8)
    assert (quarter.fc1.out_features, quarter.fc2.out_features) == (72, 24)  # from 75 and 25
    half = pruning.prune_nodes(net, amount=0.5, multiple_of=8)
    assert (half.fc1.out_features, half.fc2.out_features) == (152, 48)  # from 150 and 50
    exact = pruning.prune_nodes(net, amount=0.5)
    # The 152 kept are the 150 exact survivors plus the next two by rank.
    kept = set(map(tuple, half.fc1.weight.tolist()))
    assert set(map(tuple, exact.fc1.weight.tolist())) <= kept
    channels = pruning.prune_channels(models.lenet5(seed=0), amount=0.5, multiple_of=8)
    assert (channels.conv1.out_channels, channels.conv2.out_channels) == (8, 24)
    with pytest.raises(ValueError, match="multiple_of"):
        pruning.prune_nodes(net, amount=0.5, multiple_of=0)
    with pytest.raises(TypeError, match="multiple_of"):
        pruning.prune_nodes(net, amount=0.5, multiple_of=8.0)


def test_activation_criterion_explains_bad_data():
    images = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(8)
    with pytest.raises(ValueError, match="divide the images by 255"):
        pruning.prune_nodes(
            models.lenet_300_100(),
            0.5,
            criterion="activation",
            data=TensorDataset(images * 255, labels),
        )
    with pytest.raises(ValueError, match=r"data of shape \[8, 3, 32, 32\]"):
        pruning.prune_channels(
            models.lenet5(), 0.5, criterion="activation", data=torch.rand(8, 3, 32, 32)
        )
