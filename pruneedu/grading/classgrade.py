"""Grading a whole class: find the files, decide whose they are, re-grade every raw answer, run
the code, then apply overrides and the late policy.

Scores are always recomputed from the raw ``value`` of each answer against the instructor's
key; any score a responses file carries is ignored. Answers to unknown question ids and answers
of the wrong type become per-question rejects (the answer scores 0, the rest of the file
counts). Who a file counts for is decided by :mod:`pruneedu.grading.attribution`, for every
part of a hand-in file or notebook as for any file. All of one learner's functions then run in
one sandbox (:func:`pruneedu.grading.codegrade.grade_learner_code`; the capstone's model file
in its own): one sandbox start per learner, not one per exercise.

Each learner's item is then in one of three states (:meth:`LearnerGrades.status`):
``graded`` (it has a final score), ``rejected`` (a file was handed in but could not be
graded: see the rejects report) or ``missing`` (nothing handed in). With a roster, the class
is the roster, in its order; without one, every learner who handed in something gradable or
rejected under a real id, sorted by id.

The final score of an item: the automatic score with the question overrides, minus the late
penalty (0 past the cut-off); an item override replaces it.

Example (``class_folder`` holds the responses files ada and ben handed in):
    >>> from pruneedu.grading.material import load_material
    >>> grades = grade_class(class_folder, load_material(), progress=False)
    >>> list(grades.learners), grades.learners["ben"].total, grades.rejects
    (['ada', 'ben'], 0.0, [])
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from pruneedu import quiz
from pruneedu.exercises.extract import extract_function
from pruneedu.grading import shared_host
from pruneedu.grading.assignments import Assignment
from pruneedu.grading.attribution import (
    Attributed,
    Conflict,
    Downloads,
    attribute,
    owner_of_reject,
)
from pruneedu.grading.codegrade import ExerciseResult
from pruneedu.grading.late import Lateness, LatePolicy, judge
from pruneedu.grading.material import Material
from pruneedu.grading.parallel import run_learners
from pruneedu.grading.rejects import Reject
from pruneedu.grading.roster import Roster, RosterEntry
from pruneedu.grading.safe_text import scrub_paths
from pruneedu.grading.similarity import SamePair, identical_pairs
from pruneedu.grading.submissions import Submission, discover, generic_learner_id, safe_learner_id

if TYPE_CHECKING:
    from pruneedu.grading.overrides import Override

# No tqdm monitor thread: nothing needs it, and a grader with fewer threads is simpler to stop.
tqdm.monitor_interval = 0

GRADED, REJECTED, MISSING = "graded", "rejected", "missing"


@dataclass(frozen=True)
class GradingSetup:
    """Everything besides the files that decides the grades (the command-line options)."""

    roster: Roster | None = None
    assignments: dict[str, Assignment] = field(default_factory=dict)
    policy: LatePolicy = LatePolicy()
    overrides: tuple[Override, ...] = ()
    accepted_versions: frozenset[str] = frozenset()
    run_code: bool = True
    isolation: str = "bwrap"
    time_limit_s: float | None = None
    jobs: int = 1
    lms: str = "auto"
    shared_host: bool = False  # --shared-host: graded where other users' processes ran

    @property
    def downloads(self) -> Downloads:
        """Where LMS download names are read (``--lms`` and the assignments file)."""
        return Downloads(self.lms, {item: a.download_folders
                                    for item, a in self.assignments.items()
                                    if a.download_folders})

    def deadline(self, item_id: str) -> datetime | None:
        """The item's own deadline (assignments file), else the class's ``--deadline``."""
        own = self.assignments.get(item_id)
        return own.deadline if own and own.deadline else self.policy.deadline


@dataclass
class LearnerGrades:
    """One learner's graded work.

    ``quizzes``/``exercises``: the automatic grades (question overrides applied);
    ``answers``: raw answers by quiz id; ``handed_in``: the graded file per item; ``late``:
    lateness per late item; ``scores``: final score per graded item; ``rejected``: items
    whose only file was rejected; ``overridden``: item overrides by item.
    """

    learner_id: str
    entry: RosterEntry | None = None
    quizzes: dict[str, quiz.QuizGrade] = field(default_factory=dict)
    answers: dict[str, dict] = field(default_factory=dict)
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    handed_in: dict[str, Submission] = field(default_factory=dict)
    late: dict[str, Lateness] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)
    overridden: dict[str, Override] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    def status(self, item_id: str) -> str:
        """``graded``, ``rejected`` or ``missing`` for one quiz or exercise."""
        if item_id in self.scores:
            return GRADED
        return REJECTED if item_id in self.rejected else MISSING


@dataclass
class ClassGrades:
    """The graded class: learners (roster order, else sorted by id), rejects, conflicts."""

    material: Material
    learners: dict[str, LearnerGrades]
    rejects: list[Reject]
    conflicts: list[Conflict] = field(default_factory=list)
    setup: GradingSetup = field(default_factory=GradingSetup)
    similar: list[SamePair] = field(default_factory=list)
    automatic: dict[tuple[str, str, str], float] = field(default_factory=dict)

    @property
    def isolation(self) -> str:
        """How learners' code ran (``bwrap``, or ``unsafe-none`` when asked for; recorded in
        gradebook.json)."""
        return self.setup.isolation

    @property
    def item_ids(self) -> list[str]:
        """Every quiz id (sorted), then every exercise id (sorted)."""
        return sorted(self.material.banks) + sorted(self.material.exercises)

    def points(self, item_id: str) -> float:
        """An item's points possible."""
        if item_id in self.material.banks:
            return float(self.material.banks[item_id].max_score)
        return float(self.material.exercises[item_id].points)

    @property
    def missing(self) -> list[str]:
        """Roster learners who handed in nothing at all."""
        return [learner for learner, record in self.learners.items()
                if record.entry is not None and not record.scores and not record.rejected
                and not record.handed_in]


