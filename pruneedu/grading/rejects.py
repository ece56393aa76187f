"""Submissions (or single answers) the grader could not use, with the reason, for the instructor.

A reject never stops grading: every other submission is still graded, and nothing is modified
or deleted. The report is a CSV (columns ``file, learner_id, item, question, reason``, sorted) and
a short printed summary.

Example:
    >>> print(summary([Reject("bob.q.responses.json", "bob", "q", "", "not valid JSON")]))
    1 problem (not graded, or graded in part):
      bob.q.responses.json: not valid JSON
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from pathlib import Path

from pruneedu.grading.gradebook import write_csv

COLUMNS = ("file", "learner_id", "item", "question", "reason")
MAX_REASON = 300  # a reason quotes the learner's answer, which may be a megabyte long


@dataclass(frozen=True, order=True)
class Reject:
    """One problem: the file (relative to the submissions folder), the learner and quiz or
    exercise id when known, the question id for a single bad answer, and why."""

    file: str
    learner_id: str
    item: str
    question: str
    reason: str

    def __post_init__(self) -> None:
        if len(self.reason) > MAX_REASON:
            object.__setattr__(self, "reason", self.reason[: MAX_REASON - 3] + "...")


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """Write the rejects report atomically (a header only when there are none)."""
    write_csv(path, COLUMNS, [astuple(reject) for reject in sorted(rejects)])


def summary(rejects: list[Reject]) -> str:
    """A few lines for the terminal, one per problem."""
    if not rejects:
        return "No problems: every submission was graded in full."
    noun = "problem" if len(rejects) == 1 else "problems"
    lines = [f"{len(rejects)} {noun} (not graded, or graded in part):"]
    for reject in sorted(rejects):
        where = f" [{reject.question}]" if reject.question else ""
        lines.append(f"  {reject.file}{where}: {reject.reason}")
    return "\n".join(lines)


def report(rejects: list[Reject]) -> int:
    """Print :func:`summary` and return the grading commands' exit status: 1 when anything
    was rejected (the rest was still graded), else 0."""
    print(summary(rejects))
    return 1 if rejects else 0
