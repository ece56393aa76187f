def amounts_for_budget(sizes: dict[str, int], amounts: list[float],
                       accuracy: dict[str, list[float]], floor: float,
                       budget: int) -> dict[str, float] | None:
    """Choose an amount for each layer from a sensitivity scan, to fit a size budget.

    ``accuracy[layer][i]`` is the model's accuracy when ONLY ``layer`` is pruned to
    ``amounts[i]``. Give each layer the largest amount whose accuracy is at least ``floor``
    (0.0 when no amount is). Then count the weights that remain:
    ``sizes[layer] - round(amount * sizes[layer])`` summed over the layers. If that is more
    than ``budget``, the scan cannot meet the budget at this floor: return None.

    Args:
        sizes: weights per layer, such as ``{"fc1": 235200, "fc2": 30000, "fc3": 1000}``.
        amounts: the amounts the scan tried (not necessarily sorted).
        accuracy: per layer, the accuracy at each amount, in the order of ``amounts``.
        floor: the accuracy each layer must keep.
        budget: the most weights that may remain.

    Returns:
        ``{layer: amount}`` for every layer, or None.
    """
    chosen = {}
    for layer, scores in accuracy.items():
        tolerated = [amount for amount, score in zip(amounts, scores) if score >= floor]
        chosen[layer] = max(tolerated, default=0.0)
    remaining = sum(sizes[layer] - round(amount * sizes[layer])
                    for layer, amount in chosen.items())
    return chosen if remaining <= budget else None
