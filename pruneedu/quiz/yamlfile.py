"""Reading the course's YAML files (quiz banks, glossary) with errors a course author can act on.

Plain ``yaml.safe_load`` silently keeps the last of two equal keys, so a question written with
two ``answer:`` lines would lose one without a word; this reader refuses duplicate keys instead.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class BankError(ValueError):
    """A quiz bank or glossary file that cannot be read or does not follow docs/formats.md."""


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that rejects a mapping holding the same key twice."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key; the base constructor reports it properly
            break
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, source: str = "<text>") -> object:
    """Parse YAML text, raising :class:`BankError` that names the source and line.

    Example:
        >>> parse_yaml("id: 01-introduction")
        {'id': '01-introduction'}
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise BankError(
            f"{source}:{where} is not valid YAML ({problem}); fix the file there."
        ) from None


def read_yaml(path: str | Path) -> object:
    """Read and parse a UTF-8 YAML file, raising :class:`BankError` for any reading problem.

    Example:
        >>> read_yaml("quizzes/01-introduction.yaml")["id"]   # doctest: +SKIP
        '01-introduction'
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BankError(f"{path}: cannot be read ({error.strerror}); check the path.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BankError(
            f"{path}: line {line} is not UTF-8 text; save the file as UTF-8."
        ) from None
    return parse_yaml(text, source=str(path))
