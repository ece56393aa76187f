"""Shared test set-up for tests/ and the docstring examples in pruneedu/: every test writes
its learner files into its own temporary folder, and the grader's docstring examples get a
small class to grade."""

import os

import pytest
from _pytest.doctest import DoctestItem

# Figures render off-screen in tests.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def isolated_learner_home(tmp_path, monkeypatch):
    """Keep tests away from the real user's saved answers, flashcards and caches."""
    home = tmp_path / "pruneedu-home"
    monkeypatch.setenv("PRUNEEDU_HOME", str(home))
    # Nor do they inherit who the person running them is (a hub user, an instructor's id).
    monkeypatch.delenv("PRUNEEDU_LEARNER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return home


@pytest.fixture(autouse=True)
def class_folder_for_grader_examples(request, doctest_namespace, tmp_path):
    """``class_folder`` for the docstring examples of ``pruneedu.grading``: the graded
    01-introduction attempts ada (every choice and true/false question right, the rest left
    blank) and ben (nothing answered) handed in, built from the shipped bank."""
    if not (isinstance(request.node, DoctestItem)
            and request.node.name.startswith("pruneedu.grading.")):
        return
    from pruneedu import quiz

    bank = quiz.load_bank("01-introduction")
    folder = tmp_path / "class"
    for learner in ("ada", "ben"):
        answers = quiz.new_responses(bank.id, quiz.content_hash(bank), learner, "graded")
        if learner == "ada":
            for question in bank.questions:
                if question.type in ("single", "multiple", "truefalse"):
                    quiz.record_answer(answers, question.id, question.answer)
        quiz.save_responses(folder / f"{learner}.{bank.id}.responses.json", answers)
    doctest_namespace["class_folder"] = folder


@pytest.fixture(scope="session", autouse=True)
def _shared_host_check_off():
    """Grading tests assume what the docs ask: no other user's process on the machine. A
    developer's machine may have some (another login, a helper's test): they would make every
    code-grading test refuse, module-scoped fixtures included, so the check is off for the
    whole session and back on for tests marked ``real_host`` (below)."""
    from pruneedu.grading import shared_host

    real = shared_host.refusal
    shared_host.refusal = lambda *args, **kwargs: ""
    yield real
    shared_host.refusal = real


@pytest.fixture(autouse=True)
def grading_machine_to_itself(request, monkeypatch, _shared_host_check_off):
    """Tests marked ``real_host`` see the machine as it is (the shared-host check on)."""
    if request.node.get_closest_marker("real_host") is not None:
        from pruneedu.grading import shared_host

        monkeypatch.setattr(shared_host, "refusal", _shared_host_check_off)
