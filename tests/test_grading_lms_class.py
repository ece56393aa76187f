"""End to end: a class of 120 in Canvas's and in Moodle's bulk-download layout, graded to the
exact LMS import file the class must give (tests/fixtures/lms_class.py says who did what),
with the identity conflicts, rejects, late work, overrides, identical code and feedback zips
for the LMS's bulk upload."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fixtures.lms_class import LAB, QUIZ, build

from pruneedu.cli import main
from pruneedu.grading.classgrade import GradingSetup, grade_class
from pruneedu.grading.lms import parse_canvas, parse_moodle
from pruneedu.grading.material import load_material
from pruneedu.grading.roster import load_roster

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Canvas's GradebookImporter drops these as "not assignments"; anything else becomes one.
CANVAS_NOT_ASSIGNMENTS = re.compile("Current Score|Current Points|Current Grade|Final Score|"
                                    "Final Points|Final Grade|Override Score|Override Grade|"
                                    "Override Status")


def grade_lms_class(tmp_path_factory, lms: str) -> dict:
    root = tmp_path_factory.mktemp(lms)
    made = build(root, lms)
    codes = {"grade": main(["grade", *made.args(), "--out", str(root / "grades"),
                            "--format", lms]),
             "feedback": main(["feedback", *made.args(), "--out", str(root / "feedback"),
                               "--format", lms])}
    return {"made": made, "codes": codes, "grades": root / "grades",
            "feedback": root / "feedback", "root": root}


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    return grade_lms_class(tmp_path_factory, "canvas")


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    return grade_lms_class(tmp_path_factory, "moodle")


@pytest.fixture(params=["canvas", "moodle"])
def graded(request):
    """Each test below runs on both classes."""
    return request.getfixturevalue(request.param)


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_lms_file_is_exactly_the_expected_one(graded):
    assert graded["codes"] == {"grade": 1, "feedback": 1}  # rejects and conflicts exist
    text = (graded["grades"] / "gradebook.csv").read_text(encoding="utf-8")
    assert text == graded["made"].expected_gradebook


def test_canvas_file_passes_canvas_importer_header_rules(canvas):
    table = list(csv.reader(io.StringIO((canvas["grades"] / "gradebook.csv").read_text())))
    header = table[0]
    # GradebookImporter#header?: Student, ID, then SIS User ID + SIS Login ID, and the last
    # student-information column must be Section; everything after is an assignment.
    assert "Student" in header[0] and "ID" in header[1]
    assert re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3])
    assert "Section" in header[4]
    assignments = header[5:]
    assert assignments == ["Quiz 1: pruning basics (9001)", "Lab 1: zero fraction (9002)"]
    assert not any(CANVAS_NOT_ASSIGNMENTS.search(h) for h in assignments)
    assert not any("total" in h.lower() for h in header)
    assert "Points Possible" in table[1][0] and table[1][5:] == ["8", "2"]
    assert len(table) == 2 + 120  # every roster learner has a Canvas id
    ids = [row[1] for row in table[2:]]
    assert ids == [str(7000 + n) for n in range(1, 121)]  # the roster's order


def test_moodle_file_has_only_known_users_and_no_points_row(moodle):
    table = list(csv.reader(io.StringIO((moodle["grades"] / "gradebook.csv").read_text())))
    assert table[0][:2] == ["Username", "Full name"]
    # Moodle stops the whole import at a row whose user it cannot find: every row must be a
    # roster learner's username (a "Points Possible" row would be one such unknown user).
    usernames = {e.moodle_username for e in load_roster(moodle["made"].roster).entries}
    assert all(row[0] in usernames for row in table[1:]) and len(table) == 121


def test_no_cell_starts_a_formula_when_read_as_a_spreadsheet_reads_csv(graded):
    for name in ("gradebook.csv", "rejects.csv", "conflicts.csv", "review.csv", "late.csv",
                 "similar_code.csv"):
        with open(graded["grades"] / name, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.lstrip(" ").startswith(FORMULA_STARTS), (name, cell)


def test_libreoffice_evaluates_none_of_the_cells(graded, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("PRUNEEDU_REQUIRE_SPREADSHEET"):
            pytest.fail("LibreOffice (soffice) is missing; .ci/run installs "
                        "libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed: install libreoffice-calc-nogui "
                    "to open the gradebook the way a spreadsheet does")
    source = (graded["grades"] / "gradebook.csv").read_text(encoding="utf-8")
    # A control line with a real formula proves LibreOffice evaluates formulas on this import.
    (tmp_path / "book.csv").write_text(source + "=1+1,control\n", encoding="utf-8")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(tmp_path / "out"), str(tmp_path / "book.csv")],
                   check=True, capture_output=True, timeout=180)
    seen = list(csv.reader(io.StringIO((tmp_path / "out" / "book.csv").read_text("utf-8"))))
    assert seen[-1][:2] == ["2", "control"]
    expected = list(csv.reader(io.StringIO(source)))
    # Every other cell comes back as the text it was (LibreOffice pads short rows).
    assert [row[:len(want)] for row, want in zip(seen, expected, strict=False)] == expected
    if graded["made"].lms == "canvas":  # learner 99's name, shown as text
        assert any(cell.startswith("'=HYPERLINK") for row in seen for cell in row)


def test_conflicts_report_lists_the_jovyans_and_the_copy(graded):
    found = sorted((r["kind"], r["learner_id"], r["item"])
                   for r in rows(graded["grades"] / "conflicts.csv"))
    assert found == graded["made"].expected_conflicts


def test_rejects_report_lists_the_practice_file_and_the_older_hand_in(graded):
    found = rows(graded["grades"] / "rejects.csv")
    assert len(found) == len(graded["made"].expected_rejects)
    for (learner, fragment), row in zip(graded["made"].expected_rejects,
                                        sorted(found, key=lambda r: r["learner_id"]),
                                        strict=True):
        assert row["learner_id"] == learner and fragment in row["reason"]


def test_late_work_identical_code_review_and_audit(graded):
    late = rows(graded["grades"] / "late.csv")
    days = "1" if graded["made"].lms == "canvas" else "2"
    # Both parts of s008's late hand-in are late by the hand-in file's LMS time.
    assert [(r["learner_id"], r["item"], r["days_late"]) for r in late] == [
        ("s008", QUIZ, days), ("s008", LAB, days), ("s011", QUIZ, days)]
    # s009's notebook holds s001's function among other code: only the function is compared.
    assert [(r["learner_a"], r["learner_b"]) for r in rows(graded["grades"] /
                                                             "similar_code.csv")] == [
        ("s001", "s002"), ("s001", "s009"), ("s002", "s009")]
    assert all(r["learner_id"] != "s010" for r in rows(graded["grades"] / "review.csv"))
    audit = rows(graded["made"].overrides.with_name("overrides.audit.csv"))
    assert [(r["learner_id"], r["question"], r["new"]) for r in audit] == [
        ("s010", "q-text", "1"), ("s020", "", "7")]
    data = json.loads((graded["grades"] / "gradebook.json").read_text())
    assert data["learners"]["s001"]["items"]["extra-quiz"]["status"] == "graded"
    assert data["missing"] == ["s005", "s050", "s095", "s110", "s120"]
    assert data["accepted_versions"] == [graded["made"].old_hash]


def test_a_hand_in_file_and_a_notebook_count_for_who_handed_them_in(graded):
    """s008's hub hand-in names jovyan; s009's lab is the notebook (Canvas) or its export
    (Moodle), without a learner id in its name: the LMS name says whose each part is."""
    learners = json.loads((graded["grades"] / "gradebook.json").read_text())["learners"]
    handin = learners["s008"]["items"]
    for item in (QUIZ, LAB):
        assert handin[item]["status"] == "graded" and handin[item]["named_learner_id"] == \
            "jovyan"
        assert handin[item]["file"].startswith("handin/")
        assert handin[item]["file"].split("#")[0].endswith("jovyan.handin.json")
    assert handin[QUIZ]["file"].endswith(f"#{QUIZ}.responses.json")
    assert handin[LAB]["file"].endswith(f"#{LAB}") and handin[LAB]["passed"] == \
        handin[LAB]["tests"]
    notebook = learners["s009"]["items"][LAB]
    suffix = "04-lab.ipynb" if graded["made"].lms == "canvas" else "04-lab.py"
    assert notebook["file"].startswith("lab/") and notebook["file"].endswith(
        f"{suffix}#{LAB}")
    assert (notebook["status"], notebook["score"], notebook["error"]) == ("graded", 2.0, "")
    assert all("jovyan" not in learner for learner in learners)


def test_feedback_zips_answer_each_lms_submission(graded):
    lms = graded["made"].lms
    with zipfile.ZipFile(graded["feedback"] / lms / f"{QUIZ}.zip") as archive:
        names = archive.namelist()
        pages = {name: archive.read(name).decode("utf-8") for name in names}
    # Graded quizzes: not the missing, not the practice file, not s008's (in a hand-in file).
    assert len(names) == 120 - 5 - 1 - 1
    data = json.loads((graded["root"] / "grades" / "gradebook.json").read_text())
    for name, page in pages.items():
        if lms == "canvas":
            user_id, file_id = [p for p in name.split("_") if p.isdigit()][:2]
            learner = f"s{int(user_id) - 7000:03d}"
            graded_file = data["learners"][learner]["items"][QUIZ]["file"]
            assert parse_canvas(Path(graded_file).name).order[0] == int(file_id)
        else:
            participant = name.split("_", 4)[1]
            learner = re.search(r"feedback for (s\d{3})", page).group(1)
            graded_file = data["learners"][learner]["items"][QUIZ]["file"]
            assert parse_moodle(graded_file).submitter == participant
        assert "<script" not in page
        assert "The answer:" not in page and "Why:" not in page
    late_page = next(p for p in pages.values() if "feedback for s011" in p)
    assert "late" in late_page
    # s008's hand-in went to the hand-in assignment: one page about both its items goes back
    # there, under the hand-in file's own LMS ids.
    with zipfile.ZipFile(graded["feedback"] / lms / "hand-in+handin.zip") as archive:
        [(name, page)] = [(n, archive.read(n).decode("utf-8")) for n in archive.namelist()]
    handed = data["learners"]["s008"]["items"][QUIZ]["file"].split("#")[0]
    if lms == "canvas":
        origin = parse_canvas(Path(handed).name)
        assert name == f"{origin.submitter}_{origin.order[0]}_feedback-hand-in.html"
    else:
        assert name.split("_", 4)[1] == parse_moodle(handed).submitter
    assert f"{QUIZ}: feedback for s008" in page and f"{LAB}: feedback for s008" in page
    assert page.count("late") >= 2


def test_without_accept_version_the_reworded_quiz_rejects_the_class(graded):
    made = graded["made"]
    grades = grade_class(made.submissions, load_material(made.quizzes, made.exercises),
                         setup=GradingSetup(roster=load_roster(made.roster), run_code=False))
    assert sum(1 for r in grades.learners.values() if QUIZ in r.scores) == 0
    # 115 learners handed the quiz in, one twice, one as practice (rejected for that first).
    assert sum(1 for r in grades.rejects if "--accept-version" in r.reason) == 115 + 1 - 1
