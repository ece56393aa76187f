"""The wire codec: values survive the trip exactly, hostile data fails within its caps, and
modules cross both ways without pickle and without torch on the grader's side."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from fresh_python import heavy_imports
from torch.nn.utils import prune

from pruneedu import models, wire
from pruneedu.wire import Limits, ModelSpec, ModuleDescription, WireError


def test_plain_values_tuples_and_dicts_keep_their_types():
    value = [1, 2.5, "x", None, True, (3, (4,)), {"a": [1], 7: "seven"}, np.float32(2.5),
             np.int64(9)]
    back = wire.round_trip(value)
    assert back == [1, 2.5, "x", None, True, (3, (4,)), {"a": [1], 7: "seven"}, 2.5, 9]
    assert type(back[5]) is tuple and type(back[7]) is float and type(back[8]) is int


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "int32", "int64", "uint8",
                                   "uint16", "uint32", "uint64", "float16", "float32",
                                   "float64", "complex64", "complex128"])
def test_arrays_come_back_bit_exact_in_their_dtype(dtype):
    array = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)
    back = wire.round_trip(array)
    assert back.dtype == np.dtype(dtype) and back.shape == (2, 3, 4)
    assert back.tobytes() == array.tobytes()
    back[0, 0, 0] = 1  # writable, like any array a checker receives


def test_big_endian_fortran_and_sliced_arrays_arrive_as_their_values():
    array = np.asfortranarray(np.arange(12, dtype=">f4").reshape(3, 4))[:, ::2]
    back = wire.round_trip(array)
    assert back.dtype == np.dtype("<f4") and back.tolist() == array.tolist()


def test_tensors_become_numpy_and_nothing_else_crosses():
    assert wire.round_trip(torch.tensor([[True, False]])).tolist() == [[True, False]]
    assert wire.round_trip(torch.tensor([1.0, 2.0], requires_grad=True) * 2).tolist() == [2, 4]
    for value in (object(), {1.5: "float key"}, torch.ones(2, dtype=torch.bfloat16),
                  np.array(["text"]), np.array([object()])):
        with pytest.raises(WireError):
            wire.encode(value)


def test_a_module_comes_back_as_a_description_checkable_with_numpy():
    net = models.lenet_300_100(seed=0)
    prune.l1_unstructured(net.fc1, "weight", amount=0.5)
    description = wire.round_trip(net)
    assert isinstance(description, ModuleDescription)
    assert description.class_name == "Sequential"
    assert description.layer("fc1").type == "Linear"
    assert description.layer("fc1").shapes["weight_orig"] == (300, 784)
    assert np.array_equal(description.tensors()["fc1.weight"], net.fc1.weight.detach().numpy())
    assert description.parameter_count() == 266_610
    assert description.parameter_count(nonzero_only=True) == 266_610 - 300 * 784 // 2


def test_a_model_spec_rebuilds_the_same_network_masks_included():
    net = models.lenet_300_100(seed=0)
    prune.l1_unstructured(net.fc2, "weight", amount=0.3)
    spec = ModelSpec("lenet_300_100", wire.round_trip(net).state)
    rebuilt = wire.to_runtime(wire.round_trip(spec), "torch")
    images = torch.rand(4, 1, 28, 28)
    assert torch.equal(rebuilt(images), net(images))
    assert prune.is_pruned(rebuilt) and torch.equal(rebuilt.fc2.weight_mask, net.fc2.weight_mask)


def test_a_smaller_model_after_removing_neurons_rebuilds_with_its_own_shapes():
    state = {k: v.numpy() for k, v in models.lenet_300_100(seed=0).state_dict().items()}
    state["fc1.weight"], state["fc1.bias"] = state["fc1.weight"][:120], state["fc1.bias"][:120]
    state["fc2.weight"] = state["fc2.weight"][:, :120]
    rebuilt = wire.to_runtime(wire.round_trip(ModelSpec("lenet_300_100", state)), "torch")
    assert (rebuilt.fc1.out_features, rebuilt.fc2.in_features) == (120, 120)
    assert rebuilt(torch.rand(2, 1, 28, 28)).shape == (2, 10)


def test_model_specs_name_only_known_constructors_and_complete_states():
    for data in ({"$model": {"constructor": "os.system", "state": {"$dict": []}}},
                 {"$model": {"constructor": "__import__", "state": {"$dict": []}}}):
        with pytest.raises(WireError, match="unknown model constructor"):
            wire.decode(data)
    with pytest.raises(WireError, match="lacks"):
        wire.to_runtime(ModelSpec("lenet5", {}), "torch")
    with pytest.raises(WireError, match="no layer"):
        wire.to_runtime(ModelSpec("lenet5", {"conv9.weight": np.zeros(1, "float32")}), "torch")


def test_inputs_become_tensors_only_for_torch_exercises():
    args = wire.to_runtime((np.ones(2), [np.zeros(1)], {"k": np.ones(1)}), "torch")
    assert isinstance(args[0], torch.Tensor) and isinstance(args[1][0], torch.Tensor)
    assert isinstance(args[2]["k"], torch.Tensor)
    original = np.ones(2)
    copied = wire.to_runtime(original, "numpy")
    copied[0] = 5
    assert original[0] == 1  # the learner's function may not change the grader's inputs


@pytest.mark.parametrize("data, message", [
    ({"$array": {"dtype": "|O", "shape": [1], "data": "AA=="}}, "not accepted"),
    ({"$array": {"dtype": "(4000,4000)u1", "shape": [1], "data": "AA=="}}, "not accepted"),
    ({"$array": {"dtype": "<U9", "shape": [1], "data": "AA=="}}, "not accepted"),
    ({"$array": {"dtype": "<f8", "shape": [1000, 1000], "data": "AA=="}}, "elements"),
    ({"$array": {"dtype": "<f8", "shape": [-1], "data": ""}}, "shape"),
    ({"$array": {"dtype": "<f8", "shape": [0, 2**40, 2**40], "data": ""}}, "shape"),
    ({"$array": {"dtype": "<f8", "shape": [2], "data": "AA=="}}, "does not match"),
    ({"$array": {"dtype": "|u1", "shape": [3], "data": "A!A="}}, "base64"),
    ({"__ndarray__": [1], "dtype": "O", "shape": [1]}, "untagged"),
    ({"$tuple": [1], "$dict": []}, "untagged"),
    ({"$dict": [[1.5, 2]]}, "key"),
    ({"$module": {"class": "X", "layers": [], "state": {"$dict": [["w", 1]]}}}, "arrays"),
    ("x" * 20_000, "longer"),
    ([[[[1]]]], "deeper"),
    ([1] * 50, "items"),
    (float("nan"), "NaN"),
])
def test_hostile_data_fails_within_the_caps(data, message):
    limits = Limits(max_depth=3, max_items=40, max_array_elements=1000)
    with pytest.raises(WireError, match=message):
        wire.decode(data, limits)


def test_parsing_refuses_before_allocating():
    with pytest.raises(WireError, match="larger"):
        wire.parse(b"[" + b"1," * 1000 + b"1]", Limits(max_bytes=100))
    with pytest.raises(WireError, match="items"):
        wire.parse(b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(WireError, match="not valid JSON"):
        wire.parse(b"\xff\xfe")
    with pytest.raises(WireError, match="not valid JSON"):
        wire.parse(b"1" * 5000)  # Python's limit on digits of an integer
    assert wire.parse(b"[NaN]", Limits())[0] != wire.parse(b"[NaN]", Limits())[0]


def test_nan_travels_only_when_allowed():
    nan = np.array([1.0, np.nan], dtype=np.float32)
    with pytest.raises(WireError, match="NaN"):
        wire.round_trip(nan)
    with pytest.raises(WireError, match="NaN"):
        wire.loads(json.dumps([1e999]))
    allowed = wire.round_trip(nan, Limits(allow_nonfinite=True))
    assert np.isnan(allowed[1])


def test_arrays_travel_as_bytes_not_as_nested_lists():
    data = wire.encode(np.arange(4, dtype=np.int32))
    assert base64.b64decode(data["$array"]["data"]) == np.arange(4, dtype="<i4").tobytes()


def test_the_codec_never_imports_torch_and_never_unpickles():
    loaded, _ = heavy_imports("import numpy as np\nfrom pruneedu import wire\n"
                              "wire.round_trip([np.ones(3), {'a': (1,)}])\n")
    assert loaded == []
    source = (Path(wire.__file__)).read_text()
    assert "pickle" not in source.replace("no pickle", "").replace("without pickle", "")
