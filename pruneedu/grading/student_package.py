"""The released course: what ``pruneedu release`` puts in front of learners, and in which form.

The released folder is laid out like a checkout of this repository, so ``pip install OUT``
builds it with the same ``setup.py`` (which copies the course folders into the wheel as
``pruneedu/course/``, where :func:`pruneedu.paths.course_root` finds them) and JupyterLab
opened in it finds the notebooks where a checkout has them::

    README.md                   for learners: install, start, save, hand in (rendered below)
    pyproject.toml setup.py MANIFEST.in   the course's own build configuration, unchanged
    pruneedu/                   the library, grader included (it holds no secrets), without
                                the ``course/`` folder an installed wheel carries
    lessons/ notebooks/ audio/  as in the course (notebooks keep only checked outputs)
    quizzes/glossary.yaml       the glossary
    quizzes/practice/<id>.yaml  practice banks, WITH answers and explanations
    quizzes/<id>.yaml           graded banks without keys, matching terms shuffled
    exercises/<id>/             only ``exercise.yaml``, ``stub.py``, ``public_tests.py`` and
                                the files ``exercise.yaml`` lists under ``public_files``
    release-manifest.json       every released file and its SHA-256

Everything here is an allow-list: a file the course gains later (a new instructor file in an
exercise folder, notes in ``quizzes/``) is not released until this module names it.

Example:
    >>> sorted(released_exercise_files(load_material().exercises["magnitude-mask"]))
    ['exercise.yaml', 'public_tests.py', 'stub.py']
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

import pruneedu
from pruneedu import paths, quiz
from pruneedu.exercises import Exercise
from pruneedu.grading.material import Material, load_material  # noqa: F401 (examples)
from pruneedu.yamlfile import CourseFileError, read_yaml

# Keep in step with setup.py's BUILD_FILES (tests/test_release_package.py checks both).
BUILD_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in")
COPIED_FOLDERS = ("lessons", "notebooks", "audio")
GLOSSARY = "glossary.yaml"
PRACTICE_FOLDER = "practice"
RELEASED_EXERCISE_FILES = ("exercise.yaml", "stub.py", "public_tests.py")
MANIFEST_NAME = "release-manifest.json"
CHECKED_CELL = "# NBVAL_CHECK_OUTPUT"
GITIGNORE = "build/\n*.egg-info/\n.venv/\n.ipynb_checkpoints/\n__pycache__/\n"
README_TEMPLATE = Path(__file__).with_name("student_readme.md")


def _skipped(path: Path) -> bool:
    """Caches, editor and VCS files: never course material."""
    return (any(part.startswith(".") or part == "__pycache__" for part in path.parts)
            or path.suffix in (".pyc", ".pyo"))


def _files_under(folder: Path) -> list[Path]:
    """Every file under ``folder`` (relative paths, sorted) that is not a cache or dotfile."""
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and not _skipped(p.relative_to(folder)))


@dataclass(frozen=True)
class CourseSource:
    """What a release reads: the course root, the instructor's material, the library."""

    root: Path
    material: Material
    package: Path = Path(pruneedu.__file__).resolve().parent
    secret: str | None = None  # the instructor's --secret-file text: searched for, never shipped

    @property
    def practice_dir(self) -> Path:
        return self.material.quizzes_dir / PRACTICE_FOLDER

    def source_folders(self) -> list[Path]:
        """Folders a release must never write into, over or around: every course folder,
        the banks and exercises it reads, and the library itself."""
        folders = [self.root / name for name in paths.COURSE_FOLDERS]
        folders += [self.material.quizzes_dir, self.material.exercises_dir, self.package]
        return [folder.resolve() for folder in folders if folder.exists()]


@dataclass
class StagedRelease:
    """A release written to a staging folder: files (relative POSIX paths) and what it holds."""

    folder: Path
    files: list[str] = field(default_factory=list)
    practice_banks: dict[str, quiz.Bank] = field(default_factory=dict)
    not_released: list[str] = field(default_factory=list)

    def write(self, relative: str, data: bytes | str) -> None:
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)
        self.files.append(relative)

    def copy(self, source: Path, relative: str) -> None:
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        self.files.append(relative)


def yaml_text(data: object) -> str:
    # Dumped from the parsed data, so an author's YAML comments never reach learners.
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9)


def practice_banks(folder: Path) -> dict[str, tuple[Path, quiz.Bank]]:
    """The full practice banks in ``folder`` (``quizzes/practice/``), by id.

    Raises CourseFileError when one breaks the format or lacks its answers (practice needs
    them)."""
    banks: dict[str, tuple[Path, quiz.Bank]] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        bank = quiz.load_bank(path)
        if not bank.has_key:
            raise CourseFileError(f"{path} is a practice bank without answers; practice banks "
                                  "ship with their keys, so add them.")
        banks[bank.id] = (path, bank)
    return banks


