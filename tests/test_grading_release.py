"""`pruneedu release`: learner copies keep what learners need and no key text."""

import shutil
from pathlib import Path

import pytest
import yaml

from pruneedu.cli import main
from pruneedu.exercises import check, load_exercise, load_exercises

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(ROOT / "exercises")]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "handout"
    assert main(["release", str(out), *MATERIAL]) == 0
    return out


def test_release_holds_banks_stubs_and_public_tests_only(released):
    files = sorted(p.relative_to(released).as_posix() for p in released.rglob("*")
                   if p.is_file())
    assert files == sorted([f"exercises/{exercise_id}/{name}"
                            for exercise_id in load_exercises(ROOT / "exercises")
                            for name in ("exercise.yaml", "public_tests.py", "stub.py")]
                           + ["quizzes/demo-quiz.yaml"])


def test_released_bank_has_no_key_fields_and_sorted_definitions(released):
    text = (released / "quizzes" / "demo-quiz.yaml").read_text()
    bank = yaml.safe_load(text)
    for question in bank["questions"]:
        assert not {"answer", "explanation"} & set(question)
        for choice in question.get("choices", []):
            assert set(choice) == {"id", "text"}
    match = next(q for q in bank["questions"] if q["id"] == "q-match")
    assert match["definitions"] == sorted(match["definitions"])
    for secret in ("lottery ticket", "Frankle", "Right: small magnitude", "0.01"):
        assert secret not in text


def test_released_exercise_still_works_with_check(released, capsys):
    exercise = load_exercise(released / "exercises" / "magnitude-mask")
    assert not exercise.solution_path.exists() and not exercise.hidden_tests_path.exists()
    report = check("magnitude-mask", lambda w, s: (w.abs() > -1), released / "exercises")
    assert report.total == len(exercise.public_cases()) > 0


def test_non_empty_folder_needs_force_and_force_deletes_nothing_else(tmp_path, capsys):
    out = tmp_path / "handout"
    out.mkdir()
    (out / "teacher-notes.md").write_text("mine")
    assert main(["release", str(out), *MATERIAL]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["release", str(out), *MATERIAL, "--force"]) == 0
    assert (out / "teacher-notes.md").read_text() == "mine"
    assert (out / "quizzes" / "demo-quiz.yaml").exists()


@pytest.mark.parametrize("leak, expected", [
    # An explanation copied into a prompt, an accepted answer inside its own question, and a
    # hidden test name pasted into the public tests: each must stop the release.
    (("quizzes", "prompt: \"Which weights does magnitude pruning remove first?\"",
      "prompt: \"Magnitude pruning ranks weights by absolute value and drops the smallest.\""),
     "explanation of demo-quiz/q-single"),
    (("quizzes", "Name the hypothesis about small trainable sub-networks found by pruning.",
      "Name the lottery ticket idea about small trainable sub-networks."),
     "the accepted answer of demo-quiz/q-text"),
    (("exercises", "CASES = [", "# see also hidden-ties-prune-exact-count\nCASES = ["),
     "a hidden test name of magnitude-mask"),
])
def test_key_text_in_a_student_copy_fails_loudly_and_writes_nothing(tmp_path, capsys, leak,
                                                                     expected):
    quizzes, exercises = tmp_path / "quizzes", tmp_path / "exercises"
    shutil.copytree(FIXTURE / "quizzes", quizzes)
    shutil.copytree(ROOT / "exercises", exercises)
    where, old, new = leak
    path = (quizzes / "demo-quiz.yaml" if where == "quizzes"
            else exercises / "magnitude-mask" / "public_tests.py")
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    out = tmp_path / "handout"
    code = main(["release", str(out), "--quizzes", str(quizzes), "--exercises", str(exercises)])
    assert code == 1
    assert expected in capsys.readouterr().err
    assert list(out.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []
