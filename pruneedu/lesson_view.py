"""The lesson widget: one tab per part of a lesson, and a way for other code to add tabs.

Pure ipywidgets (no JavaScript in the outputs), so it works in an untrusted notebook. Built by
``pruneedu.lessons.show``; the audio player adds its "Listen" tab through ``register_panel``
or ``LessonView.add_panel``.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from pruneedu.lessons import DEPTHS, Lesson
from pruneedu.markdown_html import inline_html, to_html

# Tab title -> lesson section, in the order the tabs appear.
SECTION_PANELS: dict[str, str] = {
    "Key concepts": "Key concepts",
    "Examples": "Real-world examples",
    "Memory aids": "Memory aids",
    "Dialogue": "Dialogue",
    "FAQ": "FAQ",
    "Glossary": "Glossary",
    "Try it": "Try it",
}
DEPTH_TOOLTIPS = ("A few plain paragraphs", "The main ideas", "Mechanics, maths and papers")
# ipywidgets' HTML view sets the line height to a widget row (about 28 px), which spaces
# prose like a form; text reads at about 1.5 lines.
_PROSE_STYLE = "line-height: 1.5; max-width: 52em; padding: 0 0.5em;"

PanelFactory = Callable[["LessonView"], widgets.Widget]
_REGISTERED: dict[str, tuple[PanelFactory, int | None]] = {}


def prose(markdown: str) -> str:
    """Markdown as HTML for a lesson tab, escaped by ``markdown_html`` and set at reading height.

    Example:
        >>> prose("**Maya:** Why?")
        '<div style="line-height: 1.5; max-width: 52em; padding: 0 0.5em;"><p><strong>...'
    """
    return f'<div style="{_PROSE_STYLE}">{to_html(markdown)}</div>'


def register_panel(title: str, factory: PanelFactory, index: int | None = None) -> None:
    """Add a tab to every lesson view built from now on: ``factory(view)`` makes its widget.

    ``index`` places the tab (default: last). Registering a title again replaces the factory.

    Example:
        >>> from pruneedu.lessons import load_lesson
        >>> register_panel("Notes", lambda view: widgets.Textarea(), index=1)
        >>> LessonView(load_lesson("01-introduction")).panel_titles[:2]
        ('Summary', 'Notes')
        >>> unregister_panel("Notes")
    """
    _REGISTERED[title] = (factory, index)


def unregister_panel(title: str) -> None:
    """Stop adding the tab ``title`` to new lesson views (no error if it was never registered)."""
    _REGISTERED.pop(title, None)


class LessonView(widgets.VBox):
    """A lesson in tabs: the summary with a depth selector, then the other sections.

    Handles for notebooks and tests: ``lesson``, ``depth_selector``, ``summary_view``, ``tabs``.

    Example:
        >>> from pruneedu.lessons import load_lesson
        >>> view = LessonView(load_lesson("03-challenges"), depth="medium", panel="FAQ")
        >>> view.panel_titles[:3]
        ('Summary', 'Key concepts', 'Examples')
    """

    def __init__(self, lesson: Lesson, depth: str = "basic", panel: str | None = None) -> None:
        self.lesson = lesson
        self.depth_selector = widgets.ToggleButtons(
            options=[(d.capitalize(), d) for d in DEPTHS],
            value=depth,
            description="Depth:",
            tooltips=list(DEPTH_TOOLTIPS),
        )
        self.summary_view = widgets.HTML(value=prose(lesson.summary(depth)))
        self.depth_selector.observe(self._switch_depth, names="value")
        self.tabs = widgets.Tab()
        self._panels: dict[str, widgets.Widget] = {}
        self.add_panel("Summary", widgets.VBox([self.depth_selector, self.summary_view]))
        for title, heading in SECTION_PANELS.items():
            if heading in lesson.sections:
                self.add_panel(title, widgets.HTML(value=prose(lesson.section_markdown(heading))))
        for title, (factory, index) in list(_REGISTERED.items()):
            self.add_panel(title, factory(self), index=index)
        header = widgets.HTML(value=f"<h2>{inline_html(lesson.title)}</h2>")
        super().__init__(children=[header, self.tabs])
        self.add_class("pruneedu-lesson")  # browser tests find the view by this class
        if panel is not None:
            self.open_panel(panel)

    @property
    def panel_titles(self) -> tuple[str, ...]:
        """The tab titles, in order."""
        return tuple(self._panels)

    def panel(self, title: str) -> widgets.Widget:
        """The widget shown in the tab ``title``."""
        self._check_title(title)
        return self._panels[title]

    def open_panel(self, title: str) -> None:
        """Bring the tab ``title`` to the front."""
        self._check_title(title)
        self.tabs.selected_index = self.panel_titles.index(title)

    def add_panel(self, title: str, widget: widgets.Widget, index: int | None = None) -> None:
        """Attach ``widget`` as a new tab called ``title`` at position ``index`` (default: last).

        Example:
            >>> from pruneedu.lessons import load_lesson
            >>> view = LessonView(load_lesson("01-introduction"))
            >>> view.add_panel("Listen", widgets.Label("a player"), index=1)
            >>> view.panel("Listen").value
            'a player'
        """
        if title in self._panels:
            raise ValueError(f"The lesson view already has a {title!r} tab; pick another title.")
        items = list(self._panels.items())
        position = len(items) if index is None else max(0, min(index, len(items)))
        items.insert(position, (title, widget))
        selected = self.tabs.selected_index
        self._panels = dict(items)
        self.tabs.children = [w for _, w in items]
        self.tabs.titles = tuple(t for t, _ in items)
        if selected is not None and position <= selected:
            selected += 1  # keep the tab the learner is on in front
        self.tabs.selected_index = selected if selected is not None else 0

    def _check_title(self, title: str) -> None:
        if title not in self._panels:
            raise ValueError(f"No tab {title!r}; choose one of: {', '.join(self._panels)}.")

    def _switch_depth(self, change: dict) -> None:
        self.summary_view.value = prose(self.lesson.summary(change["new"]))
