"""The practice quiz in a real JupyterLab: a learner clicks a wrong letter and gets a hint, a
second wrong letter and gets the solution, and ticks boxes and is told how many they missed.

Screenshots of each step go to ``artifacts/screenshots/quiz-*.png``.
"""

from __future__ import annotations

import pytest
from browser_support import code_notebook, notebook_page, screenshot

from pruneedu import quiz

pytestmark = pytest.mark.browser

NOTEBOOK = "quiz-practice.ipynb"
SINGLE, MULTIPLE = "p-intro-which-is-pruning", "p-intro-edge"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    notebook = code_notebook(
        "from pruneedu import quiz\n"
        "quiz.show('01-introduction', mode='practice', learner_id='ada', depth='basic')")
    with notebook_page(tmp_path_factory.mktemp("quiz-lab"), NOTEBOOK, notebook,
                       {"width": 1300, "height": 1000}) as page:
        page.wait_for_selector(".pruneedu-quiz", timeout=60_000)
        yield page


def letters(question_id: str) -> dict[str, str]:
    bank = quiz.load_bank("01-introduction", practice=True)
    return {c.id: letter for letter, c in quiz.lettered_choices(bank.question(question_id), "ada")}


def block(page, text: str):
    return page.locator(".pruneedu-question", has_text=text).first


def feedback_after_click(page, question, button: str, before: str) -> str:
    question.locator("button", has_text=button).first.click()
    page.wait_for_function(
        "([element, before]) => element.querySelector('.pruneedu-feedback').innerText !== before",
        arg=[question.element_handle(), before], timeout=30_000)
    return question.locator(".pruneedu-feedback").inner_text()


def shot(question, name: str) -> None:
    question.scroll_into_view_if_needed()
    screenshot(question, name)


def test_wrong_first_try_hint_then_the_solution(lab):
    page = lab
    question = block(page, "Which of these changes")
    letter = letters(SINGLE)
    question.locator(".widget-toggle-button", has_text=letter["a"]).first.click()
    first = feedback_after_click(page, question, "Check", "")
    shot(question, "quiz-first-try")
    assert "Not quite: 0/1 point." in first
    assert f"{letter['a']} (your pick): not right. That is quantization" in first
    assert "Try again, or ask for the solution." in first
    assert "Pruning removes, or sets to zero" not in first            # no solution yet
    question.locator(".widget-toggle-button", has_text=letter["b"]).first.click()
    second = feedback_after_click(page, question, "Check", first)
    shot(question, "quiz-second-try")
    assert f"{letter['c']} (not picked): this one is right:" in second
    assert "Pruning removes, or sets to zero" in second               # the worked explanation
    question.locator("button", has_text="Re-read in the lesson").first.click()
    page.wait_for_selector(".pruneedu-lesson-ref", timeout=30_000)
    shot(question, "quiz-lesson-link")
    box = question.locator(".pruneedu-lesson-ref").inner_text()
    assert "Lesson 1 - Introduction to pruning, Summary (Basic depth): What pruning is" in box


def test_multiple_choice_names_picks_by_letter_and_counts_the_missed(lab):
    page = lab
    question = block(page, "Which of these run their model as edge devices")
    letter = letters(MULTIPLE)
    for choice in ("a", "b"):                 # one right (sensor), one wrong (servers)
        question.locator(".widget-checkbox", has_text=letter[choice]).first.locator(
            "input").click()
    text = feedback_after_click(page, question, "Check", "")
    shot(question, "quiz-multiple-missed")
    assert "Not quite: 0/1 point." in text
    assert f"{letter['a']} (your pick): right." in text
    assert f"{letter['b']} (your pick): not right." in text
    assert "You missed 2 right options" in text
    assert f"{letter['c']} (not picked)" not in text                   # not named yet
    solution = feedback_after_click(page, question, "Show solution", text)
    shot(question, "quiz-multiple-solution")
    missed = sorted([letter["c"], letter["d"]])
    assert f"You missed {missed[0]} and {missed[1]}." in solution
