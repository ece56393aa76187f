"""Learner-controlled text made harmless for where it lands: terminal, CSV, Markdown, HTML.

Everything a learner can choose reaches the grader's outputs: their learner id, file names
(an LMS download keeps the learner's own file name), their answers, the text their code
prints. Each destination has its own attack:

- **terminal**: escape sequences (``ESC[2J`` clears the screen, ``ESC[1A`` moves up and can
  overwrite a report line), carriage returns, and bidirectional overrides (``U+202E`` shows
  ``exe.txt`` as ``txt.exe``) can hide or forge lines. :func:`say` is the one way the grading
  commands print, and :func:`clean` drops every control and format character.
- **CSV**: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab
  or carriage return before them) as a formula: ``=HYPERLINK(...)`` can send data away.
  :func:`csv_cell` puts an apostrophe in front (what OWASP recommends; spreadsheets show the
  text as it was) and drops control characters.
- **Markdown / HTML**: :func:`md` backslash-escapes the ASCII punctuation that could be read
  as syntax (any of it may be escaped in CommonMark, so the text shows literally and can open
  no link, image, heading, math or raw HTML); :func:`html_text` escapes for HTML.

Paths of temporary work folders change from run to run; :func:`scrub_paths` replaces them so
that grading twice writes identical files.

Example:
    >>> clean("ada\\x1b[2J\\u202egnp.exe")
    'ada?[2J?gnp.exe'
    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> md("*hi* <b>")
    '\\\\*hi\\\\* \\\\<b\\\\>'
"""

from __future__ import annotations

import html
import re
import sys
import tempfile
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

REPLACEMENT = "?"
FORMULA_STARTS = ("=", "+", "-", "@")
# Every ASCII punctuation character Markdown, HTML, math ($) or autolinks (: / .) could read as
# syntax; "," ";" "?" "%" stay as they are, for readable files.
_PUNCTUATION = re.compile(r"""([!"#$&'()*+\-./:<=>@\[\\\]^_`{|}~])""")


def _unsafe(char: str) -> bool:
    # Cc: C0/C1 controls (ESC, CR, NUL...); Cf: format characters (bidi overrides and isolates,
    # zero-width joiners, the BOM); Zl/Zp: line and paragraph separators; Co/Cn: private use
    # and unassigned code points, which terminals may draw as anything.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs")


def clean(text: object) -> str:
    """``text`` on one line with every control, format and separator character made ``?``.

    Example:
        >>> clean("two\\nlines\\ttab")
        'two?lines?tab'
    """
    return "".join(REPLACEMENT if _unsafe(char) else char for char in str(text))


def for_terminal(text: object) -> str:
    """Text for the terminal: our own line breaks stay, every other unsafe character is ``?``.

    Learner text must reach this only through messages that put it on a line of its own
    making (a learner's newline would start a line of their choosing): use :func:`clean` on
    each learner string first where that matters, as :func:`say` callers do.

    Example:
        >>> for_terminal("ok\\nbad\\x1b[1A\\r")
        'ok\\nbad?[1A?'
    """
    return "\n".join(clean(line) for line in str(text).split("\n"))


def say(text: object = "", file: TextIO | None = None) -> None:
    """Print ``text`` through :func:`for_terminal`: the one printer of the grading commands.

    Example:
        >>> say("graded \\x1b[31mred\\x1b[0m")
        graded ?[31mred?[0m
    """
    print(for_terminal(text), file=file if file is not None else sys.stdout)


def csv_cell(value: object) -> str:
    """A text cell no spreadsheet runs as a formula, with control characters removed.

    Numbers the grader formats itself (scores) need no escaping and must not get one: pass
    only text here.

    Example:
        >>> csv_cell("-1+1"), csv_cell(" @SUM(A1)"), csv_cell("Ada")
        ("'-1+1", "' @SUM(A1)", 'Ada')
    """
    text = clean(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def md(text: object) -> str:
    """Learner text for Markdown: one line, every ASCII punctuation character escaped.

    Example:
        >>> md("[click](javascript:alert(1))")
        '\\\\[click\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    """
    return _PUNCTUATION.sub(r"\\\1", clean(text))


def html_text(text: object) -> str:
    """Learner text for HTML element content or a quoted attribute.

    Example:
        >>> html_text("<script>alert('x')</script>")
        '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    return html.escape(clean(text), quote=True)


def quote(text: object, limit: int = 80) -> str:
    """A learner string quoted short and safe for a message.

    Example:
        >>> quote("x" * 100, limit=10)
        "'xxxxxxx...'"
    """
    text = clean(text)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def scrub_paths(text: str, roots: Mapping[str, Path] | None = None) -> str:
    """Replace the named folders (e.g. ``{"<submissions>": folder}``) and any temporary work
    folder in ``text`` by stable placeholders, so that two runs write the same bytes.

    Example:
        >>> scrub_paths(f"{tempfile.gettempdir()}/pruneedu-x1y2/sub.py, line 3")
        '<work>/sub.py, line 3'
    """
    for placeholder, root in sorted((roots or {}).items(), key=lambda kv: -len(str(kv[1]))):
        for form in {str(root), str(Path(root).resolve())}:
            text = text.replace(form, placeholder)
    temp = re.escape(tempfile.gettempdir().rstrip("/"))
    return re.sub(temp + r"/[^/\s'\"]+", "<work>", text)
