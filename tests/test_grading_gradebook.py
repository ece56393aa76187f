"""Gradebook texts: deterministic CSV and JSON, LMS-friendly numbers, escaped rejects."""

import json

import pytest

from pruneedu.grading.rejects import Reject, rejects_csv, summary
from pruneedu.grading.textfiles import csv_text, format_points, json_text


@pytest.mark.parametrize("points, text", [
    (0.0, "0"), (3.0, "3"), (1.5, "1.5"), (4 / 3, "1.33"), (2 / 3, "0.67"), (10.0, "10"),
    (0.004, "0"), (12.125, "12.12"),
])
def test_format_points(points, text):
    assert format_points(points) == text


def test_csv_and_json_are_byte_stable():
    assert csv_text(["Student", "Total"], [["ada", "1"], ["o'neil, jo", "2"]]) == (
        'Student,Total\nada,1\n"o\'neil, jo",2\n')
    first = json_text({"b": 1, "a": [1, 2]})
    assert json_text({"a": [1, 2], "b": 1}) == first
    assert json.loads(first) == {"a": [1, 2], "b": 1} and first.endswith("}\n")


def test_rejects_report_is_sorted_escaped_and_summarised():
    rejects = [Reject("z.json", "", "", "", "bad"), Reject("a.json", "ada", "q", "q1", "odd"),
               Reject("=cmd|' /C calc'!A0.py", "", "", "", "not a submission")]
    assert rejects_csv(rejects).splitlines() == [
        "file,learner_id,item,question,reason",
        "'=cmd|' /C calc'!A0.py,,,,not a submission",
        "a.json,ada,q,q1,odd", "z.json,,,,bad"]
    assert summary(rejects).splitlines() == [
        "3 problems (not graded, or graded in part):", "  =cmd|' /C calc'!A0.py: not a submission",
        "  z.json: bad", "  a.json [q1]: odd"]  # whole files first
    assert summary([]).startswith("No problems")


def test_a_long_list_of_rejects_is_cut_in_the_terminal():
    rejects = [Reject(f"f{i:03}.json", "", "", "", "bad") for i in range(50)]
    lines = summary(rejects, shown=5).splitlines()
    assert len(lines) == 7 and lines[-1] == "  ... and 45 more in rejects.csv"


def test_one_files_many_bad_answers_take_one_line_and_whole_files_come_first():
    flood = [Reject("m.json", "m", "q", f"q{i:03}", "wrong type") for i in range(500)]
    lines = summary([*flood, Reject("z.json", "", "", "", "not JSON")], shown=5).splitlines()
    assert lines == ["501 problems (not graded, or graded in part):", "  z.json: not JSON",
                     "  m.json [q000]: wrong type (and 499 more answers)"]


def test_a_reason_quoting_a_huge_answer_is_cut():
    assert len(Reject("f", "", "", "", "x" * 10_000).reason) == 300
