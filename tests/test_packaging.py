"""A real package: the wheel carries the whole course, and the command works from it.

One wheel is built from a copy of the repository (so the checkout is never written to) and
installed into a fresh virtual environment, run from a folder far from the checkout. The
install uses ``--no-deps`` plus only the light dependencies the tested commands import: the
full set would download torch and JupyterLab (gigabytes) on every run. That shortcut could
hide a wheel whose declared dependencies are wrong, so a second test checks the wheel's
METADATA against pyproject.toml: a normal ``pip install`` of the wheel gets exactly the pins
the project declares (torch==2.13.0 among them).
"""

from __future__ import annotations

import ast
import email
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from pruneedu import paths

ROOT = Path(__file__).resolve().parents[1]
# Not needed by `lesson`, `validate` or `release`, and large: left out of the fresh venv.
HEAVY = {"torch", "jupyterlab", "ipywidgets", "matplotlib", "mlxtend"}
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "artifacts",
                                    "__pycache__", ".pytest_cache", ".ruff_cache", "tests")


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source") / "pruneedu"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-q", "-w", str(out), str(source)])
    [built] = out.glob("pruneedu-*.whl")
    return built


def requirement_name(requirement: str) -> str:
    return re.split(r"[ ;<>=!~\[]", requirement, maxsplit=1)[0].lower()


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


def test_the_wheel_carries_every_course_folder_and_the_weights(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for folder in paths.COURSE_FOLDERS:
        shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
                         if p.is_file() and "__pycache__" not in p.parts)
        assert all(f"pruneedu/course/{name}" in names for name in shipped), folder
    for required in ("lessons/01-introduction.md", "quizzes/glossary.yaml",
                     "notebooks/00-welcome.ipynb", "exercises/magnitude-mask/exercise.yaml"):
        assert f"pruneedu/course/{required}" in names
    assert {"pruneedu/weights/lenet-300-100.pt", "pruneedu/weights/lenet-5.pt"} <= names


def test_setup_py_copies_the_folders_paths_knows():
    tree = ast.parse((ROOT / "setup.py").read_text())
    [value] = [node.value for node in tree.body if isinstance(node, ast.Assign)
               and [t.id for t in node.targets] == ["COURSE_FOLDERS"]]
    assert ast.literal_eval(value) == paths.COURSE_FOLDERS


def test_the_wheel_declares_exactly_the_projects_dependencies(wheel):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = wheel_metadata(wheel).get_all("Requires-Dist")
    runtime = {re.sub(r"\s+", "", d) for d in declared if "extra ==" not in d}
    assert runtime == {re.sub(r"\s+", "", d) for d in project["dependencies"]}
    assert "torch==2.13.0" in runtime
    dev = {requirement_name(d) for d in declared if 'extra == "dev"' in d}
    assert dev == {requirement_name(d) for d in project["optional-dependencies"]["dev"]}
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("entry_points.txt")))
    assert b"pruneedu = pruneedu.cli:main" in entry_points


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    home = tmp_path_factory.mktemp("fresh")
    venv = home / "venv"
    # Without pip of its own (ensurepip alone takes seconds): this test's pip installs into it.
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
           "-q", "--disable-pip-version-check"]
    run([*pip, "--no-deps", str(wheel)])
    light = [d for d in wheel_metadata(wheel).get_all("Requires-Dist")
             if "extra ==" not in d and requirement_name(d) not in HEAVY]
    run([*pip, *light])
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PRUNEEDU_", "PYTHON", "VIRTUAL_ENV"))}
    env["PRUNEEDU_HOME"] = str(home / "learner-home")
    work = home / "work"  # far from the checkout: nothing can be read from it by accident
    work.mkdir()
    return venv, env, work


def test_the_installed_course_is_found_inside_the_package(installed):
    venv, env, work = installed
    done = run([str(venv / "bin" / "python"), "-c",
                "from pruneedu import paths; print(paths.course_root())"], env=env, cwd=work)
    root = Path(done.stdout.strip())
    assert root.is_relative_to(venv) and root.name == "course"
    assert str(ROOT) not in done.stdout


def test_lesson_and_validate_work_from_the_wheel_and_release_fails_closed(installed):
    venv, env, work = installed
    pruneedu = str(venv / "bin" / "pruneedu")
    lesson = run([pruneedu, "lesson", "01-introduction", "--depth", "detailed"], env=env,
                 cwd=work)
    assert "Lesson 1" in lesson.stdout and len(lesson.stdout) > 1000
    validate = run([pruneedu, "validate"], env=env, cwd=work)
    assert validate.stdout.rstrip().endswith(": OK")
    # Release runs each stub on the hidden tests, which needs torch: without it, it refuses
    # rather than skip the check (tests/test_release_install.py releases from a full wheel).
    release = subprocess.run([pruneedu, "release", "handout"], env=env, cwd=work,
                             capture_output=True, text=True, timeout=600)
    assert release.returncode == 2 and "torch" in release.stderr, release.stderr
    assert not (work / "handout").exists()
    # ...and lesson and validate ran without torch, which this venv does not have.
    no_torch = run([str(venv / "bin" / "python"), "-c",
                    "import importlib.util; print(importlib.util.find_spec('torch') is None)"],
                   env=env, cwd=work)
    assert no_torch.stdout.strip() == "True"
