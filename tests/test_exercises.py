"""Code exercises: definitions the grader shares without torch, the magnitude-mask exercise's
solution and tests, and the learner's check()."""

import importlib.util
import json
from pathlib import Path

import pytest
import torch
from fresh_python import heavy_imports
from torch.nn.utils import prune

from pruneedu import wire
from pruneedu.exercises import check, load_exercise, run_case
from pruneedu.grading.codegrade import grade_code

EXERCISES = Path(__file__).parent.parent / "exercises"


def load_function(path: Path, name: str = "magnitude_mask"):
    spec = importlib.util.spec_from_file_location(f"_test_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


@pytest.fixture(scope="module")
def exercise():
    return load_exercise("magnitude-mask", EXERCISES)


@pytest.fixture(scope="module")
def solution(exercise):
    return load_function(exercise.solution_path)


def failures(exercise, func) -> set[str]:
    """Names of the public and hidden tests ``func`` fails, run in this process."""
    failed = set()
    for case in exercise.public_cases() + exercise.hidden_cases():
        args = (torch.from_numpy(case.args[0].copy()), case.args[1])
        try:
            output = wire.decode(wire.encode(func(*args)))
        except Exception:
            failed.add(case.name)
            continue
        if not run_case(case, output).passed:
            failed.add(case.name)
    return failed


@pytest.mark.parametrize("amount", [0.1, 0.3, 0.5, 0.77, 0.9])
def test_solution_matches_torch_prune_l1_unstructured(solution, amount):
    torch.manual_seed(0)
    layer = torch.nn.Linear(20, 15)  # random normal weights: no ties
    expected = prune.l1_unstructured(layer, "weight", amount=amount).weight_mask.bool()
    assert torch.equal(solution(layer.weight_orig.detach(), amount), expected)


def test_solution_passes_every_test(exercise, solution):
    assert failures(exercise, solution) == set()


def test_hidden_tests_catch_the_usual_mistakes(exercise):
    def threshold(weights, sparsity):  # prunes every weight tied at the cut-off
        k = round(sparsity * weights.numel())
        if k == 0:
            return torch.ones_like(weights, dtype=torch.bool)
        cut = weights.abs().flatten().kthvalue(k).values
        return weights.abs() > cut

    def truncating(weights, sparsity):  # int() instead of round()
        k = int(sparsity * weights.numel())
        keep = torch.ones(weights.numel(), dtype=torch.bool)
        keep[torch.argsort(weights.abs().flatten())[:k]] = False
        return keep.reshape(weights.shape)

    def flattening(weights, sparsity):  # forgets to restore the shape
        k = round(sparsity * weights.numel())
        keep = torch.ones(weights.numel(), dtype=torch.bool)
        keep[torch.argsort(weights.abs().flatten())[:k]] = False
        return keep

    assert "hidden-ties-prune-exact-count" in failures(exercise, threshold)
    assert failures(exercise, truncating) == {"hidden-count-rounds-up"}
    assert "hidden-conv-shaped-weights" in failures(exercise, flattening)


def test_public_and_hidden_test_names_differ(exercise):
    public = {case.name for case in exercise.public_cases()}
    hidden = {case.name for case in exercise.hidden_cases()}
    assert public and hidden and not public & hidden


def test_check_reports_an_unfinished_stub_without_raising(exercise, capsys):
    stub = load_function(exercise.stub_path)
    report = check("magnitude-mask", stub, EXERCISES)
    out = capsys.readouterr().out
    assert (report.passed, report.total) == (0, 3)
    assert "still raises NotImplementedError" in out
    assert "hidden" not in out.replace("hidden tests", "")  # no hidden test names


def test_check_reports_errors_and_wrong_answers_as_failures(capsys):
    report = check("magnitude-mask", lambda w, s: 1 / 0, EXERCISES)
    assert report.passed == 0 and "ZeroDivisionError" in report.results[0].reason
    report = check("magnitude-mask", lambda w, s: torch.ones_like(w, dtype=torch.bool),
                   EXERCISES)
    assert report.passed == 0 and "should prune" in report.results[0].reason
    assert "FAIL  half-of-four" in capsys.readouterr().out


def test_check_with_the_solution_passes(solution, capsys):
    report = check("magnitude-mask", solution, EXERCISES)
    assert report.passed == report.total == 3
    assert "All 3 public tests pass" in capsys.readouterr().out


def test_sandboxed_grading_of_solution_and_stub(exercise):
    graded = grade_code(exercise, exercise.solution_path.read_text(), hide=[EXERCISES])
    assert (graded.score, graded.max_score, graded.error) == (5.0, 5.0, "")
    stub = grade_code(exercise, exercise.stub_path.read_text(), hide=[EXERCISES])
    assert stub.score == 0.0
    assert all("NotImplementedError" in t.reason for t in stub.public + stub.hidden)


def test_definitions_load_without_torch_for_the_grader():
    # The grader reads exercise definitions and judges outputs; torch stays out of its process.
    loaded, _ = heavy_imports("from pruneedu import exercises; from pruneedu.grading import grade; "
                              "exercises.load_exercise('magnitude-mask').hidden_cases()")
    assert "torch" not in loaded


def test_check_speaks_to_the_learner_without_the_course_paths(tmp_path, exercise):
    with pytest.raises(ValueError) as missing:
        check("magnitude-masks", lambda w, s: w, EXERCISES)
    assert "no exercise 'magnitude-masks'" in str(missing.value)
    assert "magnitude-mask" in str(missing.value).split("exercises are:")[1]
    folder = tmp_path / "magnitude-mask"
    folder.mkdir()
    (folder / "exercise.yaml").write_bytes(
        (exercise.folder / "exercise.yaml").read_bytes())  # no public_tests.py beside it
    with pytest.raises(ValueError, match="incomplete in your copy of the course") as broken:
        check("magnitude-mask", lambda w, s: w, tmp_path)
    for error in (missing.value, broken.value):
        assert str(EXERCISES) not in str(error) and str(tmp_path) not in str(error)


def test_load_exercise_explains_bad_definitions(tmp_path):
    with pytest.raises(ValueError, match="no exercise 'missing'"):
        load_exercise("missing", tmp_path)
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "exercise.yaml").write_text("id: other\ntitle: t\nfunction: f\npoints: 1\n")
    with pytest.raises(ValueError, match="make the id equal the folder name"):
        load_exercise(folder)
    (folder / "exercise.yaml").write_text("id: odd\ntitle: t\nfunction: f\npoints: 1\n"
                                          "array_type: jax\n")
    with pytest.raises(ValueError, match="array_type"):
        load_exercise(folder)
    # Read as strictly as every course file: a repeated key is refused, not silently dropped.
    (folder / "exercise.yaml").write_text("id: odd\ntitle: t\nfunction: f\npoints: 1\n"
                                          "points: 5\n")
    with pytest.raises(ValueError, match="'points' appears twice"):
        load_exercise(folder)


def test_the_lab_notebook_hands_out_the_exercise_stub(exercise):
    notebook = json.loads((EXERCISES.parent / "notebooks" / "04-lab.ipynb").read_text())
    cells = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    stub_body = exercise.stub_path.read_text().split("def magnitude_mask", 1)[1]
    assert any(cell.startswith("def magnitude_mask") and stub_body.strip() in cell
               for cell in cells)
    assert any('check("magnitude-mask", magnitude_mask)' in cell for cell in cells)
    assert all(not cell.get("outputs") for cell in notebook["cells"])
