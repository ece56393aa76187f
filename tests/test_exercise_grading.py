"""A class hands in the natural way and is graded, in the sandbox, to an exact gradebook.

- ada uses ``hand_in()``: her twelve functions, her graded quiz answers and her capstone file
  (``tests/fixtures/capstone/passing.pedu``: ``exercises/capstone/solution.py`` with seed 0,
  14,538 bytes, 94.2% on the bundled test digits) in one file;
- ben exports the solved notebook 01-introduction (lesson 1's exercises) to a script
  (nbconvert), with all its top-level code;
- cy hands in that notebook itself: one function wrong in the way learners get it wrong,
  one right, the rest still stubs;
- dee hands in separate files: one exercise in a ``.py`` full of top-level statements, a
  notebook export that does not parse, and a capstone file far over the budget;
- eve's hand-in names an id that cannot name a file; fay's names an exercise that does not exist.

Expected scores come from the exercise definitions run in this process (solutions pass all,
stubs nothing, a wrong variant what ``run_function`` says), never from the sandboxed run
itself."""

import importlib.util
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbconvert import PythonExporter
from redteam_support import require_bwrap

from pruneedu import quiz
from pruneedu.exercises import hand_in, load_exercises
from pruneedu.exercises.capstone import capstone_path
from pruneedu.exercises.cells import exercise_cells, fill_solutions
from pruneedu.exercises.learner import run_function
from pruneedu.grading.classgrade import grade_class
from pruneedu.grading.gradebook import format_points, plain_table
from pruneedu.grading.material import load_material

ROOT = Path(__file__).resolve().parents[1]
# The notebook ben and cy hand in: it holds lesson 1's exercises (each lesson's notebook holds
# its own, docs/formats.md), among them the two cy edits.
NOTEBOOK = ROOT / "notebooks" / "01-introduction.ipynb"
CAPSTONE_FILE = ROOT / "tests" / "fixtures" / "capstone" / "passing.pedu"
EXERCISES = load_exercises(ROOT / "exercises")
FUNCTIONS = {e.id: e for e in EXERCISES.values() if e.kind == "function"}


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solutions() -> dict:
    return {e.function: getattr(load_module(e.solution_path, f"_sol_{e.folder.name}"),
                                e.function) for e in FUNCTIONS.values()}


def expected_score(exercise, func) -> float:
    results = run_function(exercise, func, exercise.public_cases() + exercise.hidden_cases())
    return exercise.points * sum(r.passed for r in results) / len(results)


def ada_hands_in(folder: Path, home: Path) -> dict:
    """hand_in() as a learner calls it: functions in her namespace, answers and capstone saved
    in her folder by the course's own widgets and checks."""
    bank = quiz.load_bank("01-introduction")
    answers = quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "graded")
    for question in bank.questions:
        if question.type in ("single", "multiple", "truefalse"):
            quiz.record_answer(answers, question.id, question.answer)
    quiz.save_responses(quiz.responses_path(bank.id), answers)
    practice = quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "practice")
    quiz.save_responses(quiz.responses_path(bank.id, "practice"), practice)
    capstone_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CAPSTONE_FILE, capstone_path())
    import os
    os.environ["PRUNEEDU_LEARNER"] = "ada"
    try:
        result = hand_in(solutions(), quiet=True)
    finally:
        del os.environ["PRUNEEDU_LEARNER"]
    assert set(result.exercises) == set(FUNCTIONS) and result.responses == ["01-introduction"]
    shutil.copyfile(result.path, folder / "ada" / result.path.name)
    return {"01-introduction": quiz.grade_responses(bank, answers).score}


