"""The instructor's material: full quiz banks (with keys) and exercise definitions.

Every grading command takes ``--quizzes DIR`` (default: the course's ``quizzes/``, which
follows ``PRUNEEDU_COURSE_ROOT``) and ``--exercises DIR`` (default: ``<course root>/exercises``).
A bank is any ``*.yaml`` in the quizzes folder except ``glossary.yaml``.

Example:
    >>> material = load_material()                 # the course's own quizzes/ and exercises/
    >>> "01-introduction" in material.banks, sorted(material.exercises)
    (True, ['magnitude-mask'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pruneedu import paths, quiz
from pruneedu.exercises import Exercise, exercises_dir, load_exercises

NOT_BANKS = ("glossary.yaml",)


@dataclass(frozen=True)
class Material:
    """Banks and exercises keyed by id, plus the folders they came from."""

    banks: dict[str, quiz.Bank]
    exercises: dict[str, Exercise]
    quizzes_dir: Path
    exercises_dir: Path
    # The class's variant seed (quiz.class_seed of the instructor's secret), None without one.
    variant_seed: str | None = None

    @property
    def key_folders(self) -> tuple[Path, ...]:
        """Folders the learner's code must never see (covered in the sandbox)."""
        return (self.quizzes_dir, self.exercises_dir)


def load_banks(folder: Path) -> dict[str, quiz.Bank]:
    """Every full bank in ``folder``, by id; ValueError when a bank lacks its answer keys.

    Example:
        >>> banks = load_banks(paths.quizzes_dir())
        >>> all(bank.has_key for bank in banks.values()), "glossary" in banks
        (True, False)
    """
    banks: dict[str, quiz.Bank] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        if path.name in NOT_BANKS:
            continue
        bank = quiz.load_bank(path)
        if not bank.has_key:
            raise ValueError(f"{path} has no answer keys (a released copy); point --quizzes at "
                             "the instructor's full banks.")
        if bank.id in banks:
            raise ValueError(f"two banks in {folder} use the id {bank.id!r}; rename one.")
        banks[bank.id] = bank
    return banks


def load_material(quizzes: Path | None = None, exercises: Path | None = None) -> Material:
    """Load the banks and exercises the grader judges against (ValueError on bad material)."""
    quizzes_dir = Path(quizzes) if quizzes else paths.quizzes_dir()
    exercise_root = Path(exercises) if exercises else exercises_dir()
    for name, folder in (("--quizzes", quizzes), ("--exercises", exercises)):
        if folder is not None and not Path(folder).is_dir():
            raise ValueError(f"{name} {folder} is not a folder; give the folder that holds them.")
    return Material(load_banks(quizzes_dir), load_exercises(exercise_root),
                    quizzes_dir.resolve(), exercise_root.resolve())
