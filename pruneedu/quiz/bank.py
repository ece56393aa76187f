"""Quiz banks as Python objects: loading a bank file (full or released) into a :class:`Bank`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pruneedu import paths
from pruneedu.quiz.schema import check_bank, problems_message
from pruneedu.yamlfile import CourseFileError, read_yaml


class BankError(CourseFileError):
    """A quiz bank that does not follow docs/formats.md, or one without answer keys where
    keys are needed."""


@dataclass(frozen=True)
class Choice:
    """One option of a single or multiple choice question."""

    id: str
    text: str
    feedback: str = ""


@dataclass(frozen=True)
class Mistake:
    """A known wrong way to a numeric answer: its formula (or, once filled in for a learner,
    its value) and the hint that names the slip ("did you count the biases?")."""

    formula: str
    hint: str
    value: float | None = None


@dataclass(frozen=True)
class Recorded:
    """A number the learner's own notebook records (``quiz.record_value``) and a question
    reads: its plausible range and where it comes from, in words."""

    low: float
    high: float
    source: str


@dataclass(frozen=True)
class Question:
    """One question. ``answer`` is the key as written in the bank, None in a released bank.

    For matching questions ``terms`` keeps the author's order and ``definitions`` is sorted,
    so neither gives the pairing away. ``params`` maps each parameter to the numbers it may
    take; ``values`` and ``answer["formula"]`` are formulas (:mod:`pruneedu.quiz.variants`
    fills them in per learner, and ``shown`` then holds the numbers that learner sees).
    ``depth`` is the lesson depth the question needs, ``see`` the summary chapter that
    teaches it (in ``lesson``, default: the bank's lesson).
    """

    id: str
    type: str
    prompt: str
    concept: str
    points: float = 1
    choices: tuple[Choice, ...] = ()
    answer: object = None
    explanation: str = ""
    terms: tuple[str, ...] = ()
    definitions: tuple[str, ...] = ()
    depth: str = "basic"
    see: str = ""
    lesson: str = ""
    hint: str = ""
    mistakes: tuple[Mistake, ...] = ()
    params: dict[str, tuple[float, ...]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    recorded: dict[str, Recorded] = field(default_factory=dict)
    pool: str = ""
    rubric: tuple[str, ...] = ()
    model_answer: str = ""
    run_after: str = ""
    shown: dict[str, float] = field(default_factory=dict)

    @property
    def has_key(self) -> bool:
        """Whether this question carries its answer key (False in a released bank). A written
        question has no key: a person scores it."""
        return self.type == "written" or self.answer is not None

    def choice(self, choice_id: str) -> Choice:
        """The choice with this id; KeyError if there is none."""
        for item in self.choices:
            if item.id == choice_id:
                return item
        raise KeyError(choice_id)


@dataclass(frozen=True)
class Bank:
    """A quiz bank: the questions that check one lesson."""

    id: str
    title: str
    lesson: str
    questions: tuple[Question, ...]
    pools: dict[str, int] = field(default_factory=dict)
    variant_seed: str | None = None

    @property
    def has_key(self) -> bool:
        """Whether the bank carries answer keys (False for a released copy)."""
        return all(q.answer is not None for q in self.questions if q.type != "written")

    @property
    def max_score(self) -> float:
        """The points one learner can earn: every question outside a pool, and ``k``
        questions of each pool (``pruneedu validate`` makes a pool's points all equal)."""
        fixed = sum(q.points for q in self.questions if not q.pool)
        pooled = sum(count * next(q.points for q in self.questions if q.pool == pool)
                     for pool, count in self.pools.items())
        return fixed + pooled

    def question(self, question_id: str) -> Question:
        """The question with this id.

        Example:
            >>> bank = load_bank("01-introduction")
            >>> first = bank.questions[0]
            >>> bank.question(first.id) is first
            True
        """
        for item in self.questions:
            if item.id == question_id:
                return item
        raise KeyError(f"quiz {self.id!r} has no question {question_id!r}")


def expand_param(spec: dict) -> tuple[float, ...]:
    """The numbers a parameter may take: its ``values`` list, or ``min`` to ``max`` in steps
    of ``step`` (rounded to 10 decimals, so 0.1 steps do not drift).

    Example:
        >>> expand_param({"min": 0.5, "max": 0.7, "step": 0.1})
        (0.5, 0.6, 0.7)
    """
    if "values" in spec:
        return tuple(float(v) for v in spec["values"])
    count = int(round((spec["max"] - spec["min"]) / spec["step"])) + 1
    return tuple(float(round(spec["min"] + i * spec["step"], 10)) for i in range(count))


def _question_from_dict(data: dict) -> Question:
    answer = data.get("answer")
    terms: tuple[str, ...] = ()
    definitions: tuple[str, ...] = ()
    if data["type"] == "matching":
        if answer is not None:
            terms = tuple(answer["pairs"])
            definitions = tuple(sorted(answer["pairs"].values()))
        else:
            terms = tuple(data["terms"])
            definitions = tuple(sorted(data["definitions"]))
    return Question(
        id=data["id"],
        type=data["type"],
        prompt=data["prompt"],
        concept=data["concept"],
        points=data.get("points", 1),
        choices=tuple(Choice(c["id"], c["text"], c.get("feedback", ""))
                      for c in data.get("choices", ())),
        answer=answer,
        explanation=data.get("explanation", ""),
        terms=terms,
        definitions=definitions,
        depth=data.get("depth", "basic"),
        see=data.get("see", ""),
        lesson=data.get("lesson", ""),
        hint=data.get("hint", ""),
        mistakes=tuple(Mistake(m["formula"], m["hint"]) for m in data.get("mistakes", ())),
        params={name: expand_param(spec) for name, spec in data.get("params", {}).items()},
        values=dict(data.get("values", {})),
        recorded={name: Recorded(float(spec["min"]), float(spec["max"]), spec["source"])
                  for name, spec in data.get("recorded", {}).items()},
        pool=data.get("pool", ""),
        rubric=tuple(data.get("rubric", ())),
        model_answer=data.get("model_answer", ""),
        run_after=data.get("run_after", ""),
    )


def bank_from_dict(data: object, source: str = "quiz bank", name: str | None = None) -> Bank:
    """Build a :class:`Bank` from a parsed bank mapping, full or released.

    Raises :class:`BankError` naming the first problems when the mapping breaks the format.

    Example:
        >>> bank = bank_from_dict({"format_version": 1, "id": "demo", "title": "Demo",
        ...     "lesson": "01-introduction", "questions": [{"id": "q1", "type": "truefalse",
        ...     "prompt": "Pruning removes weights.", "concept": "pruning", "answer": True}]})
        >>> bank.question("q1").answer
        True
    """
    problems = check_bank(data, name=name, require_key=False)
    if problems:
        raise BankError(problems_message(source, problems))
    assert isinstance(data, dict)  # check_bank guarantees it; this narrows the type
    return Bank(
        id=data["id"],
        title=data["title"],
        lesson=data["lesson"],
        questions=tuple(_question_from_dict(q) for q in data["questions"]),
        pools=dict(data.get("pools", {})),
        variant_seed=data.get("variant_seed"),
    )


PRACTICE_FOLDER = "practice"


def bank_path(quiz_id: str, practice: bool = False) -> Path:
    """Where the course keeps a bank: ``quizzes/<id>.yaml`` for the graded bank (the
    instructor's, with keys; learners get it released without them), or
    ``quizzes/practice/<id>.yaml`` for the practice bank of the same quiz, which learners get
    whole, with answers, hints and explanations.

    Example:
        >>> bank_path("01-introduction", practice=True).parts[-2:]
        ('practice', '01-introduction.yaml')
    """
    folder = paths.quizzes_dir() / PRACTICE_FOLDER if practice else paths.quizzes_dir()
    return folder / f"{quiz_id}.yaml"


def load_bank(source: str | Path, practice: bool = False) -> Bank:
    """Load a bank by quiz id (from the course's quizzes folder; ``practice=True``: its
    practice bank) or from a YAML file path.

    Example:
        >>> bank = load_bank("01-introduction")       # by id, from the course's quizzes/
        >>> bank.id, bank.has_key
        ('01-introduction', True)
        >>> load_bank("01-introduction", practice=True).questions[0].id.startswith("p-")
        True
        >>> import tempfile, yaml
        >>> from pruneedu.quiz import release_bank
        >>> copy = Path(tempfile.mkdtemp()) / "handout.yaml"
        >>> _ = copy.write_text(yaml.safe_dump(release_bank(bank)))
        >>> load_bank(copy).has_key                   # a released, keyless copy, by path
        False
    """
    text = str(source)
    is_path = isinstance(source, Path) or text.endswith((".yaml", ".yml")) or "/" in text
    path = Path(source) if is_path else bank_path(text, practice)
    if not path.exists():
        kind = "practice banks live in quizzes/practice/" if practice else "banks live in quizzes/"
        raise BankError(f"no quiz bank at {path}; check the quiz id or path ({kind}).")
    # No file-name check here: released copies may be saved under any name.
    return bank_from_dict(read_yaml(path), source=str(path))