def grade_class(folder: Path, material: Material, *, setup: GradingSetup | None = None,
                progress: bool | None = None, ignore: tuple[Path, ...] = ()) -> ClassGrades:
    """Grade every submission under ``folder``.

    Args:
        folder: the submissions folder (never modified).
        material: the full banks and exercises.
        setup: roster, assignments, late policy, overrides, accepted versions, code or not.
        progress: show a tqdm bar (None: only on a terminal).
        ignore: files and folders in ``folder`` to pass over (the grader's own output).

    Raises:
        ValueError: an override names an unknown learner, item or question, or too many points;
            or code would run while other users' processes run here and ``setup.shared_host``
            is False (:mod:`pruneedu.grading.shared_host`).
    """
    setup = setup or GradingSetup()
    found = discover(folder, material, ignore=ignore, accepted_versions=setup.accepted_versions)
    downloads = setup.downloads
    kept, attribution_rejects, conflicts = attribute(found.submissions, setup.roster, downloads)
    rejects = ([owner_of_reject(r, setup.roster, downloads) for r in found.rejects]
               + attribution_rejects)
    learners: dict[str, LearnerGrades] = {}
    for entry in setup.roster.entries if setup.roster else []:
        learners[entry.learner_id] = LearnerGrades(entry.learner_id, entry)

    def record(learner: str) -> LearnerGrades:
        return learners.setdefault(learner, LearnerGrades(learner))

    roots = {"<submissions>": Path(folder), "<quizzes>": material.quizzes_dir,
             "<exercises>": material.exercises_dir}
    hide = (*material.key_folders, Path(folder).resolve(),
            *(p.resolve() for p in ignore if p.is_dir()))
    # A work item is one quiz file, or all of one learner's code (run together, one sandbox).
    work: list[list[Attributed]] = [[a] for a in kept if a.submission.kind == "quiz"]
    if setup.run_code:
        code: dict[str, list[Attributed]] = {}
        for attributed in kept:
            if attributed.submission.kind == "code":
                code.setdefault(attributed.learner_id, []).append(attributed)
        # Not where learners run processes: they could watch the code (shared_host.py).
        watched = shared_host.refusal() if code and not setup.shared_host else ""
        if watched:
            raise ValueError(watched)
        work += list(code.values())
    show = None if progress is None else not progress  # tqdm: None = only on a terminal
    with tqdm(total=len(work), desc="grading", unit="item", disable=show) as bar:
        for items in work:
            if items[0].submission.kind != "quiz":
                break
            _grade_quiz(items[0], material, record, rejects)
            bar.update()
        code_work = [items for items in work if items[0].submission.kind == "code"]
        for items, results in run_learners(code_work, material, setup, hide):
            _record_code(items, results, record, roots)
            bar.update()
    for reject in rejects:
        if (safe_learner_id(reject.learner_id) and not generic_learner_id(reject.learner_id)
                and (setup.roster is None or reject.learner_id in setup.roster)):
            owner = record(reject.learner_id)
            if reject.item and not reject.question:
                owner.rejected.add(reject.item)
    grades = ClassGrades(material, learners, sorted(rejects), conflicts, setup)
    _finish_scores(grades)
    if setup.roster is None:
        grades.learners = dict(sorted(learners.items()))
    stubs = {e.id: _compared_code(material, e.id, _read_stub(e)) or ""
             for e in material.exercises.values() if e.kind == "function"}
    compared = ((s.item_id, learner, _compared_code(material, s.item_id, s.code))
                for learner, rec in grades.learners.items()
                for s in rec.handed_in.values() if s.kind == "code")
    grades.similar = identical_pairs(((item, learner, code) for item, learner, code in compared
                                      if code is not None), stubs)
    return grades


