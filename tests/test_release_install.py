"""The released course installs and runs on its own, as a class would use it.

The instructor installs the course package (built from a copy of this checkout) into a fresh
virtual environment and runs ``pruneedu release`` there; a learner's fresh virtual environment
then gets ``pip install OUT``, and every released notebook runs top to bottom under nbval
(checked outputs must match). Both run from temporary folders with ``PRUNEEDU_COURSE_ROOT``
unset, so nothing can come from the checkout; a probe notebook run beside the course notebooks
proves that their kernel imports the installed package and reads the installed course.

Why the fresh environments see this environment's packages: installing torch, JupyterLab and
the rest into a new environment downloads gigabytes and takes minutes on every run. Each fresh
environment instead gets a ``.pth`` file naming this environment's site-packages. Python
appends that folder to ``sys.path`` after the fresh environment's own site-packages and does
not read the ``.pth`` files inside it, so the editable install of the checkout's ``pruneedu``
(a finder that a ``.pth`` file there turns on) stays off: the only ``pruneedu`` importable is
the one pip installed. Each step checks that (``pruneedu.__file__`` inside the fresh
environment) rather than assuming it. Whether the wheel declares the right dependencies for a
real install is checked from its metadata in tests/test_packaging.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "artifacts",
                                    "__pycache__", ".pytest_cache", ".ruff_cache", "tests",
                                    ".ipynb_checkpoints")
PROBE = """\
import os, sys
import pruneedu
from pruneedu import paths
venv = os.environ["RELEASE_TEST_VENV"]
assert pruneedu.__file__.startswith(venv + os.sep), pruneedu.__file__
assert str(paths.course_root()).startswith(venv + os.sep), paths.course_root()
assert sys.prefix == venv, sys.prefix
assert "PRUNEEDU_COURSE_ROOT" not in os.environ
assert os.environ["RELEASE_TEST_CHECKOUT"] not in sys.path
print("the kernel runs the installed course")
"""


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def fresh_venv(folder: Path) -> Path:
    """A new virtual environment whose only pruneedu will be the one installed into it."""
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)])
    python = folder / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    Path(site.stdout.strip(), "dev-environment.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n")
    return python


def pip_install(python: Path, what: Path, env: dict, cwd: Path) -> None:
    """``pip install WHAT`` into the environment of ``python`` (dependencies are already there)."""
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-build-isolation", "--no-index", "--disable-pip-version-check", str(what)],
        env=env, cwd=cwd)


def package_location(python: Path, env: dict, cwd: Path) -> dict:
    done = run([str(python), "-c", "import json, pruneedu; from pruneedu import paths; "
                "print(json.dumps({'package': pruneedu.__file__, "
                "'course': str(paths.course_root())}))"], env=env, cwd=cwd)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """The instructor's environment, the released course and a learner's environment."""
    home = tmp_path_factory.mktemp("classroom")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PRUNEEDU_", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(PRUNEEDU_HOME=str(home / "learner-home"), MPLBACKEND="Agg",
               JUPYTER_DATA_DIR=str(home / "jupyter-data"),
               JUPYTER_CONFIG_DIR=str(home / "jupyter-config"), IPYTHONDIR=str(home / "ipython"))
    work = home / "work"  # far from the checkout: nothing can be read from it by accident
    work.mkdir()
    source = home / "instructor-source"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    instructor = fresh_venv(home / "instructor-venv")
    pip_install(instructor, source, env, work)
    shutil.rmtree(source)
    out = home / "course-release"
    release = run([str(instructor.parent / "pruneedu"), "release", str(out)], env=env, cwd=work)
    learner = fresh_venv(home / "learner-venv")
    pip_install(learner, out, env, work)
    return {"env": env, "work": work, "out": out, "instructor": instructor,
            "learner": learner, "release": release}


def test_release_runs_from_the_instructors_installed_package(classroom):
    where = package_location(classroom["instructor"], classroom["env"], classroom["work"])
    venv = str(classroom["instructor"].parents[1])
    assert where["package"].startswith(venv) and where["course"].startswith(venv)
    assert "no key text found" in classroom["release"].stdout


def test_the_learners_install_holds_the_released_course_and_no_keys(classroom):
    where = package_location(classroom["learner"], classroom["env"], classroom["work"])
    venv = classroom["learner"].parents[1]
    assert where["package"].startswith(str(venv))
    course = Path(where["course"])
    assert course.is_relative_to(venv)
    installed = sorted(p.relative_to(course).as_posix() for p in course.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts)  # pip compiles .py
    released = sorted(p.relative_to(classroom["out"]).as_posix()
                      for folder in ("lessons", "quizzes", "exercises", "notebooks", "audio")
                      for p in (classroom["out"] / folder).rglob("*") if p.is_file())
    assert [name for name in installed if name not in ("pyproject.toml", "setup.py",
                                                       "MANIFEST.in")] == released
    assert not [name for name in installed
                if name.endswith(("solution.py", "hidden_tests.py")) or "/wrong/" in name]


def test_every_released_notebook_runs_from_the_learners_install(classroom):
    env = dict(classroom["env"], RELEASE_TEST_VENV=str(classroom["learner"].parents[1]),
               RELEASE_TEST_CHECKOUT=str(ROOT))
    notebooks = classroom["out"] / "notebooks"
    course_notebooks = sorted(notebooks.glob("*.ipynb"))
    assert len(course_notebooks) >= 6
    probe = notebooks / "zz-probe.ipynb"
    probe.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": PROBE}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}))
    done = subprocess.run(
        [str(classroom["learner"]), "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--nbval-lax", "--nbval-current-env", *map(str, course_notebooks), str(probe)],
        capture_output=True, text=True, timeout=900, env=env, cwd=classroom["work"])
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
