"""End to end: `pruneedu grade` on the fixture class gives an exact, hand-computed gradebook,
written as one set of files.

Expected scores, from the fixture answers and tests/fixtures/class/quizzes/demo-quiz.yaml
(q-single 1, q-multi 2, q-tf 1, q-num 1, q-text 1, q-match 2 points; 8 in all) and the
zero-fraction exercise (2 points, 3 tests, score = 2 * passed / 3):

- ada: every answer right = 8; correct code = 2; total 10.
- ben: single c wrong 0; multi [a] = (1 right - 0 wrong)/2 of 2 = 1; tf 1; num 0.95 outside
  0.9 +- 0.01 = 0; text "lottery-ticket!" normalises to an accepted answer = 1; one pair of two
  = 1; quiz 4. Code divides by 4, so it fails hidden-five-weights only: 2 * 2/3 = 1.33.
- cal: every answer wrong (the file claims score 8: ignored) = 0; code loops forever = 0.
- dan: malformed JSON (rejected, no id known: quiz cell empty); code reads keys = 0.
- eve: format_version 2 (rejected, no id known); code opens a socket = 0.
- fay: quiz_hash of another version (rejected, id known: "rejected"); code allocates 8 GB = 0.
- gus: two files in gus's own folder (jupyter-gus/, as a hub collection makes; at the top of
  a plain folder a file not named gus.demo-quiz.responses.json would be anyone's, a conflict);
  gus-retake has the later file time (set here; single right) = 1, the other is reported. Its
  updated_at says the opposite and is ignored: the learner's clock wrote it.
- hal: not UTF-8 (rejected, no id, no code): no row.
- jon: q-single answered 3 (wrong type: 0, reported), q-bogus unknown (reported), tf right = 1.
- made in the test: an oversized file and a symbolic link out of the folder: both rejected.
"""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pruneedu import quiz
from pruneedu.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]

EXPECTED_GRADEBOOK = """\
learner_id,name,section,demo-quiz,zero-fraction,total,late
ada,,,8,2,10,
ben,,,4,1.33,5.33,
cal,,,0,0,0,
dan,,,,0,0,
eve,,,,0,0,
fay,,,rejected,0,0,
gus,,,1,,1,
jon,,,1,,1,
"""
OUTPUT_FILES = {"gradebook.csv", "gradebook.json", "rejects.csv", "conflicts.csv", "review.csv",
                "late.csv", "similar_code.csv"}

HASH_REASON = ("answered another version of the quiz sha256:" + "0" * 64 + " (quiz_hash differs "
               "from the key's content_hash); if only wording changed since release, grade it "
               "with --accept-version <that hash>, else grade it by hand")
