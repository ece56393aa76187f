"""Anki export: the header Anki 2.1.55+ reads, escaped fields, and a file that parses back."""

import csv
import html
from pathlib import Path

import pytest

from pruneedu import flashcards
from pruneedu.flashcards.anki import anki_lines
from pruneedu.flashcards.glossary import Term

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "flashcards" / "course"


@pytest.fixture(autouse=True)
def fixture_course(monkeypatch):
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(FIXTURE_COURSE))


def parse_anki(path):
    """Read an Anki text export as Anki does: '#key:value' headers, then tab-separated notes."""
    headers, notes = {}, []
    with open(path, encoding="utf-8", newline="") as stream:
        for line in stream:
            line = line.rstrip("\n")
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                headers[key] = value
            else:
                notes.append(next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE)))
    return headers, notes


def test_header_lines_and_one_note_per_term(tmp_path):
    path = flashcards.export_anki(tmp_path / "deck.txt", deck="Pruning basics")
    headers, notes = parse_anki(path)
    assert headers == {"separator": "tab", "html": "true", "notetype": "Basic",
                       "deck": "Pruning basics", "tags column": "3"}
    assert [note[0] for note in notes] == ["Sparsity", "Mask", "Fine-tuning", "Node pruning"]
    assert all(len(note) == 3 for note in notes)


def test_fields_round_trip_through_html_escaping(tmp_path):
    _, notes = parse_anki(flashcards.export_anki(tmp_path / "deck.txt"))
    node = notes[3]
    # The definition holds "<and>": escaped in the file, so Anki shows it as text.
    assert "&lt;and&gt;" in node[1] and "<and>" not in node[1]
    assert "Removing whole neurons <and> their connections" in html.unescape(node[1])
    assert "fc1's 300 neurons" in html.unescape(node[1])
    assert node[2] == "pruneedu 02-weight-vs-node"
    assert notes[0][2] == "pruneedu 01-introduction"


def test_default_deck_name(tmp_path):
    headers, _ = parse_anki(flashcards.export_anki(tmp_path / "deck.txt"))
    assert headers["deck"] == "PruneEdu glossary"


def test_tabs_and_newlines_inside_a_field_cannot_split_a_note():
    term = Term(id="x", term="Tab\there", definition="line one\nline two")
    note = anki_lines([term])[-1]
    fields = note.split("\t")
    assert fields[0] == "Tab here"
    assert "line one<br>line two" in fields[1]
    assert "\n" not in note


def test_bad_deck_name_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="one line"):
        flashcards.export_anki(tmp_path / "deck.txt", deck="two\nlines")


def test_the_course_glossary_exports_one_note_per_term(tmp_path, monkeypatch):
    monkeypatch.delenv("PRUNEEDU_COURSE_ROOT")
    terms = flashcards.load_glossary()
    headers, notes = parse_anki(flashcards.export_anki(tmp_path / "course.txt"))
    assert headers["notetype"] == "Basic"
    assert [html.unescape(note[0]) for note in notes] == [term.term for term in terms]
    for term, note in zip(terms, notes, strict=True):
        assert html.escape(term.definition) in note[1]
