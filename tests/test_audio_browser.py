"""The Listen player in a real browser: JupyterLab in headless Chromium shows one audio control
per dialogue segment with its transcript, and pressing play makes the recording advance.

A screenshot of the player lands in artifacts/screenshots/audio-player.png.
"""

from __future__ import annotations

import pytest
from browser_support import code_notebook, error_outputs, notebook_page, screenshot

from pruneedu.lessons import load_lesson

pytestmark = pytest.mark.browser

NOTEBOOK = "zz-audio-player.ipynb"  # only in the test's copy of notebooks/


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    notebook = code_notebook("from pruneedu.audio import player\nplayer.show('01-introduction')")
    with notebook_page(tmp_path_factory.mktemp("jupyterlab-audio"), NOTEBOOK, notebook,
                       {"width": 1400, "height": 1000}) as page:
        yield page


def test_one_control_per_segment_with_its_transcript(page):
    segments = load_lesson("01-introduction").dialogue_segments()
    player = page.locator(".pruneedu-audio-player")
    player.wait_for(timeout=30_000)
    assert player.locator("audio").count() == len(segments)
    text = player.inner_text()
    for segment in segments:
        assert segment.title in text
        assert "Teacher:" in text and f"{segment.turns[-1][0]}:" in text
    assert error_outputs(page) == []
    player.scroll_into_view_if_needed()
    screenshot(page, "audio-player")


def test_pressing_play_advances_the_recording(page):
    audio = page.locator(".pruneedu-audio-player audio").first
    audio.scroll_into_view_if_needed()
    box = audio.bounding_box()
    # The play button sits at the left end of Chromium's audio controls: click it as a user.
    page.mouse.click(box["x"] + 18, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "el => !el.paused && el.currentTime > 1.5", arg=audio.element_handle(), timeout=20_000)
    state = audio.evaluate("el => ({time: el.currentTime, error: el.error && el.error.code,"
                           " duration: el.duration})")
    assert state["error"] is None
    assert 1.5 < state["time"] < state["duration"]
    screenshot(page, "audio-player-playing")
