"""The release's leak check: each kind of leak, planted in an otherwise clean course, stops the
release with exit status 1, names what leaked, and leaves the output folder as it was."""

import json

import pytest
import yaml
from release_support import course, released, tree_digest

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.grading.leakcheck import (
    answer_pattern_leaks,
    find_leaks,
    key_texts,
    released_bank_leaks,
)
from pruneedu.grading.material import load_material
from pruneedu.grading.student_package import pairs_aligned, released_bank
from pruneedu.quiz.cues import tail_probability

__all__ = ["course", "released"]

SOLUTION_LINE = "return float(np.count_nonzero(weights == 0)) / weights.size"
RAISE_LINE = 'raise NotImplementedError("write zero_fraction")'


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def refused(out, capsys) -> str:
    before = tree_digest(out)
    assert main(["release", str(out), "--force"]) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert tree_digest(out) == before
    assert [p for p in out.parent.iterdir() if "staging" in p.name] == []
    return err


def practice_question(prompt, explanation="Practice makes the idea stick for good."):
    return {"id": "p-extra", "type": "truefalse", "prompt": prompt, "concept": "pruning",
            "answer": True, "explanation": explanation}


def add_practice_question(course, question):
    path = course / "quizzes" / "practice" / "demo-practice.yaml"
    bank = yaml.safe_load(path.read_text())
    bank["questions"].append(question)
    path.write_text(yaml.safe_dump(bank, sort_keys=False))


def test_a_solution_line_pasted_into_the_stub_as_a_hint_is_found(course, released,
                                                                 capsys):
    edit(course / "exercises" / "zero-fraction" / "stub.py", RAISE_LINE,
         f"# hint: {SOLUTION_LINE}\n    {RAISE_LINE}")
    err = refused(released, capsys)
    assert "exercises/zero-fraction/stub.py: a line of zero-fraction/solution.py" in err
    assert "the stub passes" not in err  # it still raises, so only the text gives it away


def test_a_stub_that_still_holds_the_solution_is_found_by_text_and_by_running_it(
        course, released, capsys):
    edit(course / "exercises" / "zero-fraction" / "stub.py", RAISE_LINE, SOLUTION_LINE)
    edit(course / "exercises" / "zero-fraction" / "stub.py", "def zero", "import numpy as np\n\n"
         "\ndef zero")
    err = refused(released, capsys)
    assert "a line of zero-fraction/solution.py" in err
    assert "the stub passes a hidden test: 'hidden-five-weights'" in err
    assert "the stub passes a hidden test: 'hidden-square-matrix'" in err


def test_a_stub_passing_one_hidden_test_by_chance_is_refused(course, released, capsys):
    # No solution text at all: only running the stub shows it scores.
    edit(course / "exercises" / "zero-fraction" / "stub.py", RAISE_LINE, "return 0.75")
    err = refused(released, capsys)
    assert "the stub passes a hidden test: 'hidden-square-matrix'" in err
    assert "hidden-five-weights" not in err


def test_a_hidden_test_copied_into_the_public_tests_is_found(course, released, capsys):
    hidden = (course / "exercises" / "zero-fraction" / "hidden_tests.py").read_text()
    case = next(line for line in hidden.splitlines() if "hidden-square-matrix" in line)
    edit(course / "exercises" / "zero-fraction" / "public_tests.py", "CASES = [",
         f"CASES = [\n{case.replace('hidden-square-matrix', 'renamed-square')}")
    err = refused(released, capsys)
    # Found twice: its inputs written out, and the same inputs loaded as a public test.
    assert ("exercises/zero-fraction/public_tests.py: the written-out inputs of a hidden test "
            "of zero-fraction") in err
    assert "the inputs of hidden test 'hidden-square-matrix' in public test 'renamed-square'" in err


def test_hidden_inputs_rewritten_in_the_public_tests_are_found(course, released, capsys):
    # Other spelling, same values: only loading both test lists shows the copy.
    edit(course / "exercises" / "zero-fraction" / "public_tests.py", "CASES = [",
         "CASES = [TestCase('square', (np.array([0.0, 1.0, 0.0, 0.0]).reshape(2, 2),), "
         "check_fraction), ")
    err = refused(released, capsys)
    assert "the inputs of hidden test 'hidden-square-matrix' in public test 'square'" in err


def test_a_hidden_test_name_mentioned_in_a_lesson_is_found(course, released, capsys):
    lesson = next((course / "lessons").glob("*.md"))
    lesson.write_text(lesson.read_text() + "\nSee hidden-five-weights.\n")
    err = refused(released, capsys)
    assert f"lessons/{lesson.name}: a hidden test name of zero-fraction" in err


