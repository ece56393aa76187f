"""The model file format: decoding gives back the weights; sizes are what the format says."""

import io
from collections import OrderedDict

import pytest
import torch
from torch import nn

from pruneedu import models, pruning


def roundtrip(net, storage):
    buffer = io.BytesIO()
    size = pruning.save_compressed(net, buffer, storage)
    assert size == len(buffer.getvalue())
    buffer.seek(0)
    return pruning.load_compressed(buffer), size


def single(weight):
    net = nn.Sequential(OrderedDict(fc=nn.Linear(weight.shape[1], weight.shape[0])))
    with torch.no_grad():
        net.fc.weight.copy_(weight)
    return net


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_float_formats_give_back_the_exact_effective_weights(storage):
    net = pruning.prune_weights(models.lenet5(seed=0), amount=0.9)
    state, _ = roundtrip(net, storage)
    expected = pruning.effective_state_dict(net)
    assert state.keys() == expected.keys()
    assert all(torch.equal(state[k], expected[k]) for k in expected)
    fresh = models.lenet5()
    fresh.load_state_dict(state)
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(fresh(x), net(x), atol=1e-6)


@pytest.mark.parametrize("storage", ["int8", "sparse-int8"])
def test_int8_formats_keep_zeros_and_stay_within_half_a_step(storage):
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    state, _ = roundtrip(net, storage)
    for name in ("fc1", "fc2", "fc3"):
        weight = pruning.effective_weight(getattr(net, name))
        decoded = state[f"{name}.weight"]
        step = weight.abs().amax(dim=1, keepdim=True) / 127  # one int8 step per row
        assert bool((decoded[weight == 0] == 0).all())
        assert bool(((decoded - weight).abs() <= step / 2 + 1e-7).all())
        assert torch.equal(state[f"{name}.bias"], getattr(net, name).bias)


def test_long_runs_of_zeros_are_bridged_with_fillers():
    weight = torch.zeros(3, 700)
    weight[0, 0], weight[1, 350], weight[2, 699] = 1.5, -2.0, 3.0
    state, _ = roundtrip(single(weight), "sparse")
    assert torch.equal(state["fc.weight"], weight)


def test_an_all_zero_weight_roundtrips():
    state, _ = roundtrip(single(torch.zeros(4, 5)), "sparse-int8")
    assert torch.equal(state["fc.weight"], torch.zeros(4, 5))


def test_dense_size_is_four_bytes_per_number_plus_the_documented_headers():
    net = models.lenet_300_100(seed=0)
    state = net.state_dict()
    header = 4 + 1 + 2
    per_tensor = sum(1 + len(k) + 2 + 4 * v.dim() for k, v in state.items())
    expected = header + per_tensor + 4 * sum(v.numel() for v in state.values())
    assert roundtrip(net, "dense")[1] == expected


def test_sparse_file_pays_for_values_and_indices_but_far_less_than_dense():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.95)
    nonzero = sum(int((getattr(net, n).weight != 0).sum()) for n in ("fc1", "fc2", "fc3"))
    dense = roundtrip(net, "dense")[1]
    sparse = roundtrip(net, "sparse")[1]
    sparse_int8 = roundtrip(net, "sparse-int8")[1]
    biases = 4 * (300 + 100 + 10)
    assert sparse > 4 * nonzero + biases  # values alone, plus at least one index bit each
    assert sparse < 4 * nonzero * 1.25 + biases + 1000  # indices cost at most a few bits each
    assert sparse_int8 < sparse / 2.5
    assert dense / sparse_int8 > 25


def test_unpruned_model_in_sparse_mode_falls_back_to_dense_tensors():
    net = models.lenet_300_100(seed=0)
    assert roundtrip(net, "sparse")[1] == roundtrip(net, "dense")[1]


def test_masked_and_permanent_models_write_the_same_file():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.8)
    masked, permanent = io.BytesIO(), io.BytesIO()
    pruning.save_compressed(net, masked, "sparse-int8")
    pruning.save_compressed(pruning.make_permanent(net), permanent, "sparse-int8")
    assert masked.getvalue() == permanent.getvalue()


def test_bad_files_and_storages_are_rejected():
    with pytest.raises(ValueError, match="not a PruneEdu model file"):
        pruning.load_compressed(io.BytesIO(b"PK\x03\x04 a zip file"))
    with pytest.raises(ValueError, match="'dense', 'sparse', 'int8', 'sparse-int8'"):
        pruning.save_compressed(models.lenet_300_100(), io.BytesIO(), "zip")


def test_files_can_be_named_by_path(tmp_path):
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    size = pruning.save_compressed(net, tmp_path / "net.pedu", "sparse")
    assert size == (tmp_path / "net.pedu").stat().st_size
    state = pruning.load_compressed(str(tmp_path / "net.pedu"))
    assert torch.equal(state["fc1.weight"], pruning.effective_weight(net.fc1))


def test_a_truncated_file_is_a_clear_error():
    buffer = io.BytesIO()
    pruning.save_compressed(models.lenet_300_100(seed=0), buffer, "sparse")
    for cut in (6, 20, len(buffer.getvalue()) - 1):
        with pytest.raises(ValueError, match="ends too early"):
            pruning.load_compressed(io.BytesIO(buffer.getvalue()[:cut]))
