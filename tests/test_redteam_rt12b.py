"""Red team, round rt12 (b): the file-handling side, after round 11's change to
attribution.owner_of_reject (an LMS-looking name the run does not trust is read as a plain file
before the hub-folder rule).

Tests named "held" are attacks the grader withstood. tmp folders only, no network, no code run.
"""

from __future__ import annotations

import json

from test_redteam_rt8b import _handin, _put, _responses, _rows, _run


# Held: under --lms none, a hub learner's hand-in named like a Canvas download and a Moodle
# one, each embedding answers that name ada, is read exactly as a plainly named one: graded as
# mallory's (her hub folder), never ada's, and every reject of it counts against mallory or
# nobody, never ada (discover parses the raw LMS-looking name before attribute sets it aside).
def test_held_an_lms_looking_hand_in_in_a_hub_folder_touches_no_classmate(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "ada.demo-quiz.responses.json", _responses("ada"))
    bad = dict(_responses("ada"), format_version=999)
    for name in ("x_1001_5_mallory.handin.json", "Ada_12_assignsubmission_file_ada.handin.json"):
        _put(folder / "jupyter-mallory" / name,
             _handin("ada", {"demo-quiz.responses.json": json.dumps(_responses("ada")),
                             "z.responses.json": json.dumps(bad)}))
    _run("grade", folder, tmp_path / "g", "--lms", "none")
    owners = {r["learner_id"] for r in _rows(tmp_path / "g" / "rejects.csv")}
    assert owners <= {"mallory", ""}, owners
    rows = {r["learner_id"]: r for r in _rows(tmp_path / "g" / "gradebook.csv")}
    assert rows["ada"]["demo-quiz"] == "8", rows
