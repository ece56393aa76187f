"""Learner identity: where the id comes from, which ids are refused, and asking once."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pruneedu import flashcards, identity, paths, quiz
from pruneedu.grading.submissions import safe_learner_id
from pruneedu.identity import LearnerIdError, check_learner_id
from pruneedu.identity_prompt import IdentityPrompt

BANK = Path(__file__).parent / "fixtures" / "quiz" / "course" / "quizzes" / "01-demo.yaml"


@pytest.fixture(autouse=True)
def no_identity_from_the_machine(monkeypatch):
    """The developer's or CI's own hub name or override must not leak into these tests."""
    monkeypatch.delenv(identity.ENV_OVERRIDE, raising=False)
    monkeypatch.delenv(identity.ENV_HUB, raising=False)


# -- which ids are accepted ---------------------------------------------------------------

@pytest.mark.parametrize("value", ["ada", "ada.lovelace", "s1234567", "ada@uni.example",
                                   "a-b_c+d", "A" * 64, "Ada99"])
def test_ordinary_ids_are_accepted_and_the_grader_accepts_them_too(value):
    assert check_learner_id(value) == value
    assert safe_learner_id(value)


def test_surrounding_spaces_are_dropped():
    assert check_learner_id("  ada \n") == "ada"


@pytest.mark.parametrize("value", ["root", "jovyan", "user", "ubuntu", "admin", "learner",
                                   "JOVYAN", "Root", " admin ", "anonymous", identity.ANONYMOUS])
def test_shared_account_names_are_refused_with_what_to_do(value):
    with pytest.raises(LearnerIdError, match="many people share.*use an id of your own"):
        check_learner_id(value)


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_empty_ids_are_refused(value):
    with pytest.raises(LearnerIdError, match="empty; type the student id"):
        check_learner_id(value)


@pytest.mark.parametrize("value, shown", [
    ("../etc/passwd", "'/'"), ("a/b", "'/'"), ("a\\b", "'\\\\\\\\'"), ("ada lovelace", "' '"),
    ("ada\x00", "'\\\\x00'"), ("ada\x1b[31m", "'\\\\x1b'"), ("a\nb", "'\\\\n'"),
    ("=HYPERLINK(1)", "'='"), ("ädа", "'ä'"), ("<b>", "'<'"),
])
def test_unsafe_characters_are_refused_and_named(value, shown):
    with pytest.raises(LearnerIdError, match=f"contains the character {shown}") as raised:
        check_learner_id(value)
    message = str(raised.value)
    assert "\x00" not in message and "\x1b" not in message and "\n" not in message
    assert not safe_learner_id(value.strip())


@pytest.mark.parametrize("value", [".ada", "ada.", "a..b", "-ada", "_ada"])
def test_dots_and_signs_in_the_wrong_place_are_refused(value):
    with pytest.raises(LearnerIdError, match="in the wrong place"):
        check_learner_id(value)
    assert not safe_learner_id(value)


def test_too_long_ids_are_refused():
    with pytest.raises(LearnerIdError, match="65 characters; use a shorter one of at most 64"):
        check_learner_id("a" * 65)


def test_only_text_is_an_id():
    with pytest.raises(LearnerIdError, match="must be text"):
        check_learner_id(None)


# -- where the id comes from ----------------------------------------------------------------

def test_no_id_anywhere_is_none_and_files_say_anonymous():
    assert identity.learner_id() is None
    assert identity.lookup() == identity.Lookup(None, "")
    assert paths.default_learner_id() == identity.ANONYMOUS


def test_the_login_name_is_never_used(monkeypatch):
    monkeypatch.setenv("USER", "carla")
    monkeypatch.setenv("LOGNAME", "carla")
    assert identity.learner_id() is None


def test_the_hub_name_is_used(monkeypatch):
    monkeypatch.setenv(identity.ENV_HUB, "ada")
    assert identity.lookup() == identity.Lookup("ada", identity.ENV_HUB)
    assert paths.default_learner_id() == "ada"


def test_the_override_wins_over_the_hub_and_the_saved_id(monkeypatch):
    identity.save_learner_id("carla")
    monkeypatch.setenv(identity.ENV_HUB, "ada")
    monkeypatch.setenv(identity.ENV_OVERRIDE, "ben")
    assert identity.lookup() == identity.Lookup("ben", identity.ENV_OVERRIDE)


def test_the_hub_name_wins_over_the_saved_id(monkeypatch):
    identity.save_learner_id("carla")
    monkeypatch.setenv(identity.ENV_HUB, "ada")
    assert identity.learner_id() == "ada"


def test_a_bad_override_is_an_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv(identity.ENV_OVERRIDE, "root")
    with pytest.raises(LearnerIdError, match="PRUNEEDU_LEARNER is set, but: 'root' is an"):
        identity.learner_id()


def test_a_generic_hub_name_falls_back_to_asking_and_says_why(monkeypatch):
    monkeypatch.setenv(identity.ENV_HUB, "jovyan")
    found = identity.lookup()
    assert found.learner_id is None
    assert "Your JupyterHub name cannot be used: 'jovyan' is an account name" in found.refused
    identity.save_learner_id("ada")
    assert identity.lookup().learner_id == "ada"
    assert identity.lookup().source == "saved"


def test_a_saved_id_is_remembered_in_the_learners_own_home(isolated_learner_home):
    assert identity.save_learner_id(" ada ") == "ada"
    path = isolated_learner_home / "learner.json"
    assert json.loads(path.read_text()) == {"format_version": 1, "learner_id": "ada"}
    assert identity.lookup() == identity.Lookup("ada", "saved")
    assert list(isolated_learner_home.glob("*.tmp")) == []


def test_a_refused_id_is_not_saved(isolated_learner_home):
    with pytest.raises(LearnerIdError):
        identity.save_learner_id("jovyan")
    assert not (isolated_learner_home / "learner.json").exists()


@pytest.mark.parametrize("content", ['{"format_version": 1, "learner_id": "../x"}',
                                     '{"format_version": 1, "learner_id": "root"}',
                                     '{"format_version": 9, "learner_id": "ada"}',
                                     "not json", '["ada"]'])
def test_a_damaged_saved_id_means_asking_again(isolated_learner_home, content):
    isolated_learner_home.mkdir(parents=True, exist_ok=True)
    (isolated_learner_home / "learner.json").write_text(content)
    found = identity.lookup()
    assert found.learner_id is None
    assert "could not be used" in found.refused and "type it again" in found.refused


def test_importing_identity_loads_neither_torch_nor_ipywidgets():
    code = ("import sys, pruneedu.identity, pruneedu.paths; "
            "print(sorted(m for m in ('torch', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# -- asking once ------------------------------------------------------------------------------

def test_the_prompt_refuses_a_shared_name_then_saves_and_shows_what_follows(
        isolated_learner_home):
    followed = []
    prompt = identity.ask(then=lambda given: followed.append(given) or "done")
    assert prompt.learner_id is None and prompt.form.layout.display != "none"
    prompt.text.value = "jovyan"
    prompt.button.click()
    assert "many people share" in prompt.message.value
    assert followed == [] and not (isolated_learner_home / "learner.json").exists()
    prompt.text.value = "<b>x</b>"
    prompt.button.click()
    assert "&lt;b&gt;" in prompt.message.value and "<b>x" not in prompt.message.value
    prompt.text.value = "ada"
    prompt.button.click()
    assert followed == ["ada"] and prompt.result == "done"
    assert prompt.text.disabled and prompt.button.disabled
    assert identity.learner_id() == "ada"
    assert "saved as <b>ada</b>" in prompt.children[-1].value
    prompt.button.click()                      # a second click changes nothing
    assert followed == ["ada"]


def test_the_prompt_only_reports_a_known_id(monkeypatch):
    monkeypatch.setenv(identity.ENV_HUB, "ada")
    prompt = identity.ask(then=lambda given: given.upper())
    assert prompt.learner_id == "ada" and prompt.result == "ADA"
    assert len(prompt.children) == 2  # the hidden form and the note; "ADA" is no widget
    assert prompt.form.layout.display == "none"
    assert "your JupyterHub name" in prompt.children[-1].value


def test_the_prompt_explains_a_refused_hub_name(monkeypatch):
    monkeypatch.setenv(identity.ENV_HUB, "jovyan")
    prompt = identity.ask()
    assert "Your JupyterHub name cannot be used" in prompt.form.children[0].value


# -- the files that carry the id ------------------------------------------------------------

def test_a_graded_quiz_asks_first_and_records_nothing_before(isolated_learner_home):
    prompt = quiz.show(BANK, mode="graded")
    assert isinstance(prompt, IdentityPrompt) and prompt.result is None
    assert not (isolated_learner_home / "responses").exists()
    prompt.text.value = "ada"
    prompt.button.click()
    view = prompt.result
    assert isinstance(view, quiz.widget.QuizView) and view in prompt.children
    question = view.questions["demo-truefalse"]
    question.controls["answer"].value = True
    saved = json.loads(view.path.read_text())
    assert (saved["learner_id"], saved["mode"]) == ("ada", "graded")
    assert isinstance(quiz.show(BANK, mode="graded"), quiz.widget.QuizView)   # asked once


def test_a_graded_quiz_on_a_hub_never_asks(monkeypatch):
    monkeypatch.setenv(identity.ENV_HUB, "ada")
    view = quiz.show(BANK, mode="graded")
    assert view.learner_id == "ada"


def test_practice_before_an_id_is_kept_once_the_id_is_given():
    view = quiz.show(BANK, mode="practice")
    assert view.learner_id == identity.ANONYMOUS
    view.questions["demo-truefalse"].controls["answer"].value = True
    view.check("demo-truefalse")
    identity.save_learner_id("ada")
    again = quiz.show(BANK, mode="practice")
    assert again.learner_id == "ada"
    assert "demo-truefalse" in again.responses["answers"]
    assert again.status.value == ""            # nothing moved aside
    assert not list(again.path.parent.glob("*.bak"))


def test_flashcards_carry_the_current_id(monkeypatch):
    deck = flashcards.Deck.load()
    deck.answer(deck.due_cards()[0].id, "good")
    assert flashcards.store.load_schedule()[1] == identity.ANONYMOUS
    monkeypatch.setenv(identity.ENV_HUB, "ada")
    deck = flashcards.Deck.load()
    assert deck.learner_id == "ada"
    deck.answer(deck.due_cards()[0].id, "good")
    assert flashcards.store.load_schedule()[1] == "ada"
