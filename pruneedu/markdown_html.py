"""A tiny Markdown-to-HTML converter for the course's own texts, so widgets need no extra package.

It covers the subset the lesson files use: headings, paragraphs, bullet and numbered lists (with
indented continuation lines), fenced and indented code blocks, and inline ``code``, **bold**,
*italic* and [links](url). Everything else is escaped and shown as plain text, so a typo in a
lesson can never inject markup or script into a notebook.
"""

from __future__ import annotations

import html
import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# A lone "*" with a space after it (as in "W * M") is multiplication, not emphasis.
_ITALIC = re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def inline_html(text: str) -> str:
    """Convert the inline Markdown of one block of text to HTML.

    Example:
        >>> inline_html("a **b** and `c*d` <e>")
        'a <strong>b</strong> and <code>c*d</code> &lt;e&gt;'
    """
    codes: list[str] = []

    def stash(match: re.Match[str]) -> str:
        codes.append(f"<code>{html.escape(match.group(1), quote=False)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    # Code spans first, so that stars and brackets inside them stay literal.
    text = _CODE_SPAN.sub(stash, text)
    text = html.escape(text, quote=False)
    text = _LINK.sub(lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], text)


def to_html(markdown: str) -> str:
    """Convert a Markdown text (the subset described in the module docstring) to HTML.

    Example:
        >>> to_html("## Hi\\n\\nSome *text*\\n\\n- one\\n- two")
        '<h2>Hi</h2>\\n<p>Some <em>text</em></p>\\n<ul>\\n<li>one</li>\\n<li>two</li>\\n</ul>'
    """
    lines = markdown.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif stripped.startswith("```"):
            i = _fenced_code(lines, i, out)
        elif line.startswith("    "):
            i = _indented_code(lines, i, out)
        elif heading := _HEADING.match(stripped):
            level = len(heading.group(1))
            out.append(f"<h{level}>{inline_html(heading.group(2).strip())}</h{level}>")
            i += 1
        elif _BULLET.match(stripped) or _NUMBERED.match(stripped):
            i = _list(lines, i, out)
        else:
            i = _paragraph(lines, i, out)
    return "\n".join(out)


def _fenced_code(lines: list[str], i: int, out: list[str]) -> int:
    body: list[str] = []
    i += 1
    while i < len(lines) and not lines[i].strip().startswith("```"):
        body.append(lines[i])
        i += 1
    out.append(f"<pre><code>{html.escape(chr(10).join(body), quote=False)}</code></pre>")
    return i + 1  # skip the closing fence (or run past the end if it is missing)


def _indented_code(lines: list[str], i: int, out: list[str]) -> int:
    body: list[str] = []
    while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
        body.append(lines[i][4:])
        i += 1
    while body and not body[-1].strip():
        body.pop()
    out.append(f"<pre><code>{html.escape(chr(10).join(body), quote=False)}</code></pre>")
    return i


def _list(lines: list[str], i: int, out: list[str]) -> int:
    ordered = bool(_NUMBERED.match(lines[i].strip()))
    marker = _NUMBERED if ordered else _BULLET
    items: list[list[str]] = []
    while i < len(lines):
        line = lines[i]
        # An indented marker continues the current item; the very first line always opens one.
        item = marker.match(line.strip()) if not (line.startswith(" ") and items) else None
        if item:
            items.append([item.group(1)])
        elif line.strip() and line.startswith(" ") and items:
            items[-1].append(line.strip())  # continuation of the current item
        elif not line.strip() and i + 1 < len(lines) and marker.match(lines[i + 1].strip()):
            pass  # a blank line between two items of the same list
        else:
            break
        i += 1
    tag = "ol" if ordered else "ul"
    out.append(f"<{tag}>")
    out.extend(f"<li>{inline_html(' '.join(parts))}</li>" for parts in items)
    out.append(f"</{tag}>")
    return i


def _paragraph(lines: list[str], i: int, out: list[str]) -> int:
    parts: list[str] = []
    while i < len(lines):
        stripped = lines[i].strip()
        starts_block = (
            _HEADING.match(stripped) or _BULLET.match(stripped) or stripped.startswith("```")
        )
        if not stripped or (parts and starts_block):
            break
        parts.append(stripped)
        i += 1
    out.append(f"<p>{inline_html(' '.join(parts))}</p>")
    return i
