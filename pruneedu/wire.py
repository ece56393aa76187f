"""How values cross a process boundary: the grader and its sandbox, or a learner's ``check()``.

A value is encoded to plain JSON data; no pickle anywhere, so decoding never runs code. The
side that decodes what a learner's code produced treats it as hostile: :func:`parse` and
:func:`decode` refuse anything past the caps in :class:`Limits` (bytes, nesting depth, item
count, array elements, string length) before allocating for it, and refuse NaN and infinity
unless ``Limits.allow_nonfinite`` and strings unless ``Limits.allow_strings``.
:func:`check_returns` then says whether a decoded value is of the kind an exercise declares
(``returns:`` in its ``exercise.yaml``, see :data:`RETURN_KINDS`), before any checker sees it.

The format (``FORMAT_VERSION`` 2). JSON ``null``, booleans, numbers, strings and arrays (Python
lists) stand for themselves; anything else is an object with exactly one tag key:

- ``{"$tuple": [...]}`` a tuple; ``{"$dict": [[key, value], ...]}`` a dict (keys str or int);
- ``{"$array": {"dtype": "<f4", "shape": [2, 3], "data": base64}}`` an array or tensor: its
  little-endian bytes in C order, dtype one of :data:`ARRAY_DTYPES`; it decodes to numpy;
- ``{"$model": {"constructor": "lenet_300_100", "state": {"$dict": ...}}}`` a
  :class:`ModelSpec`: a network the grader hands in, rebuilt in the sandbox by a constructor of
  :mod:`pruneedu.models` named in :data:`MODEL_CONSTRUCTORS` and loaded with ``state``;
- ``{"$module": {"class": "Sequential", "layers": [...], "state": {"$dict": ...}}}`` a
  :class:`ModuleDescription`: what an ``nn.Module`` returned by the learner's code becomes (class
  name, per-layer type and shapes, state dict as numpy arrays), checkable without torch.

This module never imports torch: tensors and modules are recognised through ``sys.modules``,
and :func:`to_runtime` (which turns inputs into tensors and modules in the process that runs
the learner's function) imports it only when asked to.

Example:
    >>> import numpy as np
    >>> back = round_trip({"mask": np.array([True, False]), "sizes": (300, 100)})
    >>> back["mask"].tolist(), back["sizes"]
    ([True, False], (300, 100))
"""

from __future__ import annotations

import base64
import json
import math
import sys
from dataclasses import dataclass, field
from typing import Any

FORMAT_VERSION = 2
ARRAY_DTYPES = ("|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8",
                "<f2", "<f4", "<f8", "<c8", "<c16")
MODEL_CONSTRUCTORS = ("lenet_300_100", "lenet5")
_TAGS = ("$tuple", "$dict", "$array", "$model", "$module")


class WireError(ValueError):
    """A value that cannot cross, or data that breaks the format or a cap."""


@dataclass(frozen=True)
class Limits:
    """Caps on what one decoded value may hold; a hostile reply fails, never the decoder."""

    max_bytes: int = 16 * 2**20  # JSON text of one message
    max_depth: int = 32
    max_items: int = 100_000  # containers, scalars and arrays together
    max_array_elements: int = 8 * 2**20  # summed over all arrays of one value
    max_string: int = 10_000  # characters of one string
    allow_nonfinite: bool = False  # NaN and +-infinity
    # Strings as values. Names (dict keys, a module's class, layer and state names) are always
    # allowed, up to MAX_NAME characters when strings are not.
    allow_strings: bool = True


MAX_NAME = 200


TRUSTED = Limits(max_bytes=2**31, max_depth=64, max_items=10**7, max_array_elements=2**31,
                 max_string=10**7, allow_nonfinite=True)


@dataclass(frozen=True)
class ModelSpec:
    """A network handed INTO a learner's function, described without torch: the name of a
    constructor in :mod:`pruneedu.models` and the state dict (numpy arrays) to load.

    Shapes in ``state`` may differ from the constructor's (a model after removing neurons):
    layers take the shapes of the arrays. Masks of ``torch.nn.utils.prune`` travel as
    ``<name>_orig`` and ``<name>_mask`` entries and come back as pruning masks.

    Example:
        >>> ModelSpec("lenet_300_100", {}).constructor
        'lenet_300_100'
    """

    constructor: str
    state: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LayerDescription:
    """One submodule: its dotted name, type name and the shapes of its own tensors."""

    name: str
    type: str
    shapes: dict


