def cubic_schedule(amount: float, rounds: int, initial_amount: float = 0.0) -> list[float]:
    """Return the amount (target sparsity) to reach in each round of gradual pruning.

    Zhu and Gupta's cubic schedule: in round ``t = 1, 2, ..., rounds`` the target is
    ``amount + (initial_amount - amount) * (1 - t / rounds) ** 3``. It prunes fast in the
    first rounds and slowly near the end, and the last round reaches ``amount`` exactly.

    Args:
        amount: the final sparsity, such as 0.9.
        rounds: how many pruning rounds.
        initial_amount: the sparsity before the first round.

    Returns:
        A list of ``rounds`` floats.
    """
    return [amount + (initial_amount - amount) * (1 - t / rounds) ** 3
            for t in range(1, rounds + 1)]
