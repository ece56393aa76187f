"""What exercise checkers share: showing values short, and comparing outputs in words.

Checkers run in the grader's process (no torch), on outputs decoded by :mod:`pruneedu.wire`:
numpy arrays, numbers, lists, dicts, :class:`~pruneedu.wire.ModuleDescription`. Each
``expect_*`` function returns ``None`` when the output is right, else a
:class:`~pruneedu.exercises.definition.Mismatch` saying what was expected and what came back,
so a learner reads both.

Example:
    >>> import numpy as np
    >>> expect_equal_arrays(np.array([True, False]), np.array([True, True]), "mask")
    Mismatch(expected='mask [ True  True]', got='[ True False]')
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from pruneedu.exercises.definition import Mismatch
from pruneedu.wire import ModelSpec, ModuleDescription

MAX_SHOWN_ELEMENTS = 24
MAX_SHOWN_CHARS = 240


def show(value: Any) -> str:
    """A short, readable text for a test input or an output.

    Example:
        >>> show(np.zeros((300, 784), dtype=np.float32))
        'a float32 array of shape (300, 784)'
        >>> show([0.5, np.array([1.0, -2.0])])
        '[0.5, [ 1. -2.]]'
    """
    text = _show(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= MAX_SHOWN_ELEMENTS:
            return np.array2string(value, precision=4, suppress_small=True,
                                   max_line_width=10**6).replace("\n", "")
        return f"a {value.dtype} array of shape {tuple(value.shape)}"
    if isinstance(value, ModelSpec):
        return _network_text(value.constructor, value.state)
    if isinstance(value, ModuleDescription):
        return _network_text(value.class_name, value.tensors())
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_show(item) for item in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _network_text(name: str, state: dict) -> str:
    names = {"lenet_300_100": "a LeNet-300-100", "lenet5": "a LeNet-5"}
    shapes = ", ".join(f"{key} {tuple(np.shape(array))}" for key, array in state.items()
                       if key.endswith("weight") or key.endswith("weight_orig"))
    return f"{names.get(name, 'a ' + name)} network ({shapes})"


def describe_input(names: tuple[str, ...], args: tuple) -> str:
    """``name = value`` for each argument of a test (positions when names are unknown).

    Example:
        >>> describe_input(("weights", "amount"), (np.array([1.0, -2.0]), 0.5))
        'weights = [ 1. -2.], amount = 0.5'
    """
    labels = list(names) + [f"argument {i + 1}" for i in range(len(names), len(args))]
    return ", ".join(f"{label} = {show(value)}" for label, value in zip(labels, args, strict=False))


def as_array(output: Any, what: str) -> np.ndarray | Mismatch:
    """The output as a numpy array, or a Mismatch when it is not array-like."""
    if isinstance(output, np.ndarray):
        return output
    if isinstance(output, (list, tuple, int, float, bool)):
        try:
            return np.asarray(output)
        except ValueError:
            pass
    return Mismatch(f"{what} as a tensor or array", f"a {type(output).__name__}: {show(output)}")


def expect_shape(output: Any, shape: tuple[int, ...], what: str) -> np.ndarray | Mismatch:
    """The output as an array of ``shape``, or a Mismatch."""
    array = as_array(output, what)
    if isinstance(array, Mismatch):
        return array
    if tuple(array.shape) != tuple(shape):
        return Mismatch(f"{what} of shape {tuple(shape)}", f"shape {tuple(array.shape)}")
    return array


def expect_equal_arrays(output: Any, expected: np.ndarray, what: str) -> Mismatch | None:
    """Exactly equal values (booleans compared as booleans), same shape."""
    array = expect_shape(output, expected.shape, what)
    if isinstance(array, Mismatch):
        return array
    if expected.dtype == bool:
        if not np.isin(array, (0, 1)).all():
            return Mismatch(f"{what} holding only True/False", show(array))
        array = array.astype(bool)
    if not np.array_equal(array, expected):
        return Mismatch(f"{what} {show(expected)}", show(array))
    return None


def expect_close(output: Any, expected: np.ndarray, what: str, atol: float = 1e-5,
                 rtol: float = 1e-4) -> Mismatch | None:
    """Values within tolerance of ``expected``, same shape; names the first entry that is not."""
    array = expect_shape(output, np.shape(expected), what)
    if isinstance(array, Mismatch):
        return array
    try:
        close = np.isclose(array.astype(np.float64), np.asarray(expected, dtype=np.float64),
                           atol=atol, rtol=rtol)
    except (TypeError, ValueError):
        return Mismatch(f"{what} of numbers", show(array))
    if close.all():
        return None
    if np.ndim(expected) == 0 or np.size(expected) <= MAX_SHOWN_ELEMENTS:
        return Mismatch(f"{what} {show(np.asarray(expected))}", show(array))
    where = tuple(int(i) for i in np.argwhere(~close)[0])
    return Mismatch(f"{what}[{', '.join(map(str, where))}] = {np.asarray(expected)[where]:.6g}",
                    f"{array[where]:.6g} there ({int((~close).sum())} entries differ)")


def expect_number(output: Any, expected: float, what: str, tolerance: float = 0.0
                  ) -> Mismatch | None:
    """A single number within ``tolerance`` of ``expected`` (exact when 0)."""
    if isinstance(output, np.ndarray) and output.size == 1:
        output = output.item()
    if isinstance(output, bool) or not isinstance(output, (int, float)):
        return Mismatch(f"{what} as a number, {_number(expected)}",
                        f"a {type(output).__name__}: {show(output)}")
    if math.isnan(output) or abs(output - expected) > tolerance:
        return Mismatch(f"{what} {_number(expected)}", _number(output))
    return None


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if isinstance(value, int) else f"{value:g}"
    return f"{value:.6g}" if isinstance(value, float) else str(value)
