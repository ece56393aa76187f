"""A learner's progress at a glance: quiz scores per lesson and where the flashcards stand.

Scores come from the learner's own responses files (``<PRUNEEDU_HOME>/responses/``), graded
again here with the quiz engine whenever the course's bank carries its answer keys; with a
released (keyless) bank the dashboard shows how many questions were answered instead. Practice
answers are graded against the practice bank (``quizzes/practice/``, or the graded bank where a
course has none), twice: the **first try** of each question and the **best** try, so a learner
sees both how much they knew and how much they learned while practising.

Example:
    >>> from pruneedu import progress
    >>> progress.summary()["empty"]        # True before anything is answered
    True
    >>> dashboard = progress.show()        # the last line of a notebook cell shows it
"""

from __future__ import annotations

import datetime as dt
import html
import io
import warnings

import ipywidgets as widgets
from matplotlib.figure import Figure

from pruneedu import paths, quiz
from pruneedu.flashcards.deck import Deck

MODES = ("practice", "graded")
START_MESSAGE = (
    "You have not answered any quiz or reviewed any flashcard yet. Start with lesson 1: open "
    "<code>01-introduction.ipynb</code>, read the lesson, then try its practice quiz. Your "
    "progress shows up here as you go."
)
# Okabe-Ito blue and orange, as in pruneedu.viz.palette (not imported: viz loads torch).
BAR_COLORS = {"practice": "#0072B2", "graded": "#E69F00"}
FIRST_TRY_COLOR = "#56B4E9"  # Okabe-Ito sky blue: the same hue, lighter


def _bank_ids() -> list[str]:
    folder = paths.quizzes_dir()
    found = {p.stem for p in folder.glob("*.yaml")} | {p.stem for p in
                                                        (folder / "practice").glob("*.yaml")}
    return sorted(found - {"glossary"})


def _bank_for(bank_id: str, mode: str) -> quiz.Bank | None:
    """The bank a mode's answers were given to: the practice bank (or, where a course has
    none, the graded one) for practice, the graded bank for graded; None if absent."""
    choices = (True, False) if mode == "practice" else (False,)
    for practice in choices:
        if quiz.bank_path(bank_id, practice).exists():
            return quiz.load_bank(bank_id, practice=practice)
    return None


def _quiz_row(bank: quiz.Bank, mode: str) -> dict | None:
    """One row of the table for a bank and mode, or None when that file does not exist."""
    path = quiz.responses_path(bank.id, mode)
    if not path.exists():
        return None
    responses = quiz.load_responses(path)
    asked = quiz.select_questions(bank, responses["learner_id"], bank.variant_seed)
    scored = {q.id for q in asked if q.type != "written"}
    answered = sum(1 for qid in responses["answers"] if any(q.id == qid for q in asked))
    row = {
        "quiz_id": bank.id,
        "title": bank.title,
        "lesson": bank.lesson,
        "mode": mode,
        "answered": answered,
        "questions": len(asked),
        "score": None,
        "first_try_score": None,
        "max_score": float(sum(q.points for q in asked if q.id in scored)),
        "percent": None,
        # Answers given to another version of the bank may not match today's questions.
        "current_version": responses["quiz_hash"] == quiz.content_hash(bank),
    }
    if bank.has_key:
        attempt = "best" if mode == "practice" else "latest"
        grade = quiz.grade_responses(bank, responses, bank.variant_seed, attempt=attempt)
        row["score"] = sum(r.score for qid, r in grade.results.items() if qid in scored)
        if mode == "practice":
            first = quiz.grade_responses(bank, responses, bank.variant_seed, attempt="first")
            row["first_try_score"] = sum(r.score for qid, r in first.results.items()
                                         if qid in scored)
        maximum = row["max_score"]
        row["percent"] = round(100.0 * row["score"] / maximum, 1) if maximum else 0.0
    return row


def _card_counts(today: dt.date, problems: list[str]) -> dict[str, int]:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            deck = Deck.load(today=today)
        problems.extend(str(w.message) for w in caught)
    except ValueError as error:  # no glossary in this course folder
        problems.append(str(error))
        return {"total": 0, "due_today": 0, "learned": 0, "mastered": 0, "reviewed": 0}
    counts = deck.counts()
    counts["reviewed"] = sum(
        deck.states[term.id].last_review is not None for term in deck.terms
    )
    return counts


def summary(today: dt.date | None = None) -> dict:
    """Everything the dashboard shows, as plain data.

    Returns a dict with ``quizzes`` (one row per responses file: quiz_id, title, lesson, mode,
    answered, questions, score, first_try_score, max_score, percent, current_version; score is
    the best try in practice, first_try_score the first try (None for graded rows); both and
    percent are None when the bank has no answer keys; written answers are not counted),
    ``cards`` (total, due_today, learned, mastered,
    reviewed), ``problems`` (files that could not be read, in words) and ``empty`` (True when
    nothing has been answered or reviewed yet).

    Example:
        >>> cards = summary(today=dt.date(2026, 11, 21))["cards"]
        >>> cards["due_today"] == cards["total"] > 0   # before any review, every card is due
        True
    """
    today = today or dt.date.today()
    problems: list[str] = []
    rows: list[dict] = []
    for bank_id in _bank_ids():
        for mode in MODES:
            try:
                bank = _bank_for(bank_id, mode)
                row = _quiz_row(bank, mode) if bank is not None else None
            except ValueError as error:  # a damaged responses file: report it, touch nothing
                problems.append(str(error))
                continue
            if row is not None:
                rows.append(row)
    cards = _card_counts(today, problems)
    empty = not any(row["answered"] for row in rows) and cards["reviewed"] == 0
    return {"quizzes": rows, "cards": cards, "problems": problems, "empty": empty}