def test_a_wrong_variant_pasted_into_a_notebook_is_found(course, released, capsys):
    wrong = course / "exercises" / "zero-fraction" / "wrong"
    wrong.mkdir()
    (wrong / "counts_nonzero.py").write_text(
        "import numpy as np\n\n\ndef zero_fraction(weights):\n"
        "    return float(np.count_nonzero(weights)) / weights.size\n")
    path = course / "notebooks" / "04-lab.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                              "execution_count": None,
                              "source": ["x = float(np.count_nonzero(weights)) / weights.size"]})
    path.write_text(json.dumps(notebook))
    # Not the same line (an assignment), but the wrong variant's expression is in it: only a
    # verbatim line counts, so first check the plain paste is not claimed as a leak...
    out = released
    assert main(["release", str(out), "--force"]) == 0
    notebook["cells"][-1]["source"] = ["return float(np.count_nonzero(weights)) / weights.size"]
    path.write_text(json.dumps(notebook))
    err = refused(out, capsys)  # ...then the verbatim line is
    assert "notebooks/04-lab.ipynb: a line of zero-fraction/wrong/counts_nonzero.py" in err


def test_a_graded_explanation_in_a_practice_bank_is_found(course, released, capsys):
    full = quiz.load_bank(course / "quizzes" / "demo-quiz.yaml")
    explanation = full.question("q-single").explanation
    add_practice_question(course, practice_question("Pruning can remove weights.", explanation))
    err = refused(released, capsys)
    assert ("quizzes/practice/demo-practice.yaml: explanation of demo-quiz/q-single" in err)


def test_choice_feedback_in_a_notebook_is_found(course, released, capsys):
    feedback = quiz.load_bank(course / "quizzes" / "demo-quiz.yaml").question(
        "q-single").choice("c").feedback
    path = course / "notebooks" / "00-welcome.ipynb"
    notebook = json.loads(path.read_text())
    # Split over two lines in JSON: the search joins a notebook's decoded cell text.
    words = feedback.split()
    notebook["cells"].append({"cell_type": "markdown", "metadata": {},
                              "source": [" ".join(words[:3]) + "\n", " ".join(words[3:])]})
    path.write_text(json.dumps(notebook))
    err = refused(released, capsys)
    assert "notebooks/00-welcome.ipynb: feedback on choice c of demo-quiz/q-single" in err


def test_a_graded_question_repeated_in_a_practice_bank_is_found(course, released,
                                                                capsys):
    full = quiz.load_bank(course / "quizzes" / "demo-quiz.yaml")
    add_practice_question(course, practice_question(full.question("q-tf").prompt.upper()))
    err = refused(released, capsys)
    assert "graded question demo-quiz/q-tf repeated in a practice bank" in err


def test_an_accepted_answer_inside_its_own_question_is_found(course, released, capsys):
    edit(course / "quizzes" / "demo-quiz.yaml",
         "Name the hypothesis about small trainable sub-networks found by pruning.",
         "Name the lottery ticket idea about small trainable sub-networks.")
    err = refused(released, capsys)
    assert "the accepted answer of demo-quiz/q-text" in err


def single_choice_bank(keys):
    """A graded bank of single-choice questions with four choices a-d and these keys."""
    return {"format_version": 1, "id": "pattern-quiz", "title": "Pattern", "lesson":
            "01-introduction", "questions": [
                {"id": f"q{n}", "type": "single", "prompt": f"Question {n}?", "concept": "c",
                 "choices": [{"id": c, "text": f"Choice {c} of {n}"} for c in "abcd"],
                 "answer": key, "explanation": f"Because of reason {n}."}
                for n, key in enumerate(keys)]}


def test_a_bank_whose_key_is_always_the_first_choice_is_refused(course, released,
                                                                 capsys):
    (course / "quizzes" / "pattern-quiz.yaml").write_text(
        yaml.safe_dump(single_choice_bank("aaaaaa")))
    err = refused(released, capsys)
    assert "answer pattern: the key is at position 1 in 6 of 6 questions" in err
    assert "answer pattern: the key is choice 'a' in 6 of 6 questions" in err


def test_keys_spread_over_the_choices_pass(course, tmp_path):
    (course / "quizzes" / "pattern-quiz.yaml").write_text(
        yaml.safe_dump(single_choice_bank("bdacbadc")))
    assert main(["release", str(tmp_path / "handout")]) == 0