def _matching_secret(bank: quiz.Bank) -> bytes:
    """Seed material learners cannot know: the bank's keys and explanations. The shuffle is
    reproducible for the instructor, but the library that ships cannot be used to undo it."""
    hidden = [[q.id, q.answer, q.explanation, [c.feedback for c in q.choices]]
              for q in bank.questions]
    return json.dumps([bank.id, hidden], sort_keys=True, default=str).encode("utf-8")


def pairs_aligned(terms: list[str], definitions: list[str], pairs: dict[str, str]) -> bool:
    """Whether the pairing reads straight off the order: the i-th term goes with the i-th
    definition, or with the i-th from the end.

    Example:
        >>> pairs_aligned(["a", "b", "c"], ["1", "2", "3"], {"a": "1", "b": "2", "c": "3"})
        True
    """
    ordered = [pairs[term] for term in terms]
    return ordered == list(definitions) or ordered == list(reversed(definitions))


def shuffled_terms(bank: quiz.Bank, question: quiz.Question) -> list[str]:
    """The released order of a matching question's terms: a keyed shuffle that never lines
    the terms up with the (sorted) definitions when there are three or more.

    With two terms every order lines up one way or the other, so a fixed rule would give the
    pairing away; a keyed coin flip gives nothing away.
    """
    pairs: dict[str, str] = question.answer["pairs"]  # type: ignore[index]
    definitions = sorted(pairs.values())
    secret = hashlib.sha256(_matching_secret(bank) + question.id.encode("utf-8")).digest()
    for attempt in range(100):
        terms = list(question.terms)
        random.Random(secret + attempt.to_bytes(2, "big")).shuffle(terms)
        if len(terms) < 3 or not pairs_aligned(terms, definitions, pairs):
            return terms
    raise CourseFileError(f"{bank.id}/{question.id}: no order of its terms hides the pairing; "
                          "give it distinct definitions.")


def released_bank(bank: quiz.Bank, variant_seed: str | None = None) -> dict:
    """The learner copy of a graded bank (:func:`quiz.release_bank`) with matching terms
    shuffled. The content hash ignores term order, so responses still match the key.

    Example:
        >>> bank = load_material().banks["01-introduction"]
        >>> copy = released_bank(bank)
        >>> quiz.content_hash(quiz.bank_from_dict(copy)) == quiz.content_hash(bank)
        True
    """
    data = quiz.release_bank(bank, variant_seed)
    for shown, question in zip(data["questions"], bank.questions, strict=True):
        if question.type == "matching":
            shown["terms"] = shuffled_terms(bank, question)
    return data


def declared_public_files(exercise: Exercise) -> list[str]:
    """Extra files ``exercise.yaml`` releases (``public_files: [data/example.npy, ...]``).

    Raises CourseFileError for a path that leaves the exercise folder or names a file that is
    never released (the solution, hidden tests)."""
    spec = read_yaml(exercise.folder / "exercise.yaml")
    declared = spec.get("public_files", []) if isinstance(spec, dict) else []
    if not isinstance(declared, list) or not all(isinstance(p, str) for p in declared):
        raise CourseFileError(f"{exercise.folder / 'exercise.yaml'}: public_files must be a "
                              "list of file names inside the exercise folder.")
    names = []
    for name in declared:
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not name.strip():
            raise CourseFileError(f"{exercise.id}: public file {name!r} must be a path inside "
                                  "the exercise folder.")
        if relative.name in ("solution.py", "hidden_tests.py"):
            raise CourseFileError(f"{exercise.id}: {name} is instructor-only and cannot be "
                                  "declared public; remove it from public_files.")
        if not (exercise.folder / relative).is_file():
            raise CourseFileError(f"{exercise.id}: public file {name!r} does not exist; add it "
                                  "or remove it from public_files.")
        names.append(relative.as_posix())
    return names


def released_exercise_files(exercise: Exercise) -> list[str]:
    """The files of an exercise folder that learners get (relative POSIX paths)."""
    return sorted(set(RELEASED_EXERCISE_FILES) | set(declared_public_files(exercise)))


def _learner_notebook(path: Path) -> bytes:
    """The notebook without outputs, except the reference prints of checked cells (the
    repository's own rule), so an instructor's run never ships."""
    raw = path.read_bytes()
    notebook = json.loads(raw)
    changed = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        # Checked cells keep their outputs and count: nbval compares against them.
        if CHECKED_CELL in "".join(cell.get("source", [])):
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            cell["outputs"], cell["execution_count"] = [], None
            changed = True
    if not changed:
        return raw
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _notebook_title(path: Path) -> str:
    for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") == "markdown":
            first = "".join(cell.get("source", [])).strip().splitlines()
            if first and first[0].startswith("#"):
                return first[0].lstrip("#").strip()
    return path.stem


