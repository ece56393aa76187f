"""The lesson texts: load them from ``lessons/``, show them in a notebook, print them in a terminal.

Each lesson is one Markdown file, ``lessons/<lesson-id>.md``, starting with ``# Lesson N - Title``
and holding fixed ``## `` sections (see ``REQUIRED_SECTIONS``); ``## Try it`` is optional. The
summary comes at three depths, each paragraph opening with a bold title (one idea and its
example, read as one chapter of the audio book). The dialogue is split into segments by ``### ``
headings, each a run of ``**Speaker:** text`` turns by the ``SPEAKERS``; the FAQ is one ``### ``
question per answer. The format is checked on load, so a typo fails with the file and the
place named. Used by the lesson notebooks and ``pruneedu lesson``. No torch here.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pruneedu import paths

if TYPE_CHECKING:  # ipywidgets loads only when a notebook asks for a widget
    from pruneedu.lesson_view import LessonView

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
    "FAQ",
    "Glossary",
)
# What `pruneedu lesson --section` accepts, mapped to the section it prints.
SECTION_CHOICES: dict[str, str] = {
    "concepts": "Key concepts",
    "examples": "Real-world examples",
    "memory-aids": "Memory aids",
    "dialogue": "Dialogue",
    "faq": "FAQ",
    "glossary": "Glossary",
    "try-it": "Try it",
}
# The voices of the dialogues; the audio lessons give each speaker its own voice.
SPEAKERS: tuple[str, ...] = ("Teacher", "Maya", "Leo", "Priya", "Tom")

_TURN = re.compile(r"^\*\*([A-Za-z]+):\*\*\s+(\S.*)$", re.DOTALL)
# "**Title.** text" or "**A question?** text": the title ends with its own punctuation.
_CHAPTER = re.compile(r"^\*\*([^*]+?)(?:\.|(?<=\?))\*\*\s+(\S.*)$", re.DOTALL)
_GLOSSARY_ID = re.compile(r"^[-*]\s+`([a-z0-9-]+)`")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# *emphasis*, but not the star of a product such as "W * M".
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")


@dataclass(frozen=True)
class DialogueSegment:
    """One segment of a lesson's dialogue: a title and its (speaker, text) turns, in order."""

    title: str
    turns: list[tuple[str, str]]


@dataclass(frozen=True)
class FaqEntry:
    """One question of a lesson's FAQ and its answer (Markdown)."""

    question: str
    answer: str


@dataclass(frozen=True)
class SummaryChapter:
    """One paragraph of a summary: its bold title and its text (Markdown, title removed)."""

    title: str
    text: str


@dataclass(frozen=True)
class Lesson:
    """One lesson: its id, its title and its sections (``## `` heading -> Markdown body)."""

    id: str
    title: str
    sections: dict[str, str] = field(default_factory=dict)

    def summary(self, depth: str = "basic") -> str:
        """The summary at one depth, as Markdown.

        Example:
            >>> load_lesson("01-introduction").summary("basic").startswith("**")
            True
        """
        return self.sections[_summary_heading(depth)]

    def summary_chapters(self, depth: str = "basic") -> list[SummaryChapter]:
        """The summary at one depth as chapters: one bold-titled paragraph (plus any formula
        block under it) each, for an audio book that reads one idea at a time.

        Example:
            >>> chapter = load_lesson("01-introduction").summary_chapters("basic")[0]
            >>> chapter.title in load_lesson("01-introduction").summary("basic")
            True
        """
        return _chapters(self.summary(depth), f"{self.id} '{_summary_heading(depth)}'")

    def dialogue_segments(self) -> list[DialogueSegment]:
        """The dialogue as segments, each a ``### `` title and its turns.

        Example:
            >>> first = load_lesson("01-introduction").dialogue_segments()[0]
            >>> first.turns[0][0]
            'Teacher'
        """
        return _segments(self.sections["Dialogue"], f"{self.id} '## Dialogue'")

    def dialogue(self) -> list[tuple[str, str]]:
        """Every turn of the dialogue as (speaker, text) pairs, in order, across segments.

        Example:
            >>> load_lesson("01-introduction").dialogue()[0][0]
            'Teacher'
        """
        return [turn for segment in self.dialogue_segments() for turn in segment.turns]

    def faq(self) -> list[FaqEntry]:
        """The lesson's frequently asked questions with their answers.

        Example:
            >>> load_lesson("01-introduction").faq()[0].question.endswith("?")
            True
        """
        return _faq(self.sections["FAQ"], f"{self.id} '## FAQ'")

    def glossary_ids(self) -> list[str]:
        """The glossary term ids this lesson teaches (see ``quizzes/glossary.yaml``).

        Example:
            >>> "sparsity" in load_lesson("01-introduction").glossary_ids()
            True
        """
        lines = self.sections["Glossary"].splitlines()
        return [m.group(1) for m in map(_GLOSSARY_ID.match, lines) if m]

    def glossary_markdown(self) -> str:
        """The glossary section with each id replaced by its term and definition.

        Example:
            >>> load_lesson("01-introduction").glossary_markdown().splitlines()[0][:13]
            '- **Pruning**'
        """
        from pruneedu.flashcards.glossary import load_glossary

        terms = {term.id: term for term in load_glossary()}
        lines = []
        for term_id in self.glossary_ids():
            if term_id not in terms:
                raise ValueError(
                    f"Lesson {self.id} lists the glossary id {term_id!r}, which "
                    "quizzes/glossary.yaml lacks; add the term or fix the id."
                )
            term = terms[term_id]
            lines.append(f"- **{term.term}** - {term.definition}")
            if term.example:
                lines.append(f"  *Example:* {term.example}")
        return "\n".join(lines)

    def section_markdown(self, heading: str) -> str:
        """A section as shown to a learner (the glossary with its definitions filled in)."""
        if heading == "Glossary":
            return self.glossary_markdown()
        return self.sections[heading]

    def other_sections(self) -> dict[str, str]:
        """Every section except the three summaries, in file order."""
        return {h: body for h, body in self.sections.items() if not h.startswith("Summary: ")}


