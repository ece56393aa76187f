"""Public tests of amounts_for_budget: check("amounts-for-budget", amounts_for_budget)."""

from pruneedu.exercises import Mismatch, TestCase
from pruneedu.exercises.compare import show


def expected_amounts(sizes, amounts, accuracy, floor, budget):
    chosen = {layer: max([a for a, s in zip(amounts, scores) if s >= floor], default=0.0)
              for layer, scores in accuracy.items()}
    remaining = sum(sizes[layer] - round(a * sizes[layer]) for layer, a in chosen.items())
    return chosen if remaining <= budget else None


def check_amounts(args: tuple, output) -> Mismatch | None:
    expected = expected_amounts(*args)
    if expected is None:
        return None if output is None else Mismatch(
            "None: even the largest tolerated amounts leave more weights than the budget",
            show(output))
    if not isinstance(output, dict) or set(output) != set(expected):
        return Mismatch(f"a dict with an amount for each layer: {show(expected)}", show(output))
    for layer, amount in expected.items():
        value = output[layer]
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or abs(value - amount) > 1e-9:
            return Mismatch(f"{show(expected)}", f"{show(output)} ({layer} differs)")
    return None


SIZES = {"fc1": 235200, "fc2": 30000, "fc3": 1000}
AMOUNTS = [0.5, 0.8, 0.9, 0.95]
SCAN = {"fc1": [0.95, 0.95, 0.94, 0.93], "fc2": [0.95, 0.94, 0.92, 0.88],
        "fc3": [0.93, 0.85, 0.70, 0.55]}

CASES = [
    TestCase("each-layer-its-own-amount", (SIZES, AMOUNTS, SCAN, 0.93, 40000), check_amounts,
             "choose per layer: fc1 tolerates 0.95, fc2 only 0.8 and fc3 0.5 at floor 0.93."),
    TestCase("accuracy-at-the-floor-counts", (SIZES, AMOUNTS, SCAN, 0.94, 60000), check_amounts,
             "'at least floor' includes equal: use >=."),
    TestCase("no-amount-is-tolerated", (SIZES, AMOUNTS, SCAN, 0.945, 150000), check_amounts,
             "fc3 stays below 0.945 at every amount: give it 0.0 (not pruned)."),
    TestCase("budget-out-of-reach", (SIZES, AMOUNTS, SCAN, 0.93, 15000), check_amounts,
             "count the weights LEFT: sizes[layer] - round(amount * sizes[layer]); above the "
             "budget, return None."),
]
