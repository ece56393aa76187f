"""Markdown to HTML through mistune: the course's texts render, hostile input stays inert."""

from html.parser import HTMLParser

import pytest

from pruneedu.markdown_html import inline_html, is_safe_url, to_html


def test_lesson_markdown_renders():
    assert inline_html("**Teacher:** a *word*") == "<strong>Teacher:</strong> a <em>word</em>"
    assert inline_html("see [notes](https://x.org/a)") == 'see <a href="https://x.org/a">notes</a>'
    assert to_html("# Title\n\nOne\ntwo.\n\nThree.") == (
        "<h1>Title</h1>\n<p>One\ntwo.</p>\n<p>Three.</p>"
    )
    assert to_html("- **a** - first\n  continued\n- second") == (
        "<ul>\n<li><strong>a</strong> - first\ncontinued</li>\n<li>second</li>\n</ul>"
    )


def test_stars_inside_code_and_multiplication_stay_literal():
    assert inline_html("`w * m` and `**kw`") == "<code>w * m</code> and <code>**kw</code>"
    assert inline_html("W * M and 784 x 300") == "W * M and 784 x 300"
    assert inline_html("s_i and t_0") == "s_i and t_0"


def test_indented_formula_is_a_code_block():
    text = "Formula:\n\n    s_t = s_f + (s_i - s_f) * (1 - x)^3\n\nAfter."
    assert to_html(text) == (
        "<p>Formula:</p>\n<pre><code>s_t = s_f + (s_i - s_f) * (1 - x)^3</code></pre>\n"
        "<p>After.</p>"
    )
    assert to_html("```\n<i>x</i>\n```") == "<pre><code>&lt;i&gt;x&lt;/i&gt;\n</code></pre>"


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<java script:alert(1)>)",
    "[click](&#106;avascript:alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](data:image/svg+xml;base64,PHN2Zy8+)",
    "![pic](javascript:alert(1))",
    '[click](https://ok.org "x\\" onmouseover=\\"alert(1)")',
    "<javascript:alert(1)>",
    "```\n</code><script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
]


class _Tags(HTMLParser):
    """The tags a browser would build from some HTML, with their decoded attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def live_markup(rendered: str) -> list[str]:
    """What in ``rendered`` could run script: dangerous tags, event attributes, unsafe URLs."""
    problems = []
    for tag, attributes in _Tags(rendered).tags:
        if tag in {"script", "img", "div", "iframe", "svg", "object", "embed"}:
            problems.append(f"<{tag}>")
        problems += [f"{tag}.{name}" for name in attributes if name.startswith("on")]
        for name in ("href", "src"):
            url = attributes.get(name)
            if url is not None and not url.startswith("https://"):
                problems.append(f"{tag}.{name}={url}")
    return problems


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_yields_no_live_markup(text):
    rendered = to_html(text)
    assert not live_markup(rendered), rendered


def test_the_hostile_check_would_see_live_markup():
    # The check above must be able to fail.
    assert live_markup('<img src=x onerror=alert(1)><a href="javascript:x">y</a>') == [
        "<img>", "img.onerror", "img.src=x", "a.href=javascript:x"]
    assert live_markup('<p><a href="https://ok.org" title="x onclick=y">a</a></p>') == []


def test_raw_html_shows_as_text():
    assert to_html("<b>hi</b> & <script>x</script>") == (
        "<p>&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</p>"
    )


def test_unsafe_links_keep_their_text_and_safe_ones_their_url():
    assert to_html("[the paper](javascript:alert(1))") == "<p>the paper</p>"
    assert to_html("![a chart](data:image/png;base64,AAAA)") == "<p>a chart</p>"
    assert to_html("[mail](mailto:t@x.org) [next](#faq) [up](../README.md)") == (
        '<p><a href="mailto:t@x.org">mail</a> <a href="#faq">next</a> '
        '<a href="../README.md">up</a></p>'
    )


@pytest.mark.parametrize("url, safe", [
    ("https://arxiv.org/abs/2301.00774", True), ("http://x.org", True), ("#faq", True),
    ("notes/lesson.md", True), ("a/b:c", True), ("mailto:t@x.org", True),
    ("javascript:alert(1)", False), (" javascript:alert(1)", False), ("java\tscript:x", False),
    ("JAVASCRIPT:x", False), ("&#106;avascript:x", False), ("%6Aavascript:x", False),
    ("data:text/html,x", False), ("vbscript:x", False), ("file:///etc/passwd", False),
    (":x", False),
])
def test_is_safe_url(url, safe):
    assert is_safe_url(url) is safe
