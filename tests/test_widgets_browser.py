"""Every course view in a real browser, at two positions of its control.

A notebook built here shows each view once; the test moves each view's slider with the
keyboard (or clicks its toggle or button), as a learner would, waits until the kernel has
answered and the readouts have changed, and saves a screenshot of the view before and after
to ``artifacts/screenshots/widget-<view>-<n>.png``. Look at them: a test can check that text
changed, not that it is readable.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    error_outputs,
    jupyterlab,
    open_notebook,
    run_all_cells,
    shut_down_kernel,
)

pytestmark = pytest.mark.browser

NOTEBOOK = "zz-widgets.ipynb"  # only in the test's copy of notebooks/
SETUP = """\
from pruneedu import data, models, progress, quiz, widgets
from pruneedu.seeding import seed_everything

seed_everything(0)
mnist = data.load_mnist()
mlp, lenet5 = models.pretrained("lenet-300-100"), models.pretrained("lenet-5")"""
PROGRESS = """\
bank = quiz.load_bank("01-introduction")
answers = quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "practice")
for question in [q for q in bank.questions if q.type in ("single", "truefalse")][:4]:
    quiz.record_answer(answers, question.id, question.answer)
quiz.save_responses(quiz.responses_path(bank.id, "practice"), answers)
progress.show()"""


@dataclass
class Move:
    """How a learner changes one view: keys pressed on its first slider, or a button clicked."""

    css: str                      # the view's class, pruneedu-...
    cell: str                     # the code that shows it
    keys: list[str] = field(default_factory=list)
    click: str = ""               # text of a button or toggle to click instead
    done: str = ""                # text a readout must show before the second screenshot


MOVES = [
    Move("pruneedu-digit-browser", "widgets.DigitBrowser(mnist.test)", keys=["ArrowRight"] * 3),
    Move("pruneedu-pruning-explorer", "widgets.PruningExplorer(mlp, mnist)", keys=["End"]),
    Move("pruneedu-pruning-explorer", "widgets.PruningExplorer(mlp, mnist)",
         click="the same share from each layer"),
    Move("pruneedu-weight-vs-node", "widgets.WeightVsNodeExplorer(mlp, mnist)", keys=["End"]),
    Move("pruneedu-channel-explorer", "widgets.ChannelExplorer(lenet5, mnist)",
         keys=["ArrowRight"] * 5),
    Move("pruneedu-fine-tune-demo", "widgets.FineTuneDemo(mlp, mnist)", click="Fine-tune one epoch",
         done="done"),
    Move("pruneedu-int8-explorer", "widgets.Int8Explorer(mlp, mnist)", keys=["PageUp"] * 3),
    Move("pruneedu-score-explorer", "widgets.ScoreExplorer(mlp, mnist)", keys=["PageUp"] * 4),
    Move("pruneedu-semi-structured", "widgets.SemiStructuredExplorer(mlp, mnist)", click="1:4"),
    Move("pruneedu-one-shot-vs-iterative",
         "widgets.OneShotVsIterative(mlp, mnist, budgets=[1, 2], train_size=500)",
         click="Run both methods", done="done"),
    Move("pruneedu-progress", PROGRESS),
]


def widgets_notebook() -> str:
    cells = [SETUP] + list(dict.fromkeys(move.cell for move in MOVES))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return nbformat.writes(notebook)


@pytest.fixture(scope="module")
def lab_page(tmp_path_factory):
    missing = None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "Python Playwright is missing (pip install playwright)"
    if missing:
        reason = f"BROWSER TESTS NOT RUN: {missing}."
        if os.environ.get("PRUNEEDU_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " PRUNEEDU_REQUIRE_BROWSER=1 makes this a failure.")
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    workdir: Path = tmp_path_factory.mktemp("jupyterlab-widgets")
    with jupyterlab(workdir, extra_notebooks={NOTEBOOK: widgets_notebook()}) as (url, token), \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        # 1280 pixels wide, as a laptop or a classroom projector; tall enough that the tallest
        # view fits the notebook panel whole (an element screenshot stops at its edge).
        page = browser.new_page(viewport={"width": 1280, "height": 2400})
        open_notebook(page, url, token, NOTEBOOK)
        run_all_cells(page, timeout_s=900)
        yield page
        shut_down_kernel(page)
        browser.close()


def readouts(page, view) -> list[str]:
    return view.locator(".pruneedu-readout .widget-html-content").all_inner_texts()


def kernel_idle(page) -> bool:
    return page.evaluate("() => { const p = window.jupyterapp.shell.currentWidget;"
                         " return p.sessionContext.session.kernel.status === 'idle'; }")


def wait_for_answer(page, view, before: list[str], done: str, timeout_s: float = 300) -> list[str]:
    """Wait until the readouts differ from ``before`` (and show ``done``) and the kernel rests."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        now = readouts(page, view)
        if now != before and kernel_idle(page) and all(text in " ".join(now) for text in [done]):
            page.wait_for_timeout(700)  # the last picture message lands after the readouts
            return readouts(page, view)
    raise AssertionError(f"the view did not answer within {timeout_s} s: {readouts(page, view)}")


def slug(text: str) -> str:
    """``"1:4"`` -> ``"1-4"``, ``"Run both methods"`` -> ``"run"``: safe in a file name."""
    return "".join(c if c.isalnum() else "-" for c in text.split()[0].lower())


def shoot(view, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    view.screenshot(path=str(path))
    return path


def test_the_views_run_without_errors(lab_page):
    assert error_outputs(lab_page) == []


@pytest.mark.parametrize("move", MOVES, ids=lambda m: m.css.removeprefix("pruneedu-")
                         + ("-" + slug(m.click) if m.click else ""))
def test_each_view_answers_a_move_and_is_photographed_before_and_after(lab_page, move):
    page = lab_page
    view = page.locator(f".jp-OutputArea .{move.css}").first
    view.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    name = f"widget-{move.css.removeprefix('pruneedu-')}"
    name += f"-{slug(move.click)}" if move.click else ""
    before = readouts(page, view)
    assert shoot(view, f"{name}-1").stat().st_size > 5_000
    if not move.keys and not move.click:
        return  # a view without controls (the progress dashboard): one picture is all
    assert all(before), f"a readout is empty: {before}"
    if move.keys:
        handle = view.locator(".noUi-handle").first
        handle.focus()
        for key in move.keys:
            page.keyboard.press(key)
    else:
        view.locator("button", has_text=move.click).first.click()
    after = wait_for_answer(page, view, before, move.done)
    assert after != before
    assert shoot(view, f"{name}-2").stat().st_size > 5_000
    assert error_outputs(page) == []
