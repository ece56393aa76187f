"""The `pruneedu` command dispatches to subcommand modules without importing torch."""

import subprocess
import sys

import pytest

import pruneedu
from pruneedu import cli


def test_no_command_prints_help_and_fails(capsys):
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    for name in cli.SUBCOMMANDS:
        assert name in out


def test_every_subcommand_module_is_installed():
    import importlib

    for module_name, _ in cli.SUBCOMMANDS.values():
        module = importlib.import_module(module_name)
        assert callable(module.add_arguments) and callable(module.run)


def test_cli_does_not_import_torch():
    # Quiz and grading commands must start instantly on a learner's or instructor's laptop.
    code = "import sys; from pruneedu import cli; cli.build_parser(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"pruneedu {pruneedu.__version__}"
