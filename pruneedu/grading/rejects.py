"""Submissions (or single answers) the grader could not use, with the reason, for the instructor.

A reject never stops grading: every other submission is still graded, and nothing is modified
or deleted. The report is ``rejects.csv`` (columns ``file, learner_id, item, question,
reason``, sorted; every cell escaped for spreadsheets) and a short printed summary (escaped
for the terminal: file names and reasons can quote what a learner wrote).

Example:
    >>> print(summary([Reject("bob.q.responses.json", "bob", "q", "", "not valid JSON")]))
    1 problem (not graded, or graded in part):
      bob.q.responses.json: not valid JSON
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from pruneedu.grading.safe_text import clean, csv_cell
from pruneedu.grading.textfiles import csv_text

COLUMNS = ("file", "learner_id", "item", "question", "reason")
MAX_REASON = 300  # a reason quotes the learner's answer, which may be a megabyte long
SHOWN = 40  # rejects printed in full; the rest are in the report


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


def rejects_csv(rejects: list[Reject]) -> str:
    """The rejects report (a header only when there are none)."""
    return csv_text(COLUMNS, [[csv_cell(cell) for cell in astuple(reject)]
                              for reject in sorted(rejects)])


def summary(rejects: list[Reject], shown: int = SHOWN) -> str:
    """A few lines for the terminal: whole files that were not graded first, then one line per
    file whose answers were rejected one by one (so one learner's file of a thousand bad
    answers cannot push the class's problems off the screen); ``rejects.csv`` keeps them all.
    """
    if not rejects:
        return "No problems: every submission was graded in full."
    noun = "problem" if len(rejects) == 1 else "problems"
    lines = [f"{len(rejects)} {noun} (not graded, or graded in part):"]
    whole = [r for r in sorted(rejects) if not r.question]
    answers: dict[str, list[Reject]] = {}
    for reject in sorted(rejects):
        if reject.question:
            answers.setdefault(reject.file, []).append(reject)
    entries = [f"  {clean(r.file)}: {clean(r.reason)}" for r in whole]
    for file, bad in answers.items():
        first = f"[{clean(bad[0].question)}]: {clean(bad[0].reason)}"
        more = f" (and {len(bad) - 1} more answers)" if len(bad) > 1 else ""
        entries.append(f"  {clean(file)} {first}{more}")
    lines += entries[:shown]
    if len(entries) > shown:
        lines.append(f"  ... and {len(entries) - shown} more in rejects.csv")
    return "\n".join(lines)
