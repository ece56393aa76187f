"""Whose a file is: LMS identity first, shared ids and one id from several places reported,
the last hand-in by the LMS's order or file time; and identical code found."""

import io
from datetime import datetime, timedelta, timezone

from pruneedu.grading.attribution import attribute
from pruneedu.grading.lms import parse_origin
from pruneedu.grading.roster import read_roster
from pruneedu.grading.similarity import fingerprint, identical_pairs
from pruneedu.grading.submissions import Submission

T0 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
ROSTER = read_roster(io.StringIO(
    "learner_id,name,canvas_user_id\nada,\"Lovelace, Ada\",1001\nben,\"Byron, Ben\",1002\n"
    "cal,Cal Cole,1003\ncal2,Cal Cole,1004\n"))


def sub(name: str, claimed: str, item: str = "q", minutes: int = 0) -> Submission:
    origin = parse_origin(name)
    source = origin.source if origin else (f"folder:{name.split('/')[0]}" if "/" in name else "")
    return Submission(name, "quiz", item, claimed, T0 + timedelta(minutes=minutes), origin,
                      source)


def test_two_jovyans_on_canvas_are_graded_as_their_own_lms_users_and_reported():
    files = [sub("lovelaceada_1001_11_q.responses.json", "jovyan"),
             sub("byronben_1002_12_q.responses.json", "jovyan")]
    kept, rejects, conflicts = attribute(files, ROSTER)
    assert [(a.learner_id, a.submission.name[:5]) for a in kept] == [("ada", "lovel"),
                                                                   ("ben", "byron")]
    assert rejects == []
    assert sorted(c.kind for c in conflicts) == ["one-id-several-learners", "shared-id",
                                                 "shared-id"]


def test_two_jovyans_without_an_lms_are_both_rejected():
    files = [sub("week1/a.q.responses.json", "jovyan"),
             sub("week1/b.q.responses.json", "jovyan")]
    kept, rejects, conflicts = attribute(files, None)
    assert kept == [] and len(rejects) == 2
    assert {c.kind for c in conflicts} == {"shared-id"}


def test_a_hub_folder_says_whose_a_file_is():
    # Red-team round 9: the collection's jupyter-<id>/ holds that learner's home, as an LMS
    # name says who uploaded: jovyan there is the folder's learner, reported as claims-other-id.
    files = [sub("jupyter-ada/q.responses.json", "jovyan"),
             sub("jupyter-ben/q.responses.json", "jovyan")]
    kept, rejects, conflicts = attribute(files, None)
    assert sorted(a.learner_id for a in kept) == ["ada", "ben"] and rejects == []
    assert sorted((c.kind, c.learner_id) for c in conflicts) == [
        ("claims-other-id", "ada"), ("claims-other-id", "ben"),
        ("one-id-several-learners", "jovyan")]


def test_one_id_from_two_learners_folders_keeps_neither():
    # The same id from two plain folders that say nothing of whose they are: keeping one
    # would be a guess. (From two hub folders, each counts for its own learner.)
    files = [sub("week1/q.responses.json", "ada"),
             sub("week2/q.responses.json", "ada", minutes=5)]
    kept, rejects, conflicts = attribute(files, None)
    assert kept == []
    assert [c.kind for c in conflicts] == ["several-sources"]
    copied = [sub("jupyter-ada/q.responses.json", "ada"),
              sub("jupyter-ben/q.responses.json", "ada", minutes=5)]
    kept, _, conflicts = attribute(copied, None)
    assert sorted(a.learner_id for a in kept) == ["ada", "ben"]
    assert [(c.kind, c.learner_id) for c in conflicts] == [("claims-other-id", "ben")]
    assert "ben's hub folder" in conflicts[0].detail


def test_a_canvas_file_naming_a_classmate_counts_for_who_handed_it_in():
    kept, _, conflicts = attribute([sub("byronben_1002_12_q.responses.json", "ada")], ROSTER)
    assert [a.learner_id for a in kept] == ["ben"]
    assert conflicts[0].kind == "claims-other-id" and conflicts[0].learner_id == "ben"


def test_unknown_lms_users_and_ids_outside_the_roster_are_rejected():
    files = [sub("strangerx_9999_13_q.responses.json", "ada"),
             sub("dan.q.responses.json", "dan")]
    kept, rejects, conflicts = attribute(files, ROSTER)
    assert kept == [] and len(rejects) == 2
    assert [c.kind for c in conflicts] == ["unknown-learner", "unknown-learner"]


def test_moodle_names_match_the_roster_and_ambiguous_names_are_rejected():
    # The id inside a file never settles an ambiguous name: the learner writes it (rt5b).
    ada = sub("Ada Lovelace_77_assignsubmission_file_/q.responses.json", "jovyan")
    cal = sub("Cal Cole_78_assignsubmission_file_/q.responses.json", "cal2")
    who = sub("Cal Cole_79_assignsubmission_file_/r.responses.json", "jovyan", item="r")
    kept, rejects, conflicts = attribute([ada, cal, who], ROSTER)
    assert sorted(a.learner_id for a in kept) == ["ada"]
    assert sorted(r.file for r in rejects) == sorted([cal.name, who.name])
    assert all("2 roster learners are called" in r.reason for r in rejects)


def test_the_last_hand_in_counts_by_canvas_upload_order_not_file_time():
    early = sub("lovelaceada_1001_20_q.responses.json", "ada", minutes=60)
    late = sub("lovelaceada_1001_21_q-1.responses.json", "ada", minutes=0)
    kept, rejects, _ = attribute([early, late], ROSTER)
    assert [a.submission.name for a in kept] == [late.name]
    assert "(Canvas upload order)" in rejects[0].reason


def test_identical_code_is_found_whatever_the_names_comments_and_layout():
    a = "import numpy as np\n\ndef f(w):\n    # count zeros\n    return float(np.mean(w == 0))\n"
    b = ("import numpy as np\ndef f(weights):\n    '''Mine.'''\n"
         "    return float(np.mean(weights==0))\n")
    c = "import numpy as np\ndef f(w):\n    return float(np.mean(w != 0))\n"
    stub = "def f(w):\n    raise NotImplementedError\n"
    pairs = identical_pairs([("e", "ada", a), ("e", "ben", b), ("e", "cal", c),
                             ("e", "dan", stub), ("e", "eve", stub)], {"e": stub})
    assert [(p.learner_a, p.learner_b) for p in pairs] == [("ada", "ben")]
    # An import alias is no disguise; the library function called is substance.
    assert fingerprint("import numpy as np\nnp.mean(1)") == fingerprint("import numpy as xp\n"
                                                                         "xp.mean(1)")
    assert fingerprint("import numpy as np\nnp.mean(1)") != fingerprint("import numpy as np\n"
                                                                         "np.median(1)")
    # Where an import sits, or whether the compared part holds it, is no difference (a
    # notebook imports in its first cell, a hand-in right above the function) ...
    assert fingerprint("import numpy\ndef f(w):\n    return numpy.mean(w)\n") == \
        fingerprint("def f(w):\n    import numpy as np\n    return np.mean(w)\n") == \
        fingerprint("def g(x):\n    return numpy.mean(x)\n")
    assert fingerprint("def g(x):\n    return numpy.mean(x)\n") != fingerprint(
        "def g(x):\n    return scipy.mean(x)\n")
    # ... but what an imported name is stays substance.
    assert fingerprint("from numpy import mean\nmean(1)") != fingerprint(
        "from statistics import mean\nmean(1)")
