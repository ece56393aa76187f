"""JupyterLab + headless Chromium for the browser tests: start, open a notebook, run it, inspect it.

The browser is Debian's ``/usr/bin/chromium``: Playwright's own browser download does not work
offline, so Playwright only drives the system browser.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "artifacts" / "screenshots"

# Selectors for what a failed cell leaves behind in JupyterLab 4.
ERROR_OUTPUT = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    ".jp-OutputArea-child.jp-mod-error, .jp-OutputArea-output.jp-mod-error"
)


def skip_loudly(reason: str, require_variable: str) -> None:
    """Skip with a warning that shows in the summary, or fail where ``require_variable=1`` (CI
    sets it where it installs what the test needs). Also used by the JupyterHub test."""
    if os.environ.get(require_variable) == "1":
        pytest.fail(f"{reason} {require_variable}=1 makes this a failure.")
    warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing. Install Debian's chromium "
                "package (apt-get install chromium) to run them.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "BROWSER TESTS NOT RUN: Python Playwright is missing; pip install playwright."
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def jupyterlab(workdir: Path, token: str = "pruneedu-browser-test",
               extra_notebooks: dict[str, str] | None = None):
    """Run JupyterLab on 127.0.0.1 over a copy of notebooks/; yields (base URL, token).

    ``extra_notebooks`` (file name -> notebook JSON) are added to the copy, e.g. a notebook
    that must fail, to prove the error check can see a failure.

    Jupyter's config, data, runtime and workspace folders all live under ``workdir`` so the
    test neither reads nor changes the user's own JupyterLab settings.
    """
    root = workdir / "notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name, text in (extra_notebooks or {}).items():
        (root / name).write_text(text)
    port = free_port()
    env = dict(os.environ)
    for variable, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                             ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython"),
                             ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                             ("PRUNEEDU_HOME", "pruneedu-home")):
        env[variable] = str(workdir / folder)
    # No "get Jupyter news?" pop-up over the notebook in screenshots (and no network asked).
    notification = workdir / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    env.pop("MPLBACKEND", None)  # the kernel picks Jupyter's inline backend itself
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # lets the test read kernel and cell state
        "--ServerApp.port_retries=0",
        # Offline: never ask the network whether a newer JupyterLab exists.
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    log = (workdir / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/api/status?token={token}", server, workdir / "jupyterlab.log")
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_for(url: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@contextmanager
def chromium_lab(workdir: Path, extra_notebooks: dict[str, str] | None = None):
    """JupyterLab (see :func:`jupyterlab`) and a headless Chromium; yields (browser, base URL,
    token). Skips loudly, or fails under PRUNEEDU_REQUIRE_BROWSER=1, without a browser."""
    reason = missing_browser_reason()
    if reason:
        skip_loudly(reason, "PRUNEEDU_REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    with jupyterlab(workdir, extra_notebooks=extra_notebooks) as (url, token), \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser, url, token
        browser.close()


@contextmanager
def notebook_page(workdir: Path, name: str, notebook: str, viewport: dict[str, int],
                  timeout_s: float = 180):
    """A page with the notebook ``name`` (JSON ``notebook``, added to the lab's copy) open and
    run to the end; yields the page, and shuts the notebook's kernel down afterwards."""
    with chromium_lab(workdir, extra_notebooks={name: notebook}) as (browser, url, token):
        page = browser.new_page(viewport=viewport)
        open_notebook(page, url, token, name)
        run_all_cells(page, timeout_s=timeout_s)
        yield page
        shut_down_kernel(page)


# JavaScript run in the page, against the app that --LabApp.expose_app_in_browser exposes.
NOTEBOOK_STATE_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.sessionContext || !panel.content) return null;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = panel.content.widgets.filter(c => c.model.type === 'code');
    return {
        kernel: kernel ? kernel.status : 'none',
        pending: panel.sessionContext.pendingInput,
        counts: cells.map(c => c.model.executionCount),
        running: cells.filter(c => c.promptNode && c.promptNode.textContent.includes('*')).length,
    };
}"""


def open_notebook(page, base_url: str, token: str, name: str, timeout_s: float = 90) -> None:
    """Open ``name`` alone in a fresh JupyterLab workspace; wait until its kernel is idle."""
    # A workspace per notebook: JupyterLab would otherwise reopen the previous notebook too.
    workspace = name.removesuffix(".ipynb")
    page.goto(f"{base_url}/lab/workspaces/{workspace}/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="attached",
                           timeout=timeout_s * 1000)
    page.wait_for_function(
        "() => { const p = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!(p && p.sessionContext && p.sessionContext.session"
        " && p.sessionContext.session.kernel"
        " && p.sessionContext.session.kernel.status === 'idle'); }",
        timeout=timeout_s * 1000,
    )


def run_all_cells(page, timeout_s: float = 180) -> dict:
    """Choose Run > Run All Cells in the menu bar; wait until every code cell has run."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    deadline = time.monotonic() + timeout_s
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(NOTEBOOK_STATE_JS)
        if (state and state["kernel"] == "idle" and not state["running"]
                and all(count is not None for count in state["counts"])):
            return state
        page.wait_for_timeout(500)
    raise AssertionError(f"the notebook did not finish within {timeout_s} s; last state {state}")


def shut_down_kernel(page) -> None:
    """Stop the open notebook's kernel, so the next notebook has the CPU to itself."""
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


def error_outputs(page) -> list[str]:
    """Texts of error outputs (tracebacks, stderr with a Traceback) in the open notebook."""
    texts = []
    for element in page.locator(ERROR_OUTPUT).all():
        text = element.inner_text()
        marked = "jp-mod-error" in (element.get_attribute("class") or "")
        if marked or "Traceback" in text or "Error:" in text:
            texts.append(text)
    return texts


def screenshot(target, name: str) -> Path:
    """Save a screenshot of ``target`` (the page, or one element's locator) as ``name``.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path


def screenshot_widgets(page, notebook: str) -> list[Path]:
    """One screenshot per course widget on the page, scrolled into view."""
    paths = []
    for widget in page.locator(".jp-OutputArea [class*='pruneedu-']").all():
        kind = next((c for c in (widget.get_attribute("class") or "").split()
                     if c.startswith("pruneedu-") and c != "pruneedu-readout"), None)
        if kind is None:
            continue
        widget.evaluate("element => element.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(400)  # JupyterLab paints cells that scroll into view lazily
        paths.append(screenshot(page, f"{notebook}-{kind.removeprefix('pruneedu-')}"))
    return paths


def code_notebook(*sources: str) -> str:
    """A notebook of one code cell per source, on the python3 kernel, as JSON text.

    >>> '"1 / 0"' in code_notebook("1 / 0")
    True
    """
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return nbformat.writes(notebook)


def failing_notebook() -> str:
    """A two-cell notebook whose second cell raises, for checking the error detection."""
    return code_notebook("print('fine')", "1 / 0")