@dataclass(frozen=True)
class ModuleDescription:
    """What an ``nn.Module`` returned by a learner's function becomes on the other side.

    Example:
        >>> description = ModuleDescription("Sequential", [], {})
        >>> description.parameter_count()
        0
    """

    class_name: str
    layers: list
    state: dict

    def layer(self, name: str) -> LayerDescription:
        """The layer called ``name`` (``"fc1"``); KeyError when there is none."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    def tensors(self) -> dict:
        """The state as the network computes with it: ``<name>_orig`` times ``<name>_mask``
        becomes ``<name>``; masks themselves are left out."""
        result = {}
        for name, array in self.state.items():
            if name.endswith("_mask") and name[:-5] + "_orig" in self.state:
                continue
            if name.endswith("_orig") and name[:-5] + "_mask" in self.state:
                mask = self.state[name[:-5] + "_mask"]
                if mask.shape != array.shape:  # never broadcast: (N,1) * (1,N) is N*N
                    raise WireError(f"{name} and its mask differ in shape.")
                result[name[:-5]] = array * mask
            else:
                result[name] = array
        return result

    def parameter_count(self, nonzero_only: bool = False) -> int:
        """Entries of :meth:`tensors`, optionally only the nonzero ones."""
        arrays = self.tensors().values()
        if nonzero_only:
            return sum(int((array != 0).sum()) for array in arrays)
        return sum(int(array.size) for array in arrays)


# --- encoding ------------------------------------------------------------------------------

def encode(value: Any) -> Any:
    """Turn ``value`` into plain JSON data; WireError for anything that cannot travel.

    Example:
        >>> encode((1, [2.5, None]))
        {'$tuple': [1, [2.5, None]]}
    """
    return _encode(value, 0)


def _encode(value: Any, depth: int) -> Any:
    if depth > TRUSTED.max_depth:
        raise WireError("the value is nested too deeply to be checked; return flatter data.")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(item, depth + 1) for item in value]
    if isinstance(value, tuple):
        return {"$tuple": [_encode(item, depth + 1) for item in value]}
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise WireError(f"a dict key of type {type(key).__name__} cannot be checked; "
                                "use str or int keys.")
            pairs.append([key, _encode(item, depth + 1)])
        return {"$dict": pairs}
    if isinstance(value, ModelSpec):
        return {"$model": {"constructor": value.constructor, "state": encode(dict(value.state))}}
    if isinstance(value, ModuleDescription):
        layers = [{"name": layer.name, "type": layer.type, "shapes": encode(layer.shapes)}
                  for layer in value.layers]
        return {"$module": {"class": value.class_name, "layers": layers,
                            "state": encode(dict(value.state))}}
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.nn.Module):
        return _encode(describe_module(value), depth)
    if torch is not None and isinstance(value, torch.Tensor):
        if value.dtype == torch.bfloat16:
            raise WireError("a bfloat16 tensor cannot be checked; convert it with .float().")
        value = value.detach().cpu().resolve_conj().resolve_neg().numpy()
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        return _encode(value.item(), depth)
    if numpy is not None and isinstance(value, numpy.ndarray):
        return _encode_array(value, numpy)
    raise WireError(f"a value of type {type(value).__name__} cannot be checked; return a "
                    "tensor, an array, a number, a string, a list, a tuple, a dict or a module.")


def _encode_array(array: Any, numpy: Any) -> dict:
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    if dtype.str not in ARRAY_DTYPES:
        raise WireError(f"an array of dtype {array.dtype} cannot be checked; return booleans "
                        "or numbers.")
    data = numpy.ascontiguousarray(array, dtype=dtype).tobytes()
    return {"$array": {"dtype": dtype.str, "shape": list(array.shape),
                       "data": base64.b64encode(data).decode("ascii")}}


def describe_module(module: Any) -> ModuleDescription:
    """A torch ``nn.Module`` as a :class:`ModuleDescription` (call it where torch is loaded).

    Example:
        >>> from pruneedu import models
        >>> describe_module(models.lenet_300_100(seed=0)).layer("fc1").shapes["weight"]
        (300, 784)
    """
    layers = []
    for name, sub in module.named_modules():
        own = list(sub.named_parameters(recurse=False)) + list(sub.named_buffers(recurse=False))
        layers.append(LayerDescription(name, type(sub).__name__,
                                       {key: tuple(tensor.shape) for key, tensor in own}))
    state = {name: tensor.detach().cpu().numpy()
             for name, tensor in module.state_dict(keep_vars=False).items()}
    return ModuleDescription(type(module).__name__, layers, state)


def dumps(value: Any) -> str:
    """JSON text of ``encode(value)``: what actually crosses the boundary."""
    return json.dumps(encode(value), separators=(",", ":"))


# --- decoding ------------------------------------------------------------------------------

def parse(text: bytes | str, limits: Limits = Limits()) -> Any:
    """Parse one JSON message within ``limits`` (bytes, brackets, depth); WireError otherwise.

    Counting brackets and commas in the raw text bounds what ``json.loads`` may build before it
    builds anything (strings containing them make the count only more cautious).
    """
    raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    if len(raw) > limits.max_bytes:
        raise WireError(f"the message is larger than {limits.max_bytes} bytes.")
    if raw.count(b"[") + raw.count(b"{") > limits.max_items or raw.count(b",") > limits.max_items:
        raise WireError(f"the message holds more than {limits.max_items} items.")
    try:
        return json.loads(raw, parse_constant=float)
    except RecursionError:
        raise WireError("the message is nested too deeply.") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise WireError(f"the message is not valid JSON ({type(error).__name__}).") from None


def decode(data: Any, limits: Limits = Limits()) -> Any:
    """Rebuild a value from :func:`encode`'s data, within ``limits``; WireError otherwise.

    Arrays come back as numpy arrays, modules as :class:`ModuleDescription`.

    Example:
        >>> decode({"$tuple": [1, float("nan")]})
        Traceback (most recent call last):
        ...
        pruneedu.wire.WireError: NaN or infinity is not an accepted result here.
    """
    try:
        return _Decoder(limits).value(data, 0)
    except WireError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as error:
        # Whatever numpy or Python refuse in hostile data is the data's fault, never a crash.
        raise WireError(f"the value cannot be rebuilt ({type(error).__name__}).") from None


def loads(text: bytes | str, limits: Limits = Limits()) -> Any:
    """:func:`parse` then :func:`decode`."""
    return decode(parse(text, limits), limits)


def round_trip(value: Any, limits: Limits = Limits()) -> Any:
    """What the other side receives for ``value``: learners' checks see what the grader sees."""
    return loads(dumps(value), limits)


