"""Checks of ``amount`` (how much to prune) shared by the pruning functions and explorers.

An amount follows ``torch.nn.utils.prune``: a float is a fraction of the units in scope, an int
a count. The units are weights for weight pruning (where the amount is the target sparsity),
neurons for node pruning and channels for channel pruning; errors name them.
"""

from __future__ import annotations

from collections.abc import Iterable

from pruneedu.argcheck import is_int, is_number

# How each kind of unit reads in the error messages.
PRUNED = {"weights": "prune", "neurons": "remove", "channels": "remove"}


def check_amount(amount: object, total: int, unit: str = "weights", where: str = "") -> int:
    """Turn ``amount`` (float fraction in [0, 1) or int count) into a count out of ``total``.

    A float is rounded to the nearest count, as ``torch.nn.utils.prune`` does. ``unit`` is
    ``"weights"``, ``"neurons"`` or ``"channels"``; ``where`` names the layer, if any.

    Example:
        >>> check_amount(0.5, 300, "neurons", "fc1")
        150
        >>> check_amount(1.5, 300, "neurons", "fc1")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: amount=1.5 is not a fraction in [0, 1); ... remove 50% of the neurons of fc1.
    """
    of = f"the {unit} of {where}" if where else f"the {unit}"
    if not is_number(amount):
        raise TypeError(
            f"amount must be a float fraction such as 0.5 or an int count of {unit}, "
            f"not {type(amount).__name__}."
        )
    if is_int(amount):
        if not 0 <= amount <= total:
            raise ValueError(
                f"amount={amount} is not a valid count of {of}; use an int from 0 to {total}."
            )
        return int(amount)
    if not 0.0 <= float(amount) < 1.0:
        raise ValueError(
            f"amount={amount} is not a fraction in [0, 1); use for example 0.5 to "
            f"{PRUNED[unit]} 50% of {of}."
        )
    return round(float(amount) * total)


def check_amounts(values: object, argument: str, unit: str = "weights") -> tuple[float, ...]:
    """Turn a list of fractions (explorer stops, a schedule) into floats, or raise
    TypeError/ValueError saying how to fix it.

    Example:
        >>> check_amounts([0, 0.5], "amounts", "channels")
        (0.0, 0.5)
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(
            f"{argument} must be a list of fractions of {unit} such as [0.5, 0.9], "
            f"not {type(values).__name__}."
        )
    values = tuple(values)
    for value in values:
        if not is_number(value):
            raise TypeError(
                f"{argument} must hold fractions of {unit} such as 0.9, "
                f"not {type(value).__name__}."
            )
        if not 0.0 <= float(value) < 1.0:
            raise ValueError(
                f"{argument} holds {value}, not a fraction of {unit} in [0, 1); use fractions "
                f"below 1, such as 0.9 to {PRUNED[unit]} 90% of the {unit}."
            )
    return tuple(float(value) for value in values)
