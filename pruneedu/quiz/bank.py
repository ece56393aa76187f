"""Quiz banks as Python objects: loading a bank file (full or released) into a :class:`Bank`."""

from __future__ import annotations

from dataclasses import dataclass
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
class Question:
    """One question. ``answer`` is the key as written in the bank, None in a released bank.

    For matching questions ``terms`` keeps the author's order and ``definitions`` is sorted,
    so neither gives the pairing away.
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

    @property
    def has_key(self) -> bool:
        """Whether this question carries its answer key (False in a released bank)."""
        return self.answer is not None

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

    @property
    def has_key(self) -> bool:
        """Whether the bank carries answer keys (False for a released copy)."""
        return all(q.has_key for q in self.questions)

    @property
    def max_score(self) -> float:
        """The sum of all questions' points."""
        return sum(q.points for q in self.questions)

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
    )


def bank_path(quiz_id: str) -> Path:
    """Where the course keeps the bank with this id: ``<course root>/quizzes/<id>.yaml``."""
    return paths.quizzes_dir() / f"{quiz_id}.yaml"


def load_bank(source: str | Path) -> Bank:
    """Load a bank by quiz id (from the course's quizzes folder) or from a YAML file path.

    Example:
        >>> bank = load_bank("01-introduction")       # by id, from the course's quizzes/
        >>> bank.id, bank.has_key
        ('01-introduction', True)
        >>> import tempfile, yaml
        >>> from pruneedu.quiz import release_bank
        >>> copy = Path(tempfile.mkdtemp()) / "handout.yaml"
        >>> _ = copy.write_text(yaml.safe_dump(release_bank(bank)))
        >>> load_bank(copy).has_key                   # a released, keyless copy, by path
        False
    """
    text = str(source)
    is_path = isinstance(source, Path) or text.endswith((".yaml", ".yml")) or "/" in text
    path = Path(source) if is_path else bank_path(text)
    if not path.exists():
        raise BankError(
            f"no quiz bank at {path}; check the quiz id or path (banks live in quizzes/)."
        )
    # No file-name check here: released copies may be saved under any name.
    return bank_from_dict(read_yaml(path), source=str(path))