class _Decoder:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.items = 0
        self.elements = 0

    def value(self, data: Any, depth: int) -> Any:
        limits = self.limits
        self.items += 1
        if self.items > limits.max_items:
            raise WireError(f"the value holds more than {limits.max_items} items.")
        if depth > limits.max_depth:
            raise WireError(f"the value is nested deeper than {limits.max_depth} levels.")
        if data is None or isinstance(data, (bool, int)):
            return data
        if isinstance(data, float):
            if not (limits.allow_nonfinite or math.isfinite(data)):
                raise WireError("NaN or infinity is not an accepted result here.")
            return data
        if isinstance(data, str):
            if not limits.allow_strings:
                raise WireError("a string is not an accepted result here.")
            if len(data) > limits.max_string:
                raise WireError(f"a string is longer than {limits.max_string} characters.")
            return data
        if isinstance(data, list):
            return [self.value(item, depth + 1) for item in data]
        if not isinstance(data, dict) or len(data) != 1 or next(iter(data)) not in _TAGS:
            raise WireError("the data is not in the wire format (an untagged object).")
        tag, body = next(iter(data.items()))
        if tag == "$tuple":
            return tuple(self.value(item, depth + 1) for item in _expect(body, list, tag))
        if tag == "$dict":
            return self.mapping(body, depth)
        if tag == "$array":
            return self.array(body)
        if tag == "$model":
            body = _expect(body, dict, tag)
            constructor = body.get("constructor")
            if constructor not in MODEL_CONSTRUCTORS:
                raise WireError(f"unknown model constructor {str(constructor)[:40]!r}.")
            return ModelSpec(constructor, self.value(body.get("state"), depth + 1))
        return self.module(_expect(body, dict, tag), depth)

    def mapping(self, body: Any, depth: int) -> dict:
        result = {}
        for pair in _expect(body, list, "$dict"):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise WireError("a $dict entry must be a [key, value] pair.")
            key = pair[0]
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise WireError("a $dict key must be a string or an integer.")
            key = self.name(key) if isinstance(key, str) else self.value(key, depth + 1)
            result[key] = self.value(pair[1], depth + 1)
        return result

    def name(self, data: Any) -> Any:
        """A name (key, class, layer): a string even where strings are not accepted values."""
        if not isinstance(data, str):
            return data
        self.items += 1
        if self.items > self.limits.max_items:
            raise WireError(f"the value holds more than {self.limits.max_items} items.")
        limit = self.limits.max_string if self.limits.allow_strings else MAX_NAME
        if len(data) > limit:
            raise WireError(f"a name is longer than {limit} characters.")
        return data

    def array(self, body: Any) -> Any:
        body = _expect(body, dict, "$array")
        dtype, shape, data = body.get("dtype"), body.get("shape"), body.get("data")
        if dtype not in ARRAY_DTYPES:
            raise WireError(f"an array of dtype {str(dtype)[:20]!r} is not accepted; "
                            "return booleans or numbers.")
        if (not isinstance(shape, list) or len(shape) > 32
                or not all(type(n) is int and 0 <= n <= self.limits.max_array_elements
                           for n in shape)):
            raise WireError("an array shape must be a short list of non-negative integers.")
        count = math.prod(shape)
        self.elements += count
        if self.elements > self.limits.max_array_elements:
            raise WireError(f"the arrays hold more than {self.limits.max_array_elements} "
                            "elements in all.")
        import numpy as np

        itemsize = np.dtype(dtype).itemsize
        if not isinstance(data, str) or len(data) != 4 * math.ceil(count * itemsize / 3):
            raise WireError("an array's data does not match its shape and dtype.")
        try:
            raw = base64.b64decode(data, validate=True)
        except ValueError:
            raise WireError("an array's data is not valid base64.") from None
        if len(raw) != count * itemsize:
            raise WireError("an array's data does not match its shape and dtype.")
        array = np.frombuffer(bytearray(raw), dtype=np.dtype(dtype)).reshape(shape)
        if array.dtype.kind in "fc" and not self.limits.allow_nonfinite:
            if not np.isfinite(array).all():
                raise WireError("NaN or infinity is not an accepted result here.")
        return array

    def module(self, body: dict, depth: int) -> ModuleDescription:
        class_name = self.name(body.get("class"))
        layers_data = _expect(body.get("layers"), list, "$module layers")
        state = self.value(body.get("state"), depth + 1)
        if not isinstance(class_name, str) or not isinstance(state, dict):
            raise WireError("a $module needs a class name and a state dict.")
        layers = []
        for item in layers_data:
            item = _expect(item, dict, "$module layer")
            name, kind = self.name(item.get("name")), self.name(item.get("type"))
            shapes = self.value(item.get("shapes"), depth + 2)
            if not (isinstance(name, str) and isinstance(kind, str) and isinstance(shapes, dict)):
                raise WireError("a $module layer needs a name, a type and shapes.")
            layers.append(LayerDescription(name, kind, shapes))
        if not all(isinstance(key, str) and hasattr(array, "dtype")
                   for key, array in state.items()):
            raise WireError("a $module state maps names to arrays.")
        for key, array in state.items():
            mask = state.get(key[:-5] + "_mask") if key.endswith("_orig") else None
            if mask is not None and mask.shape != array.shape:
                raise WireError(f"{key[:60]} and its mask differ in shape.")
        return ModuleDescription(class_name, layers, state)


