"""Deadlines judged by what the learner cannot set, overrides with an append-only audit log,
--accept-version for a reworded quiz, and the review queue."""

import csv
import io
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.grading.classgrade import GradingSetup, grade_class
from pruneedu.grading.late import LatePolicy, parse_deadline
from pruneedu.grading.material import load_material
from pruneedu.grading.overrides import append_audit, read_overrides
from pruneedu.grading.review import _review

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
DEADLINE = parse_deadline("2026-03-01T23:59:00+00:00")
BANK = quiz.load_bank(FIXTURE / "quizzes" / "demo-quiz.yaml")


@pytest.fixture(scope="module")
def material():
    return load_material(FIXTURE / "quizzes", FIXTURE / "exercises")


def right_value(question: quiz.Question) -> object:
    """The answer value that scores full points."""
    key = question.answer
    if question.type == "numeric":
        return key["value"]
    if question.type == "text":
        return key["accept"][0]
    if question.type == "matching":
        return dict(key["pairs"])
    return key


def hand_in(folder: Path, name: str, learner: str, when: datetime, *, right: bool = True,
            quiz_hash: str | None = None, answers: dict | None = None,
            updated_at: str | None = None) -> Path:
    data = quiz.new_responses(BANK.id, quiz_hash or quiz.content_hash(BANK), learner, "graded")
    for question in BANK.questions:
        if right:
            quiz.record_answer(data, question.id, right_value(question))
    for qid, value in (answers or {}).items():
        quiz.record_answer(data, qid, value)
    if updated_at:
        data["updated_at"] = updated_at
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    os.utime(path, (when.timestamp(),) * 2)
    return path


def test_lateness_comes_from_file_times_and_canvas_markers_never_updated_at(tmp_path, material):
    hours = 3600
    on_time = datetime.fromtimestamp(DEADLINE.timestamp() - hours, timezone.utc)
    day_and_a_bit = datetime.fromtimestamp(DEADLINE.timestamp() + 25 * hours, timezone.utc)
    ten_days = datetime.fromtimestamp(DEADLINE.timestamp() + 240 * hours, timezone.utc)
    # ada's file says it was finished long before the deadline: her clock, not ours.
    hand_in(tmp_path, "ada.demo-quiz.responses.json", "ada", day_and_a_bit,
            updated_at="2020-01-01T00:00:00+00:00")
    hand_in(tmp_path, "ben.demo-quiz.responses.json", "ben", on_time)
    hand_in(tmp_path, "cal.demo-quiz.responses.json", "cal", ten_days)
    # Canvas: the LATE marker counts (one day); a Canvas file without it is on time whatever
    # its time stamp (unzipping sets the download's time).
    hand_in(tmp_path, "canvas/doedan_LATE_11_21_demo-quiz.responses.json", "dan", on_time)
    hand_in(tmp_path, "canvas/roeeve_12_22_demo-quiz.responses.json", "eve", ten_days)
    setup = GradingSetup(policy=LatePolicy(DEADLINE, penalty_per_day=10, cutoff_days=7),
                         lms="canvas")  # the instructor says the canvas/ folder is a download
    grades = grade_class(tmp_path, material, setup=setup)
    late = {learner: (r.late["demo-quiz"].days_late, r.late["demo-quiz"].after_cutoff)
            for learner, r in grades.learners.items() if r.late}
    assert late == {"ada": (2, False), "cal": (10, True), "dan": (1, False)}
    scores = {learner: r.scores["demo-quiz"] for learner, r in grades.learners.items()}
    # 8 points: 2 days x 10% of 8 = 1.6 off; past the 7-day cut-off: 0.
    assert scores == {"ada": 6.4, "ben": 8.0, "cal": 0.0, "dan": 7.2, "eve": 8.0}


def test_an_override_changes_the_score_and_is_logged_once(tmp_path, material):
    subs = tmp_path / "subs"
    hand_in(subs, "ada.demo-quiz.responses.json", "ada", DEADLINE, right=False,
            answers={"q-text": "lotery ticket"})
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("learner_id,item,question,score,comment,grader\n"
                         "ada,demo-quiz,q-text,1,typo accepted,prof\n", encoding="utf-8")
    args = ["grade", str(subs), "--out", str(tmp_path / "g"), *MATERIAL,
            "--overrides", str(overrides)]
    assert main(args) == 0
    book = (tmp_path / "g" / "gradebook.csv").read_text().splitlines()
    assert book[1].split(",")[3] == "1"  # q-text 1 point; everything else wrong
    log = tmp_path / "overrides.audit.csv"
    rows = list(csv.DictReader(log.open()))
    assert [(r["grader"], r["learner_id"], r["question"], r["old"], r["new"], r["comment"])
            for r in rows] == [("prof", "ada", "q-text", "0", "1", "typo accepted")]
    assert main(args) == 0  # nothing changed: nothing appended
    assert len(list(csv.DictReader(log.open()))) == 1
    overrides.write_text("learner_id,item,question,score,comment\n"
                         "ada,demo-quiz,,5,whole quiz regraded\n", encoding="utf-8")
    assert main(args) == 0
    rows = list(csv.DictReader(log.open()))
    assert [(r["question"], r["old"], r["new"], r["comment"]) for r in rows[1:]] == [
        ("", "0", "5", "whole quiz regraded"), ("q-text", "1", "0", "override removed")]
    assert (tmp_path / "g" / "gradebook.csv").read_text().splitlines()[1].split(",")[3] == "5"


