"""The one atomic writer: an interrupted write never leaves half a file or a stray temporary."""

import os

import pytest

from pruneedu.atomic import write_atomic


def test_writes_the_exact_text_and_creates_the_folder(tmp_path):
    path = write_atomic(tmp_path / "new" / "a.csv", "x,y\r\nü\n")
    assert path.read_bytes() == "x,y\r\nü\n".encode()  # no line-end translation
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.csv"]


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_crash_keeps_the_old_file_whole_and_removes_the_temporary(tmp_path, monkeypatch, step):
    path = write_atomic(tmp_path / "a.json", "old\n")

    def crash(*args):
        raise KeyboardInterrupt(f"interrupted at {step}")

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(os, step, crash)
        write_atomic(path, "new, longer content\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_the_temporary_file_is_hidden_beside_the_target(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(os, "replace", lambda src, dst: seen.append(src) or os.rename(src, dst))
    write_atomic(tmp_path / "gradebook.csv", "x\n")
    # Hidden (a leading dot): the grader's submission walker skips it, as do file managers.
    assert os.path.dirname(seen[0]) == str(tmp_path)
    assert os.path.basename(seen[0]).startswith(".gradebook.csv.")
