"""`pruneedu feedback`: helpful per-learner files that never show hidden tests or spare keys."""

import re
import shutil
from pathlib import Path

import pytest

from pruneedu.cli import main
from pruneedu.exercises import load_exercise
from pruneedu.grading.leakcheck import MIN_LINE_CHARS

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
PUBLIC_ONLY = FIXTURE / "exercises" / "zero-fraction" / "public_tests.py"


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    submissions = root / "subs"
    shutil.copytree(FIXTURE / "submissions", submissions)
    plain, revealed = root / "plain", root / "revealed"
    codes = [main(["feedback", str(submissions), "--out", str(plain), *MATERIAL]),
             main(["feedback", str(submissions), "--out", str(revealed), *MATERIAL,
                   "--reveal-answers"])]
    return {"codes": codes,
            "plain": {p.stem: p.read_text() for p in sorted(plain.glob("*.md"))},
            "revealed": {p.stem: p.read_text() for p in sorted(revealed.glob("*.md"))}}


def hidden_texts() -> list[str]:
    exercise = load_exercise(FIXTURE / "exercises" / "zero-fraction")
    public_lines = set(PUBLIC_ONLY.read_text().splitlines())
    names = [case.name for case in exercise.hidden_cases()]
    lines = [line.strip() for line in exercise.hidden_tests_path.read_text().splitlines()
             if len(line.strip()) >= MIN_LINE_CHARS and line not in public_lines]
    return names + lines


def test_one_file_per_graded_student(feedback):
    assert feedback["codes"] == [1, 1]  # the fixture class has rejects
    assert sorted(feedback["plain"]) == ["ada", "ben", "cal", "dan", "eve", "fay", "gus", "jon"]


def test_no_hidden_test_name_or_source_appears(feedback):
    texts = hidden_texts()
    assert "hidden-five-weights" in texts
    for files in (feedback["plain"], feedback["revealed"]):
        for learner, text in files.items():
            for secret in texts:
                assert secret not in text, (learner, secret)


def test_public_tests_by_name_hidden_tests_as_a_count(feedback):
    ben = feedback["plain"]["ben"]
    assert "- PASS three-of-four-zero" in ben
    assert "- Hidden tests: 1 of 2 passed." in ben
    assert "## Fraction of zero weights (zero-fraction): 1.33 of 2 points" in ben
    assert "Your code did not finish: timed out" in feedback["plain"]["cal"]


def test_wrong_answers_get_the_explanation_but_no_key_by_default(feedback):
    ben = feedback["plain"]["ben"]
    assert "**wrong** (0 of 1): Which weights does magnitude pruning remove first?" in ben
    assert "Why: Magnitude pruning ranks weights by absolute value" in ben
    assert "The answer:" not in ben
    assert "0.9 (within 0.01)" not in ben


def test_reveal_shows_keys_of_wrong_answers_only(feedback):
    ben = feedback["revealed"]["ben"]
    assert "The answer: b) The ones closest to zero" in ben
    assert "The answer: 0.9 (within 0.01)" in ben
    # ben got q-tf and q-text right: no key or explanation is added for them.
    assert "Frankle and Carbin" not in ben
    assert "The mask multiplies the weights" not in ben
    ada = feedback["revealed"]["ada"]
    assert "The answer:" not in ada and "Why:" not in ada
    assert len(re.findall(r"\*\*right\*\*", ada)) == 6


def test_rejected_files_are_explained_to_their_owner(feedback):
    assert "## Not graded" in feedback["plain"]["gus"]
    assert "duplicate: gus-retake.demo-quiz.responses.json" in feedback["plain"]["gus"]
    assert "Not handed in, or not graded" in feedback["plain"]["fay"]


def test_ids_that_differ_only_in_case_get_separate_feedback_files():
    # On macOS and Windows "Ada.md" and "ada.md" are one file: one learner's feedback would
    # silently replace the other's.
    from pruneedu.grading.feedback import feedback_file_names

    names = feedback_file_names(["Ada", "ada", "ben"])
    assert names["ben"] == "ben.md"
    assert len({n.casefold() for n in names.values()}) == 3
    assert names["Ada"].startswith("Ada-") and names["ada"].startswith("ada-")
