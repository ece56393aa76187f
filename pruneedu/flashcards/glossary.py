"""The course glossary (``quizzes/glossary.yaml``) as a list of terms, one flashcard each."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pruneedu import paths


@dataclass(frozen=True)
class Term:
    """One glossary entry; the fields follow the glossary format in docs/formats.md."""

    id: str
    term: str
    definition: str
    example: str = ""
    related: tuple[str, ...] = field(default_factory=tuple)
    lesson: str = ""


def glossary_path() -> Path:
    """Where the course keeps its glossary: ``<course root>/quizzes/glossary.yaml``."""
    return paths.quizzes_dir() / "glossary.yaml"


def load_glossary(path: str | Path | None = None) -> list[Term]:
    """Read the glossary file and return its terms in file order.

    Example:
        >>> terms = load_glossary()            # the course glossary
        >>> terms[0].term                      # doctest: +SKIP
        'Sparsity'
    """
    path = Path(path) if path is not None else glossary_path()
    if not path.exists():
        raise ValueError(f"no glossary at {path}; check that the course folder holds quizzes/.")
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return terms_from_dict(data, source=str(path))


def terms_from_dict(data: object, source: str = "glossary") -> list[Term]:
    """Build terms from the parsed glossary mapping, rejecting missing fields and duplicate ids."""
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise ValueError(f"{source} must be a mapping with a 'terms' list; see docs/formats.md.")
    terms: list[Term] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["terms"]):
        if not isinstance(entry, dict):
            raise ValueError(f"{source}: term #{index + 1} is not a mapping; give id/term/...")
        missing = [key for key in ("id", "term", "definition") if not entry.get(key)]
        if missing:
            raise ValueError(
                f"{source}: term #{index + 1} lacks {', '.join(missing)}; add it to the entry."
            )
        term_id = str(entry["id"])
        if term_id in seen:
            raise ValueError(f"{source}: the id {term_id!r} appears twice; give each term its own.")
        seen.add(term_id)
        terms.append(
            Term(
                id=term_id,
                term=str(entry["term"]),
                definition=str(entry["definition"]),
                example=str(entry.get("example") or ""),
                related=tuple(str(item) for item in entry.get("related") or ()),
                lesson=str(entry.get("lesson") or ""),
            )
        )
    return terms


def card_back_html(term: Term, names: dict[str, str]) -> str:
    """The back of a card as HTML: definition, example, related terms and lesson.

    ``names`` maps term ids to display names so that related ids read as words.

    Example:
        >>> t = Term(id="mask", term="Mask", definition="0/1 tensor", related=("sparsity",))
        >>> "Sparsity" in card_back_html(t, {"sparsity": "Sparsity"})
        True
    """
    parts = [f"<p>{html.escape(term.definition)}</p>"]
    if term.example:
        parts.append(f"<p><i>Example:</i> {html.escape(term.example)}</p>")
    if term.related:
        related = ", ".join(html.escape(names.get(item, item)) for item in term.related)
        parts.append(f"<p><i>Related:</i> {related}</p>")
    if term.lesson:
        parts.append(f"<p><i>Lesson:</i> {html.escape(term.lesson)}</p>")
    return "".join(parts)
