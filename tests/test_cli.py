"""The `pruneedu` command: help for learners and teachers, one exit-status rule for every
command (0 ok, 1 problems found, 2 usage or set-up error on stderr), and a light start."""

import shutil
from pathlib import Path

import pytest
from fresh_python import heavy_imports

import pruneedu
from pruneedu import cli

FIXTURES = Path(__file__).parent / "fixtures"
CLASS = FIXTURES / "class"
QUIZ_COURSE = FIXTURES / "quiz" / "course"


def test_no_command_prints_help_on_stderr_and_is_a_usage_error(capsys):
    assert cli.main([]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    for name in cli.SUBCOMMANDS:
        assert name in out.err


def test_help_speaks_to_learners_and_teachers_and_lists_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "learners and teachers" in text
    assert all(f"  {code}  " in text for code in "012")
    for name in cli.SUBCOMMANDS:
        with pytest.raises(SystemExit):
            cli.main([name, "--help"])
        text = capsys.readouterr().out
        assert "exit status:" in text and "  0  " in text and "  2  " in text, name


def test_every_subcommand_module_is_installed():
    import importlib

    for module_name, _, _ in cli.SUBCOMMANDS.values():
        module = importlib.import_module(module_name)
        assert callable(module.add_arguments) and callable(module.run)


def test_the_command_starts_without_torch_or_ipywidgets():
    # `pruneedu --help`, the quiz and the grading commands must start at once on a laptop.
    assert heavy_imports("from pruneedu import cli; cli.build_parser()") == ([], "")
    loaded, printed = heavy_imports(
        "import sys, runpy; sys.argv = ['pruneedu', '--help']\n"
        "try:\n    runpy.run_module('pruneedu', run_name='__main__')\n"
        "except SystemExit:\n    pass")
    assert loaded == [] and "usage: pruneedu" in printed


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"pruneedu {pruneedu.__version__}"


@pytest.fixture
def work(tmp_path):
    """Folders the commands below read: a clean class (ada, all right), a class with one
    rejected file, no code exercises (so no sandbox runs here), a filled folder."""
    clean, rejected = tmp_path / "clean", tmp_path / "rejected"
    clean.mkdir()
    shutil.copy(CLASS / "submissions" / "ada.demo-quiz.responses.json", clean)
    shutil.copytree(clean, rejected)
    (rejected / "notes.txt").write_text("not a submission")
    (tmp_path / "no-exercises").mkdir()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep")
    (tmp_path / "existing.yaml").write_text("mine")
    return tmp_path


MATERIAL = ["--quizzes", str(CLASS / "quizzes"), "--exercises", "{tmp}/no-exercises"]
CASES = {
    "lesson": [(0, ["01-introduction"]), (2, ["no-such-lesson"])],
    "validate": [(0, [str(QUIZ_COURSE / "quizzes")]), (1, [str(FIXTURES / "quiz" / "broken")]),
                 (2, ["{tmp}/nowhere"])],
    "import": [(0, ["jupyterquiz", str(FIXTURES / "flashcards" / "jupyterquiz.json"),
                    "--out", "{tmp}/q/04-extra.yaml", "--lesson", "03-challenges"]),
               (1, ["jupyterquiz", str(FIXTURES / "flashcards" / "jupyterquiz.json"),
                    "--out", "{tmp}/q/Not An Id.yaml", "--lesson", "03-challenges"]),
               (2, ["jupyterquiz", str(FIXTURES / "flashcards" / "jupyterquiz.json"),
                    "--out", "{tmp}/existing.yaml", "--lesson", "03-challenges"])],
    "release": [(0, ["{tmp}/handout", *MATERIAL]), (2, ["{tmp}/full", *MATERIAL])],
    **{name: [(0, ["{tmp}/clean", "--out", f"{{tmp}}/{name}-clean", *MATERIAL]),
              (1, ["{tmp}/rejected", "--out", f"{{tmp}}/{name}-rejected", *MATERIAL]),
              (2, ["{tmp}/nowhere", "--out", f"{{tmp}}/{name}-nowhere", *MATERIAL])]
       for name in ("grade", "feedback", "stats")},
}


@pytest.mark.parametrize(("command", "status", "args"),
                         [(c, s, a) for c, cases in CASES.items() for s, a in cases],
                         ids=[f"{c}-{s}" for c, cases in CASES.items() for s, _ in cases])
def test_each_command_follows_the_exit_status_rule(capsys, work, command, status, args):
    argv = [command, *(a.replace("{tmp}", str(work)) for a in args)]
    try:
        code = cli.main(argv)
    except SystemExit as exit_info:  # argparse's own usage errors
        code = exit_info.code
    out = capsys.readouterr()
    assert code == status, out
    assert "Traceback" not in out.out + out.err
    if status == 2:
        assert out.err.strip(), "a usage error says why on stderr"
    if status == 1:
        assert out.out.strip() or out.err.strip(), "problems are listed"


@pytest.mark.parametrize("command", ["grade", "feedback", "stats"])
def test_an_out_that_cannot_be_written_exits_2_not_1(work, capsys, command):
    # Exit status 1 means "something was rejected"; an OSError traceback once gave 1 here.
    out = work / "existing.yaml" / "out"  # inside a file: no folder can be made there
    code = cli.main([command, str(work / "clean"), "--out", str(out),
                     *(a.replace("{tmp}", str(work)) for a in MATERIAL)])
    assert code == 2 and "cannot write" in capsys.readouterr().err


def test_release_exits_1_when_key_text_would_leak(work, capsys):
    # The 1 of `release` (a leak) needs a bank whose explanation sits in its own prompt.
    quizzes = work / "leaky"
    shutil.copytree(CLASS / "quizzes", quizzes)
    bank = quizzes / "demo-quiz.yaml"
    old = 'prompt: "Which weights does magnitude pruning remove first?"'
    new = 'prompt: "Magnitude pruning ranks weights by absolute value and drops the smallest."'
    assert old in bank.read_text()
    bank.write_text(bank.read_text().replace(old, new))
    code = cli.main(["release", str(work / "out"), "--quizzes", str(quizzes),
                     "--exercises", str(work / "no-exercises")])
    assert code == 1 and "KEY TEXT FOUND" in capsys.readouterr().err
