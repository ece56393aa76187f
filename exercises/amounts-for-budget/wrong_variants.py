"""Mistakes learners make in amounts_for_budget (never released)."""

LESSON_TRAPS = {"one_amount_for_all", "never_gives_up", "strict_floor", "budget_of_pruned"}


def _largest(amounts, scores, floor, strict=False):
    return max([a for a, s in zip(amounts, scores) if (s > floor if strict else s >= floor)],
               default=0.0)


def _left(sizes, chosen):
    return sum(sizes[k] - round(a * sizes[k]) for k, a in chosen.items())


def one_amount_for_all(sizes, amounts, accuracy, floor, budget):
    """One amount for every layer: the largest that all of them tolerate."""
    common = min(_largest(amounts, s, floor) for s in accuracy.values())
    chosen = {layer: common for layer in accuracy}
    return chosen if _left(sizes, chosen) <= budget else None


def never_gives_up(sizes, amounts, accuracy, floor, budget):
    """Forgets the budget and always returns the amounts."""
    return {layer: _largest(amounts, s, floor) for layer, s in accuracy.items()}


def strict_floor(sizes, amounts, accuracy, floor, budget):
    """Needs accuracy strictly above the floor."""
    chosen = {layer: _largest(amounts, s, floor, strict=True) for layer, s in accuracy.items()}
    return chosen if _left(sizes, chosen) <= budget else None


def budget_of_pruned(sizes, amounts, accuracy, floor, budget):
    """Compares the number of PRUNED weights with the budget."""
    chosen = {layer: _largest(amounts, s, floor) for layer, s in accuracy.items()}
    pruned = sum(round(a * sizes[k]) for k, a in chosen.items())
    return chosen if pruned <= budget else None


def stops_at_first_drop(sizes, amounts, accuracy, floor, budget):
    """Walks the amounts in order and stops at the first that falls below the floor."""
    chosen = {}
    for layer, scores in accuracy.items():
        best = 0.0
        for amount, score in sorted(zip(amounts, scores)):
            if score < floor:
                break
            best = amount
        chosen[layer] = best
    return chosen if _left(sizes, chosen) <= budget else None