# (file, learner, item, question, reason); reasons written by pruneedu.quiz are matched by a
# telling fragment, the grader's own reasons exactly.
EXPECTED_REJECTS = [
    ("big.demo-quiz.responses.json", "", "", "", "the file is 1,000,001 bytes; the limit is "
     "1,000,000"),
    ("dan.demo-quiz.responses.json", "", "", "", "~not valid JSON"),
    ("escape.demo-quiz.responses.json", "", "", "", "a symbolic link that leads outside the "
     "submissions folder"),
    ("eve.demo-quiz.responses.json", "", "", "", "~format_version 2"),
    ("fay.demo-quiz.responses.json", "fay", "demo-quiz", "", HASH_REASON),
    ("hal.demo-quiz.responses.json", "", "", "", "~UTF-8"),
    ("jon.demo-quiz.responses.json", "jon", "demo-quiz", "q-bogus",
     "no such question in this quiz; the answer was ignored"),
    ("jon.demo-quiz.responses.json", "jon", "demo-quiz", "q-single",
     "~answer of the wrong type, scored 0"),
    ("jupyter-gus/gus.demo-quiz.responses.json", "gus", "demo-quiz", "",
     "duplicate: jupyter-gus/gus-retake.demo-quiz.responses.json was handed in later (file "
     "times) and was graded instead"),
]


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def copy_fixture_class(target: Path) -> Path:
    """The fixture submissions with fixed file times, gus's two files in a folder of gus's own:
    gus-retake handed in an hour after gus."""
    shutil.copytree(FIXTURE / "submissions", target)
    for number, path in enumerate(sorted(target.iterdir())):
        os.utime(path, (1_790_000_000 + number, 1_790_000_000 + number))
    (target / "jupyter-gus").mkdir()
    for name in ("gus.demo-quiz.responses.json", "gus-retake.demo-quiz.responses.json"):
        os.rename(target / name, target / "jupyter-gus" / name)
    os.utime(target / "jupyter-gus" / "gus-retake.demo-quiz.responses.json",
             (1_790_003_600, 1_790_003_600))
    return target


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Copy the fixture class, add the generated bad files, grade it twice."""
    root = tmp_path_factory.mktemp("grade")
    submissions = copy_fixture_class(root / "submissions")
    (submissions / "big.demo-quiz.responses.json").write_bytes(b" " * 1_000_001)
    secret = root / "outside.json"
    secret.write_text("{}", encoding="utf-8")
    os.symlink(secret, submissions / "escape.demo-quiz.responses.json")
    before = fingerprint(submissions)
    out = root / "grades"
    codes = [main(["grade", str(submissions), "--out", str(out), *MATERIAL, "--no-progress"])]
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    codes.append(main(["grade", str(submissions), "--out", str(out), *MATERIAL,
                       "--no-progress"]))
    second = {p.name: p.read_bytes() for p in out.iterdir()}
    return {"out": out, "codes": codes, "first": first, "second": second, "before": before,
            "after": fingerprint(submissions), "root": root}


def test_fixture_hash_matches_the_demo_bank():
    # If this fails the quiz hash changed: the fixture responses need the new quiz_hash.
    bank = quiz.load_bank(FIXTURE / "quizzes" / "demo-quiz.yaml")
    data = json.loads((FIXTURE / "submissions" / "ada.demo-quiz.responses.json").read_text())
    assert data["quiz_hash"] == quiz.content_hash(bank)


def test_gradebook_is_exactly_the_hand_computed_one(graded):
    assert (graded["out"] / "gradebook.csv").read_text(encoding="utf-8") == EXPECTED_GRADEBOOK


def test_rejects_report_lists_every_bad_file_with_its_reason(graded):
    rows = list(csv.reader((graded["out"] / "rejects.csv").open()))
    assert rows[0] == ["file", "learner_id", "item", "question", "reason"]
    assert len(rows[1:]) == len(EXPECTED_REJECTS)
    for row, expected in zip(rows[1:], EXPECTED_REJECTS, strict=True):
        assert row[:4] == list(expected[:4])
        if expected[4].startswith("~"):
            assert expected[4][1:] in row[4]
        else:
            assert row[4] == expected[4]


def test_exit_status_is_1_when_something_was_rejected(graded):
    assert graded["codes"] == [1, 1]


def test_grading_twice_writes_identical_files(graded):
    assert set(graded["first"]) == OUTPUT_FILES
    assert graded["first"] == graded["second"]


def test_the_output_folder_is_one_set_and_old_sets_are_removed(graded):
    # --out is a link to the current set; the first run's set was deleted by the second.
    assert graded["out"].is_symlink()
    sets = graded["root"] / ".grades.sets"
    assert [p.name for p in sets.iterdir()] == [Path(os.readlink(graded["out"])).name]


def test_submissions_are_never_modified(graded):
    assert graded["after"] == graded["before"]


def test_json_copy_agrees_with_the_csv(graded):
    data = json.loads(graded["first"]["gradebook.json"])
    assert data["quizzes"]["demo-quiz"]["max_score"] == 8
    assert data["exercises"]["zero-fraction"]["max_score"] == 2
    ben = data["learners"]["ben"]["items"]
    assert ben["demo-quiz"]["questions"] == {
        "q-single": 0, "q-multi": 1, "q-tf": 1, "q-num": 0, "q-text": 1, "q-match": 1}
    assert ben["zero-fraction"]["passed"] == 2
    assert "timed out" in data["learners"]["cal"]["items"]["zero-fraction"]["error"]
    assert data["learners"]["fay"]["items"]["demo-quiz"]["status"] == "rejected"
    assert "demo-quiz" not in data["learners"]["dan"]["items"]  # nothing gradable under dan's id
    assert len(data["rejects"]) == len(EXPECTED_REJECTS)
    assert data["isolation"] == "bwrap"


@pytest.fixture
def clean_class(tmp_path):
    """A submissions folder holding ada's fully right responses file only."""
    submissions = tmp_path / "clean"
    submissions.mkdir()
    shutil.copy(FIXTURE / "submissions" / "ada.demo-quiz.responses.json", submissions)
    return submissions


def test_clean_class_exits_0(tmp_path, clean_class):
    out = tmp_path / "grades"
    assert main(["grade", str(clean_class), "--out", str(out), *MATERIAL]) == 0
    assert (out / "gradebook.csv").read_text().splitlines()[1] == "ada,,,8,,8,"


def test_output_inside_the_submissions_folder_is_not_graded_next_time(clean_class):
    out = clean_class / "grades"
    assert main(["grade", str(clean_class), "--out", str(out), *MATERIAL]) == 0
    assert main(["grade", str(clean_class), "--out", str(out), *MATERIAL]) == 0


def test_missing_folder_or_keyless_banks_are_setup_errors(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "nope"), "--out", str(tmp_path / "g"),
                 *MATERIAL]) == 2
    assert "not a folder" in capsys.readouterr().err
    released = tmp_path / "released"
    released.mkdir()
    bank = quiz.load_bank(FIXTURE / "quizzes" / "demo-quiz.yaml")
    (released / "demo-quiz.yaml").write_text(yaml.safe_dump(quiz.release_bank(bank)))
    (tmp_path / "subs").mkdir()
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "g"),
                 "--quizzes", str(released)]) == 2
    assert "no answer keys" in capsys.readouterr().err


def test_a_bank_with_a_yaml_alias_bomb_is_a_setup_error(tmp_path, capsys, clean_class):
    from test_validate import ALIAS_BOMB

    quizzes = tmp_path / "quizzes"
    shutil.copytree(FIXTURE / "quizzes", quizzes)
    (quizzes / "bomb.yaml").write_text(ALIAS_BOMB)
    assert main(["grade", str(clean_class), "--out", str(tmp_path / "g"),
                 "--quizzes", str(quizzes), "--exercises", str(FIXTURE / "exercises")]) == 2
    err = capsys.readouterr().err
    assert "bomb.yaml" in err and "anchors and aliases" in err
    assert not (tmp_path / "g").exists()


def test_grading_never_imports_torch_in_the_grader_process(tmp_path):
    # The sandboxed child may import torch; the grader itself must stay light.
    script = (
        "import sys\nfrom pruneedu.cli import main\n"
        f"code = main(['grade', {str(FIXTURE / 'submissions')!r}, '--out', "
        f"{str(tmp_path / 'g')!r}, '--quizzes', {str(FIXTURE / 'quizzes')!r}, "
        f"'--exercises', {str(FIXTURE / 'exercises')!r}, '--no-progress', '--shared-host'])\n"
        "print(code, 'torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.split()[-2:] == ["1", "False"], done.stderr
