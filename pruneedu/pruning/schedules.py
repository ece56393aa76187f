"""Sparsity schedules for iterative pruning: plain functions returning one target per round.

Taught in notebook 03-challenges. Both end exactly at ``final``.
"""

from __future__ import annotations

import numbers


def cubic_schedule(final: float, rounds: int, initial: float = 0.0) -> list[float]:
    """Zhu & Gupta (2017): s_t = s_f + (s_i - s_f)(1 - t/n)^3 for t = 1..n.

    Prunes fast in the first rounds, while many redundant weights remain, and slowly near
    the target, where each weight matters more.

    Example:
        >>> [round(s, 3) for s in cubic_schedule(0.9, rounds=3)]
        [0.633, 0.867, 0.9]
    """
    _check(final, rounds, initial)
    steps = [final + (initial - final) * (1 - t / rounds) ** 3 for t in range(1, rounds)]
    return steps + [float(final)]


def geometric_schedule(final: float, rounds: int, initial: float = 0.0) -> list[float]:
    """Remove the same fraction of the surviving weights in every round.

    This is the schedule of Han et al. (2015) and of the lottery-ticket experiments of
    Frankle & Carbin (2019), who removed 20% of the survivors per round. The per-round
    fraction here is whatever reaches ``final`` in exactly ``rounds`` rounds:
    ``1 - ((1 - final) / (1 - initial)) ** (1 / rounds)``.

    Example:
        >>> [round(s, 3) for s in geometric_schedule(0.75, rounds=2)]
        [0.5, 0.75]
    """
    _check(final, rounds, initial)
    kept = (1 - final) / (1 - initial)
    steps = [1 - (1 - initial) * kept ** (t / rounds) for t in range(1, rounds)]
    return steps + [float(final)]


def _check(final: float, rounds: int, initial: float) -> None:
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral):
        raise TypeError(f"rounds must be an int such as 5, not {type(rounds).__name__}.")
    if rounds < 1:
        raise ValueError(f"rounds={rounds} is too small; use at least 1 round.")
    for label, value in (("final", final), ("initial", initial)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{label} must be a sparsity such as 0.9, not {type(value).__name__}.")
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{label}={value} is not a sparsity in [0, 1); use e.g. 0.9.")
    if initial > final:
        raise ValueError(f"initial={initial} is above final={final}; sparsity can only grow.")
