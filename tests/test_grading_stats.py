"""Item analysis: hand-computed difficulty, discrimination and distractor counts."""

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from pruneedu.cli import main
from pruneedu.grading.classgrade import GradingSetup, grade_class
from pruneedu.grading.itemstats import item_analysis, point_biserial
from pruneedu.grading.material import load_material

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
QUIZ_ONLY = ["ada", "ben", "cal", "gus-retake", "jon"]


@pytest.fixture(scope="module")
def quiz_class(tmp_path_factory):
    """The five graded quiz files of the fixture class (no code: the stats are quiz-only)."""
    folder = tmp_path_factory.mktemp("stats") / "subs"
    folder.mkdir()
    for name in QUIZ_ONLY:
        shutil.copy(FIXTURE / "submissions" / f"{name}.demo-quiz.responses.json", folder)
    return folder


@pytest.fixture(scope="module")
def analysis(quiz_class):
    grades = grade_class(quiz_class, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"))
    return {item.question_id: item for item in item_analysis(grades)}


def test_point_biserial_matches_numpy_and_is_none_when_undefined():
    rng = np.random.default_rng(0)
    item, rest = rng.integers(0, 2, 30).astype(float), rng.normal(size=30)
    assert point_biserial(list(item), list(rest)) == pytest.approx(np.corrcoef(item, rest)[0, 1])
    assert point_biserial([1, 1, 1], [0, 1, 2]) is None
    assert point_biserial([1, 0], [1, 0]) is None


def test_difficulty_is_the_mean_score_fraction(analysis):
    # q-single: ada b, ben c, cal a, gus b, jon 3 (wrong type) -> 2 of 5 right.
    assert analysis["q-single"].difficulty == pytest.approx(2 / 5)
    # q-multi (2 points): ada 2, ben 1, cal 0, gus 0, jon 0 -> fractions 1, .5, 0, 0, 0.
    assert analysis["q-multi"].difficulty == pytest.approx(1.5 / 5)
    assert analysis["q-tf"].learners == 5


def test_discrimination_uses_the_rest_score(analysis):
    # q-tf: right for ada, ben, jon. Rest scores (total minus q-tf): ada 7, ben 3, cal 0,
    # gus 1, jon 0.
    expected = np.corrcoef([1, 1, 0, 0, 1], [7, 3, 0, 1, 0])[0, 1]
    assert analysis["q-tf"].discrimination == pytest.approx(expected)


def test_distractor_counts(analysis):
    assert analysis["q-single"].distractors == {"a": 1, "b": 2, "c": 1, "(invalid)": 1}
    # q-multi picks: ada a,c; ben a; cal b,d; gus and jon blank.
    assert analysis["q-multi"].distractors == {"a": 2, "b": 1, "c": 1, "d": 1, "(blank)": 2}
    assert analysis["q-num"].distractors == {}


def test_stats_command_prints_and_saves_csv_and_one_chart_per_quiz(quiz_class, tmp_path,
                                                                   capsys):
    # jon's two bad answers are reported, so the exit status is 1.
    out = tmp_path / "stats"
    assert main(["stats", str(quiz_class), "--out", str(out), *MATERIAL]) == 1
    printed = capsys.readouterr().out
    assert "q-single" in printed and "discrimination" in printed
    rows = list(csv.DictReader((out / "item_analysis.csv").open()))
    assert [row["question"] for row in rows] == ["q-single", "q-multi", "q-tf", "q-num",
                                                 "q-text", "q-match"]
    assert rows[0]["difficulty"] == "0.400"
    assert (out / "demo-quiz.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_key_is_marked_and_flags_are_listed(quiz_class, tmp_path, capsys):
    main(["stats", str(quiz_class), "--out", str(tmp_path / "s"), *MATERIAL])
    printed = capsys.readouterr().out
    rows = {r["question"]: r for r in csv.DictReader((tmp_path / "s" / "item_analysis.csv").open())}
    assert rows["q-single"]["distractors"] == "a:1 b*:2 c:1 (invalid):1"
    assert rows["q-multi"]["distractors"] == "a*:2 b:1 c*:1 d:1 (blank):2"
    # q-multi: difficulty 0.3 is not below 0.3; q-num: 1 of 5 right = 0.2 is too hard.
    assert rows["q-num"]["flags"] == "too hard" and rows["q-multi"]["flags"] == ""
    assert "Flagged:\n  q-num: too hard" in printed


def test_a_small_class_gets_a_warning(quiz_class, tmp_path, capsys):
    main(["stats", str(quiz_class), "--out", str(tmp_path / "s"), *MATERIAL])
    assert ("Warning: only 5 learners; one learner moves a question's difficulty by 0.200"
            in capsys.readouterr().out)


def test_stats_never_run_learners_code(quiz_class, tmp_path, monkeypatch):
    import pruneedu.grading.parallel as parallel  # where grade_class runs learners' code

    def never(*args, **kwargs):
        raise AssertionError("stats ran a learner's code")

    monkeypatch.setattr(parallel, "grade_learner_code", never)
    (quiz_class / "ada.zero-fraction.py").write_text("def zero_fraction(w):\n    return 0.0\n")
    try:
        assert main(["stats", str(quiz_class), "--out", str(tmp_path / "s"), *MATERIAL,
                     "--no-progress"]) == 1
        with pytest.raises(AssertionError, match="ran a learner's code"):  # the probe works
            grade_class(quiz_class, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"),
                        setup=GradingSetup(run_code=True))
    finally:
        (quiz_class / "ada.zero-fraction.py").unlink()


def test_a_cue_found_by_the_item_analysis_is_a_flag():
    from types import SimpleNamespace

    from pruneedu.grading.stats import flags

    item = SimpleNamespace(difficulty=0.5, discrimination=0.4, cue="position")
    assert flags(item) == ["position cue"]
    assert flags(SimpleNamespace(difficulty=0.5, discrimination=0.4)) == []