@pytest.mark.parametrize("line, fragment", [
    ("zed,demo-quiz,q-text,1,x", "learner 'zed' is not in this class"),
    ("ada,nope,,1,x", "'nope' is not a quiz or exercise"),
    ("ada,demo-quiz,q-nope,1,x", "has no question 'q-nope'"),
    ("ada,demo-quiz,q-text,2,x", "2 points is more than the 1 possible"),
    ("ada,zero-fraction,q-text,1,x", "is an exercise"),
])
def test_bad_overrides_are_setup_errors_with_the_line(tmp_path, material, line, fragment):
    hand_in(tmp_path, "ada.demo-quiz.responses.json", "ada", DEADLINE)
    setup = GradingSetup(overrides=tuple(read_overrides(io.StringIO(
        "learner_id,item,question,score,comment\n" + line + "\n"))))
    with pytest.raises(ValueError, match="overrides line 2: .*" + fragment):
        grade_class(tmp_path, material, setup=setup)


def test_the_audit_log_escapes_formulas(tmp_path):
    [override] = read_overrides(io.StringIO("learner_id,item,question,score,comment\n"
                                            'ada,q,,1,"=HYPERLINK(""http://x"")"\n'))
    log = tmp_path / "a.csv"
    assert append_audit(log, [override], lambda key: 0.0) == 1
    assert append_audit(log, [override], lambda key: 0.0) == 0  # escaped text compares equal
    assert list(csv.DictReader(log.open()))[0]["comment"].startswith("'=")


def test_accept_version_grades_answers_to_a_reworded_quiz(tmp_path):
    # The released quiz had a typo; the instructor fixed it, which changed the content hash.
    released = yaml.safe_load((FIXTURE / "quizzes" / "demo-quiz.yaml").read_text())
    released["questions"][0]["prompt"] = "Whcih weights does magnitude pruning remove first?"
    old_hash = quiz.content_hash(quiz.bank_from_dict(released))
    assert old_hash != quiz.content_hash(BANK)
    subs = tmp_path / "subs"
    hand_in(subs, "ada.demo-quiz.responses.json", "ada", DEADLINE, quiz_hash=old_hash)
    args = ["grade", str(subs), *MATERIAL, "--no-progress"]
    assert main([*args, "--out", str(tmp_path / "before")]) == 1
    rejects = (tmp_path / "before" / "rejects.csv").read_text()
    assert old_hash in rejects and "--accept-version" in rejects
    assert main([*args, "--out", str(tmp_path / "after"), "--accept-version", old_hash]) == 0
    data = json.loads((tmp_path / "after" / "gradebook.json").read_text())
    assert data["learners"]["ada"]["items"]["demo-quiz"]["score"] == 8.0
    assert data["learners"]["ada"]["items"]["demo-quiz"]["accepted_version"] == old_hash


def test_review_queue_lists_near_misses_and_written_answers(tmp_path, material):
    hand_in(tmp_path, "ada.demo-quiz.responses.json", "ada", DEADLINE, right=False,
            answers={"q-text": "lotery tickets"})
    hand_in(tmp_path, "ben.demo-quiz.responses.json", "ben", DEADLINE, right=False,
            answers={"q-text": "quantization"})
    from pruneedu.grading.review import review_queue

    queue = review_queue(grade_class(tmp_path, material))
    assert [(i.learner_id, i.question, i.kind, i.answer) for i in queue] == [
        ("ada", "q-text", "near miss", "lotery tickets")]
    assert queue[0].expected == "lottery ticket | lottery ticket hypothesis"
    written = quiz.Question("essay", "written", "Explain pruning.", "pruning", points=3)
    assert _review(written, "Pruning removes weights.", 0.0) == ("written", "")
    assert _review(written, "  ", 0.0) is None
