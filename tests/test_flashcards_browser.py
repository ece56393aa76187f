"""The flashcard key box in a real JupyterLab: typing a space flips, typing a digit answers.

ipywidgets buttons take no key presses, so the review widget offers a text box instead; this
checks in headless Chromium that keys typed there reach the kernel and change the schedule.
"""

from __future__ import annotations

import json

import pytest
from browser_support import chromium_lab, open_notebook, run_all_cells, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("flashcards-lab")
    with chromium_lab(workdir) as (browser, url, token):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page, url, token, workdir / "pruneedu-home"


SCROLL_TO_FLASHCARDS_JS = """async () => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    const cell = notebook.widgets.find(
        c => c.model.sharedModel.getSource().includes('flashcards.show('));
    notebook.activeCellIndex = notebook.widgets.indexOf(cell);
    await notebook.scrollToCell(cell, 'start');
}"""


def wait_for_text(page, selector: str, start: str, timeout_ms: int = 30_000) -> None:
    """Wait until the first element matching ``selector`` shows text starting with ``start``."""
    page.wait_for_function(
        "([sel, start]) => { const el = document.querySelector(sel);"
        " return !!el && el.innerText.trim().startsWith(start); }",
        arg=[selector, start],
        timeout=timeout_ms,
    )


def test_typing_in_the_key_box_flips_and_answers(lab):
    page, url, token, home = lab
    open_notebook(page, url, token, "05-review.ipynb")
    run_all_cells(page)
    # JupyterLab 4 keeps only cells near the viewport in the page: bring the widget into view.
    page.evaluate(SCROLL_TO_FLASHCARDS_JS)
    screenshot(page, "05-review-flashcards-start")
    wait_for_text(page, ".pruneedu-flashcards-progress", "0 cards reviewed")
    back = page.locator(".pruneedu-flashcards-back").first
    assert back.inner_text().strip() == ""

    box = page.locator(".pruneedu-flashcards-keys input").first
    box.click()
    page.keyboard.type(" ")
    page.wait_for_function(
        "() => document.querySelector('.pruneedu-flashcards-back').innerText.trim() !== ''",
        timeout=15_000,
    )
    page.keyboard.type("3")  # good
    wait_for_text(page, ".pruneedu-flashcards-progress", "1 cards reviewed")
    screenshot(page, "05-review-flashcards-keys")
    assert box.input_value() == ""  # the kernel emptied the box for the next key
    cards = json.loads((home / "flashcards.json").read_text())["cards"]
    reviewed = [card for card in cards.values() if card["last_review"] is not None]
    assert len(reviewed) == 1 and reviewed[0]["repetitions"] == 1
    page.keyboard.press("Control+s")