def _expect(body: Any, kind: type, tag: str) -> Any:
    if not isinstance(body, kind):
        raise WireError(f"{tag} must hold a {kind.__name__}.")
    return body


# --- what an exercise returns ------------------------------------------------------------

RETURN_KINDS = {
    "array": "an array or tensor of numbers or booleans",
    "number": "a number",
    "integer": "an integer",
    "boolean": "True or False",
    "string": "a string",
    "none": "None",
    "module": "a network (an nn.Module)",
    "data": "numbers, arrays, networks or None, alone or in lists, tuples and dicts, "
            "without strings",
    "any": "any value",
}
DEFAULT_RETURNS = "data"  # what an exercise that declares nothing may return
_INTEGER_RANGE = (-(2**63), 2**64 - 1)  # what numpy holds without an object array


def parse_returns(returns: str) -> tuple[tuple[str, str], ...]:
    """A ``returns:`` declaration as ``(container, kind)`` alternatives; ValueError when it
    names no known kind. Alternatives are separated by ``or``; each is a kind of
    :data:`RETURN_KINDS`, ``list of <kind>`` (a list or tuple) or ``dict of <kind>``.

    Example:
        >>> parse_returns("dict of number or none")
        (('dict', 'number'), ('', 'none'))
    """
    alternatives = []
    for part in str(returns).split(" or "):
        words = part.split()
        if len(words) == 3 and words[0] in ("list", "dict") and words[1] == "of":
            container, kind = words[0], words[2]
        elif len(words) == 1:
            container, kind = "", words[0]
        else:
            container, kind = "", part
        if kind not in RETURN_KINDS:
            raise ValueError(f"returns: {str(returns)[:80]!r} is not a kind the grader knows; "
                             f"use one of {', '.join(RETURN_KINDS)}, 'list of <kind>', "
                             "'dict of <kind>', joined by 'or'.")
        alternatives.append((container, kind))
    return tuple(alternatives)


