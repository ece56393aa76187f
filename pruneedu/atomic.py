"""Writing a file so that a crash, a kill or a full disk never leaves half of it.

The text goes to a hidden temporary file in the same folder (``.<name>.<random>.tmp``, which
the grader's submission walker skips), is flushed and fsynced, and only then replaces the
target with ``os.replace``. A reader sees the old file or the new one, never a mix. Used for
learners' responses files and flashcard schedules, and for the grader's gradebooks and
feedback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically, creating its folder; returns the path.

    Line ends are written as given (no ``\\r\\n`` translation on Windows), so the same text
    gives the same bytes everywhere.

    Example:
        >>> folder = Path(tempfile.mkdtemp())
        >>> write_atomic(folder / "demo.txt", "one\\n").read_text()
        'one\\n'
        >>> sorted(p.name for p in folder.iterdir())   # no temporary file left behind
        ['demo.txt']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)  # the old file stays as it was
        raise
    return path
