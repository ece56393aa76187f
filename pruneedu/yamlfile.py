"""The one reader for the course's YAML files (quiz banks, glossary, exercise definitions).

It is strict where plain ``yaml.safe_load`` is lenient, because these files are written by
hand and, for the grader, may come from someone else:

- a mapping that names the same key twice is refused (``safe_load`` silently keeps the last,
  so a question written with two ``answer:`` lines would lose one without a word);
- anchors and aliases (``&name``, ``*name``, ``<<:``) are refused: a few hundred bytes of
  nested aliases expand to gigabytes in memory, and course files have no need for them;
- files above ``MAX_BYTES`` are refused before they are parsed.

Every error is a :class:`CourseFileError` that names the file and line and says what to do;
values are quoted through :func:`pruneedu.argcheck.short_repr`, so a hostile file cannot
flood the terminal.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pruneedu.argcheck import short_repr

MAX_BYTES = 1_000_000  # the course's largest bank is a few tens of kilobytes


class CourseFileError(ValueError):
    """A course file (quiz bank, glossary, exercise definition) that cannot be read, or that
    does not follow docs/formats.md."""


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys, anchors and aliases."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed; write the "
                "value out in full", event.start_mark)
        return super().compose_node(parent, index)


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
                None, None, f"the key {short_repr(key)} appears twice in one mapping",
                key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, source: str = "<text>") -> object:
    """Parse YAML text strictly, raising :class:`CourseFileError` that names the source and line.

    Example:
        >>> parse_yaml("id: 01-introduction")
        {'id': '01-introduction'}
        >>> parse_yaml("a: &x 1\\nb: *x")
        Traceback (most recent call last):
        pruneedu.yamlfile.CourseFileError: <text>: line 1 is not valid YAML (anchors and aliases (&name, *name) are not allowed; write the value out in full); fix the file there.
    """  # noqa: E501 - a doctest shows the whole message
    if len(text) > MAX_BYTES:
        raise CourseFileError(f"{source} holds {len(text):,} characters, more than any course "
                              f"file needs ({MAX_BYTES:,}); check that it is the right file.")
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CourseFileError(
            f"{source}:{where} is not valid YAML ({problem}); fix the file there."
        ) from None
    except RecursionError:
        raise CourseFileError(f"{source} is nested too deeply to read; "
                              "check that it is the right file.") from None
    except ValueError as error:  # e.g. an integer longer than Python converts (4300 digits)
        raise CourseFileError(f"{source} holds a value that cannot be read "
                              f"({short_repr(str(error))}); fix the file there.") from None


def read_yaml(path: str | Path) -> object:
    """Read and strictly parse a UTF-8 YAML file of at most ``MAX_BYTES``.

    Raises :class:`CourseFileError` for any reading problem.

    Example:
        >>> from pruneedu import paths
        >>> read_yaml(paths.quizzes_dir() / "01-introduction.yaml")["id"]
        '01-introduction'
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise CourseFileError(f"{path}: cannot be read ({error.strerror}); "
                              "check the path.") from None
    if len(raw) > MAX_BYTES:
        raise CourseFileError(f"{path} is larger than any course file needs ({MAX_BYTES:,} "
                              "bytes); check that it is the right file.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CourseFileError(
            f"{path}: line {line} is not UTF-8 text; save the file as UTF-8."
        ) from None
    return parse_yaml(text, source=str(path))
