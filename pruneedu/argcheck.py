"""Argument checks every module shares: one-sentence errors that say what to pass instead.

``True`` is an ``int`` to Python, so ``epochs=True`` or ``seed=False`` would slip through an
``isinstance(value, int)`` check and run with 1 or 0; every check here refuses booleans. No
torch here: the quiz and grading code use these too.
"""

from __future__ import annotations

import numbers
import reprlib
from collections.abc import Iterable


def is_int(value: object) -> bool:
    """Whether ``value`` is an integer and not a boolean.

    Example:
        >>> is_int(3), is_int(True), is_int(3.0)
        (True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """Whether ``value`` is a real number (int or float) and not a boolean.

    Example:
        >>> is_number(0.5), is_number(2), is_number(False), is_number("1")
        (True, True, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(value: object, label: str, minimum: int | None = None, example: str = "1") -> int:
    """Return ``value`` as an int, or raise TypeError/ValueError saying what to pass.

    Example:
        >>> check_int(3, "epochs", minimum=0)
        3
        >>> check_int(True, "epochs", example="10")
        Traceback (most recent call last):
        TypeError: epochs must be an int such as 10, not bool.
    """
    if not is_int(value):
        raise TypeError(f"{label} must be an int such as {example}, not {type(value).__name__}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{label}={value} is too small; use {minimum} or more.")
    return int(value)


def check_number(value: object, label: str, example: str = "0.5") -> float:
    """Return ``value`` as a float, or raise TypeError saying what to pass.

    Example:
        >>> check_number(1, "lr")
        1.0
    """
    if not is_number(value):
        raise TypeError(f"{label} must be a number such as {example}, not {type(value).__name__}.")
    return float(value)


def check_choice(value: object, label: str, valid: Iterable[str]) -> str:
    """Return ``value`` if it is one of the ``valid`` strings, else raise TypeError/ValueError.

    Example:
        >>> check_choice("global", "scope", ("global", "layer"))
        'global'
    """
    valid = tuple(valid)
    listed = ", ".join(repr(v) for v in valid)
    if not isinstance(value, str):
        raise TypeError(f"{label} must be a string, one of {listed}; got {value!r}.")
    if value not in valid:
        raise ValueError(f"Unknown {label} {value!r}; use one of {listed}.")
    return value


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 60


def short_repr(value: object) -> str:
    """``repr(value)`` cut to about 60 characters (long strings, lists and dicts shortened with
    ``...``): messages quote values from files a hostile author may have written.

    Example:
        >>> text = short_repr("x" * 10_000)
        >>> len(text), text[:5], text[-5:]
        (60, "'xxxx", "xxxx'")
        >>> short_repr(list(range(100)))
        '[0, 1, 2, 3, 4, 5, ...]'
    """
    return _SHORT.repr(value)
