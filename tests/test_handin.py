"""hand_in() on the learner's side: what goes into the file, from where, and a real Jupyter
kernel defining, checking and handing in a function (inspect.getsource on a cell)."""

import json
import os
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

from pruneedu import quiz
from pruneedu.exercises import HandInView, hand_in, load_exercise, store
from pruneedu.exercises.capstone import capstone_path
from pruneedu.exercises.extract import extract_function


@pytest.fixture(autouse=True)
def learner(monkeypatch):
    monkeypatch.setenv("PRUNEEDU_LEARNER", "ada")


def cubic_schedule(amount, rounds, initial_amount=0.0):
    return [amount + (initial_amount - amount) * (1 - t / rounds) ** 3
            for t in range(1, rounds + 1)]


def test_functions_come_from_the_notebook_or_else_from_the_last_check():
    store.record_check("nm-mask", 5, 5, "import torch\n\ndef nm_mask(weight, n=2, m=4):\n"
                                         "    return weight != 0\n")
    result = hand_in({"cubic_schedule": cubic_schedule}, quiet=True)
    data = json.loads(result.path.read_text())
    assert result.path.name == "ada.handin.json" and data["learner_id"] == "ada"
    assert result.exercises == {"cubic-schedule": "notebook", "nm-mask": "last check"}
    assert "def cubic_schedule" in data["exercises"]["cubic-schedule"]["source"]
    assert data["exercises"]["nm-mask"]["function"] == "nm_mask"
    assert "magnitude-mask" in result.missing and "capstone" not in result.missing
    assert extract_function(data["exercises"]["cubic-schedule"]["source"],
                            "cubic_schedule").problem == ""


def test_graded_answers_go_in_as_they_are_and_practice_answers_stay_out():
    bank = quiz.load_bank("01-introduction")
    graded = quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "graded")
    path = quiz.save_responses(quiz.responses_path(bank.id), graded)
    quiz.save_responses(quiz.responses_path(bank.id, "practice"),
                        quiz.new_responses(bank.id, quiz.content_hash(bank), "ada", "practice"))
    result = hand_in({}, quiet=True)
    data = json.loads(result.path.read_text())
    assert data["responses"] == {path.name: path.read_text()}
    assert "01-introduction" in result.message()


def test_the_capstone_file_goes_in_unless_it_could_only_score_zero():
    settings = load_exercise("capstone").settings
    capstone_path().parent.mkdir(parents=True)
    capstone_path().write_bytes(b"x" * (settings["max_bytes"] - 1))
    result = hand_in({}, quiet=True)
    assert "capstone" in json.loads(result.path.read_text())
    assert result.capstone.startswith("included")
    capstone_path().write_bytes(b"x" * (settings["max_bytes"] * 2))
    result = hand_in({}, quiet=True)
    assert "capstone" not in json.loads(result.path.read_text())
    assert "would score 0" in result.capstone and "would score 0" in result.message()


def test_the_message_says_which_file_to_upload_and_warns_about_missing_names(capsys):
    source = textwrap.dedent('''\
        table = {}
        def lenet5_macs(channels1, channels2, hidden):
            return table[channels1]
        ''')
    path = store.checks_path().parent / "cells.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    namespace = {"__name__": "cells"}
    exec(compile(source, str(path), "exec"), namespace)
    table = {}
    table[1] = object()  # not a literal: cannot be written down
    namespace["table"] = table
    hand_in(namespace)
    out = capsys.readouterr().out
    assert "Upload this one file" in out and "ada.handin.json" in out
    assert "lenet5-macs uses table" in out


def test_the_button_hands_in_and_shows_the_message():
    view = HandInView({"cubic_schedule": cubic_schedule})
    view.button.click()
    assert "ada.handin.json" in view.message.value and "cubic-schedule" in view.message.value


def test_a_jupyter_kernel_checks_and_hands_in_a_function_defined_in_a_cell(tmp_path):
    cells = [
        "import torch\nfrom pruneedu.exercises import check, hand_in",
        "SCALE = 1.0\n\ndef helper(w):\n    return w.abs() * SCALE",
        "def magnitude_mask(weights, amount):\n"
        "    order = torch.argsort(helper(weights).flatten(), stable=True)\n"
        "    keep = torch.ones(weights.numel(), dtype=torch.bool)\n"
        "    keep[order[:round(amount * weights.numel())]] = False\n"
        "    return keep.reshape(weights.shape)",
        'report = check("magnitude-mask", magnitude_mask)\nassert report.all_passed',
        "result = hand_in()",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert "ada.handin.json" in "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    source = json.loads((store.checks_path().parent.parent / "hand-in" / "ada.handin.json")
                        .read_text())["exercises"]["magnitude-mask"]["source"]
    assert "import torch" in source and "SCALE = 1.0" in source and "def helper" in source
    assert store.check_states()["magnitude-mask"].all_passed
    assert os.environ["PRUNEEDU_LEARNER"] == "ada"
