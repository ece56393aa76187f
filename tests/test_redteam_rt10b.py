"""Red team, round rt10 (b): the file-handling side of grading a class, after round 9's
hub-folder rule (a plain file in a hub collection's ``jupyter-<id>/`` counts for ``<id>``).

Each finding is a strict xfail that passes once the attack no longer succeeds; tests named
"held" are attacks the grader withstood. tmp folders only, no network, no code run.
"""

from __future__ import annotations

import json

from test_redteam_rt8b import _handin, _put, _responses, _rows, _run


# --- rt10b finding 1: a REJECTED file in mallory's hub folder still counts against ada --------
# Claims: docs/grading-guarantees.md ("Who wrote the code"): "A plain file in a hub
# collection's `jupyter-<id>/` counts for `<id>` whatever it names", and docs/lms.md's order of
# rules, where "A hub collection's folder" (2) comes before "the file's own id" (3). Round 9
# applied the folder rule in attribution.attribute() only, i.e. to files that are GRADED;
# a file rejected in discovery (practice mode, another quiz version, not UTF-8...) goes
# through attribution.owner_of_reject(), which still trusts the file name (named_for) and
# never looks at the hub folder. Attack: mallory keeps in her own hub home
# "ada.demo-quiz.responses.json" (mode "practice") and "ada.zero_fraction.py" (not UTF-8);
# the documented collection copies both to submissions/jupyter-mallory/. Measured
# (grade/feedback --lms none): rejects.csv lists both against ada (not mallory); the
# gradebook's zero-fraction cell for ada, who handed in nothing, reads "rejected" instead of
# blank; ada.md says "Fraction of zero weights (zero-fraction): could not be graded" and, for
# both items, "one of the files handed in for you ... could not be graded" (fixed texts, so
# no free text of mallory's, but a classmate writes into ada's page and gradebook row, and no
# conflict is listed, so the instructor chases ada). Fix idea: owner_of_reject applies the
# same hub-folder rule as attribute (a reject in jupyter-<x>/ is <x>'s, or nobody's when <x>
# is not a real/rostered id), before falling back to named_for.
# Fixed: owner_of_reject applies the hub-folder rule too: a reject in jupyter-<x>/ is <x>'s
# (or nobody's when <x> is no real learner).
def test_a_reject_in_a_classmates_hub_folder_never_counts_against_ada(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "ada.demo-quiz.responses.json", _responses("ada"))
    _put(folder / "jupyter-mallory" / "mallory.demo-quiz.responses.json", _responses("mallory"))
    _put(folder / "jupyter-mallory" / "ada.demo-quiz.responses.json",
         _responses("ada", mode="practice"))
    code = folder / "jupyter-mallory" / "ada.zero_fraction.py"
    code.write_bytes(b"\xff\xfe not utf-8")
    _run("grade", folder, tmp_path / "g", "--lms", "none")
    _run("feedback", folder, tmp_path / "fb", "--lms", "none")
    rows = {r["learner_id"]: r for r in _rows(tmp_path / "g" / "gradebook.csv")}
    assert rows["ada"]["demo-quiz"] == "8"  # ada's own file was graded
    against_ada = [r["file"] for r in _rows(tmp_path / "g" / "rejects.csv")
                   if r["learner_id"] == "ada"]
    page = (tmp_path / "fb" / "ada.md").read_text(encoding="utf-8")
    assert (against_ada, rows["ada"]["zero-fraction"], "could not be graded" in page) == (
        [], "", False), (against_ada, page)


# Held: a hub folder's file naming any id at all (empty, shared, path-like, formula text,
# bidi marks, 300 characters, another learner, case variants), as a responses file or inside
# a hand-in, never fails grade or feedback, never grades anyone but the folder's owner, and
# ada's own file is graded as before.
HOSTILE_IDS = ["", "jovyan", "../x", "a" * 300, "=cmd|' /C calc'!A0", "\u202eada", "ada\n",
               "ADA", "ada", "-", "."]


def test_held_hostile_ids_in_hub_folders_grade_only_the_folders_owner(tmp_path):
    folder = tmp_path / "subs"
    _put(folder / "jupyter-ada" / "ada.demo-quiz.responses.json", _responses("ada"))
    for i, claimed in enumerate(HOSTILE_IDS):
        _put(folder / f"jupyter-m{i}" / f"x{i}.demo-quiz.responses.json", _responses(claimed))
        _put(folder / f"jupyter-h{i}" / f"h{i}.handin.json",
             _handin(claimed, {"q": json.dumps(_responses(claimed))}))
    assert _run("grade", folder, tmp_path / "g", "--lms", "none") in (0, 1)
    assert _run("feedback", folder, tmp_path / "fb", "--lms", "none") in (0, 1)
    rows = {r["learner_id"]: r for r in _rows(tmp_path / "g" / "gradebook.csv")}
    owners = {f"{kind}{i}" for kind in "mh" for i in range(len(HOSTILE_IDS))}
    assert set(rows) <= owners | {"ada"}, sorted(set(rows) - owners)
    assert rows["ada"]["demo-quiz"] == "8"
    ada = (tmp_path / "fb" / "ada.md").read_text(encoding="utf-8")
    assert "Not graded" not in ada and "could not be graded" not in ada, ada
