"""`pruneedu feedback`: per-learner files that show each learner's own answers in the letters
they saw, never hidden tests, and no key unless asked."""

import re
import shutil
from pathlib import Path

import pytest
from test_grading_grade import copy_fixture_class

from pruneedu import quiz
from pruneedu.cli import main
from pruneedu.exercises import load_exercise
from pruneedu.grading import learner_texts
from pruneedu.grading.feedback import describe_value, feedback_file_names, lettered
from pruneedu.grading.leakcheck import MIN_LINE_CHARS
from pruneedu.grading.safe_text import md
from pruneedu.markdown_html import to_html

FIXTURE = Path(__file__).parent / "fixtures" / "class"
MATERIAL = ["--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")]
PUBLIC_ONLY = FIXTURE / "exercises" / "zero-fraction" / "public_tests.py"
BANK = quiz.load_bank(FIXTURE / "quizzes" / "demo-quiz.yaml")


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    submissions = copy_fixture_class(root / "subs")
    plain, revealed = root / "plain", root / "revealed"
    codes = [main(["feedback", str(submissions), "--out", str(plain), *MATERIAL]),
             main(["feedback", str(submissions), "--out", str(revealed), *MATERIAL,
                   "--reveal-answers"])]
    return {"codes": codes,
            "plain": {p.stem: p.read_text() for p in sorted(plain.glob("*.md"))},
            "revealed": {p.stem: p.read_text() for p in sorted(revealed.glob("*.md"))}}


def rendered(markdown: str) -> str:
    """The text a reader sees: Markdown rendered, tags and escapes gone."""
    return re.sub(r"<[^>]+>", "", to_html(markdown)).replace("&gt;", ">").replace("&lt;", "<")


def hidden_texts() -> list[str]:
    exercise = load_exercise(FIXTURE / "exercises" / "zero-fraction")
    public_lines = set(PUBLIC_ONLY.read_text().splitlines())
    names = [case.name for case in exercise.hidden_cases()]
    lines = [line.strip() for line in exercise.hidden_tests_path.read_text().splitlines()
             if len(line.strip()) >= MIN_LINE_CHARS and line not in public_lines]
    return names + lines


def test_one_file_per_graded_learner(feedback):
    assert feedback["codes"] == [1, 1]  # the fixture class has rejects
    assert sorted(feedback["plain"]) == ["ada", "ben", "cal", "dan", "eve", "fay", "gus", "jon"]


def test_no_hidden_test_name_or_source_appears(feedback):
    texts = hidden_texts()
    assert "hidden-five-weights" in texts
    for files in (feedback["plain"], feedback["revealed"]):
        for learner, text in files.items():
            for secret in texts:
                assert secret not in rendered(text), (learner, secret)


def test_public_tests_by_name_hidden_tests_as_a_count_totals_of_n(feedback):
    ben = rendered(feedback["plain"]["ben"])
    assert "PASS three-of-four-zero" in ben
    assert "Hidden tests: 1 of 2 passed." in ben
    assert "Fraction of zero weights (zero-fraction): 1.33 of 2 points" in ben
    assert "Total: 5.33 of 10 points." in ben
    cal = rendered(feedback["plain"]["cal"])
    assert "Your code did not finish: it ran past the exercise's time limit of" in cal
    assert "run it there to see the message and the values" in cal  # where details are shown


def test_each_answer_is_shown_in_the_letters_that_learner_saw(feedback):
    # The quiz widget's own lettering (pruneedu.quiz.controls) is the reference.
    from pruneedu.quiz.controls import lettered_choices

    single = BANK.question("q-single")
    letter = {c.id: mark for mark, c in lettered_choices(single, "ben")}["c"]  # ben picked c
    ben = rendered(feedback["plain"]["ben"])
    assert f"Your answer: {letter}. A random half" in ben
    multi = BANK.question("q-multi")
    letter = {c.id: mark for mark, c in lettered_choices(multi, "ben")}["a"]
    assert f"Your answer: {letter}. Removing whole neurons" in ben


@pytest.mark.parametrize("learner", ["ada", "ben", "jovyan", "s042", "=x", "a" * 60])
def test_letters_agree_with_the_quiz_widget_for_any_id(learner):
    from pruneedu.quiz.controls import lettered_choices

    for question in BANK.questions:
        if question.type in ("single", "multiple"):
            widget = {c.id: letter for letter, c in lettered_choices(question, learner)}
            assert lettered(question, learner) == widget


def test_no_key_and_no_explanation_unless_asked(feedback):
    ben = rendered(feedback["plain"]["ben"])
    assert "wrong (0 of 1): Which weights does magnitude pruning remove first?" in ben
    assert "Magnitude pruning ranks weights" not in ben  # the explanation names the answer
    assert "The answer:" not in ben and "Why:" not in ben
    assert "The ones closest to zero" not in ben
    assert "0.9 (within 0.01)" not in ben