def summary_html(data: dict) -> str:
    """The summary as HTML: a quiz table, a flashcard line, and any problems."""
    if data["empty"]:
        parts = [f"<p>{START_MESSAGE}</p>"]
    else:
        rows = "".join(_row_html(row) for row in data["quizzes"])
        parts = [
            "<table><thead><tr><th>Quiz</th><th>Lesson</th><th>Mode</th><th>Answered</th>"
            "<th>First try</th><th>Best</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        ]
    cards = data["cards"]
    parts.append(
        f"<p><b>Flashcards:</b> {cards['due_today']} due today, {cards['learned']} learned, "
        f"{cards['mastered']} mastered (next review 21 days or more away), "
        f"{cards['total']} in the deck.</p>"
    )
    parts += [f"<p><i>Could not read:</i> {html.escape(p)}</p>" for p in data["problems"]]
    return "".join(parts)


def _points(value: float) -> str:
    return f"{round(value, 1):g}"


def _row_html(row: dict) -> str:
    if row["percent"] is None:
        score, first = "no answer key here", "-"
    else:
        score = f"{_points(row['score'])} / {_points(row['max_score'])} ({row['percent']:g}%)"
        first = ("-" if row["first_try_score"] is None
                 else f"{_points(row['first_try_score'])} / {_points(row['max_score'])}")
    if not row["current_version"]:
        score += " - answered an older version of this quiz"
    return (
        f"<tr><td>{html.escape(row['title'])}</td><td>{html.escape(row['lesson'])}</td>"
        f"<td>{row['mode']}</td><td>{row['answered']} of {row['questions']}</td>"
        f"<td>{html.escape(first)}</td><td>{html.escape(score)}</td></tr>"
    )


def progress_figure(data: dict) -> Figure:
    """Bar charts: quiz score (%) per quiz and mode (practice rows: a pale first-try bar
    beside the best), and flashcards by stage."""
    fig = Figure(figsize=(8, 2.8), dpi=90, layout="constrained")
    scores, cards = fig.subplots(1, 2, width_ratios=[3, 2])
    scored = [row for row in data["quizzes"] if row["percent"] is not None]
    labels = [f"{row['quiz_id']}\n({row['mode']})" for row in scored]
    positions = list(range(len(scored)))
    scores.bar(positions, [row["percent"] for row in scored], width=0.6,
               color=[BAR_COLORS[row["mode"]] for row in scored], label="best")
    firsts = [(x, 100.0 * row["first_try_score"] / row["max_score"])
              for x, row in zip(positions, scored, strict=True)
              if row["first_try_score"] is not None and row["max_score"]]
    if firsts:
        scores.bar([x - 0.2 for x, _ in firsts], [p for _, p in firsts], width=0.25,
                   color=FIRST_TRY_COLOR, label="first try")
        scores.legend(fontsize=7, loc="upper right")
    scores.set_xticks(positions, labels)
    scores.set_ylim(0, 100)
    scores.set_ylabel("score (%)")
    scores.set_title("Quiz scores")
    scores.tick_params(axis="x", labelsize=7)
    if not scored:
        scores.text(0.5, 0.5, "no graded quiz yet", ha="center", va="center",
                    transform=scores.transAxes)
    stages = ["due today", "learned", "mastered"]
    counts = data["cards"]
    cards.bar(stages, [counts["due_today"], counts["learned"], counts["mastered"]],
              color=BAR_COLORS["practice"])
    cards.set_ylim(0, max(1, counts["total"]))
    cards.set_ylabel("cards")
    cards.set_title(f"Flashcards ({counts['total']} in the deck)")
    return fig


class ProgressView(widgets.VBox):
    """The progress dashboard: the summary table, then bar charts once there is progress.

    Attributes:
        data: :func:`summary`'s dict. table: the HTML widget. chart: the PNG image widget, or
        None while nothing has been answered or reviewed.
    """

    def __init__(self, today: dt.date | None = None) -> None:
        self.data = summary(today)
        self.table = widgets.HTML(summary_html(self.data))
        self.chart: widgets.Image | None = None
        if not self.data["empty"]:
            buffer = io.BytesIO()
            progress_figure(self.data).savefig(buffer, format="png")
            self.chart = widgets.Image(value=buffer.getvalue(), format="png")
        super().__init__([self.table] + ([self.chart] if self.chart is not None else []))
        self.add_class("pruneedu-progress")


def show(today: dt.date | None = None) -> ProgressView:
    """The progress dashboard; make it the last line of a cell to see it.

    Example:
        >>> from pruneedu import progress
        >>> view = progress.show()
        >>> view.chart is None, "Start with lesson 1" in view.table.value
        (True, True)
    """
    return ProgressView(today)
