"""Compute the one-shot vs iterative comparisons that notebook 03-challenges shows at once.

Each comparison prunes the shipped LeNet-300-100 to a sparsity and fine-tunes it with a budget
of epochs, three ways, for seeds 0, 1 and 2: one-shot (cut once, then the whole budget),
iterative (5 cubic rounds sharing the same budget) and random (cut once at random, then the
whole budget: the floor any method must beat). One-shot and iterative are computed by
``widgets.OneShotVsIterative.run``, so a learner who presses Run in the notebook gets the same
numbers; all of it follows ``benchmarks/bench_pruning.py`` (tables 1 and 1b). Accuracies are on
the test split; the settings were chosen on the validation split by that benchmark.

Too slow for the notebook (54 pruned and fine-tuned models, 2-3 minutes on 2 shared cores), so
it is shipped as ``notebooks/results/03-challenges.json``; ``tests/test_notebook_03_facts.py``
recomputes one cheap comparison and checks that it matches. Run from the repository root after
changing the model, the data, fine-tuning or pruning:

    .venv/bin/python scripts/make_results_03.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from tqdm import tqdm

from pruneedu import data, models, pruning, training
from pruneedu.widgets import OneShotVsIterative

RESULTS = Path(__file__).resolve().parent.parent / "notebooks" / "results" / "03-challenges.json"
AMOUNTS = (0.95, 0.98, 0.99)
BUDGETS = (1, 10)  # the extremes of the benchmark's table 1b; the widget runs 2 and 5 live
SEEDS = (0, 1, 2)
ROUNDS, LR = 5, 0.05  # as benchmarks/bench_pruning.py and the widget's defaults


def random_baseline(net: torch.nn.Module, mnist: data.MNIST, amount: float, budget: int,
                    seed: int) -> float:
    """Test accuracy after pruning ``amount`` of the weights at random, then the same budget."""
    model = pruning.copy_model(net)
    torch.manual_seed(seed)  # the random mask comes from torch's global generator
    pruning.prune_weights(model, amount, method="random")
    training.fine_tune(model, mnist.train, epochs=budget, lr=LR, seed=seed)
    return training.evaluate(model, mnist.test).accuracy


def compare(amount: float, budget: int, seeds: tuple[int, ...] = SEEDS) -> dict:
    """One entry of the results file: every method at ``amount`` and ``budget``, per seed.

    Example:
        >>> entry = compare(0.99, 1, seeds=(0,))  # doctest: +SKIP
        >>> sorted(entry)[:3]  # doctest: +SKIP
        ['amount', 'budget', 'iterative']
    """
    # One thread: on 2 shared cores it is several times faster than two, and the test that
    # recomputes an entry runs the same way, so both see the same floating-point sums.
    torch.set_num_threads(1)
    mnist = data.load_mnist()
    net = models.pretrained("lenet-300-100")
    view = OneShotVsIterative(net, mnist, amounts=[amount], budgets=[budget], rounds=ROUNDS,
                              seeds=seeds, lr=LR)
    result = view.run()
    return {
        "amount": amount,
        "budget": budget,
        "seeds": list(seeds),
        "untuned": view.untuned_accuracy[amount],
        "one_shot": list(result.one_shot),
        "iterative": list(result.iterative),
        "random": [random_baseline(net, mnist, amount, budget, seed) for seed in seeds],
        "schedule": [round(step, 6) for step in result.schedule],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    mnist = data.load_mnist()
    cells = [(amount, budget) for amount in AMOUNTS for budget in BUDGETS]
    entries = [compare(amount, budget) for amount, budget in tqdm(cells, desc="comparisons")]
    results = {
        "made_by": "scripts/make_results_03.py",
        "model": "lenet-300-100 (models.pretrained)",
        "reported_on": "test split",
        "dense_accuracy": training.evaluate(models.pretrained("lenet-300-100"),
                                            mnist.test).accuracy,
        "rounds": ROUNDS,
        "lr": LR,
        "comparisons": entries,
    }
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(entries)} comparisons to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
