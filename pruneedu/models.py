"""The two MNIST networks of Han et al. 2015, "Learning both Weights and Connections".

Both are ``nn.Sequential`` with named layers, so ``net.fc1`` works and pruning code can walk
the layers in order. Taught in notebook 01-introduction (LeNet-300-100) and 02-weight-vs-node
(LeNet-5's channels). ``pretrained`` returns them already trained on the bundled digits, from
weight files made by ``scripts/make_pretrained.py``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from pruneedu.argcheck import check_int


def lenet_300_100(seed: int | None = None) -> nn.Sequential:
    """LeNet-300-100: a 784-300-100-10 perceptron with 266,610 parameters.

    Args:
        seed: if given, the initial weights are drawn from ``torch.manual_seed(seed)``.

    Example:
        >>> net = lenet_300_100(seed=0)
        >>> sum(p.numel() for p in net.parameters())
        266610
    """
    _seed(seed)
    return nn.Sequential(
        OrderedDict(
            [
                ("flatten", nn.Flatten()),
                ("fc1", nn.Linear(28 * 28, 300)),
                ("relu1", nn.ReLU()),
                ("fc2", nn.Linear(300, 100)),
                ("relu2", nn.ReLU()),
                ("fc3", nn.Linear(100, 10)),
            ]
        )
    )


def lenet5(seed: int | None = None) -> nn.Sequential:
    """LeNet-5 as in Han et al. (Caffe's variant): 431,080 parameters.

    Two 5x5 convolutions (20 and 50 channels), each followed by 2x2 max pooling, then a
    800-500-10 classifier.

    Example:
        >>> net = lenet5(seed=0)
        >>> sum(p.numel() for p in net.parameters())
        431080
    """
    _seed(seed)
    return nn.Sequential(
        OrderedDict(
            [
                ("conv1", nn.Conv2d(1, 20, kernel_size=5)),
                ("relu1", nn.ReLU()),
                ("pool1", nn.MaxPool2d(2)),
                ("conv2", nn.Conv2d(20, 50, kernel_size=5)),
                ("relu2", nn.ReLU()),
                ("pool2", nn.MaxPool2d(2)),
                ("flatten", nn.Flatten()),
                ("fc1", nn.Linear(50 * 4 * 4, 500)),
                ("relu3", nn.ReLU()),
                ("fc2", nn.Linear(500, 10)),
            ]
        )
    )


def _seed(seed: int | None) -> None:
    if seed is not None:
        torch.manual_seed(check_int(seed, "seed", example="0 (or None)"))


def check_model(net: object, function: str) -> None:
    """Raise TypeError unless ``net`` is a torch module; ``function`` names the caller.

    Example:
        >>> check_model("lenet", "prune_weights")
        Traceback (most recent call last):
        TypeError: prune_weights() needs a torch.nn.Module such as models.lenet_300_100(), not str.
    """
    if not isinstance(net, nn.Module):
        raise TypeError(
            f"{function}() needs a torch.nn.Module such as models.lenet_300_100(), "
            f"not {type(net).__name__}."
        )


WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
PRETRAINED: dict[str, Callable[..., nn.Sequential]] = {
    "lenet-300-100": lenet_300_100,
    "lenet-5": lenet5,
}


def pretrained(name: str) -> nn.Sequential:
    """A trained copy of one of the course's networks, loaded from the weights we ship.

    Each call returns a new, independent model (prune it freely), in eval mode, and leaves
    torch's random state untouched. The weights come from ``scripts/make_pretrained.py``:
    trained with ``training.fit`` on the bundled digits' training split.

    Args:
        name: ``"lenet-300-100"`` or ``"lenet-5"``.

    Raises:
        ValueError: unknown ``name``.

    Example:
        >>> net = pretrained("lenet-300-100")
        >>> sum(p.numel() for p in net.parameters())
        266610
    """
    if not isinstance(name, str) or name not in PRETRAINED:
        valid = ", ".join(repr(known) for known in PRETRAINED)
        raise ValueError(f"Unknown pretrained model {name!r}; choose one of {valid}.")
    path = WEIGHTS_DIR / f"{name}.pt"
    if not path.is_file():
        raise FileNotFoundError(
            f"The weight file {path} is missing; rebuild it with "
            "`python scripts/make_pretrained.py`."
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    # Built on the meta device: no random initialisation to pay for or to disturb the
    # global seed; assign=True then adopts the freshly loaded tensors as the parameters.
    with torch.device("meta"):
        net = PRETRAINED[name]()
    net.load_state_dict(state, assign=True)
    return net.eval()
