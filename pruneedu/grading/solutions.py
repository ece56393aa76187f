"""``pruneedu release OUT --solutions``: after the deadline, add the answers to a release.

Solutions are an update to an existing released course, not a separate handout: they go into
``OUT/solutions/`` beside the course, so a class that gets the course through nbgitpuller or a
git repository receives them with the next pull, and the installed package (the course
folders) does not change. ``--only ID`` (repeatable) limits them to some graded quizzes and
exercises, e.g. those whose deadline has passed::

    solutions/README.md                    what is here and how to open it
    solutions/quizzes/<quiz-id>.yaml       the full graded bank: keys, explanations, feedback
    solutions/exercises/<id>/solution.py   the reference solution

Hidden tests and wrong variants stay private, so they can be used again next year.

Example:
    $ pruneedu release course-release/ --solutions --only 01-introduction
"""

from __future__ import annotations

from pathlib import Path

from pruneedu.grading.material import NOT_BANKS, Material
from pruneedu.grading.student_package import StagedRelease, yaml_text
from pruneedu.yamlfile import read_yaml

FOLDER = "solutions"

README = """\
# Solutions

Your instructor released these after the deadline. Each graded quiz is here with its answers,
the explanation of every question and feedback on every choice; each code exercise with a
reference solution (yours may be just as good if it passes the tests).

Review a quiz with its explanations in practice mode, from a notebook in `notebooks/`:

```python
from pruneedu import quiz
quiz.show("../solutions/quizzes/<quiz id>.yaml", mode="practice")
```

| solution | file |
|---|---|
{rows}
"""


def _bank_sources(material: Material) -> dict[str, Path]:
    """Each graded bank's file, by bank id (the id need not be the file name)."""
    sources = {}
    for path in sorted(material.quizzes_dir.glob("*.yaml")):
        data = read_yaml(path) if path.name not in NOT_BANKS else None
        if isinstance(data, dict) and data.get("id") in material.banks:
            sources[data["id"]] = path
    return sources


def stage_solutions(material: Material, folder: Path, only: list[str] | None,
                    already: list[str] = ()) -> StagedRelease:
    """Write ``solutions/`` into ``folder`` (a staging folder); its README also lists the
    solution files ``already`` released (relative paths).

    Raises ValueError naming ids in ``only`` that are neither a graded quiz nor an exercise.
    """
    known = set(material.banks) | set(material.exercises)
    unknown = sorted(set(only or ()) - known)
    if unknown:
        raise ValueError(f"--only {', '.join(unknown)}: not a graded quiz or exercise of this "
                         f"course (they are: {', '.join(sorted(known))}).")
    wanted = set(only) if only else known
    staged = StagedRelease(folder)
    for bank_id, path in _bank_sources(material).items():
        if bank_id in wanted:
            staged.write(f"{FOLDER}/quizzes/{bank_id}.yaml", yaml_text(read_yaml(path)))
    for exercise in material.exercises.values():
        if exercise.id in wanted:
            staged.copy(exercise.solution_path, f"{FOLDER}/exercises/{exercise.id}/solution.py")
    listed = sorted({*already, *staged.files} - {f"{FOLDER}/README.md"})
    rows = "\n".join(_readme_row(name) for name in listed)
    staged.write(f"{FOLDER}/README.md", README.replace("{rows}", rows))
    return staged


def _readme_row(name: str) -> str:
    """``solutions/quizzes/<id>.yaml`` or ``solutions/exercises/<id>/solution.py`` as a row."""
    path = Path(name)
    kind, item = ("quiz", path.stem) if path.parent.name == "quizzes" else (
        "exercise", path.parent.name)
    return f"| {kind} `{item}` | `{name.removeprefix(FOLDER + '/')}` |"
