"""Turning a learner's live function into a small module the grader can run on its own.

``inspect.getsource`` finds the text of a function defined in a Jupyter cell, but that text
alone would not run: it uses ``torch`` imported in the first cell, perhaps a helper function
from another cell or a constant. :func:`capture_source` follows the global names the function
uses and writes them down too: imports for modules (``import numpy as np``), the source of
helper functions and classes defined in the notebook, ``from ... import`` lines for library
functions, and ``NAME = value`` for plain constants. The result is what
:func:`pruneedu.exercises.hand_in` hands in; the grader reduces it again with
:func:`pruneedu.exercises.extract.extract_function`, exactly as it would a notebook export.

Example:
    >>> import math
    >>> def hypotenuse(a, b):
    ...     return math.sqrt(a * a + b * b)
    >>> source, missing = capture_source(hypotenuse, "hypotenuse")
    >>> print(source)
    import math
    <BLANKLINE>
    def hypotenuse(a, b):
        return math.sqrt(a * a + b * b)
    <BLANKLINE>
"""

from __future__ import annotations

import ast
import builtins
import dis
import inspect
import textwrap
import types
from collections.abc import Callable
from typing import Any

_LITERALS = (int, float, complex, str, bytes, bool, type(None))
MAX_LITERAL_CHARS = 10_000


def capture_source(func: Callable, name: str) -> tuple[str | None, list[str]]:
    """Module text that defines ``name`` as ``func`` with everything it uses, and the global
    names it uses that could not be written down (they would be missing in the grader).

    Returns ``(None, [])`` for a function whose source cannot be found (a lambda typed at a
    prompt, a built-in).
    """
    imports: list[str] = []
    constants: list[str] = []
    definitions: list[str] = []
    missing: list[str] = []
    aliases: list[str] = []  # after every definition: `magnitude_mask = my_mask`
    seen: set[int] = set()

    def add(obj: Any, bound: str) -> bool:
        if id(obj) in seen:
            return True
        seen.add(id(obj))
        try:
            text = textwrap.dedent(inspect.getsource(obj))
            ast.parse(text)
        except (OSError, TypeError, SyntaxError, IndentationError):
            return False
        own_name = getattr(obj, "__name__", bound)
        definitions.append(text.rstrip() + "\n")
        if bound != own_name:
            aliases.append(f"{bound} = {own_name}\n")
        for global_name in sorted(_global_names(obj)):
            value = _lookup(obj, global_name)
            if value is _MISSING:
                continue
            line = "" if _defined_here(value, obj) else _import_line(global_name, value)
            if line:
                imports.append(line)
            elif _defined_here(value, obj):
                if not add(value, global_name):
                    missing.append(global_name)
            elif _is_literal(value):
                constants.append(f"{global_name} = {value!r}\n")
            else:
                missing.append(global_name)
        return True

    if getattr(func, "__name__", "") == "<lambda>" or not add(func, name):
        return None, []
    parts = sorted(set(imports)) + ["\n"] * bool(imports) + constants + ["\n"] * bool(constants)
    body = "\n\n".join(reversed(definitions))  # helpers first, the exercise function last
    tail = "\n" + "".join(reversed(aliases)) if aliases else ""
    return "".join(parts) + body + tail, sorted(set(missing))


_MISSING = object()


def _lookup(obj: Any, name: str) -> Any:
    namespace = getattr(obj, "__globals__", None)
    if namespace is None:  # a class: its methods' globals are its module's
        module = inspect.getmodule(obj)
        namespace = vars(module) if module is not None else {}
    if name in namespace:
        return namespace[name]
    return _MISSING


def _global_names(obj: Any) -> set[str]:
    """Global names a function or class reads: the ``LOAD_GLOBAL``/``LOAD_NAME`` operations
    of its code and its nested code (methods, closures, comprehensions), never attribute
    names such as ``.weight``."""
    codes: list[types.CodeType] = []
    if inspect.isclass(obj):
        for member in vars(obj).values():
            member = getattr(member, "__func__", member)
            if hasattr(member, "__code__"):
                codes.append(member.__code__)
        names = {base.__name__ for base in obj.__bases__ if base is not object}
    else:
        codes.append(obj.__code__)
        names = set()
    while codes:
        code = codes.pop()
        names |= {instruction.argval for instruction in dis.get_instructions(code)
                  if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
        codes += [const for const in code.co_consts if isinstance(const, types.CodeType)]
    return {name for name in names if isinstance(name, str)} - set(dir(builtins))


def _import_line(bound: str, value: Any) -> str:
    if isinstance(value, types.ModuleType):
        module = value.__name__
        if module == bound:
            return f"import {module}\n"
        parent, _, leaf = module.rpartition(".")
        if parent and leaf == bound:
            return f"from {parent} import {leaf}\n"
        return f"import {module} as {bound}\n"
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if (module and qualname and module not in ("__main__", "builtins") and "." not in qualname
            and not module.startswith("__") and (inspect.isclass(value) or callable(value))):
        try:
            imported = __import__(module, fromlist=[qualname])
        except ImportError:
            return ""
        if getattr(imported, qualname, None) is value:
            alias = "" if qualname == bound else f" as {bound}"
            return f"from {module} import {qualname}{alias}\n"
    return ""


def _defined_here(value: Any, owner: Any) -> bool:
    """A function or class the learner wrote in the same notebook (or module) as ``owner``."""
    return ((inspect.isfunction(value) or inspect.isclass(value))
            and getattr(value, "__module__", None) == getattr(owner, "__module__", None))


def _is_literal(value: Any) -> bool:
    if isinstance(value, _LITERALS):
        text = repr(value)
    elif isinstance(value, (tuple, list, dict, set, frozenset)):
        text = repr(value)
    else:
        return False
    if len(text) > MAX_LITERAL_CHARS:
        return False
    try:
        return ast.literal_eval(text) == value
    except (ValueError, SyntaxError, RecursionError):
        return False
