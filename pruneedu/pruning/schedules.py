"""Schedules for iterative pruning: the amount (target sparsity) to reach in each round.

Taught in notebook 03-challenges. Both return a list of amounts, one per round, that ends
exactly at ``amount``.
"""

from __future__ import annotations

from pruneedu.argcheck import check_int, is_number


def cubic_schedule(amount: float, rounds: int, initial_amount: float = 0.0) -> list[float]:
    """Zhu & Gupta (2017): s_t = s_f + (s_i - s_f)(1 - t/n)^3 for t = 1..n.

    ``amount`` is the final sparsity s_f, ``initial_amount`` the sparsity s_i the model has
    before the first round. Prunes fast in the first rounds, while many redundant weights
    remain, and slowly near the target, where each weight matters more.

    Example:
        >>> [round(s, 3) for s in cubic_schedule(0.9, rounds=3)]
        [0.633, 0.867, 0.9]
    """
    _check(amount, rounds, initial_amount)
    steps = [amount + (initial_amount - amount) * (1 - t / rounds) ** 3 for t in range(1, rounds)]
    return steps + [float(amount)]


def geometric_schedule(amount: float, rounds: int, initial_amount: float = 0.0) -> list[float]:
    """Remove the same fraction of the surviving weights in every round.

    This is the schedule of Han et al. (2015) and of the lottery-ticket experiments of
    Frankle & Carbin (2019), who removed 20% of the survivors per round. The per-round
    fraction here is whatever reaches ``amount`` in exactly ``rounds`` rounds:
    ``1 - ((1 - amount) / (1 - initial_amount)) ** (1 / rounds)``.

    Example:
        >>> [round(s, 3) for s in geometric_schedule(0.75, rounds=2)]
        [0.5, 0.75]
    """
    _check(amount, rounds, initial_amount)
    kept = (1 - amount) / (1 - initial_amount)
    steps = [1 - (1 - initial_amount) * kept ** (t / rounds) for t in range(1, rounds)]
    return steps + [float(amount)]


def _check(amount: float, rounds: int, initial_amount: float) -> None:
    check_int(rounds, "rounds", minimum=1, example="5")
    for label, value in (("amount", amount), ("initial_amount", initial_amount)):
        if not is_number(value):
            raise TypeError(
                f"{label} must be a sparsity such as 0.9, not {type(value).__name__}."
            )
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{label}={value} is not a sparsity in [0, 1); use e.g. 0.9.")
    if initial_amount > amount:
        raise ValueError(
            f"initial_amount={initial_amount} is above amount={amount}; sparsity can only grow."
        )
