"""The Listen player in a real browser: JupyterLab in headless Chromium shows one audio control
per dialogue segment with its transcript, and pressing play makes the recording advance.

A screenshot of the player lands in artifacts/screenshots/audio-player.png.
"""

from __future__ import annotations

import os
import warnings

import nbformat
import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    error_outputs,
    jupyterlab,
    open_notebook,
    run_all_cells,
    screenshot,
    shut_down_kernel,
)

from pruneedu.lessons import load_lesson

pytestmark = pytest.mark.browser

NOTEBOOK = "zz-audio-player.ipynb"  # only in the test's copy of notebooks/


def _player_notebook() -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from pruneedu.audio import player\nplayer.show('01-introduction')")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return nbformat.writes(notebook)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    reason = None
    if not CHROMIUM.exists():
        reason = f"AUDIO BROWSER TEST NOT RUN: {CHROMIUM} is missing (apt install chromium)."
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "AUDIO BROWSER TEST NOT RUN: Python Playwright is missing."
    if reason:
        if os.environ.get("PRUNEEDU_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " PRUNEEDU_REQUIRE_BROWSER=1 makes this a failure.")
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("jupyterlab-audio")
    with jupyterlab(workdir, extra_notebooks={NOTEBOOK: _player_notebook()}) as (url, token), \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_notebook(page, url, token, NOTEBOOK)
        run_all_cells(page)
        yield page
        shut_down_kernel(page)
        browser.close()


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
