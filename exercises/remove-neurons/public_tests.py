"""Public tests of remove_neurons: check("remove-neurons", remove_neurons)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_equal_arrays, show
from pruneedu.exercises.fixtures import lenet_300_100
from pruneedu.wire import ModuleDescription

FOLLOWING = {"fc1": "fc2", "fc2": "fc3"}


def expected_state(spec, layer: str, keep: list[int]) -> dict[str, np.ndarray]:
    state = {name: array.copy() for name, array in spec.state.items()}
    following = FOLLOWING[layer]
    state[f"{layer}.weight"] = state[f"{layer}.weight"][keep]
    state[f"{layer}.bias"] = state[f"{layer}.bias"][keep]
    state[f"{following}.weight"] = state[f"{following}.weight"][:, keep]
    return state


def check_model(args: tuple, output) -> Mismatch | None:
    spec, layer, keep = args
    if not isinstance(output, ModuleDescription):
        return Mismatch("a network (an nn.Module)", show(output))
    tensors = output.tensors()
    for name, expected in expected_state(spec, layer, keep).items():
        if name not in tensors:
            return Mismatch(f"a network with the tensor {name}", f"tensors {sorted(tensors)}")
        problem = expect_equal_arrays(tensors[name], expected, name)
        if problem is not None:
            if " of shape " not in problem.expected and expected.size > 24:
                return Mismatch(f"{name} equal to the original's kept rows/columns",
                                "other values (check which rows or columns you kept)")
            return problem
    return None


CASES = [
    TestCase("fc1-keeps-three", (lenet_300_100(seed=1), "fc1", [0, 5, 299]), check_model,
             "fc1 keeps rows 0, 5 and 299 of its weight and bias; fc2 must keep only the "
             "matching input COLUMNS: fc2.weight[:, keep]."),
    TestCase("fc2-keeps-every-other", (lenet_300_100(seed=2), "fc2", list(range(0, 100, 2))),
             check_model, "removing neurons of fc2 shrinks fc3's inputs (columns) to 50."),
    TestCase("biases-follow-their-neurons", (lenet_300_100(seed=3), "fc1", [1, 2, 3, 4]),
             check_model, "a neuron is its weight row AND its bias entry: keep both."),
    TestCase("keep-all-changes-nothing", (lenet_300_100(seed=4), "fc2", list(range(100))),
             check_model, "with every neuron kept the new model equals the old one."),
]
