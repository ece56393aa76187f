"""The lesson texts: load them from ``lessons/``, show them in a notebook, print them in a terminal.

Each lesson is one Markdown file, ``lessons/<lesson-id>.md``, starting with ``# Lesson N - Title``
and holding fixed ``## `` sections (see ``REQUIRED_SECTIONS``); ``## Try it`` is optional. The
summary comes at three depths, and ``show`` lets a learner switch between them in place. Used by
the lesson notebooks 01-introduction, 02-weight-vs-node and 03-challenges. No torch here.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pruneedu import paths
from pruneedu.markdown_html import to_html

if TYPE_CHECKING:  # ipywidgets loads only when a notebook asks for a widget
    import ipywidgets

LESSON_IDS: tuple[str, ...] = ("01-introduction", "02-weight-vs-node", "03-challenges")
DEPTHS: tuple[str, ...] = ("basic", "medium", "detailed")
REQUIRED_SECTIONS: tuple[str, ...] = (
    "Summary: Basic",
    "Summary: Medium",
    "Summary: Detailed",
    "Key concepts",
    "Real-world examples",
    "Memory aids",
    "Dialogue",
    "Glossary",
)
SPEAKERS: tuple[str, ...] = ("Teacher", "Student")

_DIALOGUE_LINE = re.compile(r"^\*\*(\w+):\*\*\s*(.+)$")
_GLOSSARY_ID = re.compile(r"^[-*]\s+`([a-z0-9-]+)`")


@dataclass(frozen=True)
class Lesson:
    """One lesson: its id, its title and its sections (``## `` heading -> Markdown body)."""

    id: str
    title: str
    sections: dict[str, str] = field(default_factory=dict)

    def summary(self, depth: str = "basic") -> str:
        """The summary at one depth, as Markdown.

        Example:
            >>> load_lesson("01-introduction").summary("basic")[:20]
            'A trained neural net'
        """
        return self.sections[_summary_heading(depth)]

    def dialogue(self) -> list[tuple[str, str]]:
        """The dialogue as (speaker, line) pairs, in order.

        Example:
            >>> load_lesson("01-introduction").dialogue()[0][0]
            'Teacher'
        """
        pairs = []
        for block in self.sections["Dialogue"].split("\n\n"):
            match = _DIALOGUE_LINE.match(" ".join(block.split()))
            if match:
                pairs.append((match.group(1), match.group(2)))
        return pairs

    def glossary_ids(self) -> list[str]:
        """The glossary term ids this lesson teaches (see ``quizzes/glossary.yaml``).

        Example:
            >>> "sparsity" in load_lesson("01-introduction").glossary_ids()
            True
        """
        lines = self.sections["Glossary"].splitlines()
        return [m.group(1) for m in map(_GLOSSARY_ID.match, lines) if m]

    def other_sections(self) -> dict[str, str]:
        """Every section except the three summaries, in file order."""
        return {h: body for h, body in self.sections.items() if not h.startswith("Summary: ")}


def _summary_heading(depth: str) -> str:
    if depth not in DEPTHS:
        raise ValueError(f"Unknown depth {depth!r}; choose one of: {', '.join(DEPTHS)}.")
    return f"Summary: {depth.capitalize()}"


def lesson_path(lesson_id: str) -> Path:
    """The Markdown file of a lesson, after checking that the id is one of ``LESSON_IDS``."""
    if lesson_id not in LESSON_IDS:
        raise ValueError(f"Unknown lesson {lesson_id!r}; choose one of: {', '.join(LESSON_IDS)}.")
    return paths.lessons_dir() / f"{lesson_id}.md"


def parse_lesson(lesson_id: str, text: str, source: str = "<text>") -> Lesson:
    """Build a Lesson from Markdown text; ``source`` names the file in error messages.

    Example:
        >>> text = "# Lesson 9 - X\\n" + "".join(f"## {h}\\nText\\n" for h in REQUIRED_SECTIONS)
        >>> parse_lesson("x", text).sections["Dialogue"]
        'Text'
    """
    lines = text.replace("\r\n", "\n").split("\n")
    title_lines = [line for line in lines if line.startswith("# ")]
    if not title_lines:
        raise ValueError(f"{source} has no '# Lesson N - Title' line; add one at the top.")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in lines:
        if line.strip().startswith("```"):
            in_fence = not in_fence
        if line.startswith("## ") and not in_fence:
            heading = line[3:].strip()
            if heading in sections:
                raise ValueError(f"{source} has two '## {heading}' sections; merge them into one.")
            current = sections[heading] = []
        elif current is not None:
            current.append(line)
    bodies = {heading: "\n".join(body).strip() for heading, body in sections.items()}
    for heading in REQUIRED_SECTIONS:
        if not bodies.get(heading):
            raise ValueError(f"{source} lacks the section '## {heading}'; add it with some text.")
    return Lesson(id=lesson_id, title=title_lines[0][2:].strip(), sections=bodies)


def load_lesson(lesson_id: str) -> Lesson:
    """Read one lesson from ``pruneedu.paths.lessons_dir()``.

    Example:
        >>> load_lesson("02-weight-vs-node").title
        'Lesson 2 - Types of pruning: weights, nodes and structures'
    """
    path = lesson_path(lesson_id)
    if not path.is_file():
        raise ValueError(
            f"Lesson file {path} is missing; set PRUNEEDU_COURSE_ROOT to the course folder."
        )
    return parse_lesson(lesson_id, path.read_text(encoding="utf-8"), source=str(path))


def render_text(lesson_id: str, depth: str = "basic") -> str:
    """The lesson as plain text for a terminal: title, the summary at ``depth``, other sections.

    Example:
        >>> render_text("03-challenges", "medium").splitlines()[0]
        'Lesson 3 - Pruning challenges and best practices'
    """
    heading = _summary_heading(depth)
    lesson = load_lesson(lesson_id)
    parts = [lesson.title, "=" * len(lesson.title), "", heading, "-" * len(heading)]
    parts += [_plain(lesson.sections[heading]), ""]
    for name, body in lesson.other_sections().items():
        parts += [name, "-" * len(name), _plain(body), ""]
    return "\n".join(parts).rstrip() + "\n"


def _plain(markdown: str) -> str:
    # Terminals show the bold and code markers literally, which only adds noise.
    return markdown.replace("**", "").replace("`", "")


def show(lesson_id: str, depth: str = "basic") -> ipywidgets.VBox:
    """A notebook view of a lesson: a depth selector that swaps the summary in place, then the
    other sections in a collapsible accordion.

    Example:
        >>> view = show("01-introduction")
        >>> view.depth_selector.value = "detailed"   # view.summary_view now shows that depth
    """
    import ipywidgets as widgets

    heading = _summary_heading(depth)
    lesson = load_lesson(lesson_id)
    selector = widgets.ToggleButtons(
        options=[(d.capitalize(), d) for d in DEPTHS],
        value=depth,
        description="Depth:",
        tooltips=["A few plain sentences", "The main ideas", "Mechanics and maths"],
    )
    summary_view = widgets.HTML(value=to_html(lesson.sections[heading]))

    def switch(change: dict) -> None:
        summary_view.value = to_html(lesson.summary(change["new"]))

    selector.observe(switch, names="value")
    others = lesson.other_sections()
    accordion = widgets.Accordion(
        children=[widgets.HTML(value=to_html(body)) for body in others.values()],
        titles=tuple(others),
    )
    view = widgets.VBox([widgets.HTML(value=f"<h1>{lesson.title}</h1>"), selector, summary_view,
                         accordion])
    # Handles for notebooks and tests: switch depth and read what is shown.
    view.depth_selector = selector
    view.summary_view = summary_view
    view.lesson = lesson
    return view


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of a ``pruneedu lesson`` subcommand (for ``pruneedu.cli``)."""
    parser.add_argument("lesson_id", choices=LESSON_IDS, help="the lesson to print")
    parser.add_argument("--depth", choices=DEPTHS, default="basic", help="summary depth")


def run(args: argparse.Namespace) -> int:
    """Print a lesson to the terminal; the body of ``pruneedu lesson``."""
    print(render_text(args.lesson_id, args.depth))
    return 0
