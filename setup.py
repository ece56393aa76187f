"""Build step that makes the wheel a whole course, not only the library.

The course material lives at the top of the repository (DESIGN.md's layout: ``lessons/``,
``quizzes/``, ``exercises/``, ``notebooks/`` and, once it exists, ``audio/``). When a wheel
is built (``pip install .``, ``pip wheel .``, ``python -m build``), this copies those folders
into the package as ``pruneedu/course/``, where ``pruneedu.paths.course_root()`` finds them,
together with the build files (``BUILD_FILES``), so that ``pruneedu release`` run from an
installed wheel writes a student course that builds the same way.
An editable install (``pip install -e .``, what ``make`` does) copies nothing: there
``course_root()`` is the checkout itself. Everything else is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Keep in step with pruneedu.paths.COURSE_FOLDERS (tests/test_packaging.py checks both).
COURSE_FOLDERS = ("lessons", "quizzes", "exercises", "notebooks", "audio")
# Keep in step with pruneedu.grading.student_package.BUILD_FILES (tests/test_release_install.py).
BUILD_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".*")


class BuildPyWithCourse(build_py):
    """``build_py`` that also copies the course folders present into ``pruneedu/course/``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "pruneedu" / "course"
        for name in COURSE_FOLDERS:
            if (ROOT / name).is_dir():  # audio/ is optional
                shutil.copytree(ROOT / name, target / name, ignore=SKIPPED, dirs_exist_ok=True)
        for name in BUILD_FILES:
            shutil.copyfile(ROOT / name, target / name)


setup(cmdclass={"build_py": BuildPyWithCourse})
