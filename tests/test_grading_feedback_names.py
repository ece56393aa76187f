"""Names of the feedback pages and zips an LMS takes back, and the audit log's lock.

A page must read, to the LMS's own re-upload reader, as the learner who handed the file in,
whatever the learner chose to put in their name; two assignments' pages must never share a
zip; two commands at once must never log one regrade twice.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from pruneedu.cli import main
from pruneedu.grading import overrides
from pruneedu.grading.feedback import upload_of
from pruneedu.grading.lms import parse_canvas, parse_origin
from pruneedu.grading.submissions import Submission
from pruneedu.quiz.schema import ID_PATTERN

FIXTURE = Path(__file__).parent / "fixtures" / "class"
ADA_FILE = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"


def canvas_reads(page: str, group_names: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(user id, file id) as Canvas's Re-Upload Submissions reads a page name
    (AbstractAssignment#infer_comment_context_from_filename): a group name the name starts
    with is cut off, "LATE" parts are dropped, "anon_<id>_<file id>" is anonymous, and
    otherwise the first two all-digit "_"-parts are the user id and file id."""
    for group in group_names:
        if page.startswith(group + "_"):
            page = page[len(group) + 1:]
            break
    parts = [part for part in page.split("_") if part != "LATE"]
    if parts[0] == "anon":
        ids = parts[1:3]
    else:
        ids = [part for part in parts if re.fullmatch(r"\d+", part)][:2]
    if len(ids) < 2 or parts[-1].startswith("link") or page.startswith("._"):
        return None
    return ids[0], ids[1]


HOSTILE_DOWNLOADS = [
    "lovelaceada_1001_50311_demo-quiz.responses.json",
    "lovelaceada_LATE_1001_50311_demo-quiz.responses.json",
    "evil_1001_x_1003_777_demo-quiz.responses.json",       # rt5b finding 5
    "9_x_1003_777_demo-quiz.responses.json",                # a name that starts with digits
    "late_5_x_LATE_1003_777_demo-quiz-1.responses.json",    # LATE twice, and a resubmission
    "anon_5_x_1003_777_demo-quiz.responses.json",           # a name that starts "anon"
]


@pytest.mark.parametrize("download", HOSTILE_DOWNLOADS)
@pytest.mark.parametrize("item", ["demo-quiz", "lab_2_3", "hand-in"])
def test_a_canvas_page_reads_as_its_uploader_to_canvas(download, item):
    origin = parse_canvas(download)
    assert origin is not None  # the grader reads each of these one way only
    page = origin.feedback_name(item)
    assert canvas_reads(page) == (origin.submitter, str(origin.order[0])), page
    # The uploader's two ids are the page's only all-digit parts: cutting a group name off
    # its start (a student group may be named "1003") leaves too few ids to attach anywhere.
    assert [part for part in page.split("_") if part.isdigit()] == [origin.submitter,
                                                                   str(origin.order[0])]
    cuts = [page[:index] for index, char in enumerate(page) if char == "_"]
    assert all(canvas_reads(page, (cut,)) is None for cut in cuts), page


def _handin_part(path: str) -> Submission:
    name = f"{path}#demo-quiz.responses.json"
    return Submission(name, "quiz", "demo-quiz", "ada", None, parse_origin(path),
                      part="demo-quiz.responses.json")


FOLDERS = ["", "lab1", "term1/lab1", "term1/lab2", "term1-lab1", "term1+lab1", "term1/lab1+",
           "Lab (1)", "Lab (2)", "~abc", "x" * 41, "x" * 42, "/".join(["deep"] * 30),
           "/".join(["deep"] * 31), "hand-in", "demo-quiz"]


def test_every_download_folder_gets_a_zip_of_its_own():
    zips = {}
    for folder in FOLDERS:
        path = "/".join(p for p in (folder, "lovelaceada_1001_500_ada.handin.json") if p)
        zips[folder] = upload_of(_handin_part(path), "demo-quiz")
    assert len(set(zips.values())) == len(FOLDERS), zips
    assert zips["term1/lab1"] == "hand-in+term1+lab1" and zips[""] == "hand-in+"
    for folder, name in zips.items():
        # A zip name is one safe file name, never an item's (ids hold no "+").
        assert "+" in name and not ID_PATTERN.match(name) and len(name) <= 120, folder
        assert re.fullmatch(r"[\w .'+~-]+", name) and "/" not in name, folder
    moodle = _handin_part("term1/lab1/Ada Lovelace_111_assignsubmission_file_/ada.handin.json")
    assert upload_of(moodle, "demo-quiz") == "hand-in+term1+lab1"
    plain = Submission("term1/lab1/x.demo-quiz.responses.json", "quiz", "demo-quiz", "ada",
                       None)
    assert upload_of(plain, "demo-quiz") == "demo-quiz"


def _put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _handin(learner: str) -> str:
    responses = json.loads(ADA_FILE.read_text())
    responses["learner_id"] = learner
    return json.dumps({"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
                       "created_at": "2026-03-01T10:00:00+00:00", "exercises": {},
                       "responses": {"demo-quiz.responses.json": json.dumps(responses)}})


def test_moodle_hand_ins_of_two_nested_folders_go_to_two_named_zips(tmp_path):
    folder = tmp_path / "subs"
    handed = (("lab1", "ada", "Ada Lovelace", 111), ("lab2", "ben", "Ben Byte", 222))
    for lab, learner, name, pid in handed:
        _put(folder / "term1" / lab / f"{name}_{pid}_assignsubmission_file_"
             / f"{learner}.handin.json", _handin(learner))
    roster = _put(tmp_path / "roster.csv", "learner_id,name\nada,Ada Lovelace\nben,Ben Byte\n")
    out = tmp_path / "fb"
    main(["feedback", str(folder), "--out", str(out), "--no-progress", "--roster", str(roster),
          "--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises"),
          "--format", "moodle", "--lms", "moodle"])
    zips = sorted(path.name for path in (out / "moodle").iterdir())
    assert zips == ["hand-in+term1+lab1.zip", "hand-in+term1+lab2.zip"]
    for zip_name, (_, learner, name, pid) in zip(zips, handed, strict=True):
        with zipfile.ZipFile(out / "moodle" / zip_name) as archive:
            [page] = archive.namelist()
            assert page == f"{name}_{pid}_assignfeedback_file_feedback-hand-in.html"
            assert f"feedback for {learner}" in archive.read(page).decode("utf-8")


HOLD_LOCK = """
import fcntl, sys, time
with open(sys.argv[1], "a") as log:  # the lock the grader takes on the log
    fcntl.flock(log.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_the_audit_log_waits_for_another_process_holding_its_lock(tmp_path):
    log = tmp_path / "overrides.audit.csv"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(log)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        change = [overrides.Override("ada", "demo-quiz", "", 7.0, "regraded")]
        added: list[int] = []
        run = threading.Thread(target=lambda: added.append(
            overrides.append_audit(log, change, lambda key: 8.0)))
        run.start()
        time.sleep(0.5)
        assert run.is_alive() and log.read_text() == ""  # it waits, writing nothing
        holder.stdin.write("\n")
        holder.stdin.flush()
        run.join(timeout=20)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
    assert added == [1]
    lines = log.read_text().splitlines()
    assert lines[0].startswith("logged_at,") and len(lines) == 2, lines
    assert ",ada,demo-quiz,,8,7,regraded" in lines[1]
    assert overrides.append_audit(log, change, lambda key: 8.0) == 0
    assert log.read_text().splitlines() == lines
