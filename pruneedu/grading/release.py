"""``pruneedu release OUT``: the released course, complete and installable, without keys.

Writes into ``OUT`` everything learners need (the layout is in
:mod:`pruneedu.grading.student_package`): notebooks, lessons, glossary, practice banks with
their answers, graded banks without keys, exercise stubs and public tests, a README for
learners, the ``pruneedu`` package and its build configuration, so ``pip install OUT`` gives a
working course that needs none of the instructor's files.

Stage, check, then write: the course is first written to a staging folder beside ``OUT`` and
checked (:mod:`pruneedu.grading.leakcheck` searches every released file for key text and
checks each graded bank's structure and answer order; :mod:`pruneedu.grading.stubcheck` runs
each stub on the hidden tests, which it must fail). If anything is found, the findings are
listed, the staging folder is removed and ``OUT`` is left as it was.

``OUT`` must lie outside the course: a folder that is, contains or lies inside a course
folder, the quiz or exercise folders read, or the library is refused, ``--force`` or not. A
non-empty ``OUT`` needs ``--force``, which replaces the released files, removes the files the
previous release wrote that this one does not, and keeps everything else (your notes, a
``.git`` folder, ``solutions/``). ``--solutions`` is described in
:mod:`pruneedu.grading.solutions`.

Exit status: 0 released; 1 key text or a key pattern found (nothing written); 2 a usage or
set-up error.

Example:
    $ pruneedu release ../course-release/
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from pruneedu import paths
from pruneedu.grading.command import add_material_arguments, material_from_args, read_secret
from pruneedu.grading.leakcheck import (
    Leak,
    exercise_leaks,
    find_leaks,
    key_texts,
    practice_repeat_leaks,
    released_bank_leaks,
    searchable_text,
)
from pruneedu.grading.solutions import stage_solutions
from pruneedu.grading.stubcheck import StubCheckError, hidden_tests_passed_by_stubs
from pruneedu.grading.student_package import (
    MANIFEST_NAME,
    CourseSource,
    StagedRelease,
    manifest,
    sha256_of,
    stage_course,
)

SECRET = "the instructor's secret (--secret-file)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT",
                        help="folder for the released course (outside the course's folders)")
    add_material_arguments(parser)
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty OUT: replaces the released files, removes "
                             "files of the previous release this one lacks, keeps the rest")
    parser.add_argument("--solutions", action="store_true",
                        help="after the deadline: add solutions/ (graded banks with answers and "
                             "explanations, reference solutions) to the release in OUT")
    parser.add_argument("--only", action="append", metavar="ID",
                        help="with --solutions: only this graded quiz or exercise (repeatable)")


def overlapping_folder(out: Path, folders: list[Path]) -> Path | None:
    """The first of ``folders`` that ``out`` is, lies inside or contains (links resolved).

    Example:
        >>> overlapping_folder(Path("/course/quizzes/handout"), [Path("/course/quizzes")])
        PosixPath('/course/quizzes')
        >>> overlapping_folder(Path("/tmp/handout"), [Path("/course/quizzes")]) is None
        True
    """
    target = out.resolve()
    for folder in folders:
        folder = folder.resolve()
        if target == folder or target.is_relative_to(folder) or folder.is_relative_to(target):
            return folder
    return None


def check_release(source: CourseSource, staged: StagedRelease) -> list[Leak]:
    """Every leak in a staged release: key text in any file, key fields and key patterns in
    graded banks, graded questions in practice banks, stubs that pass hidden tests.

    Raises StubCheckError when a stub cannot be run here.
    """
    material = source.material
    texts = {}
    for name in staged.files:
        text = searchable_text(staged.folder / name)
        if text is not None:
            texts[name] = text
    keys = key_texts(material)
    if source.secret:
        keys[source.secret] = SECRET
    leaks = find_leaks(texts, keys) + exercise_leaks(texts, material)
    leaks = [Leak(leak.file, leak.what, "(not shown)") if leak.what == SECRET else leak
             for leak in leaks]
    for bank in material.banks.values():
        name = f"quizzes/{bank.id}.yaml"
        leaks += released_bank_leaks(name, (staged.folder / name).read_text("utf-8"), material)
    for bank_id, bank in staged.practice_banks.items():
        leaks += practice_repeat_leaks(f"quizzes/practice/{bank_id}.yaml", bank, material)
    passed = hidden_tests_passed_by_stubs(list(material.exercises.values()))
    leaks += [Leak(f"exercises/{exercise_id}/stub.py", "the stub passes a hidden test", name)
              for exercise_id, names in passed.items() for name in names]
    return sorted(set(leaks))


def _read_manifest(out: Path) -> dict | None:
    try:
        return json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _move_in(staged: StagedRelease, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in staged.files:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.folder / name, out / name)


def _remove_stale(out: Path, old: dict | None, kept: set[str]) -> None:
    """Remove the files the previous release wrote that this one does not (and the folders
    that leaves empty); nothing else in ``out`` is touched."""
    for name in sorted(set((old or {}).get("files", {})) - kept):
        path = out / name
        if ".." in Path(name).parts or not path.is_file():
            continue  # the manifest is a file in OUT: never follow it outside
        path.unlink()
        for parent in path.parents:
            if parent == out or any(parent.iterdir()):
                break
            parent.rmdir()


def _write_manifest(out: Path, data: dict) -> None:
    (out / MANIFEST_NAME).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n",
                                     encoding="utf-8")


def _expected_instructor_file(name: str) -> bool:
    path = Path(name)
    return (path.name in ("solution.py", "hidden_tests.py") or path.name.startswith("wrong")
            or any(part.startswith("wrong") for part in path.parts[2:-1]))


def _count(items: list, noun: str) -> str:
    plural = noun + ("zes" if noun.endswith("quiz") else "s")
    return f"{len(items)} {noun if len(items) == 1 else plural}"


def _print_leaks(out: Path, leaks: list[Leak]) -> None:
    print(f"pruneedu release: KEY TEXT FOUND in the released course; nothing was written to "
          f"{out}:", file=sys.stderr)
    for leak in leaks:
        print(f"  {leak.file}: {leak.what}: {leak.text[:120]!r}", file=sys.stderr)


def _release_course(source: CourseSource, out: Path, staging: Path) -> int:
    staged = stage_course(source, staging)
    leaks = check_release(source, staged)
    if leaks:
        _print_leaks(out, leaks)
        return 1
    old = _read_manifest(out)
    data = manifest(source, staged)
    data["solutions"] = (old or {}).get("solutions", {})
    _move_in(staged, out)
    _remove_stale(out, old, set(staged.files))
    _write_manifest(out, data)
    unlisted = [name for name in staged.not_released if not _expected_instructor_file(name)]
    print(f"Kept back {len(staged.not_released)} instructor files (solutions, hidden tests, "
          f"wrong variants{' and the files below, which no rule names' if unlisted else ''}).")
    for name in unlisted:
        print(f"  kept back: {name}")
    print(f"Released the course to {out}: {_count(data['graded_banks'], 'graded quiz')} "
          f"without keys, {_count(data['practice_banks'], 'practice quiz')}, "
          f"{_count(data['exercises'], 'exercise')}; checked {len(staged.files)} files: no key "
          f"text found. Learners install it with `pip install {out}`.")
    return 0


def _release_solutions(source: CourseSource, out: Path, staging: Path,
                       only: list[str] | None) -> int:
    old = _read_manifest(out)
    if old is None:
        print(f"pruneedu release: {out} holds no released course ({MANIFEST_NAME} is missing); "
              f"run `pruneedu release {out}` first, then add --solutions.", file=sys.stderr)
        return 2
    staged = stage_solutions(source.material, staging, only, list(old.get("solutions", {})))
    _move_in(staged, out)
    old["solutions"] = {**old.get("solutions", {}),
                        **{name: sha256_of(out / name) for name in staged.files}}
    _write_manifest(out, old)
    added = [name for name in staged.files if not name.endswith("README.md")]
    print(f"Added {_count(added, 'solution file')} to {out / 'solutions'}.")
    return 0


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if args.only and not args.solutions:
        print("pruneedu release: --only goes with --solutions.", file=sys.stderr)
        return 2
    try:
        source = CourseSource(paths.course_root().resolve(), material_from_args(args),
                              secret=read_secret(args.secret_file))
    except ValueError as error:
        print(f"pruneedu release: {error}", file=sys.stderr)
        return 2
    clash = overlapping_folder(out, source.source_folders())
    if clash is not None:
        print(f"pruneedu release: {out} overlaps the course's own folder {clash}; release to a "
              "folder outside the course (--force does not change this).", file=sys.stderr)
        return 2
    if out.exists() and not out.is_dir():
        print(f"pruneedu release: {out} is a file; give a folder.", file=sys.stderr)
        return 2
    if (not args.solutions and out.is_dir() and any(out.iterdir()) and not args.force):
        print(f"pruneedu release: {out} is not empty; choose an empty folder or add --force.",
              file=sys.stderr)
        return 2
    try:
        # OUT itself is only created once the release passed its checks.
        out.resolve().parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=out.resolve().parent,
                                        prefix=f".{out.resolve().name}.staging-"))
    except OSError as error:
        print(f"pruneedu release: cannot write to {out} ({error.strerror or error}); choose a "
              "folder you can write to.", file=sys.stderr)
        return 2
    try:
        if args.solutions:
            return _release_solutions(source, out, staging, args.only)
        return _release_course(source, out, staging)
    except (ValueError, StubCheckError) as error:
        print(f"pruneedu release: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(staging, ignore_errors=True)
