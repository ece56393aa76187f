"""Gradebook writers: atomic, deterministic, LMS-friendly numbers."""

import json
import os
from pathlib import Path

import pytest

from pruneedu.grading.gradebook import format_points, sibling, write_csv, write_json
from pruneedu.grading.rejects import Reject, summary, write_rejects


@pytest.mark.parametrize("points, text", [
    (0.0, "0"), (3.0, "3"), (1.5, "1.5"), (4 / 3, "1.33"), (2 / 3, "0.67"), (10.0, "10"),
    (0.004, "0"), (12.125, "12.12"),
])
def test_format_points(points, text):
    assert format_points(points) == text


def test_sibling_paths():
    assert sibling(Path("out/gradebook.csv"), ".json") == Path("out/gradebook.json")
    assert sibling(Path("grades"), ".rejects.csv") == Path("grades.rejects.csv")


def test_csv_and_json_are_byte_stable(tmp_path):
    write_csv(tmp_path / "a.csv", ["Student", "Total"], [["ada", "1"], ["o'neil, jo", "2"]])
    assert (tmp_path / "a.csv").read_bytes() == b'Student,Total\nada,1\n"o\'neil, jo",2\n'
    write_json(tmp_path / "a.json", {"b": 1, "a": [1, 2]})
    first = (tmp_path / "a.json").read_bytes()
    write_json(tmp_path / "a.json", {"a": [1, 2], "b": 1})
    assert (tmp_path / "a.json").read_bytes() == first
    assert json.loads(first) == {"a": [1, 2], "b": 1}


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "gradebook.csv"
    target.write_text("old\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_csv(target, ["Student"], [["ada"]])
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


def test_rejects_report_is_sorted_and_summarised(tmp_path):
    rejects = [Reject("z.json", "", "", "", "bad"), Reject("a.json", "ada", "q", "q1", "odd")]
    write_rejects(tmp_path / "r.csv", rejects)
    assert (tmp_path / "r.csv").read_text().splitlines() == [
        "file,learner_id,item,question,reason", "a.json,ada,q,q1,odd", "z.json,,,,bad"]
    assert summary(rejects).splitlines() == [
        "2 problems (not graded, or graded in part):", "  a.json [q1]: odd", "  z.json: bad"]
    assert summary([]).startswith("No problems")
