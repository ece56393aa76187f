"""Where an LMS download name is believed (``--lms``, the assignments file's download
folders, the roster), Moodle learners by participant and download folder, names that read two
ways, and the smaller rt3 fixes (names in any Unicode form, fullwidth text answers, distractor
counts, one learner's flood of rejects)."""

import csv
import io
import json
import os
import unicodedata
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.grading.assignments import read_assignments
from pruneedu.grading.classgrade import GradingSetup, grade_class
from pruneedu.grading.itemstats import item_analysis
from pruneedu.grading.lms import canvas_readings, name_key, parse_canvas, parse_origin
from pruneedu.grading.material import load_material
from pruneedu.grading.roster import read_roster

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
DEADLINE = "2026-03-01T23:59+00:00"
ON_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc).timestamp()
LATE = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc).timestamp()
ROSTER = ("learner_id,name,canvas_user_id\nada,Ada Lovelace,1001\nben,Ben Byron,1002\n"
          "kim,Kim Lee,1003\nlee,Lee Kim,1004\n")


def put(path: Path, learner: str, mtime: float = ON_TIME, wrong: bool = False) -> Path:
    data = json.loads(ADA_FILE.read_text())
    data["learner_id"] = learner
    if wrong:
        data["answers"]["q-single"]["value"] = "a"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    os.utime(path, (mtime, mtime))
    return path


def grade(tmp_path: Path, folder: Path, *extra: str, roster: str | None = ROSTER,
          command: str = "grade") -> Path:
    out = tmp_path / command
    args = [command, str(folder), "--out", str(out), "--no-progress", *MATERIAL, *extra]
    if roster is not None:
        (tmp_path / "roster.csv").write_text(roster)
        args += ["--roster", str(tmp_path / "roster.csv")]
    assert main(args) in (0, 1)
    return out


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- which names are read --------------------------------------------------------------------

def test_without_a_word_from_the_instructor_a_canvas_name_is_a_plain_file(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "x_LATE_5_6_demo-quiz.responses.json", "ada", LATE)
    out = grade(tmp_path, folder, "--deadline", DEADLINE, roster=None)
    assert [r["source"] for r in rows(out / "late.csv")] == ["file time"]
    assert [r["kind"] for r in rows(out / "conflicts.csv")] == ["lms-name-not-read"]


def test_lms_canvas_reads_the_late_marker_without_a_roster(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "x_LATE_5_6_demo-quiz.responses.json", "ada", ON_TIME)
    out = grade(tmp_path, folder, "--deadline", DEADLINE, "--lms", "canvas", roster=None)
    assert [r["source"] for r in rows(out / "late.csv")] == [
        "Canvas LATE marker (no time in the download)"]
    assert rows(out / "conflicts.csv") == []


def test_lms_none_reads_no_name_even_with_canvas_ids_in_the_roster(tmp_path):
    # A hub collection graded for a Canvas gradebook: a learner's own Canvas id in her file
    # name must not switch the deadline off.
    folder = tmp_path / "subs"
    put(folder / "jupyter-ada" / "x_1001_6_demo-quiz.responses.json", "ada", LATE)
    out = grade(tmp_path, folder, "--deadline", DEADLINE, "--lms", "none")
    assert [r["learner_id"] for r in rows(out / "late.csv")] == ["ada"]


def test_lms_and_format_must_name_the_same_lms(tmp_path):
    (tmp_path / "subs").mkdir()
    (tmp_path / "a.csv").write_text("item_id,lms_name\ndemo-quiz,Quiz 1\n")
    (tmp_path / "roster.csv").write_text(ROSTER)
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "o"), *MATERIAL,
                 "--roster", str(tmp_path / "roster.csv"), "--assignments",
                 str(tmp_path / "a.csv"), "--format", "canvas", "--lms", "moodle"]) == 2


