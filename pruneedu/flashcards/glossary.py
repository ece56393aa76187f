"""The course glossary (``quizzes/glossary.yaml``) as a list of terms, one flashcard each."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from pruneedu import paths
from pruneedu.quiz.schema import check_glossary, problems_message
from pruneedu.yamlfile import CourseFileError, read_yaml


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
    """Read the glossary file (strictly, like every course file) and return its terms in order.

    Example:
        >>> terms = load_glossary()            # the course glossary
        >>> "sparsity" in {term.id for term in terms}
        True
    """
    path = Path(path) if path is not None else glossary_path()
    if not path.exists():
        raise CourseFileError(
            f"no glossary at {path}; check that the course folder holds quizzes/."
        )
    return terms_from_dict(read_yaml(path), source=str(path))


def terms_from_dict(data: object, source: str = "glossary") -> list[Term]:
    """Build terms from a parsed glossary mapping after checking it with the rules of
    ``pruneedu validate`` (:func:`pruneedu.quiz.schema.check_glossary`).

    Example:
        >>> terms_from_dict({"format_version": 1, "terms": [{"id": "mask", "term": "Mask",
        ...     "definition": "0/1 tensor", "lesson": "01-introduction"}]})[0].term
        'Mask'
    """
    problems = check_glossary(data)
    if problems:
        raise CourseFileError(problems_message(source, problems))
    assert isinstance(data, dict)  # check_glossary guarantees it; this narrows the type
    return [
        Term(
            id=entry["id"],
            term=entry["term"],
            definition=entry["definition"],
            example=entry.get("example", ""),
            related=tuple(entry.get("related", ())),
            lesson=entry["lesson"],
        )
        for entry in data["terms"]
    ]


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
