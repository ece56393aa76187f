"""Every course view in a real browser, at two positions of its control.

A notebook built here shows each view once; the test moves each view's slider with the
keyboard (or clicks its toggle or button), as a learner would, waits until the kernel has
answered and the readouts have changed, and saves a screenshot of the view before and after
to ``artifacts/screenshots/widget-<view>-<n>.png``. Look at them: a test can check that text
changed, not that it is readable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from browser_support import code_notebook, error_outputs, notebook_page, screenshot

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


@pytest.fixture(scope="module")
def lab_page(tmp_path_factory):
    notebook = code_notebook(SETUP, *dict.fromkeys(move.cell for move in MOVES))
    # 1280 pixels wide, as a laptop or a classroom projector; tall enough that the tallest
    # view fits the notebook panel whole (an element screenshot stops at its edge).
    with notebook_page(tmp_path_factory.mktemp("jupyterlab-widgets"), NOTEBOOK, notebook,
                       {"width": 1280, "height": 2400}, timeout_s=900) as page:
        yield page


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
    assert screenshot(view, f"{name}-1").stat().st_size > 5_000
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
    assert screenshot(view, f"{name}-2").stat().st_size > 5_000
    assert error_outputs(page) == []
