"""`pruneedu release`: a complete released course, only what learners may have, and refusals
that leave every folder as it was.

The leak classes themselves are planted one by one in tests/test_grading_leakcheck.py; this
file checks the layout, the allow-lists, --force, --solutions and the output-folder rules.
"""

import json

import pytest
import yaml
from release_support import ROOT, course, released, tree_digest

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.exercises import check, load_exercise
from pruneedu.grading.student_package import BUILD_FILES, MANIFEST_NAME

__all__ = ["course", "released"]


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_release_is_a_whole_course_and_nothing_of_the_instructors(released, course):
    files = files_in(released)
    course_files = [f for f in files if not f.startswith("pruneedu/")]
    # The notebooks and the results they read (notebooks/results/, made by scripts/).
    notebooks = sorted(f"notebooks/{p.relative_to(ROOT / 'notebooks').as_posix()}"
                       for pattern in ("*.ipynb", "results/*.json")
                       for p in (ROOT / "notebooks").glob(pattern))
    assert "notebooks/results/01-introduction.json" in notebooks
    lessons = sorted(f"lessons/{p.name}" for p in (ROOT / "lessons").glob("*.md"))
    assert course_files == sorted([
        ".gitignore", MANIFEST_NAME, "README.md", *BUILD_FILES, *lessons, *notebooks,
        "exercises/zero-fraction/exercise.yaml", "exercises/zero-fraction/public_tests.py",
        "exercises/zero-fraction/stub.py", "quizzes/demo-quiz.yaml", "quizzes/glossary.yaml",
        "quizzes/practice/demo-practice.yaml"])
    library = [f for f in files if f.startswith("pruneedu/")]
    assert "pruneedu/grading/release.py" in library and "pruneedu/weights/lenet-5.pt" in library
    assert not [f for f in library if f.startswith("pruneedu/course/") or "__pycache__" in f]
    for name in BUILD_FILES:
        assert (released / name).read_bytes() == (ROOT / name).read_bytes()


def test_graded_banks_lose_their_keys_and_practice_banks_keep_theirs(released, course):
    graded = yaml.safe_load((released / "quizzes" / "demo-quiz.yaml").read_text())
    for question in graded["questions"]:
        assert not {"answer", "explanation"} & set(question)
        assert all(set(choice) == {"id", "text"} for choice in question.get("choices", []))
    full = quiz.load_bank(course / "quizzes" / "demo-quiz.yaml")
    copy = quiz.load_bank(released / "quizzes" / "demo-quiz.yaml")
    assert not copy.has_key and quiz.content_hash(copy) == quiz.content_hash(full)
    practice = quiz.load_bank(released / "quizzes" / "practice" / "demo-practice.yaml")
    assert practice.has_key and practice == quiz.load_bank(
        course / "quizzes" / "practice" / "demo-practice.yaml")


def test_the_released_exercise_works_with_check_and_has_no_key_files(released, capsys):
    exercise = load_exercise(released / "exercises" / "zero-fraction")
    assert not exercise.solution_path.exists() and not exercise.hidden_tests_path.exists()
    report = check("zero-fraction", lambda w: float((w == 0).mean()), released / "exercises")
    assert report.passed == report.total == 1


def test_the_readme_tells_learners_how_to_install_start_save_and_hand_in(released):
    readme = (released / "README.md").read_text()
    for needed in ("pip install .", "jupyter lab", "notebooks/00-welcome.ipynb",
                   "`demo-quiz`", "`zero-fraction`", ".responses.json", "PRUNEEDU_HOME",
                   "~/.local/share/pruneedu/responses/", "Handing in"):
        assert needed in readme, needed
    assert "{" not in readme.replace("```", "")  # every template field was filled


def test_the_manifest_lists_every_released_file_with_its_hash(released):
    data = json.loads((released / MANIFEST_NAME).read_text())
    assert set(data["files"]) == set(files_in(released)) - {MANIFEST_NAME}
    assert data["graded_banks"] == ["demo-quiz"] and data["practice_banks"] == ["demo-practice"]
    assert all(value.startswith("sha256:") for value in data["files"].values())


def test_two_releases_of_one_course_are_identical(released, tmp_path):
    again = tmp_path / "again"
    assert main(["release", str(again)]) == 0
    assert tree_digest(again) == tree_digest(released)


def test_new_instructor_files_in_an_exercise_stay_back_unless_declared_public(course, tmp_path,
                                                                             capsys):
    folder = course / "exercises" / "zero-fraction"
    (folder / "wrong").mkdir()
    (folder / "wrong" / "counts_nonzero.py").write_text(
        "def zero_fraction(weights):\n    return float((weights != 0).mean())\n")
    (folder / "grading-notes.md").write_text("Half marks when the mean is taken over rows.\n")
    (folder / "example.npy").write_bytes(b"\x93NUMPY fixture")
    spec = folder / "exercise.yaml"
    spec.write_text(spec.read_text() + "public_files: [example.npy]\n")
    out = tmp_path / "handout"
    assert main(["release", str(out)]) == 0
    assert files_in(out / "exercises" / "zero-fraction") == [
        "example.npy", "exercise.yaml", "public_tests.py", "stub.py"]
    printed = capsys.readouterr().out
    assert "kept back: exercises/zero-fraction/grading-notes.md" in printed
    assert "wrong/counts_nonzero.py" not in printed  # an expected instructor file


@pytest.mark.parametrize("declared", ["solution.py", "../demo.py", "missing.txt"])
def test_public_files_cannot_name_key_files_or_leave_the_folder(course, tmp_path, declared,
                                                                capsys):
    spec = course / "exercises" / "zero-fraction" / "exercise.yaml"
    spec.write_text(spec.read_text() + f"public_files: [{declared!r}]\n")
    out = tmp_path / "handout"
    assert main(["release", str(out)]) == 2
    assert declared in capsys.readouterr().err
    assert not out.exists()