def returns_strings(returns: str) -> bool:
    """Whether a ``returns:`` declaration lets strings through (``string`` or ``any``)."""
    return any(kind in ("string", "any") for _, kind in parse_returns(returns))


def check_returns(value: Any, returns: str = DEFAULT_RETURNS) -> str:
    """Empty when a decoded ``value`` is of the declared kind, else one sentence saying what
    came back and what was expected. Run it before any checker: a checker that calls
    ``np.asarray`` on a list of strings or ragged lists can be made to allocate gigabytes.

    Example:
        >>> check_returns(["x", ""], "number")
        'the function returned a list holding strings; it should return a number.'
    """
    for container, kind in parse_returns(returns):
        if container == "list":
            fits = isinstance(value, (list, tuple)) and all(_is_kind(v, kind) for v in value)
        elif container == "dict":
            fits = isinstance(value, dict) and all(_is_kind(v, kind) for v in value.values())
        else:
            fits = _is_kind(value, kind)
        if fits:
            return ""
    wanted = " or ".join(
        (f"a {container} whose {'items' if container == 'list' else 'values'} are each "
         if container else "") + RETURN_KINDS[kind] for container, kind in parse_returns(returns))
    return f"the function returned {_described(value)}; it should return {wanted}."


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "any":
        return True
    if kind == "none":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return _fits_64_bits(value)
    if kind == "number":
        return type(value) is float or _fits_64_bits(value)
    if kind == "string":
        return isinstance(value, str)
    if kind == "module":
        return isinstance(value, ModuleDescription)
    if kind == "array":
        if _is_numeric_array(value):
            return True
        return isinstance(value, (list, tuple)) and _shape(value) is not None
    return _is_data(value)


def _is_numeric_array(value: Any) -> bool:
    numpy = sys.modules.get("numpy")
    return (numpy is not None and isinstance(value, numpy.ndarray)
            and value.dtype.kind in "biufc")


def _shape(value: Any) -> tuple | None:
    """The shape of a rectangular nested list of numbers and booleans, else None."""
    if isinstance(value, bool) or type(value) is float:
        return ()
    if type(value) is int:
        return () if _INTEGER_RANGE[0] <= value <= _INTEGER_RANGE[1] else None
    if not isinstance(value, (list, tuple)):
        return None
    inner = None
    for item in value:
        shape = _shape(item)
        if shape is None or (inner is not None and shape != inner):
            return None
        inner = shape
    return (len(value),) + (inner or ())


def _fits_64_bits(value: Any) -> bool:
    """An int a checker can hand to numpy: past 64 bits it fails here, before any checker."""
    return type(value) is int and _INTEGER_RANGE[0] <= value <= _INTEGER_RANGE[1]


def _is_data(value: Any) -> bool:
    if type(value) is int:
        return _fits_64_bits(value)
    if value is None or isinstance(value, (bool, float, ModuleDescription)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_data(item) for item in value)
    if isinstance(value, dict):
        return all(_is_data(item) for item in value.values())
    return _is_numeric_array(value)


def _described(value: Any) -> str:
    if isinstance(value, (list, tuple, dict)):
        items = value.values() if isinstance(value, dict) else value
        kind = type(value).__name__
        if any(isinstance(item, str) for item in items):
            return f"a {kind} holding strings"
        if isinstance(value, (list, tuple)) and not _is_data(value):
            return f"a {kind} holding other values"
        return f"a {kind}" if isinstance(value, dict) or _shape(value) is not None \
            else f"a {kind} whose rows differ in length"
    if _is_numeric_array(value):
        return f"an array of shape {tuple(value.shape)}"
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a float",
             type(None): "None", ModuleDescription: "a network"}
    return names.get(type(value), f"a {type(value).__name__}")


# --- the receiving side of the learner's function ------------------------------------------

def to_runtime(value: Any, array_type: str) -> Any:
    """Inputs as the learner's function expects them: arrays as tensors when ``array_type`` is
    ``"torch"``, a :class:`ModelSpec` as a real ``nn.Module``; everything else copied.

    Imports torch only when it is needed. Example:
        >>> import numpy as np
        >>> to_runtime((np.zeros(2), [1]), "numpy")[0].tolist()
        [0.0, 0.0]
    """
    numpy = sys.modules.get("numpy")
    if isinstance(value, ModelSpec):
        from pruneedu.wire_torch import build_model

        return build_model(value)
    if numpy is not None and isinstance(value, numpy.ndarray):
        if array_type == "torch":
            import torch

            return torch.from_numpy(value.copy())
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(to_runtime(item, array_type) for item in value)
    if isinstance(value, dict):
        return {key: to_runtime(item, array_type) for key, item in value.items()}
    return value
