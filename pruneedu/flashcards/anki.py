"""Export the glossary as a file Anki imports (File > Import, Anki 2.1.55 or newer).

Anki's plain-text import reads header lines starting with ``#`` that tell it the separator,
whether fields hold HTML, the note type, the deck and which column holds tags. Fields are
HTML-escaped, so a ``<`` in a definition shows as a ``<`` in Anki, and tabs or newlines inside
a field are replaced so they cannot break the row apart.
"""

from __future__ import annotations

import html
from pathlib import Path

from pruneedu.flashcards.glossary import Term, card_back_html, load_glossary

DEFAULT_DECK = "PruneEdu glossary"


def _field(text: str) -> str:
    # Tabs would start a new column and newlines a new note; HTML line breaks keep the layout.
    return text.replace("\t", " ").replace("\r\n", "<br>").replace("\n", "<br>")


def anki_lines(terms: list[Term], deck: str = DEFAULT_DECK) -> list[str]:
    """The lines of the export: the header, then ``front<TAB>back<TAB>tags`` per term.

    Example:
        >>> anki_lines([Term(id="mask", term="Mask", definition="0/1 tensor")])[0]
        '#separator:tab'
    """
    if "\n" in deck or "\t" in deck:
        raise ValueError("the deck name must be one line without tabs; pick a shorter name.")
    names = {term.id: term.term for term in terms}
    lines = [
        "#separator:tab",
        "#html:true",
        "#notetype:Basic",
        f"#deck:{deck}",
        "#tags column:3",
    ]
    for term in terms:
        # Anki tags are space-separated words, so lesson ids (hyphenated) work as they are.
        tags = " ".join(part for part in ("pruneedu", term.lesson) if part)
        lines.append(
            "\t".join(
                [
                    _field(html.escape(term.term)),
                    _field(card_back_html(term, names)),
                    _field(tags),
                ]
            )
        )
    return lines


def export_anki(
    path: str | Path, deck: str | None = None, glossary: str | Path | None = None
) -> Path:
    """Write the glossary to ``path`` as an Anki import file and return the path.

    Example:
        >>> import tempfile
        >>> from pruneedu import flashcards
        >>> path = flashcards.export_anki(Path(tempfile.mkdtemp()) / "pruneedu-glossary.txt")
        >>> path.read_text(encoding="utf-8").splitlines()[0]
        '#separator:tab'
    """
    path = Path(path)
    lines = anki_lines(load_glossary(glossary), deck or DEFAULT_DECK)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
