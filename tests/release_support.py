"""A small course to release in tests: the real lessons, notebooks, glossary and build files,
the grader fixtures' ``demo-quiz`` as its graded bank, ``demo-practice`` as its practice bank
and the quick numpy exercise ``zero-fraction`` (its stub check needs no torch)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from pruneedu.cli import main
from pruneedu.grading.student_package import BUILD_FILES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def make_course(folder: Path) -> Path:
    """Write the small course into ``folder`` and return it (the course root)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in BUILD_FILES:
        shutil.copyfile(ROOT / name, folder / name)
    for name in ("lessons", "notebooks"):
        shutil.copytree(ROOT / name, folder / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (folder / "quizzes" / "practice").mkdir(parents=True)
    shutil.copyfile(ROOT / "quizzes" / "glossary.yaml", folder / "quizzes" / "glossary.yaml")
    shutil.copyfile(FIXTURES / "class" / "quizzes" / "demo-quiz.yaml",
                    folder / "quizzes" / "demo-quiz.yaml")
    shutil.copyfile(FIXTURES / "release" / "demo-practice.yaml",
                    folder / "quizzes" / "practice" / "demo-practice.yaml")
    shutil.copytree(FIXTURES / "class" / "exercises", folder / "exercises",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a hash of its bytes, to prove nothing changed."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# Fixtures: a test module imports them by name (and lists them in __all__).
@pytest.fixture
def course(tmp_path, monkeypatch):
    """The small course in ``tmp_path/course``, the course root for ``pruneedu release``."""
    root = make_course(tmp_path / "course")
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(root))
    return root


@pytest.fixture
def released(course, tmp_path):
    """A clean release of ``course`` in ``tmp_path/handout`` (a refused release must then leave
    it byte for byte)."""
    out = tmp_path / "handout"
    assert main(["release", str(out)]) == 0
    return out
