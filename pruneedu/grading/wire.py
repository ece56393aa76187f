"""How test inputs and outputs cross the boundary between the grader and the sandbox.

Values travel as JSON. Arrays (numpy arrays, torch tensors) become
``{"__ndarray__": nested list, "dtype": "float32", "shape": [...]}`` and come back as numpy
arrays; numbers, strings, booleans, ``None``, lists and tuples pass through. Only arrays of
booleans and numbers cross (kinds ``biufc``, at most 16 bytes an element): the grader decodes
what the sandboxed process sends, and that process may be forging it. This module imports
numpy only when an array actually crosses, and never imports torch: a torch tensor is recognised
by its ``detach``/``numpy`` methods.

Example:
    >>> import numpy as np
    >>> decode(encode(np.array([1.0, 2.0], dtype="float32"))).tolist()
    [1.0, 2.0]
"""

from __future__ import annotations

from typing import Any

ARRAY_KEY = "__ndarray__"
ARRAY_KINDS = "biufc"  # bool, integers, floats, complex: what a checker compares


def encode(value: Any) -> Any:
    """Turn a value into plain JSON data; raise TypeError for anything that cannot travel."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        import numpy as np

        array = np.asarray(value)
        if array.ndim == 0:
            return array.item()
        return {ARRAY_KEY: array.tolist(), "dtype": str(array.dtype), "shape": list(array.shape)}
    raise TypeError(
        f"a value of type {type(value).__name__} cannot be checked; return a tensor, an array "
        "or a plain number instead."
    )


def decode(data: Any) -> Any:
    """Rebuild what :func:`encode` wrote: arrays come back as numpy arrays."""
    if isinstance(data, dict) and ARRAY_KEY in data:
        import numpy as np

        dtype = np.dtype(str(data["dtype"]))
        if dtype.kind not in ARRAY_KINDS or dtype.subdtype is not None or dtype.itemsize > 16:
            raise TypeError(f"an array of dtype {dtype} cannot be checked; return numbers.")
        array = np.array(data[ARRAY_KEY], dtype=dtype)
        return array.reshape(data["shape"])
    if isinstance(data, list):
        return [decode(item) for item in data]
    return data