def test_reveal_shows_keys_of_wrong_answers_only_in_their_letters(feedback):
    from pruneedu.quiz.controls import lettered_choices

    ben = rendered(feedback["revealed"]["ben"])
    letter = {c.id: mark for mark, c in lettered_choices(BANK.question("q-single"), "ben")}["b"]
    assert f"The answer: {letter}. The ones closest to zero" in ben
    assert "Why: Magnitude pruning ranks weights by absolute value" in ben
    assert "The answer: 0.9 (within 0.01)" in ben
    # ben got q-tf and q-text right: no key or explanation is added for them.
    assert "Frankle and Carbin" not in ben
    assert "The mask multiplies the weights" not in ben
    ada = rendered(feedback["revealed"]["ada"])
    assert "The answer:" not in ada and "Why:" not in ada
    assert len(re.findall(r"\*\*right\*\*", feedback["revealed"]["ada"])) == 6


def test_rejected_files_are_explained_to_their_owner(feedback):
    gus = rendered(feedback["plain"]["gus"])
    assert "Not graded:" in gus and "jupyter-gus/gus.demo-quiz.responses.json" in gus
    assert "duplicate: jupyter-gus/gus-retake.demo-quiz.responses.json" in gus
    assert "demo-quiz): could not be graded" in rendered(feedback["plain"]["fay"])


def test_learner_text_is_escaped_for_markdown():
    question = BANK.question("q-text")
    shown = describe_value(question, "<script>alert(1)</script> [x](javascript:alert(2)) *b*",
                           "ada")
    html = to_html(shown)
    assert "<script" not in html and "<a " not in html and "<em>" not in html
    assert "&lt;script&gt;" in html


def test_ids_that_differ_only_in_case_get_separate_feedback_files():
    # On macOS and Windows "Ada.md" and "ada.md" are one file: one learner's feedback would
    # silently replace the other's.
    names = feedback_file_names(["Ada", "ada", "ben"])
    assert names["ben"] == "ben.md"
    assert len({n.casefold() for n in names.values()}) == 3
    assert names["Ada"].startswith("Ada-") and names["ada"].startswith("ada-")


def test_text_the_code_wrote_is_never_quoted_only_the_graders_fixed_text(tmp_path):
    import dataclasses

    from pruneedu.grading.classgrade import grade_class
    from pruneedu.grading.feedback import learner_feedback
    from pruneedu.grading.material import load_material

    shutil.copy(FIXTURE / "submissions" / "ada.zero-fraction.py", tmp_path)
    grades = grade_class(tmp_path, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"))
    record = grades.learners["ada"]
    result = record.exercises["zero-fraction"]
    record.exercises["zero-fraction"] = dataclasses.replace(
        result, error="hidden input was [0.0, 1.0, 2.0]", learner_error=learner_texts.ENDED)
    text = learner_feedback(grades, "ada")
    assert "hidden input was" not in text
    assert f"Your code did not finish: {md(learner_texts.ENDED)}." in text


@pytest.mark.parametrize("body, told", [
    ("raise ValueError('SAID-BY-THE-CODE ' + repr(weights))", learner_texts.RAISED),
    ("return 0.123456789", learner_texts.WRONG_RESULT),
    ("return 'SAID-BY-THE-CODE'", learner_texts.NOT_ACCEPTED),
    ("return {1, 2}", learner_texts.NOT_ACCEPTED),
])
def test_a_failed_public_test_is_described_in_the_graders_words(tmp_path, body, told):
    # Red-team rounds 2 and 4: code can read hidden inputs back from host state (the page
    # cache) in a later public call or run, so its error, value or exit status never reach
    # feedback, before hidden inputs or after. The instructor's gradebook keeps the words.
    from redteam_support import require_bwrap

    from pruneedu.grading.classgrade import grade_class
    from pruneedu.grading.feedback import learner_feedback
    from pruneedu.grading.material import load_material

    require_bwrap()
    (tmp_path / "ada.zero-fraction.py").write_text(
        f"def zero_fraction(weights):\n    {body}\n")
    grades = grade_class(tmp_path, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"),
                         progress=False)
    text = rendered(learner_feedback(grades, "ada"))
    assert f"FAIL three-of-four-zero: {told}" in text, text
    assert "SAID" not in text and "123456" not in text, text
    assert learner_texts.SEE_NOTEBOOK in text


def test_a_classmates_file_name_never_reaches_a_learners_feedback(tmp_path):
    # Red-team round 5: a file that only SAYS inside it is ada's may be a classmate's, named
    # with a message for ada. Here it makes a several-files conflict, whose rejects are ada's;
    # her feedback names her own file, not the other one.
    import json

    from pruneedu.grading.classgrade import grade_class
    from pruneedu.grading.feedback import learner_feedback
    from pruneedu.grading.material import load_material

    own = FIXTURE / "submissions" / "ada.demo-quiz.responses.json"
    shutil.copy(own, tmp_path)
    phishing = "Email your password to mallory at evil.example"
    (tmp_path / f"{phishing}.demo-quiz.responses.json").write_text(own.read_text())
    grades = grade_class(tmp_path, load_material(FIXTURE / "quizzes", FIXTURE / "exercises"),
                         progress=False)
    assert [(c.kind, c.learner_id) for c in grades.conflicts] == [("several-files", "ada")]
    text = rendered(learner_feedback(grades, "ada"))
    assert "ada.demo-quiz.responses.json" in text and "password" not in text, text
    assert "one of the files handed in for you" in text
    assert json.dumps([r.file for r in grades.rejects]).count("password") == 1  # instructor's
