"""The tiny Markdown converter: exact HTML for small hand-made inputs."""

from pruneedu.markdown_html import inline_html, to_html


def test_inline_bold_italic_code_and_link():
    assert inline_html("**Teacher:** a *word*") == "<strong>Teacher:</strong> a <em>word</em>"
    assert inline_html("see [notes](https://x.org/a)") == 'see <a href="https://x.org/a">notes</a>'


def test_stars_inside_code_and_multiplication_stay_literal():
    assert inline_html("`w * m` and `**kw`") == "<code>w * m</code> and <code>**kw</code>"
    assert inline_html("W * M and 784 x 300") == "W * M and 784 x 300"
    assert inline_html("s_i and t_0") == "s_i and t_0"


def test_html_is_escaped_everywhere():
    assert inline_html("<script>alert(1)</script> & `<b>`") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <code>&lt;b&gt;</code>"
    )
    assert to_html("```\n<i>x</i>\n```") == "<pre><code>&lt;i&gt;x&lt;/i&gt;</code></pre>"


def test_headings_and_paragraphs_join_wrapped_lines():
    assert to_html("# Title\n\nOne\ntwo.\n\nThree.") == (
        "<h1>Title</h1>\n<p>One two.</p>\n<p>Three.</p>"
    )


def test_bullet_list_with_continuation_lines_and_a_numbered_list():
    text = "- **a** - first\n  continued\n- second\n\n1. x\n2. y"
    assert to_html(text) == (
        "<ul>\n<li><strong>a</strong> - first continued</li>\n<li>second</li>\n</ul>\n"
        "<ol>\n<li>x</li>\n<li>y</li>\n</ol>"
    )


def test_indented_code_block_keeps_its_text():
    text = "Formula:\n\n    s_t = s_f + (s_i - s_f) * (1 - x)^3\n\nAfter."
    assert to_html(text) == (
        "<p>Formula:</p>\n<pre><code>s_t = s_f + (s_i - s_f) * (1 - x)^3</code></pre>\n"
        "<p>After.</p>"
    )


def test_indented_list_marker_does_not_hang():
    assert to_html("  - only item") == "<ul>\n<li>only item</li>\n</ul>"


def test_unclosed_fence_keeps_the_rest_as_code():
    assert to_html("```\na\nb") == "<pre><code>a\nb</code></pre>"
