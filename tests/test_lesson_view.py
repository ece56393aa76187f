"""The lesson widget: tabs per section, depth switching in place, FAQ, glossary, extra panels."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from pruneedu import lesson_view, lessons
from pruneedu.lesson_view import LessonView, prose

TABS = ("Summary", "Listen", "Key concepts", "Examples", "Memory aids", "Dialogue", "FAQ",
        "Glossary", "Try it")  # "Listen" is the audio player, pruneedu.audio.player


def test_widget_switches_the_summary_in_place():
    view = lessons.show("02-weight-vs-node")
    lesson = lessons.load_lesson("02-weight-vs-node")
    children_before = list(view.children)
    summary_view = view.summary_view
    assert view.depth_selector.description == "Depth:"
    assert [label for label, _ in view.depth_selector.options] == ["Basic", "Medium", "Detailed"]
    assert summary_view.value == prose(lesson.summary("basic"))
    for depth in ("detailed", "medium", "basic"):
        view.depth_selector.value = depth
        assert summary_view.value == prose(lesson.summary(depth))
        # The same widgets stay on screen: the summary changes in place, nothing is added.
        assert list(view.children) == children_before
        assert view.summary_view is summary_view
    assert len({prose(lesson.summary(d)) for d in lessons.DEPTHS}) == 3


def test_every_section_has_its_tab_in_lesson_order():
    view = lessons.show("03-challenges", depth="detailed")
    assert view.panel_titles == TABS
    assert view.tabs.titles == TABS
    assert view.panel("Summary").children == (view.depth_selector, view.summary_view)
    lesson = view.lesson
    for title, heading in lesson_view.SECTION_PANELS.items():
        assert view.panel(title).value == prose(lesson.section_markdown(heading))
    assert "<strong>Teacher:</strong>" in view.panel("Dialogue").value
    assert "<h3>" in view.panel("Dialogue").value  # one heading per segment


def test_glossary_tab_shows_terms_and_definitions():
    html = lessons.show("01-introduction").panel("Glossary").value
    assert "<strong>Mask</strong> - A tensor of 0s and 1s" in html
    assert "`mask`" not in html and "Mask - Mask" not in html


def test_faq_tab_opens_on_request_and_holds_every_question():
    view = lessons.show("01-introduction", panel="FAQ")
    assert view.tabs.selected_index == TABS.index("FAQ")
    html = view.panel("FAQ").value
    for entry in view.lesson.faq():
        assert f"<h3>{entry.question}</h3>" in html.replace("&#x27;", "'")
    with pytest.raises(ValueError, match="No tab 'Quiz'; choose one of: Summary, Listen, Key"):
        lessons.show("01-introduction", panel="Quiz")


def test_prose_sets_a_reading_line_height_and_escapes():
    html = prose("<script>alert(1)</script>\n\n**bold**")
    assert html.startswith('<div style="line-height: 1.5;')
    assert "<script>" not in html and "<strong>bold</strong>" in html


def test_add_panel_inserts_a_tab_and_keeps_the_open_one_in_front():
    view = lessons.show("01-introduction", panel="Dialogue")
    player = widgets.Label("player")
    view.add_panel("Player", player, index=1)
    assert view.panel_titles[:3] == ("Summary", "Player", "Listen")
    assert view.tabs.children[1] is player and view.panel("Player") is player
    assert view.panel_titles[view.tabs.selected_index] == "Dialogue"
    view.add_panel("Notes", widgets.Label("notes"))
    assert view.panel_titles[-1] == "Notes" and view.tabs.titles == view.panel_titles
    with pytest.raises(ValueError, match="already has a 'Player' tab"):
        view.add_panel("Player", widgets.Label("again"))


def test_registered_panels_join_every_new_view():
    made_for = []

    def factory(view: LessonView) -> widgets.Widget:
        made_for.append(view.lesson.id)
        return widgets.Label(f"notes on {view.lesson.id}")

    lesson_view.register_panel("Notes", factory, index=1)
    try:
        view = lessons.show("02-weight-vs-node")
        assert view.panel_titles[1:3] == ("Listen", "Notes")
        assert view.panel("Notes").value == "notes on 02-weight-vs-node"
        assert view.tabs.selected_index == 0
    finally:
        lesson_view.unregister_panel("Notes")
    assert made_for == ["02-weight-vs-node"]
    assert "Notes" not in lessons.show("02-weight-vs-node").panel_titles


def test_wrong_depth_fails_before_building_anything():
    with pytest.raises(ValueError, match="basic, medium, detailed"):
        lessons.show("01-introduction", depth="deep")


def test_outputs_hold_no_script():
    view = lessons.show("03-challenges")
    for title in view.panel_titles[2:]:  # after the summary and the audio player
        assert "<script" not in view.panel(title).value.lower()
