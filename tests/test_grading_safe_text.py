"""Learner strings made harmless: terminal, CSV, Markdown, HTML, work paths."""

import tempfile

import pytest

from pruneedu.grading.safe_text import (
    clean,
    csv_cell,
    for_terminal,
    html_text,
    md,
    quote,
    say,
    scrub_paths,
)
from pruneedu.markdown_html import to_html

# Each of these, printed raw, changes what a terminal shows: clears it, moves the cursor,
# sets a title, rewrites the line, or reverses the text that follows.
TERMINAL_ATTACKS = ["\x1b[2J", "\x1b[1A\x1b[2K", "\x1b]0;owned\x07", "\r", "\x9b31m", "\u202e",
                    "\u2066", "\u200f", "\x08\x08", "\x00", "\u2028", "\ufeff"]


@pytest.mark.parametrize("attack", TERMINAL_ATTACKS)
def test_no_control_or_bidi_character_survives(attack):
    text = f"ada{attack}ok"
    assert clean(text).startswith("ada?") and clean(text).endswith("ok")
    assert all(ch.isprintable() for ch in clean(text))
    assert all(ch.isprintable() or ch == "\n" for ch in for_terminal(text + "\nnext"))


def test_terminal_keeps_our_line_breaks_but_a_learner_string_stays_on_its_line(capsys):
    say(f"1 problem:\n  {clean('x.json: fine' + chr(10) + '  forged line')}")
    assert capsys.readouterr().out == "1 problem:\n  x.json: fine?  forged line\n"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1",
                                   "=HYPERLINK(\"http://evil\",\"x\")", "=cmd|' /C calc'!A0"])
def test_csv_cells_never_start_a_formula(value):
    cell = csv_cell(value)
    assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not any(ch in cell for ch in "\t\r\n")
    assert cell.startswith("'") or cell.startswith("?")  # neutralised, not dropped


def test_csv_cells_keep_harmless_text():
    assert csv_cell("Lovelace, Ada") == "Lovelace, Ada"
    assert csv_cell("Zoë O'Brien") == "Zoë O'Brien"


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "![i](http://evil/x.png)",
    "# Heading", "*bold* _it_", "`code`", "$x^2$", "<img src=x onerror=alert(1)>",
    "https://evil.example/phish", "&lt;b&gt;", "| a | b |\n|---|---|",
])
def test_markdown_escape_shows_the_text_literally(value):
    html = to_html(md(value))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<em>" not in html and "<code>" not in html and "<h1>" not in html
    assert "<table" not in html
    assert html.startswith("<p>") and html.count("<p>") == 1


def test_html_text_escapes_quotes_too():
    assert html_text('"><b>') == "&quot;&gt;&lt;b&gt;"


def test_quote_is_short_and_one_line():
    quoted = quote("a\nb" + "x" * 200, limit=20)
    assert "\n" not in quoted and len(quoted) <= 22


def test_work_paths_are_replaced(tmp_path):
    folder = tmp_path / "subs"
    text = (f"File \"{tempfile.gettempdir()}/pruneedu-sandbox-abc123/sub.py\", line 2 in "
            f"{folder}/ada.py")
    assert scrub_paths(text, {"<submissions>": folder}) == (
        'File "<work>/sub.py", line 2 in <submissions>/ada.py')