def _summary_heading(depth: str) -> str:
    if depth not in DEPTHS:
        raise ValueError(f"Unknown depth {depth!r}; choose one of: {', '.join(DEPTHS)}.")
    return f"Summary: {depth.capitalize()}"


def _blocks(body: str) -> list[str]:
    """The paragraphs of a Markdown body, with a ``### `` heading always a block of its own."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        lines = paragraph.strip("\n").split("\n")
        current: list[str] = []
        for line in lines:
            if line.startswith("### "):
                if current:
                    blocks.append("\n".join(current))
                blocks.append(line)
                current = []
            else:
                current.append(line)
        if any(line.strip() for line in current):
            blocks.append("\n".join(current))
    return blocks


def _headed_groups(body: str, where: str, what: str) -> list[tuple[str, list[str]]]:
    """Split a body into (``### `` title, its blocks); nothing may come before the first title."""
    groups: list[tuple[str, list[str]]] = []
    for block in _blocks(body):
        if block.startswith("### "):
            groups.append((block[4:].strip(), []))
        elif not groups:
            raise ValueError(f"{where} has text before its first '### ' {what} heading: "
                             f"{block[:60]!r}; put it under a heading.")
        else:
            groups[-1][1].append(block)
    if not groups:
        raise ValueError(f"{where} has no '### ' {what} heading; add at least one.")
    for title, blocks in groups:
        if not blocks:
            raise ValueError(f"{where}: the {what} '{title}' is empty; add its text.")
    return groups


def _segments(body: str, where: str) -> list[DialogueSegment]:
    segments = []
    for title, blocks in _headed_groups(body, where, "segment"):
        turns = []
        for block in blocks:
            match = _TURN.match(" ".join(block.split()))
            if not match:
                raise ValueError(f"{where}, segment '{title}': {block[:60]!r} is not a turn; "
                                 "write it as '**Speaker:** text'.")
            speaker, text = match.groups()
            if speaker not in SPEAKERS:
                raise ValueError(f"{where}, segment '{title}': unknown speaker {speaker!r}; "
                                 f"use one of {', '.join(SPEAKERS)}.")
            turns.append((speaker, text))
        segments.append(DialogueSegment(title=title, turns=turns))
    return segments


def _faq(body: str, where: str) -> list[FaqEntry]:
    return [FaqEntry(question=title, answer="\n\n".join(blocks))
            for title, blocks in _headed_groups(body, where, "question")]


def _chapters(body: str, where: str) -> list[SummaryChapter]:
    chapters: list[SummaryChapter] = []
    after_formula = False
    for block in _blocks(body):
        match = _CHAPTER.match(block)
        is_formula = block.startswith("    ")
        if match:
            chapters.append(SummaryChapter(title=match.group(1), text=match.group(2)))
        elif chapters and (is_formula or after_formula):
            # A formula block, and the paragraph that explains it, belong to the chapter above.
            last = chapters[-1]
            chapters[-1] = SummaryChapter(last.title, f"{last.text}\n\n{block}")
        else:
            raise ValueError(f"{where}: the paragraph {block[:60]!r} has no bold title; "
                             "start it with '**Title.** '.")
        after_formula = is_formula
    return chapters


def lesson_path(lesson_id: str) -> Path:
    """The Markdown file of a lesson, after checking that the id is one of ``LESSON_IDS``."""
    if lesson_id not in LESSON_IDS:
        raise ValueError(f"Unknown lesson {lesson_id!r}; choose one of: {', '.join(LESSON_IDS)}.")
    return paths.lessons_dir() / f"{lesson_id}.md"


def parse_lesson(lesson_id: str, text: str, source: str = "<text>") -> Lesson:
    """Build a Lesson from Markdown text and check its format; ``source`` names the file in errors.

    Example:
        >>> text = "# Lesson 9 - X\\n" + "".join(f"## {h}\\n**A.** B\\n" for h in REQUIRED_SECTIONS)
        >>> text = text.replace("## Dialogue\\n**A.** B", "## Dialogue\\n### Hi\\n**Tom:** Hello?")
        >>> text = text.replace("## FAQ\\n**A.** B", "## FAQ\\n### Why?\\nBecause.")
        >>> parse_lesson("x", text).dialogue_segments()
        [DialogueSegment(title='Hi', turns=[('Tom', 'Hello?')])]
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
    lesson = Lesson(id=lesson_id, title=title_lines[0][2:].strip(), sections=bodies)
    # Parse the structured sections once now, so a format slip names the file at load time.
    _segments(bodies["Dialogue"], f"{source} '## Dialogue'")
    _faq(bodies["FAQ"], f"{source} '## FAQ'")
    for depth in DEPTHS:
        heading = _summary_heading(depth)
        _chapters(bodies[heading], f"{source} '## {heading}'")
    return lesson


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


def render_text(lesson_id: str, depth: str = "basic", section: str | None = None) -> str:
    """The lesson as plain text for a terminal: title, the summary at ``depth``, other sections.

    ``section`` (a key of ``SECTION_CHOICES`` or ``"summary"``) prints only that part.

    Example:
        >>> render_text("03-challenges", "medium").splitlines()[0]
        'Lesson 3 - Pruning challenges and best practices'
    """
    heading = _summary_heading(depth)
    if section is not None and section != "summary" and section not in SECTION_CHOICES:
        choices = ", ".join(("summary", *SECTION_CHOICES))
        raise ValueError(f"Unknown section {section!r}; choose one of: {choices}.")
    lesson = load_lesson(lesson_id)
    parts = [lesson.title, "=" * len(lesson.title), ""]
    if section in (None, "summary"):
        parts += [heading, "-" * len(heading), _plain(lesson.sections[heading]), ""]
    for name in lesson.other_sections():
        if section is None or SECTION_CHOICES.get(section) == name:
            parts += [name, "-" * len(name), _plain(lesson.section_markdown(name)), ""]
    if section not in (None, "summary") and len(parts) == 3:
        raise ValueError(f"Lesson {lesson_id} has no '{SECTION_CHOICES[section]}' section.")
    return "\n".join(parts).rstrip() + "\n"


def _plain(markdown: str) -> str:
    # Terminals show the bold and code markers literally, which only adds noise, and a control
    # character in a teacher's glossary entry must not reach the terminal.
    text = _CONTROL.sub("", markdown.replace("**", "").replace("`", ""))
    text = _EMPHASIS.sub(r"\1", text)
    return re.sub(r"^### (.+)$", lambda m: f"{m.group(1)}\n{'~' * len(m.group(1))}", text,
                  flags=re.MULTILINE)


def show(lesson_id: str, depth: str = "basic", panel: str | None = None) -> LessonView:
    """A notebook view of a lesson: one tab per part (the summary with a depth selector, key
    concepts, examples, memory aids, dialogue, FAQ, glossary, try it); ``panel`` opens a tab.

    More tabs can be attached with ``view.add_panel(title, widget)`` or, for every view,
    ``pruneedu.lesson_view.register_panel``.

    Example:
        >>> view = show("01-introduction", panel="FAQ")
        >>> view.depth_selector.value = "detailed"   # the summary tab now shows that depth
    """
    from pruneedu.audio import player
    from pruneedu.lesson_view import LessonView

    _summary_heading(depth)  # a wrong depth fails before anything is built
    view = LessonView(load_lesson(lesson_id), depth=depth)
    view.add_panel(player.PANEL_TITLE, player.panel_for_view(view), index=1)
    if panel is not None:
        view.open_panel(panel)
    return view


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of a ``pruneedu lesson`` subcommand (for ``pruneedu.cli``)."""
    parser.add_argument("lesson_id", choices=LESSON_IDS, help="the lesson to print")
    parser.add_argument("--depth", choices=DEPTHS, default="basic", help="summary depth")
    parser.add_argument("--section", choices=("summary", *SECTION_CHOICES), default=None,
                        help="print only this part of the lesson (default: all of it)")


def run(args: argparse.Namespace) -> int:
    """Print a lesson to the terminal; the body of ``pruneedu lesson``."""
    print(render_text(args.lesson_id, args.depth, getattr(args, "section", None)), end="")
    return 0
