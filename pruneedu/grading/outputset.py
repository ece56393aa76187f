"""A command's output files written as one set: a kill leaves the old set or the new one.

``pruneedu grade --out grades/`` writes several files that belong together (the gradebook,
its JSON copy, the rejects and conflicts reports...). Replacing them one by one, a kill
between two replacements would leave a new gradebook beside an old rejects report. So:

1. a lock (``.grades.lock`` beside the folder, ``flock``) stops a second command writing the
   same ``--out`` at the same time;
2. every file goes into a fresh staging folder ``.grades.sets/new-<random>/``, flushed and
   fsynced;
3. ``grades`` is a symbolic link to the current set: one ``rename`` of a new link over it
   switches every file at once (POSIX guarantees the rename is atomic), then the old set is
   deleted.

A kill before step 3 leaves ``grades`` pointing at the old, complete set (the half-written
staging folder is removed by the next run); a kill after it leaves the new set. Readers open
``grades/gradebook.csv`` as usual. This needs a file system with symbolic links (Linux, macOS).

Example:
    >>> folder = Path(tempfile.mkdtemp())
    >>> with OutputSet(folder / "grades") as output:
    ...     _ = output.write_text("a.csv", "x\\n")
    ...     output.commit()
    >>> (folder / "grades" / "a.csv").read_text(), (folder / "grades").is_symlink()
    ('x\\n', True)
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

STAGING_PREFIX = "new-"


class OutputError(ValueError):
    """``--out`` cannot hold an output set (it is a file, or a folder of other files)."""


class OutputBusy(OutputError):
    """Another command is writing the same ``--out`` right now."""


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class OutputSet:
    """Write files into a staging folder, then publish them all at once with :meth:`commit`.

    Use it as a context manager: leaving it without :meth:`commit` (an error, Ctrl-C) drops
    the staging folder and keeps the old set.
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.store = self.out.parent / f".{self.out.name}.sets"
        self.lock_path = self.out.parent / f".{self.out.name}.lock"
        self.staging: Path | None = None
        self._lock: int | None = None
        self._committed = False

    def __enter__(self) -> OutputSet:
        self._check_out()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise OutputBusy(f"another pruneedu command is writing {self.out} right now; wait "
                             "for it to finish or choose another --out.") from None
        self.store.mkdir(exist_ok=True)
        self._remove_stale_sets()
        self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.store))
        self.staging.chmod(0o755)  # mkdtemp makes it private; the output is the user's to share
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if not self._committed and self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            if self._lock is not None:
                os.close(self._lock)  # closing releases the flock
                self._lock = None

    def path(self, name: str) -> Path:
        """Where ``name`` (may contain sub-folders) goes in the staging folder."""
        if self.staging is None:
            raise RuntimeError("use OutputSet as a context manager before writing to it.")
        target = self.staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Write ``data`` to ``name`` in the set and fsync it."""
        target = self.path(name)
        with open(target, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return self.out / name

    def write_text(self, name: str, text: str) -> Path:
        """Write ``text`` as UTF-8, line ends as given; returns where readers will find it.

        A lone surrogate (JSON's ``"\\udcff"`` in a learner's file decodes to one) is written as
        the escape ``\\udcff``, never a reason to lose the whole set.
        """
        return self.write_bytes(name, text.encode("utf-8", "backslashreplace"))

    def commit(self) -> None:
        """Publish the staging folder as ``out`` in one atomic rename; delete the old set."""
        assert self.staging is not None
        for folder, _, files in os.walk(self.staging):
            for name in files:  # files written through path() (e.g. by matplotlib) too
                with open(Path(folder) / name, "rb") as handle:
                    os.fsync(handle.fileno())
            _fsync_folder(Path(folder))
        old = self._current()
        if self.out.is_dir() and not self.out.is_symlink():
            self.out.rmdir()  # an empty folder made by hand: nothing of value is lost
        link = self.out.parent / f".{self.out.name}.link-{self.staging.name}"
        os.symlink(Path(self.store.name) / self.staging.name, link)
        os.replace(link, self.out)
        _fsync_folder(self.out.parent)
        self._committed = True
        if old is not None and old != self.staging:
            shutil.rmtree(old, ignore_errors=True)

    def _current(self) -> Path | None:
        if not self.out.is_symlink():
            return None
        target = self.out.parent / os.readlink(self.out)
        return target if target.parent == self.store else None

    def _check_out(self) -> None:
        out = self.out
        if out.is_symlink():
            if self._current() is None:
                raise OutputError(f"{out} is a link this command did not make; remove it or "
                                  "choose another --out.")
        elif out.exists():
            if not out.is_dir():
                raise OutputError(f"{out} is a file; --out names a folder for the output "
                                  "files, so choose another name.")
            if any(out.iterdir()):
                raise OutputError(f"{out} is a folder of other files; choose a new --out "
                                  "folder (this command replaces its whole content).")

    def _remove_stale_sets(self) -> None:
        # Left by a run that was killed before commit (we hold the lock: no one is writing).
        current = self._current()
        for entry in self.store.iterdir():
            if entry != current and entry.name.startswith(STAGING_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)
        for link in self.out.parent.glob(f".{self.out.name}.link-*"):
            link.unlink(missing_ok=True)
