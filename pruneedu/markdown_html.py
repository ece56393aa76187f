"""Markdown to HTML for what the course shows in widgets, made safe with ``mistune``.

Lesson texts, quiz prompts and anything a teacher or learner wrote land in an ipywidgets
``HTML`` view, which puts the string into the page as it is. So raw HTML in the Markdown is
escaped (it shows as text), and a link or image keeps its URL only when the scheme is one a
reader expects (``http``, ``https``, ``mailto``, or a relative path); anything else
(``javascript:``, ``data:``, ``vbscript:``, ``file:``...) is dropped and only the text stays.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

import mistune
from mistune.renderers.html import HTMLRenderer

SAFE_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
# Browsers ignore tabs, newlines and other control characters inside a scheme
# ("java\tscript:"), so they go before the scheme is read.
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


def is_safe_url(url: str) -> bool:
    """True for URLs that are relative or use a scheme in ``SAFE_SCHEMES``.

    Example:
        >>> is_safe_url("https://arxiv.org/abs/2306.11695"), is_safe_url("JavaScript:alert(1)")
        (True, False)
    """
    cleaned = _IGNORED_IN_URLS.sub("", unquote(html.unescape(url)))
    scheme = urlsplit(cleaned).scheme.lower()
    # No scheme means a relative link; one with a colon but no readable scheme is refused.
    return scheme in SAFE_SCHEMES if scheme or ":" in cleaned.split("/")[0] else True


class _SafeRenderer(HTMLRenderer):
    """mistune's HTML renderer with raw HTML escaped and unsafe URLs removed."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if not is_safe_url(url):
            return text
        return super().link(text, url, title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        if not is_safe_url(url):
            return html.escape(text)
        return super().image(text, url, title)


_MARKDOWN = mistune.create_markdown(renderer=_SafeRenderer(), plugins=["table", "strikethrough"])


def to_html(markdown: str) -> str:
    """Convert Markdown to HTML that is safe to show in a notebook.

    Example:
        >>> to_html("Some *text* and [a link](javascript:alert(1)) <b>bold?</b>")
        '<p>Some <em>text</em> and a link &lt;b&gt;bold?&lt;/b&gt;</p>'
    """
    return str(_MARKDOWN(markdown)).strip()


def inline_html(text: str) -> str:
    """Convert one line of Markdown to HTML without the surrounding paragraph.

    Example:
        >>> inline_html("**Maya:** is `W * M` the same as <W>?")
        '<strong>Maya:</strong> is <code>W * M</code> the same as &lt;W&gt;?'
    """
    rendered = to_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered
