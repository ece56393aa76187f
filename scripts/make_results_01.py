"""Magnitude vs random pruning on three trained LeNet-300-100s, for notebook 01-introduction.

The notebook compares pruning methods over several seeds, and training two more models is too
slow for a notebook that must run in seconds. This script does the slow part once and writes
``notebooks/results/01-introduction.json``, which the notebook reads and plots.

Seed 0 is the model the course ships (``models.pretrained``, trained by
``scripts/make_pretrained.py`` with seed 0); seeds 1 and 2 are trained here with the same
recipe. Each model is then pruned, without any retraining, at every amount in ``AMOUNTS`` by:

* ``magnitude-global``: the smallest weights of all layers together (one threshold);
* ``magnitude-layer``: the same share of each layer, smallest weights first;
* ``random``: weights chosen at random (torch seeded with the model's seed): the baseline any
  scoring rule must beat.

Validation accuracy (500 images) is what the notebook chooses with; test accuracy (1,000
images) is read once, at the chosen amount. ``tests/test_notebook_01_facts.py`` recomputes the
seed-0 rows and fails if the shipped file no longer matches what this code produces.

    .venv/bin/python scripts/make_results_01.py     # 1-3 minutes on 2 shared cores
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

from pruneedu import data, models, paths, pruning, training

SEEDS = (0, 1, 2)
AMOUNTS = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98)
METHODS = {
    "magnitude-global": {"method": "magnitude", "scope": "global"},
    "magnitude-layer": {"method": "magnitude", "scope": "layer"},
    "random": {"method": "random", "scope": "global"},
}
NAME = "lenet-300-100"
RESULTS = paths.notebooks_dir() / "results" / "01-introduction.json"
FORMAT_VERSION = 1


def trained_model(seed: int, mnist: data.MNIST) -> nn.Module:
    """The shipped model for seed 0; otherwise a fresh one trained with the shipped recipe."""
    if seed == 0:
        return models.pretrained(NAME)
    recipe = runpy.run_path(str(Path(__file__).with_name("make_pretrained.py")))["RECIPES"][NAME]
    net = models.lenet_300_100(seed=seed)
    training.fit(net, mnist.train, seed=seed, progress=False, **recipe)
    return net


def accuracies(net: nn.Module, mnist: data.MNIST) -> dict[str, float]:
    return {"val": training.evaluate(net, mnist.val).accuracy,
            "test": training.evaluate(net, mnist.test).accuracy}


def pruned_rows(net: nn.Module, seed: int, mnist: data.MNIST,
                amounts: tuple[float, ...] = AMOUNTS) -> list[dict]:
    """One row per (method, amount) for this trained model: its seed, and both accuracies."""
    rows = []
    for method, options in METHODS.items():
        for amount in amounts:
            torch.manual_seed(seed)  # only the random method draws; each row on its own
            pruned = pruning.prune_weights(pruning.copy_model(net), amount, **options)
            rows.append({"seed": seed, "method": method, "amount": amount,
                         **accuracies(pruned, mnist)})
    return rows


def results(seeds: tuple[int, ...] = SEEDS) -> dict:
    """Everything the notebook reads, as a JSON-ready dict."""
    mnist = data.load_mnist()
    dense, rows = [], []
    for seed in tqdm(seeds, desc="models", unit="seed"):
        net = trained_model(seed, mnist)
        dense.append({"seed": seed, **accuracies(net, mnist)})
        rows += pruned_rows(net, seed, mnist)
    return {
        "format_version": FORMAT_VERSION,
        "made_by": "scripts/make_results_01.py",
        "model": NAME,
        "retraining": "none: each model pruned once, straight from training",
        "split_sizes": {"train": len(mnist.train), "val": len(mnist.val),
                        "test": len(mnist.test)},
        "seeds": list(seeds),
        "amounts": list(AMOUNTS),
        "methods": list(METHODS),
        "dense": dense,
        "pruned": rows,
    }


def main() -> int:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    found = results()
    RESULTS.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    for row in found["dense"]:
        print(f"seed {row['seed']}: dense val {row['val']:.1%}, test {row['test']:.1%}")
    print(f"wrote {len(found['pruned'])} pruned rows to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
