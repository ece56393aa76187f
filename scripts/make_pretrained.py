"""Train the course's two networks on the bundled digits and save the weights we ship.

Run from the repository root:  python scripts/make_pretrained.py
Writes pruneedu/weights/lenet-300-100.pt and lenet-5.pt (float32 state_dicts) and prints
validation and test accuracy. Deterministic: two runs here wrote byte-identical files
(same torch version and thread count). On two shared CPU cores LeNet-300-100 takes a few
seconds and LeNet-5 20-60 s. Last run: test accuracy 0.947 (LeNet-300-100) and 0.979
(LeNet-5) on the 1,000 bundled test digits.
"""

from __future__ import annotations

import time

import torch

from pruneedu import data, models, training

# Settings chosen on the validation split (test accuracy was only read at the end).
RECIPES = {
    "lenet-300-100": {"epochs": 20, "lr": 0.05, "weight_decay": 0.0},
    "lenet-5": {"epochs": 15, "lr": 0.05, "weight_decay": 5e-4},
}


def main() -> None:
    mnist = data.load_mnist()
    models.WEIGHTS_DIR.mkdir(exist_ok=True)
    for name, recipe in RECIPES.items():
        net = models.PRETRAINED[name](seed=0)
        start = time.perf_counter()
        training.fit(net, mnist.train, seed=0, val=mnist.val, **recipe)
        seconds = time.perf_counter() - start
        state = {key: value.detach().clone() for key, value in net.state_dict().items()}
        path = models.WEIGHTS_DIR / f"{name}.pt"
        torch.save(state, path)
        val = training.evaluate(net, mnist.val).accuracy
        test = training.evaluate(net, mnist.test)
        print(
            f"{name}: {seconds:.0f} s, val accuracy {val:.3f}, test accuracy {test.accuracy:.3f} "
            f"(precision {test.precision:.3f}, recall {test.recall:.3f}), "
            f"{path.stat().st_size / 1e6:.2f} MB -> {path}"
        )


if __name__ == "__main__":
    main()
