"""n:m masks and activation-aware (Wanda-style) scores: exact masks on hand-made layers."""

from collections import OrderedDict

import pytest
import torch
from torch import nn

from pruneedu import metrics, models, pruning
from pruneedu.pruning.semi_structured import n_of_m_mask, n_of_m_storage_bytes


def linear(weight):
    weight = torch.tensor(weight, dtype=torch.float32)
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
    return nn.Sequential(OrderedDict(a=layer))


def test_two_of_four_keeps_the_two_largest_magnitudes_of_each_group():
    net = pruning.prune_n_of_m(linear([[0.1, -3.0, 2.0, 0.5, 1.0, 0.0, -1.5, 0.2]]))
    assert net.a.weight_mask.tolist() == [[0, 1, 1, 0, 1, 0, 1, 0]]
    assert torch.equal(net.a.weight, net.a.weight_orig * net.a.weight_mask)  # torch's masking


def test_every_group_of_every_row_keeps_exactly_n():
    net = pruning.prune_n_of_m(models.lenet_300_100(seed=0), n=1, m=4)
    for _, module in pruning.prunable_layers(net):
        groups = module.weight_mask.reshape(module.weight.shape[0], -1, 4)
        assert (groups.sum(-1) == 1).all()
    assert metrics.sparsity(net) == 0.75


def test_n_of_m_keeps_what_was_pruned_before():
    net = linear([[5.0, 4.0, 3.0, 2.0]])
    pruning.prune_weights(net, amount=1, scope="layer")  # the smallest, 2.0, goes first
    pruning.prune_n_of_m(net, n=2, m=4)
    assert net.a.weight.tolist() == [[5.0, 4.0, 0.0, 0.0]]


def test_groups_that_do_not_divide_a_row_and_n_above_m_are_refused():
    with pytest.raises(ValueError, match="groups of 8"):
        pruning.prune_n_of_m(models.lenet_300_100(seed=0), n=2, m=8)  # rows of 300 and 100
    with pytest.raises(ValueError, match="n=5"):
        pruning.prune_n_of_m(linear([[1.0, 2.0, 3.0, 4.0]]), n=5, m=4)
    with pytest.raises(ValueError, match="groups of 3"):
        n_of_m_mask(torch.ones(1, 4), 1, 3)


def test_the_storage_arithmetic_of_two_of_four():
    # The lesson's worked example: 266,200 weights of LeNet-300-100.
    s = n_of_m_storage_bytes(266_200, 2, 4)
    assert (s["kept"], s["value_bytes"], s["position_bits"]) == (133_100, 532_400, 2)
    assert (s["position_bytes"], s["total"], s["dense"]) == (33_275, 565_675, 1_064_800)


def test_input_norms_are_the_l2_norm_of_each_input_feature():
    net = linear([[1.0, 1.0]])
    norms = pruning.input_norms(net, torch.tensor([[3.0, 0.0], [4.0, 1.0]]))
    assert norms["a"].tolist() == [5.0, 1.0]


def test_within_rows_prunes_the_same_share_of_each_row_by_score():
    net = linear([[1.0, -5.0, 3.0, 0.5], [2.0, -0.1, 4.0, -6.0]])
    pruning.prune_within_rows(net, 0.5)
    assert net.a.weight_mask.tolist() == [[0, 1, 1, 0], [0, 0, 1, 1]]
    # With input norms the score is |W| x ||X_j||: a strong input saves a small weight.
    net = linear([[1.0, -5.0, 3.0, 0.5], [2.0, -0.1, 4.0, -6.0]])
    pruning.prune_within_rows(net, 0.5, {"a": torch.tensor([1.0, 1.0, 1.0, 100.0])})
    assert net.a.weight_mask.tolist() == [[0, 1, 0, 1], [0, 0, 1, 1]]


def test_within_rows_needs_norms_for_every_linear_layer():
    with pytest.raises(ValueError, match="input_norms"):
        pruning.prune_within_rows(models.lenet_300_100(seed=0), 0.5, {"fc1": torch.ones(784)})