def _readme(source: CourseSource, staged: StagedRelease) -> str:
    notebooks = sorted((source.root / "notebooks").glob("*.ipynb"))
    rows = "\n".join(f"| `notebooks/{p.name}` | {_notebook_title(p)} |" for p in notebooks)
    graded = "\n".join(
        f"| `{bank.id}` | {bank.title.replace('|', '/')} | {bank.max_score:g} |"
        for bank in source.material.banks.values()) or "| (none yet) | | |"
    exercises = "\n".join(
        f"| `{e.id}` | {e.title.replace('|', '/')} | `{e.function}` | {e.points:g} |"
        for e in source.material.exercises.values()) or "| (none yet) | | | |"
    example = next(iter(source.material.banks), "01-introduction")
    lessons = sorted((source.root / "lessons").glob("*.md"))
    lesson = lessons[0].stem if lessons else "01-introduction"
    fields = {"notebooks": rows, "graded": graded, "exercises": exercises,
              "example_quiz": example, "example_lesson": lesson, "version": pruneedu.__version__}
    text = README_TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace("{" + name + "}", value)
    return text


def stage_course(source: CourseSource, folder: Path) -> StagedRelease:
    """Write the whole released course into ``folder`` (a fresh staging folder).

    Raises CourseFileError (a ValueError) when the course lacks a part a release needs.
    """
    staged = StagedRelease(folder)
    for name in BUILD_FILES:
        if not (source.root / name).is_file():
            raise CourseFileError(f"the course at {source.root} has no {name}, which the "
                                  "released course needs to install; release from a checkout "
                                  "or from a wheel built by this version.")
        staged.copy(source.root / name, name)
    for relative in _files_under(source.package):
        if relative.parts[0] != "course":  # an installed wheel's full course, keys included
            staged.copy(source.package / relative, f"pruneedu/{relative.as_posix()}")
    for name in COPIED_FOLDERS:
        for relative in _files_under(source.root / name):
            target = f"{name}/{relative.as_posix()}"
            if relative.suffix == ".ipynb":
                staged.write(target, _learner_notebook(source.root / name / relative))
            else:
                staged.copy(source.root / name / relative, target)
    _stage_quizzes(source, staged)
    _stage_exercises(source, staged)
    staged.write("README.md", _readme(source, staged))
    staged.write(".gitignore", GITIGNORE)
    return staged


def _stage_quizzes(source: CourseSource, staged: StagedRelease) -> None:
    quizzes = source.material.quizzes_dir
    released = {GLOSSARY}
    if (quizzes / GLOSSARY).is_file():
        staged.write(f"quizzes/{GLOSSARY}", yaml_text(read_yaml(quizzes / GLOSSARY)))
    for bank_id, (path, bank) in practice_banks(source.practice_dir).items():
        staged.practice_banks[bank_id] = bank
        staged.write(f"quizzes/{PRACTICE_FOLDER}/{bank_id}.yaml", yaml_text(read_yaml(path)))
        released.add(f"{PRACTICE_FOLDER}/{path.name}")
    for bank in source.material.banks.values():
        staged.write(f"quizzes/{bank.id}.yaml",
                     yaml_text(released_bank(bank, source.material.variant_seed)))
        released.add(f"{bank.id}.yaml")
    for relative in _files_under(quizzes):
        name = relative.as_posix()
        if name not in released and not (relative.suffix == ".yaml" and len(relative.parts) == 1):
            staged.not_released.append(f"quizzes/{name}")


def _stage_exercises(source: CourseSource, staged: StagedRelease) -> None:
    for exercise in source.material.exercises.values():
        files = released_exercise_files(exercise)
        for name in files:
            target = f"exercises/{exercise.id}/{name}"
            if name == "exercise.yaml":
                staged.write(target, yaml_text(read_yaml(exercise.folder / name)))
            else:
                staged.copy(exercise.folder / name, target)
        staged.not_released += [f"exercises/{exercise.id}/{p.as_posix()}"
                                for p in _files_under(exercise.folder)
                                if p.as_posix() not in files]


def sha256_of(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(source: CourseSource, staged: StagedRelease) -> dict:
    """What was released, for the next ``release --force`` and ``release --solutions``."""
    return {
        "format_version": 1,
        "course_id": pruneedu.COURSE_ID,
        "pruneedu_version": pruneedu.__version__,
        "graded_banks": sorted(source.material.banks),
        "practice_banks": sorted(staged.practice_banks),
        "exercises": sorted(source.material.exercises),
        "files": {name: sha256_of(staged.folder / name) for name in sorted(staged.files)},
    }