def build_class(folder: Path, home: Path) -> dict[str, dict[str, float]]:
    for learner in ("ada", "ben", "cy", "dee", "eve", "fay"):
        (folder / learner).mkdir(parents=True)
    expected = {"ada": {e: 5.0 for e in FUNCTIONS} | {"capstone": 10.0}}
    expected["ada"] |= ada_hands_in(folder, home)

    # Ben exports every solved notebook that holds exercises (each lesson's and the lab).
    scripts = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        if not exercise_cells(notebook):
            continue
        solved = nbformat.reads(json.dumps(fill_solutions(notebook, ROOT / "exercises")), 4)
        script, _ = PythonExporter().from_notebook_node(solved)
        (folder / "ben" / f"ben.{path.stem}.py").write_text(script)
        scripts.append(script)
    assert all("seed_everything(0)" in script for script in scripts)
    assert any('check("magnitude-mask"' in script for script in scripts)
    expected["ben"] = {e: 5.0 for e in FUNCTIONS}

    mistakes = load_module(FUNCTIONS["magnitude-mask"].wrong_variants_path, "_wrong_mm")
    wrong = (FUNCTIONS["magnitude-mask"].folder / "wrong_variants.py").read_text()
    body = wrong.split("def truncating_count", 1)[1].split("\n\n\ndef ", 1)[0]
    cy_notebook = json.loads(NOTEBOOK.read_text())
    for cell in cy_notebook["cells"]:
        text = "".join(cell["source"])
        if text.startswith("# exercise: magnitude-mask"):
            cell["source"] = "import torch\n\n\ndef magnitude_mask" + body
        elif text.startswith("# exercise: global-threshold"):
            cell["source"] = (FUNCTIONS["global-threshold"].solution_path).read_text()
    (folder / "cy" / f"cy.{NOTEBOOK.name}").write_text(json.dumps(cy_notebook))
    # Cy hands in notebook 01 only: its stubs score 0, exercises taught elsewhere are missing.
    in_notebook = [exercise_id for _, exercise_id in exercise_cells(cy_notebook)]
    expected["cy"] = {e: 0.0 for e in in_notebook}
    expected["cy"]["global-threshold"] = 5.0
    expected["cy"]["magnitude-mask"] = expected_score(FUNCTIONS["magnitude-mask"],
                                                      mistakes.truncating_count)
    assert 0 < expected["cy"]["magnitude-mask"] < 5

    nm = FUNCTIONS["nm-mask"].solution_path.read_text()
    (folder / "dee" / "dee.nm-mask.py").write_text(
        "from pruneedu.seeding import seed_everything\nseed_everything(0)\n" + nm
        + "\nprint(nm_mask(torch.ones(2, 4)))\nraise SystemExit('top-level code ran')\n")
    (folder / "dee" / "dee.04-lab.py").write_text("def magnitude_mask(weights, amount:\n")
    from pruneedu import models, pruning  # the dense model: 17 times over the budget
    pruning.save_compressed(models.pretrained("lenet-300-100"), folder / "dee" /
                            "dee.capstone.pedu", storage="int8")
    expected["dee"] = {"nm-mask": 5.0, "capstone": 0.0}

    base = json.loads((folder / "ada" / "ada.handin.json").read_text())
    (folder / "eve" / "eve.handin.json").write_text(json.dumps(base | {"learner_id": "../eve"}))
    fay = base | {"learner_id": "fay", "responses": {},
                  "exercises": {"cubic-schedule": base["exercises"]["cubic-schedule"],
                                "no-such-exercise": {"function": "f", "source": "def f(): 1"}}}
    fay.pop("capstone")
    (folder / "fay" / "fay.handin.json").write_text(json.dumps(fay))
    expected["fay"] = {"cubic-schedule": 5.0}
    return expected


def test_a_class_that_hands_in_the_natural_way_gets_an_exact_gradebook(tmp_path,
                                                                       isolated_learner_home):
    require_bwrap()
    folder = tmp_path / "submissions"
    expected = build_class(folder, isolated_learner_home)
    material = load_material(exercises=ROOT / "exercises")
    grades = grade_class(folder, material, progress=False)
    header, rows = plain_table(grades)
    items = sorted(material.banks) + sorted(material.exercises)
    assert header == ["learner_id", "name", "section", *items, "total", "late"]
    wanted = []
    for learner in sorted(expected):
        scores = expected[learner]
        # Nothing handed in for an item is an empty cell, never a 0.
        cells = [format_points(scores[item]) if item in scores else "" for item in items]
        wanted.append([learner, "", "", *cells, format_points(sum(scores.values())), ""])
    assert rows == wanted
    # The same reference function, whether captured by hand_in(), exported from a notebook or
    # handed in as a file, is the same program (only the graded function is compared).
    same = {(e, "ada", "ben") for e in FUNCTIONS}
    same |= {("global-threshold", a, "cy") for a in ("ada", "ben")}
    same |= {("nm-mask", a, "dee") for a in ("ada", "ben")}
    same |= {("cubic-schedule", a, "fay") for a in ("ada", "ben")}
    assert {(p.exercise_id, p.learner_a, p.learner_b) for p in grades.similar} == same
    reasons = {(r.file, r.reason.split(";")[0].split(" (")[0]) for r in grades.rejects}
    assert ("dee/dee.04-lab.py", "the file is not valid Python") in reasons
    assert any(f == "eve/eve.handin.json" and "cannot name a file" in why for f, why in reasons)
    assert ("fay/fay.handin.json#no-such-exercise", "unknown exercise") in reasons
    assert "not graded" not in json.dumps([r.reason for r in grades.rejects if "ada" in r.file])
    dee = grades.learners["dee"].exercises["capstone"]
    assert [r.passed for r in dee.public] == [False, True] and "269,595 bytes" in \
        dee.public[0].reason
    ada = grades.learners["ada"].exercises["capstone"]
    assert [r.passed for r in ada.public] == [True, True]
    # The capstone is an item like any other in the learner's feedback.
    from pruneedu.grading.feedback import learner_feedback
    page = learner_feedback(grades, "dee")
    assert "(capstone): 0 of 10 points" in page and "269,595 bytes" in page
    assert "(capstone): 10 of 10 points" in learner_feedback(grades, "ada")


@pytest.mark.parametrize("kind", ["solution", "stub"])
def test_one_learners_whole_set_runs_in_one_sandbox(kind):
    require_bwrap()
    from pruneedu.grading.codegrade import grade_learner_code

    work = [(e, (e.solution_path if kind == "solution" else e.stub_path).read_text())
            for e in FUNCTIONS.values()]
    results = grade_learner_code(work, hide=[ROOT / "exercises"])
    for exercise in FUNCTIONS.values():
        result = results[exercise.id]
        want = exercise.points if kind == "solution" else 0.0
        assert (result.score, result.error) == (want, ""), (exercise.id, result)