def _read_stub(exercise: object) -> str:
    try:
        return exercise.stub_path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    except OSError:
        return ""


def _grade_quiz(item: Attributed, material: Material, record, rejects: list[Reject]) -> None:
    sub, learner = item.submission, item.learner_id
    # Per-learner numbers and drawn questions are those of who handed the file in (the LMS's
    # word), never of an id the file names: a copied file carries its first owner's numbers.
    responses = {**sub.responses, "learner_id": learner}
    try:
        grade = quiz.grade_responses(material.banks[sub.item_id], responses,
                                     variant_seed=material.variant_seed)
    except (ArithmeticError, TypeError, ValueError) as error:
        # A grading bug on one file must not stop the class: report it, grade the rest.
        rejects.append(Reject(sub.name, learner, sub.item_id, "",
                              f"could not be graded ({type(error).__name__}: {error})"))
        return
    for qid in grade.unknown_ids:
        rejects.append(Reject(sub.name, learner, sub.item_id, qid,
                              "no such question in this quiz; the answer was ignored"))
    for qid in grade.not_asked:
        rejects.append(Reject(sub.name, learner, sub.item_id, qid,
                              "not one of this learner's drawn questions; ignored"))
    for qid, message in sorted(grade.invalid.items()):
        rejects.append(Reject(sub.name, learner, sub.item_id, qid,
                              f"answer of the wrong type, scored 0 ({message})"))
    record(learner).quizzes[sub.item_id] = grade
    record(learner).answers[sub.item_id] = dict(sub.responses["answers"])
    record(learner).handed_in[sub.item_id] = sub


def _record_code(items: list[Attributed], results: dict[str, ExerciseResult], record,
                 roots: dict[str, Path]) -> None:
    learner = items[0].learner_id
    for item in items:
        sub = item.submission
        record(learner).exercises[sub.item_id] = _scrubbed(results[sub.item_id], roots)
        record(learner).handed_in[sub.item_id] = sub


