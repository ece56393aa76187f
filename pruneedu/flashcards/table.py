"""A searchable glossary: a text box that filters an HTML table of terms as you type."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from pruneedu.flashcards.glossary import Term, load_glossary


def filter_terms(terms: list[Term], query: str) -> list[Term]:
    """Terms whose name or definition contains ``query`` (case-insensitive; "" keeps all).

    Example:
        >>> t = Term(id="mask", term="Mask", definition="Zeros out weights")
        >>> [x.id for x in filter_terms([t], "ZERO")]
        ['mask']
    """
    needle = query.strip().casefold()
    return [
        term
        for term in terms
        if needle in term.term.casefold() or needle in term.definition.casefold()
    ]


def glossary_html(terms: list[Term]) -> str:
    """An HTML table with one row per term: term, definition, lesson."""
    if not terms:
        return "<p>No term matches; try a shorter word.</p>"
    rows = "".join(
        f"<tr><td><b>{html.escape(term.term)}</b></td><td>{html.escape(term.definition)}</td>"
        f"<td>{html.escape(term.lesson)}</td></tr>"
        for term in terms
    )
    return (
        "<table><thead><tr><th>Term</th><th>Definition</th><th>Lesson</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


class GlossaryTable(widgets.VBox):
    """A search box above the glossary table; ``.search.value`` drives the filter."""

    def __init__(self, terms: list[Term], query: str = "") -> None:
        self.terms = list(terms)
        self.search = widgets.Text(
            value=query, placeholder="search terms and definitions", continuous_update=True
        )
        self.count = widgets.HTML()
        self.table = widgets.HTML()
        self.search.observe(lambda _change: self._render(), names="value")
        super().__init__([widgets.HBox([self.search, self.count]), self.table])
        self._render()

    def _render(self) -> None:
        shown = filter_terms(self.terms, self.search.value)
        self.count.value = f"{len(shown)} of {len(self.terms)} terms"
        self.table.value = glossary_html(shown)


def glossary_table(query: str = "", glossary: str | Path | None = None) -> GlossaryTable:
    """The course glossary as a searchable table widget.

    Example:
        >>> from pruneedu import flashcards
        >>> table = flashcards.glossary_table("mask")
    """
    return GlossaryTable(load_glossary(glossary), query)
