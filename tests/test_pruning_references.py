"""The library's references for the exercises' new concepts, against hand-made tensors and
torch: N:M masks, activation-aware scores, next-layer channel importance, relative-index
bytes, amounts for a budget, and the torch-free model file reader's caps."""

import io
import struct

import numpy as np
import pytest
import torch

from pruneedu import metrics, models, pruning
from pruneedu.pruning.fileformat import read_arrays, write_arrays


def test_nm_mask_keeps_n_of_every_m_along_rows_with_ties_broken_by_position():
    weight = torch.tensor([[0.1, -3.0, 2.0, 0.5, 1.0, 1.0, 1.0, 1.0],
                           [9.0, 0.0, 0.0, -9.0, 0.2, 0.3, 0.1, 0.4]])
    expected = torch.tensor([[0, 1, 1, 0, 1, 1, 0, 0], [1, 0, 0, 1, 0, 1, 0, 1]], dtype=bool)
    assert torch.equal(pruning.nm_mask(weight), expected)
    assert torch.equal(pruning.nm_mask(weight, n=1, m=2).sum(dim=1), torch.tensor([4, 4]))
    conv = torch.randn(3, 2, 2, 2)  # 8 inputs per filter
    assert pruning.nm_mask(conv).reshape(3, -1, 4).sum(dim=2).eq(2).all()
    with pytest.raises(ValueError, match="multiple of m=4"):
        pruning.nm_mask(torch.ones(2, 6))
    with pytest.raises(ValueError, match="larger than m"):
        pruning.nm_mask(torch.ones(2, 8), n=5)


def test_prune_nm_masks_through_torch_and_skips_layers_it_cannot_group():
    net = pruning.prune_nm(models.lenet5(seed=0))
    assert not hasattr(net.conv1, "weight_mask")  # 25 inputs per filter: left dense
    for layer in (net.conv2, net.fc1, net.fc2):
        groups = layer.weight_mask.reshape(layer.weight.shape[0], -1, 4)
        assert groups.sum(dim=2).eq(2).all()
        assert torch.equal(layer.weight, layer.weight_orig * layer.weight_mask)
    lenet = pruning.prune_nm(models.lenet_300_100(seed=0))
    assert metrics.sparsity(lenet) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="leave it out"):
        pruning.prune_nm(models.lenet5(seed=0), layers=["conv1"])


def test_activation_aware_scores_by_hand_and_the_row_mask():
    weight = torch.tensor([[2.0, -1.0, 0.5], [1.0, 1.0, -4.0]])
    inputs = torch.tensor([[3.0, 0.0, 1.0], [4.0, 0.0, 1.0]])
    norms = torch.tensor([5.0, 0.0, 2.0 ** 0.5])
    assert torch.allclose(pruning.activation_aware_scores(weight, inputs), weight.abs() * norms)
    mask = pruning.activation_aware_mask(weight, inputs, 1)
    assert mask.tolist() == [[True, False, True], [True, False, True]]
    with pytest.raises(ValueError, match="inputs \\[N, in\\]"):
        pruning.activation_aware_scores(weight, inputs.t())
    net = models.lenet_300_100(seed=0)
    images = torch.rand(5, 1, 28, 28)
    assert torch.allclose(pruning.layer_inputs(net, "fc1", images), images.flatten(1))


def test_input_channel_importance_is_the_norm_of_each_input_slice():
    next_weight = torch.randn(7, 4, 3, 3)
    expected = torch.stack([next_weight[:, c].norm() for c in range(4)])
    assert torch.allclose(pruning.input_channel_importance(next_weight), expected)
    assert torch.allclose(pruning.input_channel_importance(torch.tensor([[3.0], [4.0]])),
                          torch.tensor([5.0]))


def test_relative_index_entries_count_fillers():
    assert pruning.relative_index_entries(torch.zeros(6), 2) == 0
    assert pruning.relative_index_entries(torch.tensor([0.0, 0, 0, 1]), 2) == 1  # skip of 3
    assert pruning.relative_index_entries(torch.tensor([0.0, 0, 0, 0, 1]), 2) == 2
    assert pruning.relative_index_bytes(torch.tensor([1.0, 2.0, 3.0]), 3, value_bits=8) == 5


def test_amounts_for_budget_takes_the_largest_tolerated_amount_per_layer():
    scan = pruning.Sensitivity(0.95, (0.9, 0.5, 0.95),
                               {"fc1": (0.94, 0.95, 0.90), "fc2": (0.80, 0.94, 0.70)})
    sizes = {"fc1": 1000, "fc2": 100}
    assert pruning.amounts_for_budget(scan, sizes, 0.94, 150) == {"fc1": 0.9, "fc2": 0.5}
    assert pruning.amounts_for_budget(scan, sizes, 0.94, 149) is None
    assert pruning.amounts_for_budget(scan, sizes, 0.99, 10**6) == {"fc1": 0.0, "fc2": 0.0}


def test_the_model_file_reader_refuses_what_is_not_a_model_before_allocating():
    buffer = io.BytesIO()
    write_arrays({"w": np.eye(4, dtype=np.float32)}, buffer, "sparse")
    assert np.array_equal(read_arrays(io.BytesIO(buffer.getvalue()))["w"], np.eye(4))
    with pytest.raises(ValueError, match="more than 10 numbers"):
        read_arrays(io.BytesIO(buffer.getvalue()), max_elements=10)
    twice = b"PEDU" + struct.pack("<BH", 1, 2) + 2 * (b"\x01w" + struct.pack("<BBI", 0, 1, 1)
                                                      + struct.pack("<f", 1.0))
    with pytest.raises(ValueError, match="twice"):
        read_arrays(io.BytesIO(twice))
    overrun = b"PEDU" + struct.pack("<BH", 1, 1) + b"\x01w" + struct.pack("<BBII", 2, 2, 1, 2) \
        + struct.pack("<BI", 8, 2) + struct.pack("<ff", 1.0, 2.0) + bytes([255, 255])
    with pytest.raises(ValueError, match="runs past its shape"):
        read_arrays(io.BytesIO(overrun))
