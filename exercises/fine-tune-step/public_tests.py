"""Public tests of fine_tune_step: check("fine-tune-step", fine_tune_step)."""

import numpy as np

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import expect_close, show
from pruneedu.exercises.fixtures import digit_batch, lenet_300_100
from pruneedu.wire import ModuleDescription

LAYERS = ("fc1", "fc2", "fc3")


def expected_step(state: dict, images: np.ndarray, labels: np.ndarray, lr: float) -> dict:
    """One SGD step on mean cross-entropy, with backpropagation written out in numpy (float32,
    as torch computes it)."""
    p = state
    x = images.reshape(len(images), -1)
    z1 = x @ p["fc1.weight"].T + p["fc1.bias"]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ p["fc2.weight"].T + p["fc2.bias"]
    h2 = np.maximum(z2, 0)
    z3 = h2 @ p["fc3.weight"].T + p["fc3.bias"]
    probabilities = np.exp(z3 - z3.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    d3 = probabilities.copy()
    d3[np.arange(len(labels)), labels] -= 1
    d3 /= len(labels)
    grads = {"fc3.weight": d3.T @ h2, "fc3.bias": d3.sum(0)}
    d2 = (d3 @ p["fc3.weight"]) * (z2 > 0)
    grads |= {"fc2.weight": d2.T @ h1, "fc2.bias": d2.sum(0)}
    d1 = (d2 @ p["fc2.weight"]) * (z1 > 0)
    grads |= {"fc1.weight": d1.T @ x, "fc1.bias": d1.sum(0)}
    after = {}
    for name, value in p.items():
        stepped = value - lr * grads[name]
        if name.endswith("weight"):
            stepped[state[name] == 0] = 0.0
        after[name] = stepped
    return after


def check_step(args: tuple, output) -> Mismatch | None:
    spec, images, labels, lr = args
    if not isinstance(output, ModuleDescription):
        return Mismatch("the network after the step (an nn.Module)", show(output))
    tensors = output.tensors()
    expected = expected_step(spec.state, images, labels, lr)
    for name in (f"{layer}.weight" for layer in LAYERS):
        if name not in tensors:
            return Mismatch(f"a network with the tensor {name}", f"tensors {sorted(tensors)}")
        was_pruned = spec.state[name] == 0
        back = int((np.asarray(tensors[name])[was_pruned] != 0).sum()) \
            if np.shape(tensors[name]) == was_pruned.shape else 0
        if back:
            return Mismatch(f"all {int(was_pruned.sum())} pruned weights of {name} still 0",
                            f"{back} of them nonzero after the step")
    for name, values in expected.items():
        problem = expect_close(tensors.get(name), values, name, atol=1e-5, rtol=1e-3)
        if problem is not None:
            return problem
    return None


def _case(seed: int, zero_fraction: float, count: int, lr: float) -> tuple:
    images, labels = digit_batch(seed, count)
    return (lenet_300_100(seed, zero_fraction), images, labels, lr)


CASES = [
    TestCase("pruned-weights-stay-zero", _case(1, 0.8, 8, 0.1), check_step,
             "read the masks (weight != 0) BEFORE the step, then multiply each weight by its "
             "mask after it; a gradient step alone brings pruned weights back."),
    TestCase("a-plain-step-when-nothing-is-pruned", _case(2, 0.0, 8, 0.05), check_step,
             "mean cross-entropy (nn.functional.cross_entropy), backward(), then "
             "p -= lr * p.grad under torch.no_grad()."),
    TestCase("every-layer-keeps-its-zeros", _case(3, 0.5, 4, 0.5), check_step,
             "fc2 and fc3 are pruned too: keep the zeros of every weight matrix."),
]
