"""Run code in a fresh interpreter and see which heavy modules it imported.

The test process itself has usually imported torch for other tests, so "does X load torch?"
can only be answered in a new process.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "ipywidgets", "matplotlib")


def heavy_imports(code: str, heavy: tuple[str, ...] = HEAVY) -> tuple[list[str], str]:
    """The ``heavy`` modules loaded after running ``code`` in a fresh Python, and its stdout."""
    probe = f"\nimport sys\nprint(sorted(set({heavy!r}) & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code + probe], capture_output=True, text=True,
                          timeout=120, check=True)
    *printed, loaded = done.stdout.splitlines()
    return eval(loaded), "\n".join(printed)  # noqa: S307 - our own print of a list of names
