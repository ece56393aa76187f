"""Red team, round rt9 (b): the file-handling side of grading a class, after round 8's fixes.

Hub collections and plain folders of quiz responses, and the feedback the grader writes for
the learners. Each finding is a strict xfail that passes once the attack no longer succeeds;
tests named "held" are attacks the grader withstood. tmp folders only, no network, no code run.
"""

from __future__ import annotations

import json
import random

from test_redteam_rt8b import _put, _responses, _run

from pruneedu.grading import handin
from pruneedu.grading.lms import ambiguous_canvas, parse_origin


# --- rt9b finding 1: a classmate's hub folder sets ada's quiz grade and writes in her page -----
# Claims: docs/lms.md 3 ("Feedback names a file only when ... for any other file it gives
# neither name nor reason ... since a reason may quote what a classmate wrote"; rounds 5 to 8
# closed every way a classmate's text reached ada's page through a REJECTED file) and
# docs/jupyterhub.md ("the folder says where each file came from"). A GRADED file is quoted
# in full, and the grader takes whose it is from the id inside even when the hub folder says
# it is a classmate's (jupyter-mallory/ is mallory's own: attribution._own_folders). Attack:
# ada hands in nothing for demo-quiz; mallory keeps in her own hub home a responses file that
# says "learner_id": "ada" (named zz.demo-quiz..., not even ada's), whose text and numeric
# answers are a message; the documented collection copies it to submissions/jupyter-mallory/.
# Measured (feedback --lms none, quiz only): ada.md shows "Demo quiz ...: 6 of 8 points" (from
# "not handed in") and, under it, "Your answer: Your grade is VOID: mail your password to mal
# at evil dot io" (200 characters of free text per question, Markdown-escaped so it reads as
# written) and "On your answer: ... 'VOID see mal at evil dot io' is not one." No conflict is
# listed: one file, one source. Fix idea: a file in a learner's own hub/plain folder
# (jupyter-<x>/, <x>/) counts only for that learner, as an LMS name does; one there naming
# another learner is rejected and listed (a new conflict kind), never graded as theirs; at
# the least, feedback quotes answers only from files in the learner's own place.
# Fixed: a file in a hub collection's jupyter-<id>/ counts for <id> (the folder says who
# handed it in, as an LMS name does); one naming someone else is a claims-other-id conflict.
def test_a_file_in_a_classmates_hub_folder_never_grades_or_writes_to_ada(tmp_path):
    folder = tmp_path / "subs"
    message = "Your grade is VOID: mail your password to mal at evil dot io"
    forged = _responses("ada")
    forged["answers"]["q-text"]["value"] = message
    _put(folder / "jupyter-mallory" / "zz.demo-quiz.responses.json", forged)
    _put(folder / "jupyter-mallory" / "mallory.demo-quiz.responses.json", _responses("mallory"))
    out = tmp_path / "fb"
    _run("feedback", folder, out, "--lms", "none")
    # ada handed in nothing: she has no page at all now, or one that says so.
    ada = out / "ada.md"
    page = ada.read_text(encoding="utf-8") if ada.exists() else ""
    assert "VOID" not in page and "password" not in page, page
    assert not page or "(demo-quiz): not handed in" in page or "could not be graded" in page


# Held: LMS download names of every shape (Canvas and Moodle parts, LATE, resubmission
# suffixes, '#', combining marks, U+FFFD, nested folders) never raise outside discover()'s
# per-file guard (parse_origin, ambiguous_canvas, handin.handles, feedback_name), so one
# file name cannot stop a class's grading.
def test_held_no_file_name_raises_before_the_per_file_guard():
    rng = random.Random(9)
    pieces = ["_", "LATE", "1001", "0", "00", "_assignsubmission_file_",
              "assignsubmission_onlinetext_", "/", ".responses.json", ".handin.json", ".py",
              ".ipynb", ".pedu", "-1", "demo-quiz", "zero_fraction", " ", "\u0301", "\ufffd",
              "#", "x", ".", "~", "+"]
    for _ in range(20_000):
        name = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        origin = parse_origin(name)
        ambiguous_canvas(name.rsplit("/", 1)[-1])
        handin.handles(origin.original if origin else name.rsplit("/", 1)[-1],
                       lms=origin is not None)
        if origin is not None:
            assert origin.feedback_name("q")
            json.dumps([origin.source, origin.variants])
