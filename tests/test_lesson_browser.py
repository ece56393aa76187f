"""The lesson widget in a real browser: tabs switch, text is readable, screenshots to look at.

JupyterLab in headless Chromium (see browser_support.py) runs a one-cell notebook that shows
lesson 3; the test opens the FAQ and Dialogue tabs and measures the line height of the text.
Screenshots land in artifacts/screenshots/lesson-*.png.
"""

from __future__ import annotations

import json

import pytest
from browser_support import code_notebook, notebook_page, screenshot

from pruneedu import lessons

pytestmark = pytest.mark.browser
NOTEBOOK = "zz-lesson-view.ipynb"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    notebook = code_notebook(
        "from pruneedu import lessons\nlessons.show('03-challenges', depth='medium')")
    with notebook_page(tmp_path_factory.mktemp("jupyterlab-lesson"), NOTEBOOK, notebook,
                       {"width": 1280, "height": 900}) as page:
        page.wait_for_selector(".pruneedu-lesson .lm-TabBar-tab", timeout=60_000)
        yield page


def open_tab(page, title: str):
    page.locator(".pruneedu-lesson .lm-TabBar-tab", has_text=title).first.click()
    page.wait_for_timeout(300)
    return page.locator(".pruneedu-lesson .widget-tab-contents > :not(.lm-mod-hidden)").first


def test_lesson_view_shows_the_summary_first(page):
    titles = page.locator(".pruneedu-lesson .lm-TabBar-tab").all_inner_texts()
    assert [t.strip() for t in titles][:3] == ["Summary", "Listen", "Key concepts"]
    visible = open_tab(page, "Summary").inner_text()
    assert "Find the balance point" in visible
    screenshot(page, "lesson-summary")


def test_faq_tab_shows_the_questions_at_reading_line_height(page):
    panel = open_tab(page, "FAQ")
    text = panel.inner_text()
    for entry in lessons.load_lesson("03-challenges").faq():
        assert entry.question in text
    metrics = panel.locator("p").first.evaluate(
        "p => { const s = getComputedStyle(p); "
        "return [parseFloat(s.lineHeight), parseFloat(s.fontSize)]; }")
    line_height, font_size = metrics
    assert 1.3 <= line_height / font_size <= 1.7, json.dumps(metrics)
    screenshot(page, "lesson-faq")


def test_dialogue_tab_shows_segments_and_speakers(page):
    panel = open_tab(page, "Dialogue")
    text = panel.inner_text()
    for segment in lessons.load_lesson("03-challenges").dialogue_segments():
        assert segment.title in text
    for speaker in lessons.SPEAKERS:
        assert f"{speaker}:" in text
    screenshot(page, "lesson-dialogue")