def test_download_folders_limit_where_names_are_read_and_reject_other_assignments(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "quiz1" / "lovelaceada_LATE_1001_7_demo-quiz.responses.json", "ada")
    put(folder / "lab1" / "byronben_1002_8_demo-quiz.responses.json", "ben")  # wrong assignment
    put(folder / "loose" / "leekim_1004_9_demo-quiz.responses.json", "lee", LATE)  # not declared
    assignments = tmp_path / "assignments.csv"
    assignments.write_text("item_id,lms_name,download_folder\ndemo-quiz,Quiz 1,quiz1\n"
                           "zero-fraction,Lab 1,lab1\n")
    out = grade(tmp_path, folder, "--assignments", str(assignments), "--deadline", DEADLINE)
    late = {r["learner_id"]: r["source"] for r in rows(out / "late.csv")}
    assert late == {"ada": "Canvas LATE marker (no time in the download)", "lee": "file time"}
    kinds = {(r["kind"], r["files"].split("/")[0]) for r in rows(out / "conflicts.csv")}
    assert kinds == {("other-assignment", "lab1"), ("lms-name-not-read", "loose")}
    book = json.loads((out / "gradebook.json").read_text())["learners"]
    assert book["ben"]["items"]["demo-quiz"]["status"] == "rejected"


