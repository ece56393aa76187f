"""Red team, round rt11 (b): the file-handling side, after round 10's hub-folder rule for
rejects (attribution.owner_of_reject) and the shared-host check's sandbox-uid exclusion.

Each finding is a strict xfail that passes once the attack no longer succeeds; tests named
"held" are attacks the grader withstood. tmp folders only, no network, no code run.
"""

from __future__ import annotations

from test_redteam_rt8b import _put, _responses, _rows, _run


# --- rt11b finding 1: an LMS-looking name takes a hub folder's reject away from its owner ----
# Claim (docs/lms.md, "Whose file is it?" 2): "A rejected file there [jupyter-<id>/] counts
# against `<id>` too, never against the learner it names." attribute() first turns a name
# that --lms none does not believe into a plain file (_believed/_plain), so a GRADED file in
# jupyter-mallory/ is mallory's whatever it is called; owner_of_reject() instead runs
# parse_origin() on the raw name and applies the hub rule only when that finds NO origin, so
# a REJECTED file named like a Canvas or Moodle download (x_1001_5_demo-quiz.responses.json,
# Ada_12_assignsubmission_file_q.responses.json) skips the hub rule and falls to named_for,
# which makes it nobody's. Attack: mallory keeps two such practice-mode files in her hub
# home; the documented collection copies them to jupyter-mallory/; grade --lms none.
# Measured: rejects.csv lists both with learner_id "" (mallory does not even appear in the
# gradebook: "Graded 1 learners"), so her handed-in-but-rejected quiz reads as never handed
# in, unlike any other reject in her folder. Low severity (only the owner's own record is
# wrong, nobody else's), but it is the same class of bug as round 10's: two code paths decide
# ownership differently. Fix idea: in owner_of_reject, drop the origin when
# downloads.ignored_because(origin, roster) says the name is not read (as _believed does),
# before the hub-folder rule.
# Fixed: owner_of_reject reads an LMS-looking name that --lms none does not trust as a plain
# file first, as attribute() does, so the hub-folder rule applies.
def test_an_lms_looking_reject_in_a_hub_folder_counts_against_its_owner(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "ada.demo-quiz.responses.json", _responses("ada"))
    _put(folder / "jupyter-mallory" / "mallory.demo-quiz.responses.json",
         _responses("mallory"))
    _put(folder / "jupyter-mallory" / "x_1001_5_demo-quiz.responses.json",
         _responses("mallory", mode="practice"))
    _put(folder / "jupyter-mallory" / "Ada_12_assignsubmission_file_q.responses.json",
         _responses("ada", mode="practice"))
    _run("grade", folder, tmp_path / "g", "--lms", "none")
    owners = {r["file"].rsplit("/", 1)[-1]: r["learner_id"]
              for r in _rows(tmp_path / "g" / "rejects.csv")}
    assert owners == {"x_1001_5_demo-quiz.responses.json": "mallory",
                      "Ada_12_assignsubmission_file_q.responses.json": "mallory"}, owners


# Held: file times a learner can set (touch, kept by `cp -p`) at the ends of what Python's
# datetime holds (year 9999, year 1) fail neither grade nor feedback nor stats, and change
# nobody else's score: far-future is late past the cut-off, year 1 is on time.
def test_held_extreme_file_times_fail_nothing(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "ada.demo-quiz.responses.json", _responses("ada"))
    _put(folder / "jupyter-m1" / "m1.demo-quiz.responses.json", _responses("m1"),
         mtime=253402300799)
    _put(folder / "jupyter-m2" / "m2.demo-quiz.responses.json", _responses("m2"),
         mtime=-62135596800)
    late = ("--deadline", "2026-03-01T23:59+00:00", "--penalty-per-day", "10",
            "--cutoff-days", "3")
    for out, command in (("g", "grade"), ("fb", "feedback"), ("s", "stats")):
        assert _run(command, folder, tmp_path / out, "--lms", "none", *late) == 0, command
    rows = {r["learner_id"]: r for r in _rows(tmp_path / "g" / "gradebook.csv")}
    assert {k: r["demo-quiz"] for k, r in rows.items()} == {"ada": "8", "m1": "0", "m2": "8"}