def test_notebooks_ship_without_outputs_except_checked_cells(course, tmp_path):
    path = course / "notebooks" / "04-lab.ipynb"
    notebook = json.loads(path.read_text())
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["my run\n"]}]
    cell["execution_count"] = 7
    path.write_text(json.dumps(notebook))
    out = tmp_path / "handout"
    assert main(["release", str(out)]) == 0
    shipped = json.loads((out / "notebooks" / "04-lab.ipynb").read_text())
    assert all(c.get("outputs") in (None, []) for c in shipped["cells"]
               if "# NBVAL_CHECK_OUTPUT" not in "".join(c["source"]))
    kept = json.loads((out / "notebooks" / "00-welcome.ipynb").read_text())
    assert kept == json.loads((ROOT / "notebooks" / "00-welcome.ipynb").read_text())


def test_a_non_empty_folder_needs_force_which_keeps_foreign_files_and_drops_stale_ones(
        released, course, capsys):
    (released / "teacher-notes.md").write_text("mine")
    assert main(["release", str(released)]) == 2
    assert "not empty" in capsys.readouterr().err
    (course / "quizzes" / "practice" / "demo-practice.yaml").unlink()  # a bank withdrawn
    assert main(["release", str(released), "--force"]) == 0
    assert (released / "teacher-notes.md").read_text() == "mine"
    assert not (released / "quizzes" / "practice").exists()
    assert (released / "quizzes" / "demo-quiz.yaml").is_file()


@pytest.mark.parametrize("where", ["course", "course/quizzes", "course/exercises/zero-fraction",
                                   "course/notebooks/handout", "", "package/handout"])
def test_a_folder_that_is_inside_or_around_the_course_is_refused_even_with_force(
        course, tmp_path, where, capsys):
    before = tree_digest(course)
    if where.startswith("package"):
        out = ROOT / "pruneedu" / "handout"
    else:
        out = tmp_path / where if where else tmp_path
    assert main(["release", str(out), "--force"]) == 2
    assert "overlaps the course" in capsys.readouterr().err
    assert tree_digest(course) == before
    assert not (ROOT / "pruneedu" / "handout").exists()  # the library is guarded too


def test_solutions_come_after_the_deadline_into_the_existing_release(released, course,
                                                                     capsys):
    before = tree_digest(released)
    assert main(["release", str(released), "--solutions"]) == 0
    after = tree_digest(released)
    added = sorted(set(after) - set(before))
    assert added == ["solutions/README.md", "solutions/exercises/zero-fraction/solution.py",
                     "solutions/quizzes/demo-quiz.yaml"]
    assert {k: v for k, v in after.items() if k in before and k != MANIFEST_NAME} == {
        k: v for k, v in before.items() if k != MANIFEST_NAME}
    full = quiz.load_bank(released / "solutions" / "quizzes" / "demo-quiz.yaml")
    assert full == quiz.load_bank(course / "quizzes" / "demo-quiz.yaml")
    assert not list(released.rglob("hidden_tests.py"))
    # A later course update keeps the solutions.
    assert main(["release", str(released), "--force"]) == 0
    assert (released / "solutions" / "quizzes" / "demo-quiz.yaml").is_file()
    manifest = json.loads((released / MANIFEST_NAME).read_text())
    assert set(manifest["solutions"]) == set(added)


def test_solutions_can_be_limited_and_need_a_release(released, tmp_path, capsys):
    assert main(["release", str(released), "--solutions", "--only", "zero-fraction"]) == 0
    assert not (released / "solutions" / "quizzes").exists()
    assert (released / "solutions" / "exercises" / "zero-fraction" / "solution.py").is_file()
    assert main(["release", str(released), "--solutions", "--only", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    empty = tmp_path / "empty"
    assert main(["release", str(empty), "--solutions"]) == 2
    assert "holds no released course" in capsys.readouterr().err
    assert not empty.exists() or not any(empty.iterdir())


def test_a_stub_that_cannot_run_here_stops_the_release(course, tmp_path, capsys):
    stub = course / "exercises" / "zero-fraction" / "stub.py"
    stub.write_text("import a_package_this_machine_lacks\n" + stub.read_text())
    out = tmp_path / "handout"
    assert main(["release", str(out)]) == 2
    assert "a_package_this_machine_lacks" in capsys.readouterr().err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_the_build_files_release_copies_are_the_ones_setup_py_puts_in_the_wheel():
    import ast

    tree = ast.parse((ROOT / "setup.py").read_text())
    [value] = [node.value for node in tree.body if isinstance(node, ast.Assign)
               and [t.id for t in node.targets] == ["BUILD_FILES"]]
    assert ast.literal_eval(value) == BUILD_FILES
    assert all((ROOT / name).is_file() for name in BUILD_FILES)


def test_a_stub_that_never_returns_is_stopped_and_named(course, tmp_path, capsys, monkeypatch):
    from pruneedu.grading import stubcheck

    monkeypatch.setattr(stubcheck, "TIMEOUT_S", 10)
    stub = course / "exercises" / "zero-fraction" / "stub.py"
    stub.write_text(stub.read_text().replace('raise NotImplementedError("write zero_fraction")',
                                             "while True:\n        pass"))
    out = tmp_path / "handout"
    assert main(["release", str(out)]) == 2
    assert "the stub of zero-fraction did not finish within 10 s" in capsys.readouterr().err
    assert not out.exists()