@pytest.mark.parametrize("text, fragment", [
    ("item_id,lms_name,download_folder\nquiz,Q,../up\n", "not a folder inside"),
    ("item_id,lms_name,download_folder\nquiz,Q,/abs\n", "not a folder inside"),
])
def test_download_folders_stay_inside_the_submissions_folder(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        read_assignments(io.StringIO(text), known={"quiz"})


def test_several_download_folders_per_item():
    found = read_assignments(io.StringIO("item_id,lms_name,download_folder\n"
                                         "quiz,Q,quiz1; handin/\n"), known={"quiz"})
    assert found["quiz"].download_folders == ("quiz1", "handin")


# --- Moodle: a participant of one download, never a name alone --------------------------------

def test_two_moodle_participants_under_one_roster_name_are_both_held_back(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "Ada Lovelace_111_assignsubmission_file_" / "demo-quiz.responses.json", "ada")
    put(folder / "ADA LOVELACE_222_assignsubmission_file_" / "demo-quiz.responses.json", "ada",
        ON_TIME + 60, wrong=True)
    (tmp_path / "a.csv").write_text("item_id,lms_name\ndemo-quiz,Quiz 1\n")
    out = grade(tmp_path, folder, "--assignments", str(tmp_path / "a.csv"), "--format",
                "moodle", command="feedback")
    assert not (out / "moodle" / "demo-quiz.zip").exists()  # no page to either participant
    out = grade(tmp_path, folder)
    conflict, = [r for r in rows(out / "conflicts.csv") if r["kind"] == "several-lms-users"]
    assert "111" in conflict["detail"] and "222" in conflict["detail"]
    assert len(rows(out / "rejects.csv")) == 2


def test_the_same_moodle_learner_in_two_downloads_is_two_sources():
    one = parse_origin("quiz1/Ada Lovelace_111_assignsubmission_file_/a.responses.json")
    two = parse_origin("quiz2/Ada Lovelace_111_assignsubmission_file_/a.responses.json")
    assert one.folder == "quiz1" and one.source != two.source


def test_names_keep_their_word_order_but_read_a_sortable_name():
    assert name_key("Kim Lee") != name_key("Lee Kim")
    assert name_key("Lee, Kim") == name_key("kim  LEE")
    nfd = unicodedata.normalize("NFD", "Zoë Quinn")
    assert name_key(nfd) == name_key("Zoë Quinn") == name_key("ＺＯË ＱＵＩＮＮ")


def test_kim_lee_and_lee_kim_each_get_their_own_file(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "Kim Lee_1_assignsubmission_file_" / "demo-quiz.responses.json", "kim")
    put(folder / "Lee Kim_2_assignsubmission_file_" / "demo-quiz.responses.json", "kim",
        wrong=True)
    grades = grade_class(folder, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"),
                         setup=GradingSetup(roster=read_roster(io.StringIO(ROSTER))),
                         progress=False)
    assert grades.learners["lee"].quizzes["demo-quiz"].score < grades.learners[
        "kim"].quizzes["demo-quiz"].score
    assert [c.kind for c in grades.conflicts] == ["claims-other-id", "one-id-several-learners"]


# --- Canvas names that read two ways ---------------------------------------------------------

@pytest.mark.parametrize("name", ["x_1001_9_1003_50400_q.responses.json",
                                  "lovelaceada_1001_50311_2024_12_q.responses.json",
                                  "mallory_1_2_3_4_q.py"])
def test_a_canvas_name_that_reads_two_ways_is_not_believed(name):
    assert len(canvas_readings(name)) > 1 and parse_canvas(name) is None


def test_a_two_way_canvas_name_is_rejected_and_the_classmate_keeps_her_file(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "lovelaceada_1001_50311_demo-quiz.responses.json", "ada")
    put(folder / "x_1001_99999999_1002_50400_demo-quiz.responses.json", "ada", wrong=True)
    out = grade(tmp_path, folder)
    reject, = rows(out / "rejects.csv")
    assert reject["file"].startswith("x_1001") and "reads 3 ways" in reject["reason"]
    book = json.loads((out / "gradebook.json").read_text())["learners"]
    assert book["ada"]["items"]["demo-quiz"]["score"] == 8


# --- per-learner numbers, text answers, statistics -----------------------------------------

def test_a_copied_file_is_reported_as_graded_on_the_uploaders_numbers(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "byronben_1002_5_demo-quiz.responses.json", "ada")
    out = grade(tmp_path, folder)
    conflict, = rows(out / "conflicts.csv")
    assert conflict["kind"] == "claims-other-id" and "their own per-learner numbers" in conflict[
        "detail"]


def test_fullwidth_and_decomposed_text_answers_match_the_key():
    assert quiz.normalise_text("ＬＯＴＴＥＲＹ　ｔｉｃｋｅｔ") == "lottery ticket"
    assert quiz.normalise_text(unicodedata.normalize("NFD", "Zoë")) == "zoë"


def test_fullwidth_answer_scores_like_a_plain_one(tmp_path):
    folder = tmp_path / "subs"
    path = put(folder / "ada.demo-quiz.responses.json", "ada")
    data = json.loads(path.read_text())
    data["answers"]["q-text"]["value"] = "Ｌｏｔｔｅｒｙ　ｔｉｃｋｅｔ"
    path.write_text(json.dumps(data))
    grades = grade_class(folder, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"),
                         progress=False)
    assert grades.learners["ada"].quizzes["demo-quiz"].results["q-text"].correct


def test_wrongly_shaped_choice_answers_count_once_as_invalid(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "ada.demo-quiz.responses.json", "ada")
    path = put(folder / "eve.demo-quiz.responses.json", "eve")
    data = json.loads(path.read_text())
    data["answers"]["q-single"]["value"] = ["b", "b"]
    data["answers"]["q-multi"]["value"] = ["a", "a", "c"]
    path.write_text(json.dumps(data))
    grades = grade_class(folder, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"),
                         progress=False)
    counts = {s.question_id: s.distractors for s in item_analysis(grades)}
    assert counts["q-single"]["(invalid)"] == 1 and counts["q-single"]["b"] == 1
    assert counts["q-multi"]["(invalid)"] == 1 and counts["q-multi"]["a"] == 1


def test_zip_feedback_goes_only_to_the_participant_who_handed_in(tmp_path):
    folder = tmp_path / "subs"
    put(folder / "Ada Lovelace_111_assignsubmission_file_" / "demo-quiz.responses.json", "ada")
    put(folder / "Ben Byron_112_assignsubmission_file_" / "demo-quiz.responses.json", "ada")
    (tmp_path / "a.csv").write_text("item_id,lms_name\ndemo-quiz,Quiz 1\n")
    out = grade(tmp_path, folder, "--assignments", str(tmp_path / "a.csv"), "--format",
                "moodle", command="feedback")
    with zipfile.ZipFile(out / "moodle" / "demo-quiz.zip") as archive:
        pages = {name: archive.read(name).decode() for name in archive.namelist()}
    assert sorted(pages) == ["Ada Lovelace_111_assignfeedback_file_feedback-demo-quiz.html",
                             "Ben Byron_112_assignfeedback_file_feedback-demo-quiz.html"]
    assert "feedback for ben" in pages["Ben Byron_112_assignfeedback_file_feedback-demo-quiz"
                                       ".html"]


def test_files_copied_without_their_times_are_warned_about(tmp_path, capsys):
    folder = tmp_path / "subs"
    for learner in ("ada", "ben", "kim"):
        put(folder / f"{learner}.demo-quiz.responses.json", learner, LATE)
    grade(tmp_path, folder, "--deadline", DEADLINE)
    assert "modified at the same second" in capsys.readouterr().out
    os.utime(folder / "ben.demo-quiz.responses.json", (ON_TIME, ON_TIME))
    grade(tmp_path, folder, "--deadline", DEADLINE)
    assert "same second" not in capsys.readouterr().out
