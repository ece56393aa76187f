"""LMS download names (Canvas, Moodle), roster and assignments files."""

import io

import pytest

from pruneedu.grading.assignments import read_assignments
from pruneedu.grading.lms import name_key, parse_canvas, parse_moodle, parse_origin
from pruneedu.grading.roster import read_roster


@pytest.mark.parametrize("name, user, late, order, original", [
    # <sortable name>[_LATE]_<user id>_<file id>_<display name> (Canvas's content_zipper)
    ("lovelaceada_1001_50311_demo-quiz.responses.json", "1001", False, (50311, 0),
     "demo-quiz.responses.json"),
    ("lovelaceada_LATE_1001_50312_demo-quiz.responses.json", "1001", True, (50312, 0),
     "demo-quiz.responses.json"),
    # re-uploads under the same name get -1, -2 before the extension(s)
    ("lovelaceada_1001_50313_demo-quiz-1.responses.json", "1001", False, (50313, 1),
     "demo-quiz.responses.json"),
    ("lovelaceada_1001_50314_demo-quiz.responses-2.json", "1001", False, (50314, 2),
     "demo-quiz.responses.json"),
    ("lovelaceada_1001_50315_zero-fraction-3.py", "1001", False, (50315, 3),
     "zero-fraction.py"),
    # names may keep underscores; the original file name may hold _<digits>_ too
    ("smith_jrbob_LATE_77_88_my_2_files.py", "77", True, (88, 0), "my_2_files.py"),
    ("anon_x7k2p_5551_demo-quiz.responses.json", "anon_x7k2p", False, (5551, 0),
     "demo-quiz.responses.json"),
    ("LATE_anon_x7k2p_5551_a.py", "anon_x7k2p", True, (5551, 0), "a.py"),
])
def test_canvas_names(name, user, late, order, original):
    origin = parse_canvas(name)
    assert (origin.submitter, origin.late, origin.order, origin.original) == (
        user, late, order, original)
    assert origin.lms == "canvas" and origin.source == f"canvas:{user}"


@pytest.mark.parametrize("name", ["ada.demo-quiz.responses.json", "notes.txt",
                                  "lovelaceada_1001_text.html", "x_1_y.py"])
def test_plain_names_are_not_canvas_names(name):
    assert parse_canvas(name) is None


def test_moodle_folders_and_flat_files():
    folder = parse_moodle("quiz/Ada Lovelace_1234567_assignsubmission_file_/sub/"
                          "demo.responses.json")
    assert (folder.name, folder.submitter, folder.original, folder.plugin) == (
        "Ada Lovelace", "1234567", "sub/demo.responses.json", "file")
    flat = parse_moodle("Ada Lovelace_1234567_assignsubmission_file_demo.responses.json")
    assert flat.original == "demo.responses.json"
    # A participant id is one per learner AND assignment: only one download folder's agree.
    assert flat.source != folder.source == parse_moodle(
        "quiz/Ada Lovelace_1234567_assignsubmission_file_/x.py").source
    text = parse_origin("Ada Lovelace_1234567_assignsubmission_onlinetext_/onlinetext.html")
    assert text.plugin == "onlinetext"
    assert parse_moodle("ada.demo-quiz.responses.json") is None


def test_feedback_names_are_what_each_lms_reads_back():
    canvas = parse_canvas("lovelaceada_LATE_1001_50311_demo-quiz.responses.json")
    name = canvas.feedback_name("demo-quiz")
    # Canvas's re-upload takes the first two all-digit parts as user id and file id.
    assert [p for p in name.split("_") if p.isdigit()][:2] == ["1001", "50311"]
    moodle = parse_moodle("Ada Lovelace_1234567_assignsubmission_file_/q.responses.json")
    # Moodle's import explodes on "_" five ways: name, participant, plugin type, plugin.
    parts = moodle.feedback_name("q").split("_", 4)
    assert parts[1:4] == ["1234567", "assignfeedback", "file"]


def test_names_match_ignoring_case_punctuation_and_order():
    assert name_key("Lovelace, Ada") == name_key("ADA LOVELACE") != name_key("Ada Byron")


ROSTER = """learner_id,name,section,canvas_user_id,sis_user_id,sis_login_id,email
ada,"Lovelace, Ada",A,1001,S1,ada,ada@uni.example
ben,"Byron, Ben",B,1002,S2,ben,ben@uni.example
"""


def test_roster_is_read_in_order_with_lookups():
    roster = read_roster(io.StringIO(ROSTER))
    assert [e.learner_id for e in roster.entries] == ["ada", "ben"]
    assert roster.by_canvas_id("1002").learner_id == "ben"
    assert [e.learner_id for e in roster.by_name("Ben Byron")] == ["ben"]
    assert "ada" in roster and "cal" not in roster


@pytest.mark.parametrize("text, fragment", [
    ("name\nAda\n", "no learner_id column"),
    ("learner_id,canvas_id\nada,1\n", "unknown columns 'canvas_id'"),
    ("learner_id\nada\nada\n", "already on line 2"),
    ("learner_id\njovyan\n", "line 2: learner_id 'jovyan'"),
    ("learner_id\n../x\n", "cannot be a learner's id"),
    ("learner_id,canvas_user_id\nada,12a\n", "not a number"),
    ("learner_id,canvas_user_id\nada,1\nben,1\n", "canvas_user_id 1 is already on line 2"),
])
def test_bad_rosters_say_which_line(text, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        read_roster(io.StringIO(text))


def test_assignments_in_file_order_with_canvas_headers_and_deadlines():
    found = read_assignments(io.StringIO(
        "item_id,lms_name,canvas_assignment_id,deadline\n"
        "lab,Lab 1,,\nquiz,Quiz 1,77,2026-03-01T23:59+01:00\n"), known={"quiz", "lab"})
    assert list(found) == ["lab", "quiz"]
    assert found["quiz"].canvas_header == "Quiz 1 (77)" and found["lab"].canvas_header == "Lab 1"
    assert found["quiz"].deadline.isoformat() == "2026-03-01T23:59:00+01:00"


@pytest.mark.parametrize("text, fragment", [
    ("item_id\nquiz\n", "lacks the column"),
    ("item_id,lms_name\nnope,X\n", "not a quiz or exercise"),
    ("item_id,lms_name\nquiz,X\nquiz,Y\n", "listed twice"),
    ("item_id,lms_name\nquiz,X\nlab,X\n", "two items use the LMS name"),
    ("item_id,lms_name,deadline\nquiz,X,2026-03-01\n", "no UTC offset"),
])
def test_bad_assignments_files_say_which_line(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        read_assignments(io.StringIO(text), known={"quiz", "lab"})


def test_a_canvas_column_canvas_would_skip_is_refused(tmp_path):
    from pathlib import Path

    from pruneedu.grading.classgrade import ClassGrades, GradingSetup
    from pruneedu.grading.gradebook import canvas_table
    from pruneedu.grading.material import load_material

    fixture = Path(__file__).parent / "fixtures" / "class"
    material = load_material(fixture / "quizzes", fixture / "exercises")
    assignments = read_assignments(io.StringIO("item_id,lms_name\ndemo-quiz,Quiz: Final Grade "
                                               "practice\n"), known={"demo-quiz"})
    grades = ClassGrades(material, {}, [], setup=GradingSetup(
        roster=read_roster(io.StringIO("learner_id\nada\n")), assignments=assignments))
    with pytest.raises(ValueError, match="'Final Grade'"):
        canvas_table(grades)
