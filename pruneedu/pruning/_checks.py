"""Argument checks shared by the pruning functions: one-sentence errors that say what to do."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from torch import nn


def check_model(net: object, function: str) -> None:
    """Raise TypeError unless ``net`` is a torch module."""
    if not isinstance(net, nn.Module):
        raise TypeError(
            f"{function}() needs a torch.nn.Module such as models.lenet_300_100(), "
            f"not {type(net).__name__}."
        )


def check_choice(value: object, argument: str, valid: Iterable[str]) -> None:
    """Raise TypeError/ValueError unless ``value`` is one of the ``valid`` strings."""
    valid = tuple(valid)
    listed = ", ".join(repr(v) for v in valid)
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string, one of {listed}; got {value!r}.")
    if value not in valid:
        raise ValueError(f"Unknown {argument} {value!r}; use one of {listed}.")


def check_amount(amount: object, total: int, what: str = "weights") -> int:
    """Turn ``amount`` (float fraction in [0, 1) or int count) into a count out of ``total``.

    A float is rounded to the nearest count, as ``torch.nn.utils.prune`` does.
    """
    if isinstance(amount, bool) or not isinstance(amount, (numbers.Integral, numbers.Real)):
        raise TypeError(
            f"amount must be a float fraction such as 0.9 or an int count of {what}, "
            f"not {type(amount).__name__}."
        )
    if isinstance(amount, numbers.Integral):
        if not 0 <= amount <= total:
            raise ValueError(
                f"amount={amount} is not a valid count of {what}; use an int from 0 to {total}."
            )
        return int(amount)
    if not 0.0 <= float(amount) < 1.0:
        raise ValueError(
            f"amount={amount} is not a fraction in [0, 1); use for example 0.9 to prune 90% "
            f"of the {what}."
        )
    return round(float(amount) * total)


def check_sparsities(values: object, argument: str) -> tuple[float, ...]:
    """Turn a list of sparsities into floats, or raise TypeError/ValueError saying how to fix it."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(
            f"{argument} must be a list of sparsities such as [0.5, 0.9], "
            f"not {type(values).__name__}."
        )
    values = tuple(values)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{argument} must hold sparsities such as 0.9, not {type(value).__name__}."
            )
        if not 0.0 <= float(value) < 1.0:
            raise ValueError(
                f"{argument} holds {value}, not a sparsity in [0, 1); use fractions below 1, "
                "such as 0.9 for 90%."
            )
    return tuple(float(value) for value in values)
