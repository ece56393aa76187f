"""The notebooks in a real browser: JupyterLab in headless Chromium, driven by Playwright.

Each notebook is opened, run with Run > Run All Cells, and checked for error output; in
01-introduction the pruning slider is moved with the keyboard and its readouts must change.
Screenshots land in artifacts/screenshots/ (look at them when a test fails).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import (
    REPO,
    chromium_lab,
    error_outputs,
    failing_notebook,
    open_notebook,
    run_all_cells,
    screenshot,
    screenshot_widgets,
    shut_down_kernel,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(path.name for path in (REPO / "notebooks").glob("*.ipynb"))
BROKEN = "zz-selfcheck-broken.ipynb"  # only in the test's copy of notebooks/


@pytest.fixture(scope="module")
def lab_browser(tmp_path_factory):
    workdir: Path = tmp_path_factory.mktemp("jupyterlab")
    with chromium_lab(workdir, extra_notebooks={BROKEN: failing_notebook()}) as lab:
        yield lab


@pytest.fixture()
def browser_page(lab_browser):
    """A fresh page per test; the notebook's kernel is shut down afterwards."""
    browser, url, token = lab_browser
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page, url, token
    try:
        shut_down_kernel(page)
    finally:
        page.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_errors_in_jupyterlab(browser_page, name):
    page, url, token = browser_page
    open_notebook(page, url, token, name)
    state = run_all_cells(page)
    screenshot(page, name.removesuffix(".ipynb"))
    screenshot_widgets(page, name.removesuffix(".ipynb"))
    assert state["counts"], f"{name} has no code cells"
    assert error_outputs(page) == []


def test_the_error_check_sees_a_failing_cell(browser_page):
    page, url, token = browser_page
    open_notebook(page, url, token, BROKEN)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_selector(".jp-OutputArea-output", state="attached", timeout=60_000)
    page.wait_for_function("() => document.body.innerText.includes('ZeroDivisionError')",
                           timeout=60_000)
    errors = error_outputs(page)
    assert len(errors) == 1 and "ZeroDivisionError" in errors[0]


def _readouts(page, explorer: str) -> list[str]:
    return page.locator(f".{explorer} .pruneedu-readout .widget-html-content").all_inner_texts()


def test_pruning_slider_moves_with_the_keyboard_and_updates_readouts(browser_page):
    page, url, token = browser_page
    open_notebook(page, url, token, "01-introduction.ipynb")
    run_all_cells(page)
    explorer = "pruneedu-pruning-explorer"
    handle = page.locator(f".{explorer} .noUi-handle").first
    handle.scroll_into_view_if_needed()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # JupyterLab renders only the cells near the viewport: a long notebook's explorer fills its
    # readouts a moment after it is scrolled into view.
    try:
        page.wait_for_function(
            f"""() => {{
                const shown = [...document.querySelectorAll(
                    '.{explorer} .pruneedu-readout .widget-html-content')];
                return shown.length >= 3 && shown.every(e => e.innerText.trim() !== '');
            }}""", timeout=30_000)
    except PlaywrightTimeout:
        pass  # the assertion below says what was shown
    before = _readouts(page, explorer)
    assert len(before) >= 3 and all(before), f"readouts are empty: {before}"
    handle.focus()
    page.keyboard.press("ArrowRight")  # one step of half a percent
    page.keyboard.press("End")         # then to the largest amount, where accuracy has fallen
    # Wait until the kernel has caught up with every key press: the measured sparsity
    # readout then shows the percentage on the slider's own label.
    page.wait_for_function(
        f"""() => {{
            const label = document.querySelector('.{explorer} .widget-readout');
            const shown = document.querySelector(
                '.{explorer} .pruneedu-readout .widget-html-content');
            return label && shown && parseFloat(label.innerText) > 50
                && parseFloat(shown.innerText) === parseFloat(label.innerText);
        }}""",
        timeout=30_000,
    )
    after = _readouts(page, explorer)
    screenshot(page, "01-introduction-slider-moved")
    stop = 99.0  # the explorer's largest amount
    assert page.locator(f".{explorer} .widget-readout").first.inner_text() == f"{stop:.1f}%"
    assert after[0] == f"{stop:.1f}%" and before[0] == "0.0%"
    assert all(a != b for a, b in zip(after[1:3], before[1:3], strict=True)), (before, after)
