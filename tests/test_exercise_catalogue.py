"""Every code exercise holds to its contract: the reference solution passes every public and
hidden test, the stub fails them, and every wrong variant (a mistake learners really make)
fails at least one hidden test, and at least one public test when the lesson teaches that trap.

Functions run here the way ``check()`` runs them: inputs and outputs cross the wire codec, so a
function judged here is judged the same in the sandbox (tests/test_exercise_grading.py runs
the sandbox itself)."""

import importlib.util
import inspect
from pathlib import Path

import pytest

from pruneedu.exercises import load_exercises
from pruneedu.exercises.learner import NOT_WRITTEN, run_function

ROOT = Path(__file__).resolve().parents[1] / "exercises"
EXERCISES = load_exercises(ROOT)
FUNCTIONS = [e for e in EXERCISES.values() if e.kind == "function"]


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"_catalogue_{path.parent.name}_{path.stem}",
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variants(exercise) -> dict:
    module = load_module(exercise.wrong_variants_path)
    return {name: value for name, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == module.__name__
            and not name.startswith("_")}


def failed(exercise, func, cases) -> dict[str, str]:
    return {r.name: r.reason for r in run_function(exercise, func, cases) if not r.passed}


def test_the_catalogue_covers_every_lesson():
    by_lesson = {lesson: [e.id for e in FUNCTIONS if e.lesson == lesson] for lesson in (1, 2, 3)}
    assert len(FUNCTIONS) >= 9 and all(len(ids) >= 3 for ids in by_lesson.values()), by_lesson
    names = [e.function for e in EXERCISES.values()]
    assert len(names) == len(set(names)), "two exercises share a function name"


@pytest.mark.parametrize("exercise", FUNCTIONS, ids=lambda e: e.id)
def test_the_solution_passes_every_test(exercise):
    solution = getattr(load_module(exercise.solution_path), exercise.function)
    assert failed(exercise, solution, exercise.public_cases() + exercise.hidden_cases()) == {}


@pytest.mark.parametrize("exercise", FUNCTIONS, ids=lambda e: e.id)
def test_the_stub_fails_every_test_as_unwritten(exercise):
    stub = getattr(load_module(exercise.stub_path), exercise.function)
    cases = exercise.public_cases() + exercise.hidden_cases()
    assert failed(exercise, stub, cases) == {case.name: NOT_WRITTEN for case in cases}


@pytest.mark.parametrize("exercise", FUNCTIONS, ids=lambda e: e.id)
def test_every_wrong_variant_fails_a_hidden_test(exercise):
    found = variants(exercise)
    assert len(found) >= 3, f"{exercise.id}: keep at least three real mistakes"
    hidden = exercise.hidden_cases()
    missed = [name for name, variant in found.items() if not failed(exercise, variant, hidden)]
    assert missed == [], f"{exercise.id}: no hidden test catches {missed}"


@pytest.mark.parametrize("exercise", FUNCTIONS, ids=lambda e: e.id)
def test_the_lessons_traps_fail_a_public_test(exercise):
    module = load_module(exercise.wrong_variants_path)
    traps = module.LESSON_TRAPS
    found = variants(exercise)
    assert traps and traps <= set(found), f"{exercise.id}: LESSON_TRAPS names unknown variants"
    public = exercise.public_cases()
    missed = [name for name in sorted(traps) if not failed(exercise, found[name], public)]
    assert missed == [], f"{exercise.id}: no public test catches {missed}"


@pytest.mark.parametrize("exercise", FUNCTIONS, ids=lambda e: e.id)
def test_public_tests_give_hints_and_hidden_names_differ(exercise):
    public, hidden = exercise.public_cases(), exercise.hidden_cases()
    assert len(public) >= 3 and all(case.hint for case in public)
    assert not {c.name for c in public} & {c.name for c in hidden}
    assert len(exercise.arguments) >= 1  # the stub defines the function with named arguments