def test_the_pattern_test_needs_evidence_not_a_coincidence():
    material = load_material()
    bank = quiz.bank_from_dict(single_choice_bank("aaaa"))
    material.banks[bank.id] = bank
    # Four keys in one place happen by chance too often (4 x 0.25^4 per place) to refuse.
    assert answer_pattern_leaks("x.yaml", quiz.release_bank(bank), material) == []
    assert tail_probability([0.25] * 4, 4) == pytest.approx(0.25 ** 4)
    assert tail_probability([0.5, 0.5], 1) == pytest.approx(0.75)


def matching_bank(pairs):
    return {"format_version": 1, "id": "match-quiz", "title": "Match", "lesson":
            "01-introduction", "questions": [
                {"id": "m1", "type": "matching", "prompt": "Match them.", "concept": "c",
                 "answer": {"pairs": pairs}, "explanation": "Each term has one meaning here."}]}


# Written in the order that lines up with the sorted definitions: the trap the release avoids.
ALIGNED = {"amount": "a fraction to prune", "mask": "b tensor of ones and zeros",
           "sparsity": "c share of zero weights", "latency": "d time for one answer"}


def test_matching_terms_are_shuffled_so_the_pairing_cannot_be_read_off():
    bank = quiz.bank_from_dict(matching_bank(ALIGNED))
    assert pairs_aligned(list(bank.question("m1").terms), sorted(ALIGNED.values()), ALIGNED)
    shown = released_bank(bank)["questions"][0]
    assert sorted(shown["terms"]) == sorted(ALIGNED)
    assert not pairs_aligned(shown["terms"], shown["definitions"], ALIGNED)
    assert quiz.content_hash(quiz.bank_from_dict(released_bank(bank))) == quiz.content_hash(bank)


def test_a_released_bank_with_terms_lined_up_is_refused():
    bank = quiz.bank_from_dict(matching_bank(ALIGNED))
    material = load_material()
    material.banks[bank.id] = bank
    lined_up = quiz.release_bank(bank)  # terms in the author's (aligned) order
    leaks = released_bank_leaks("quizzes/match-quiz.yaml", yaml.safe_dump(lined_up), material)
    assert [leak.what for leak in leaks] == ["matching pairs readable off the released order"]
    shuffled = yaml.safe_dump(released_bank(bank))
    assert released_bank_leaks("quizzes/match-quiz.yaml", shuffled, material) == []


def test_an_explanation_left_in_a_released_bank_is_found():
    material = load_material()
    bank = material.banks["01-introduction"]
    copy = quiz.release_bank(bank)
    copy["questions"][0]["prompt"] += " " + bank.questions[0].explanation
    text = yaml.safe_dump(copy)
    leaks = find_leaks({"quizzes/01-introduction.yaml": text}, key_texts(material))
    assert [leak.what for leak in leaks] == [
        f"explanation of 01-introduction/{bank.questions[0].id}"]


def test_short_feedback_is_too_common_to_count_as_key_text():
    keys = key_texts(load_material())
    assert all(len(key.split()) >= 4 for key, what in keys.items()
               if what.startswith(("explanation", "feedback")))


def test_a_single_shared_reference_line_is_no_leak_but_a_pasted_solution_is(course, tmp_path):
    # A public checker may recompute one line of the reference on purpose; a notebook that
    # repeats three lines of the solution holds the solution.
    solution = course / "exercises" / "zero-fraction" / "solution.py"
    solution.write_text(
        "import numpy as np\n\n\ndef zero_fraction(weights):\n"
        '    """Return the fraction of entries of ``weights`` that are exactly zero."""\n'
        "    flat = np.asarray(weights).ravel()\n"
        "    zero_count = int(np.count_nonzero(flat == 0))\n"
        "    return zero_count / max(flat.size, 1)\n")
    lab = course / "notebooks" / "04-lab.ipynb"
    notebook = json.loads(lab.read_text())
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                              "execution_count": None,
                              "source": ["flat = np.asarray(weights).ravel()\n"]})
    lab.write_text(json.dumps(notebook))
    out = tmp_path / "handout"
    assert main(["release", str(out)]) == 0
    notebook["cells"][-1]["source"] = [
        "flat = np.asarray(weights).ravel()\n", "zero_count = int(np.count_nonzero(flat == 0))\n",
        "return zero_count / max(flat.size, 1)\n"]
    lab.write_text(json.dumps(notebook))
    assert main(["release", str(out), "--force"]) == 1
