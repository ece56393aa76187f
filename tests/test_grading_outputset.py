"""Outputs as a set: a kill leaves the old set or the new one, a lock keeps two runs apart."""

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pruneedu.cli import main
from pruneedu.grading.outputset import OutputBusy, OutputError, OutputSet

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
# Runs `pruneedu grade` and SIGKILLs itself right after the Nth file of the set is written
# (N = 0: after the new set is published, before the old one is deleted).
KILLER = """
import os, shutil, signal, sys
from pruneedu.grading import outputset
from pruneedu.cli import main

target = int(sys.argv[1])
written = []
real_write = outputset.OutputSet.write_bytes

def write_then_die(self, name, data):
    path = real_write(self, name, data)
    written.append(name)
    if len(written) == target:
        os.kill(os.getpid(), signal.SIGKILL)
    return path

def die_before_cleanup(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

outputset.OutputSet.write_bytes = write_then_die
if target == 0:
    outputset.shutil.rmtree = die_before_cleanup
main(sys.argv[2:])
"""


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def two_classes(tmp_path):
    """A class of one (ada), graded once into grades/; then ben hands in too."""
    submissions = tmp_path / "subs"
    submissions.mkdir()
    shutil.copy(FIXTURE / "submissions" / "ada.demo-quiz.responses.json", submissions)
    out = tmp_path / "grades"
    args = ["grade", str(submissions), "--out", str(out), *MATERIAL, "--no-progress"]
    assert main(args) == 0
    old = contents(out)
    shutil.copy(FIXTURE / "submissions" / "ben.demo-quiz.responses.json", submissions)
    return {"args": args, "out": out, "old": old, "root": tmp_path}


@pytest.mark.parametrize("kill_after", [1, 2, 4, 7])
def test_a_kill_while_writing_leaves_the_old_set_whole(two_classes, kill_after):
    done = subprocess.run([sys.executable, "-c", KILLER, str(kill_after), *two_classes["args"]],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    assert contents(two_classes["out"]) == two_classes["old"]
    # The next run publishes the new set and clears what the killed run left behind.
    assert main(two_classes["args"]) == 0
    new = contents(two_classes["out"])
    assert b"ben" in new["gradebook.csv"] and b"ben" in new["gradebook.json"]
    sets = two_classes["root"] / ".grades.sets"
    assert len(list(sets.iterdir())) == 1
    assert not list(two_classes["root"].glob(".grades.link-*"))


def test_a_kill_after_publishing_leaves_the_new_set_whole(two_classes):
    done = subprocess.run([sys.executable, "-c", KILLER, "0", *two_classes["args"]],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    new = contents(two_classes["out"])
    assert b"ben" in new["gradebook.csv"] and b"ben" in new["gradebook.json"]
    assert len(list((two_classes["root"] / ".grades.sets").iterdir())) == 2  # old one left
    assert main(two_classes["args"]) == 0
    assert len(list((two_classes["root"] / ".grades.sets").iterdir())) == 1


def test_an_error_while_writing_keeps_the_old_set(tmp_path):
    out = tmp_path / "out"
    with OutputSet(out) as output:
        output.write_text("a.csv", "old\n")
        output.commit()
    with pytest.raises(RuntimeError), OutputSet(out) as output:
        output.write_text("a.csv", "new\n")
        raise RuntimeError("disk full")
    assert (out / "a.csv").read_text() == "old\n"
    assert len(list((tmp_path / ".out.sets").iterdir())) == 1


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path, capsys):
    out = tmp_path / "grades"
    lock = os.open(tmp_path / ".grades.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        with pytest.raises(OutputBusy):
            OutputSet(out).__enter__()
        submissions = tmp_path / "subs"
        submissions.mkdir()
        assert main(["grade", str(submissions), "--out", str(out), *MATERIAL]) == 2
        assert "another pruneedu command is writing" in capsys.readouterr().err
    finally:
        os.close(lock)
    assert main(["grade", str(submissions), "--out", str(out), *MATERIAL]) == 0


def test_out_must_not_be_a_file_or_a_folder_of_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="is a file"):
        OutputSet(tmp_path / "notes.txt").__enter__()
    with pytest.raises(OutputError, match="folder of other files"):
        OutputSet(tmp_path).__enter__()
    assert (tmp_path / "notes.txt").read_text() == "mine"
    (tmp_path / "empty").mkdir()
    with OutputSet(tmp_path / "empty") as output:  # an empty folder made by hand is fine
        output.write_text("x", "1")
        output.commit()
    assert (tmp_path / "empty" / "x").read_text() == "1"


def test_an_out_that_names_a_file_says_out_is_a_folder(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "gradebook.csv"),
                 *MATERIAL]) == 2
    assert "--out is the folder the files go in" in capsys.readouterr().err
    assert not (tmp_path / "gradebook.csv").exists()