def _compared_code(material: Material, item_id: str, code: str) -> str | None:
    """What identical-code flags compare: the graded function alone (a notebook holds much
    more); None for the capstone, whose text is a model file, not a program."""
    exercise = material.exercises[item_id]
    if exercise.kind != "function":
        return None
    return extract_function(code, exercise.function).code or code


def _scrubbed(result: ExerciseResult, roots: dict[str, Path]) -> ExerciseResult:
    """Work paths (temporary folders) out of every text, so two runs write the same bytes."""
    def fix(tests):
        return [dataclasses.replace(t, reason=scrub_paths(t.reason, roots)) for t in tests]
    return dataclasses.replace(result, error=scrub_paths(result.error, roots),
                               public=fix(result.public), hidden=fix(result.hidden))


def _check_override(grades: ClassGrades, override: Override) -> float:
    """The points the override may give at most; ValueError when it names nothing real."""
    where = f"overrides line {override.line}"
    if override.learner_id not in grades.learners:
        raise ValueError(f"{where}: learner {override.learner_id!r} is not in this class "
                         "(roster, or anyone who handed something in); correct the id.")
    if override.item not in grades.item_ids:
        raise ValueError(f"{where}: {override.item!r} is not a quiz or exercise of this course.")
    if override.question:
        bank = grades.material.banks.get(override.item)
        if bank is None:
            raise ValueError(f"{where}: {override.item!r} is an exercise; leave question empty "
                             "to override its score.")
        question = next((q for q in bank.questions if q.id == override.question), None)
        if question is None:
            raise ValueError(f"{where}: quiz {override.item} has no question "
                             f"{override.question!r}.")
        limit = float(question.points)
    else:
        limit = grades.points(override.item)
    if override.score > limit:
        raise ValueError(f"{where}: {override.score:g} points is more than the {limit:g} "
                         "possible.")
    return limit


def _finish_scores(grades: ClassGrades) -> None:
    setup, material = grades.setup, grades.material
    item_overrides = {}
    for override in setup.overrides:
        _check_override(grades, override)
        if not override.question:
            item_overrides[(override.learner_id, override.item)] = override
            continue
        record = grades.learners[override.learner_id]
        grade = record.quizzes.get(override.item)
        if grade is None:  # hand-grading a rejected or missing quiz question by question
            grade = quiz.grade_responses(material.banks[override.item],
                                         {"answers": {}, "learner_id": override.learner_id},
                                         variant_seed=material.variant_seed)
            record.rejected.discard(override.item)
        result = grade.results.get(override.question)
        if result is None:
            raise ValueError(f"overrides line {override.line}: question {override.question!r} "
                             f"was not one of {override.learner_id}'s questions.")
        grades.automatic[override.key] = result.score
        results = dict(grade.results)
        results[override.question] = dataclasses.replace(
            result, score=override.score, correct=override.score >= result.max_score,
            pending=False)
        record.quizzes[override.item] = dataclasses.replace(
            grade, results=results, score=sum(r.score for r in results.values()),
            pending=[q for q in grade.pending if q != override.question])
    for learner, record in grades.learners.items():
        automatic = {q: g.score for q, g in record.quizzes.items()}
        automatic |= {e: r.score for e, r in record.exercises.items()}
        for item_id, score in automatic.items():
            sub = record.handed_in.get(item_id)
            if sub is not None:
                lateness = judge(sub.origin, sub.modified, setup.deadline(item_id),
                                 setup.policy, grades.points(item_id))
                if lateness is not None:
                    record.late[item_id] = lateness
                    score = lateness.apply(score)
            record.scores[item_id] = score
        for item_id in grades.item_ids:
            override = item_overrides.get((learner, item_id))
            if override is not None:
                grades.automatic[override.key] = record.scores.get(item_id, 0.0)
                record.scores[item_id] = override.score
                record.overridden[item_id] = override
                record.rejected.discard(item_id)
