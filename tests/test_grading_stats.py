"""Item analysis: hand-computed difficulty, discrimination and distractor counts."""

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from pruneedu.cli import main
from pruneedu.grading.classgrade import grade_class
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


def test_stats_command_prints_and_saves_csv_and_png(quiz_class, tmp_path, capsys):
    # jon's two bad answers are reported, so the exit status is 1.
    assert main(["stats", str(quiz_class), "--out", str(tmp_path), *MATERIAL]) == 1
    printed = capsys.readouterr().out
    assert "q-single" in printed and "discrimination" in printed
    rows = list(csv.DictReader((tmp_path / "item_analysis.csv").open()))
    assert [row["question"] for row in rows] == ["q-single", "q-multi", "q-tf", "q-num",
                                                 "q-text", "q-match"]
    assert rows[0]["difficulty"] == "0.400"
    assert (tmp_path / "item_analysis.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
