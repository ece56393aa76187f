"""Grading a whole class: discover the submissions, re-grade every raw answer, run the code.

Scores are always recomputed from the raw ``value`` of each answer against the instructor's
key; any score a responses file carries is ignored. Answers to unknown question ids and answers
of the wrong type become per-question rejects (the answer scores 0, the rest of the file
counts). A learner appears in the gradebook when any of their files was graded or rejected
with a known id, with 0 for everything not graded.

Example (``class_folder`` holds the responses files ada and ben handed in):
    >>> from pruneedu.grading.material import load_material
    >>> grades = grade_class(class_folder, load_material(), progress=False)
    >>> list(grades.learners), grades.learners["ben"].total, grades.rejects
    (['ada', 'ben'], 0.0, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from pruneedu import quiz
from pruneedu.grading.codegrade import ExerciseResult, grade_code
from pruneedu.grading.material import Material
from pruneedu.grading.rejects import Reject
from pruneedu.grading.submissions import discover

# No tqdm monitor thread: the sandbox forks with preexec_fn, which is unsafe beside threads.
tqdm.monitor_interval = 0


@dataclass
class LearnerGrades:
    """One learner's graded work: quiz grades and raw answers by quiz id, exercise results."""

    learner_id: str
    quizzes: dict[str, quiz.QuizGrade] = field(default_factory=dict)
    answers: dict[str, dict] = field(default_factory=dict)
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return (sum(g.score for g in self.quizzes.values())
                + sum(r.score for r in self.exercises.values()))


@dataclass
class ClassGrades:
    """Every learner's grades (sorted by id) and every reject."""

    material: Material
    learners: dict[str, LearnerGrades]
    rejects: list[Reject]
    isolation: str = "bwrap"


def grade_class(folder: Path, material: Material, *, progress: bool | None = None,
                ignore: tuple[Path, ...] = (), time_limit_s: float | None = None,
                isolation: str = "bwrap") -> ClassGrades:
    """Grade every submission under ``folder``.

    Args:
        folder: the submissions folder (never modified).
        material: the full banks and exercises.
        progress: show a tqdm bar (None: only on a terminal).
        ignore: files in ``folder`` to pass over (the grader's own output).
        time_limit_s: overrides every exercise's time limit (tests use a short one).
        isolation: how code runs (``"bwrap"``; ``"unsafe-none"`` only when asked for).
    """
    found = discover(folder, material, ignore=ignore)
    rejects = list(found.rejects)
    learners: dict[str, LearnerGrades] = {}

    def record(learner: str) -> LearnerGrades:
        return learners.setdefault(learner, LearnerGrades(learner))

    hide = (*material.key_folders, Path(folder).resolve(), *(Path(p).parent for p in ignore))
    work = [("quiz", s) for s in found.quizzes] + [("code", c) for c in found.code]
    show = None if progress is None else not progress  # tqdm: None = only on a terminal
    for kind, item in tqdm(work, desc="grading", unit="file", disable=show):
        if kind == "quiz":
            try:
                grade = quiz.grade_responses(material.banks[item.quiz_id], item.responses,
                                             variant_seed=material.variant_seed)
            except (ArithmeticError, TypeError, ValueError) as error:
                # A grading bug on one file must not stop the class: report it, grade the rest.
                rejects.append(Reject(item.name, item.learner_id, item.quiz_id, "",
                                      f"could not be graded ({type(error).__name__}: {error})"))
                continue
            for qid in grade.unknown_ids:
                rejects.append(Reject(item.name, item.learner_id, item.quiz_id, qid,
                                      "no such question in this quiz; the answer was ignored"))
            for qid in grade.not_asked:
                rejects.append(Reject(item.name, item.learner_id, item.quiz_id, qid,
                                      "not one of this learner's drawn questions; ignored"))
            for qid, message in sorted(grade.invalid.items()):
                rejects.append(Reject(item.name, item.learner_id, item.quiz_id, qid,
                                      f"answer of the wrong type, scored 0 ({message})"))
            record(item.learner_id).quizzes[item.quiz_id] = grade
            record(item.learner_id).answers[item.quiz_id] = dict(item.responses["answers"])
        else:
            exercise = material.exercises[item.exercise_id]
            result = grade_code(exercise, item.code, hide=hide, time_limit_s=time_limit_s,
                                isolation=isolation)
            record(item.learner_id).exercises[item.exercise_id] = result
    for reject in rejects:
        if reject.learner_id:
            record(reject.learner_id)
    return ClassGrades(material, dict(sorted(learners.items())), sorted(rejects), isolation)
