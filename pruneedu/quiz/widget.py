"""The quiz as ipywidgets: practice mode (instant feedback) and graded mode (answers only).

Every answer is kept in the kernel and saved atomically to the learner's responses file as
soon as it is given, so closing the notebook never loses work. Graded mode renders from the
released (keyless) copy of the bank, so nothing in the notebook reveals the key.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets

from pruneedu import identity
from pruneedu.identity_prompt import IdentityPrompt
from pruneedu.paths import default_learner_id
from pruneedu.quiz.bank import (
    Bank,
    Question,
    bank_from_dict,
    load_bank,
)
from pruneedu.quiz.controls import (
    build_controls,
    choices_html,
    observe_all,
    read_value,
    show_value,
)
from pruneedu.quiz.grading import AnswerError, Result, grade_answer, is_empty
from pruneedu.quiz.release import content_hash, release_bank
from pruneedu.quiz.responses import (
    MODES,
    ResponsesError,
    load_responses,
    new_responses,
    record_answer,
    responses_path,
    save_responses,
)


def _escape(text: str) -> str:
    """Escape text for an HTML widget; quotes stay readable as they are harmless in text."""
    return html.escape(text, quote=False)


def _points(value: float) -> str:
    return f"{value:g} point{'s' if value != 1 else ''}"


class QuestionView(widgets.VBox):
    """One question on screen: prompt, controls, a Check (or Save) button and a feedback line."""

    def __init__(self, number: int, question: Question, learner_id: str, mode: str) -> None:
        self.question = question
        self.prompt = widgets.HTML(
            f"<b>{number}. {_escape(question.prompt)}</b> "
            f"<i>({_points(float(question.points))})</i>"
        )
        self.choices = widgets.HTML(choices_html(question, learner_id))
        self.controls = build_controls(question, learner_id)
        label = "Check" if mode == "practice" else "Save answer"
        self.check_button = widgets.Button(description=label, tooltip=f"{label}: {question.id}")
        self.feedback = widgets.HTML("")
        if question.type == "multiple":
            answer_row = [widgets.HBox([widgets.Label("Your answers:"),
                                        *self.controls.values()])]
        else:
            answer_row = list(self.controls.values())
        super().__init__(
            [self.prompt, self.choices, *answer_row, self.check_button, self.feedback],
            layout=widgets.Layout(margin="0 0 1em 0"),
        )

    def value(self) -> object:
        """The answer the controls show now."""
        return read_value(self.question, self.controls)


class QuizView(widgets.VBox):
    """A quiz on screen, an ``ipywidgets.VBox`` like every view of the course. Tests drive it:
    set ``.value`` on ``questions[id].controls``, then ``.click()`` a ``check_button`` or
    ``submit_button``, and read ``feedback``/``score``.
    """

    def __init__(self, bank: Bank, mode: str, learner_id: str, path: Path) -> None:
        self.bank = bank
        self.mode = mode
        self.learner_id = learner_id
        self.path = path
        self.results: dict[str, Result] = {}
        self.status = widgets.HTML("")
        self.responses = self._open_responses()
        self.questions = {
            q.id: QuestionView(n, q, learner_id, mode) for n, q in enumerate(bank.questions, 1)
        }
        self._restore()
        self.score = widgets.HTML("")
        self.submit_button = widgets.Button(description="Submit and save",
                                            button_style="primary",
                                            tooltip="Save all answers to your responses file")
        self.submit_button.on_click(lambda _button: self.submit())
        for view in self.questions.values():
            view.check_button.on_click(lambda _button, v=view: self.check(v.question.id))
            if mode == "graded":
                # Graded answers are saved as soon as they change, even without a click.
                observe_all(view.controls, lambda v=view: self._record(v.question.id))
        self._update_score()
        title = widgets.HTML(f"<h3>{_escape(bank.title)}</h3>"
                             f"<p>{'Practice' if mode == 'practice' else 'Graded'} mode. "
                             f"Your answers are saved to {_escape(str(path))}.</p>")
        footer = [self.score] if mode == "practice" else [self.submit_button]
        super().__init__([title, *self.questions.values(), *footer, self.status])
        self.add_class("pruneedu-quiz")

    def _open_responses(self) -> dict:
        """Continue the saved attempt when it fits this quiz; otherwise keep it aside."""
        quiz_hash = content_hash(self.bank)
        if self.path.exists():
            try:
                saved = load_responses(self.path)
            except ResponsesError as error:
                saved, reason = None, str(error)
            else:
                reason = "it was answered against another version of this quiz"
            if saved is not None and self.mode == "practice" and (
                    saved["learner_id"] == identity.ANONYMOUS):
                saved["learner_id"] = self.learner_id  # practised before giving an id
            if saved is not None and (saved["quiz_id"], saved["quiz_hash"], saved["mode"],
                                      saved["learner_id"]) == (
                    self.bank.id, quiz_hash, self.mode, self.learner_id):
                return saved
            if saved is not None and saved["learner_id"] != self.learner_id:
                reason = f"it holds the answers of learner {saved['learner_id']!r}"
            # Never overwrite someone's answers: move the old file aside and say where.
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
            kept = self.path.with_name(f"{self.path.name}.{stamp}.bak")
            self.path.replace(kept)
            self.status.value = _escape(
                f"Started a new attempt because {reason.rstrip('.')}; the old file is kept "
                f"as {kept}."
            )
        return new_responses(self.bank.id, quiz_hash, self.learner_id, self.mode)

    def _restore(self) -> None:
        for qid, entry in self.responses["answers"].items():
            view = self.questions.get(qid)
            if view is None:
                continue
            show_value(view.question, view.controls, entry["value"])
            if self.mode == "practice":
                try:
                    self.results[qid] = grade_answer(view.question, entry["value"])
                except AnswerError:
                    pass  # an old answer that no longer fits; the learner answers again

    def _save(self) -> bool:
        try:
            save_responses(self.path, self.responses)
        except OSError as error:
            self.status.value = _escape(
                f"Could not save to {self.path} ({error.strerror or error}); your answers are "
                "still in this notebook, free some space or fix the folder and answer again."
            )
            return False
        return True

    def _record(self, question_id: str) -> bool:
        """Keep the current answer in the kernel and on disk; False when there is none."""
        value = self.questions[question_id].value()
        if is_empty(value):
            return False
        record_answer(self.responses, question_id, value)
        return self._save()

    def check(self, question_id: str) -> None:
        """What the Check (practice) or Save answer (graded) button does."""
        view = self.questions[question_id]
        value = view.value()
        if is_empty(value):
            view.feedback.value = "Choose or type an answer first."
            return
        if self.mode == "graded":
            saved = self._record(question_id)
            view.feedback.value = "Answer saved." if saved else "Answer kept, not saved."
            return
        try:
            result = grade_answer(view.question, value)
        except AnswerError as error:
            view.feedback.value = _escape(str(error))
            return
        self.results[question_id] = result
        self._record(question_id)
        view.feedback.value = self._feedback_html(result)
        self._update_score()

    @staticmethod
    def _feedback_html(result: Result) -> str:
        verdict = ("Correct" if result.correct
                   else "Partly right" if result.score > 0 else "Not quite")
        parts = [f"<b>{verdict}</b>: {result.score:g} of {_points(result.max_score)}."]
        if result.feedback:
            parts.append(_escape(result.feedback))
        if result.explanation:
            parts.append(f"<i>{_escape(result.explanation)}</i>")
        if not result.correct:
            parts.append("You can change your answer and check again.")
        return "<br>".join(parts)

    def _update_score(self) -> None:
        total = sum(r.score for r in self.results.values())
        answered = len(self.results)
        self.score.value = (f"Score: {total:g} / {self.bank.max_score:g} "
                            f"({answered} of {len(self.questions)} questions checked)")

    def submit(self) -> None:
        """What the Submit and save button does: save the file and say where it is.

        It records nothing itself: answers are recorded as they change or on Save answer, so
        an untouched number field (which shows 0) never becomes an answer of 0.
        """
        if self._save():
            count = len(self.responses["answers"])
            self.status.value = _escape(
                f"Saved {count} of {len(self.questions)} answers to {self.path}."
            )


def show(source: str | Path, mode: str = "practice", learner_id: str | None = None,
         path: str | Path | None = None) -> QuizView | IdentityPrompt:
    """Show a quiz in the notebook and return the :class:`QuizView` (displayed when last).

    ``source`` is a quiz id or a bank file (a released copy works in graded mode). Answers
    go to ``path``, by default :func:`responses_path` for the quiz and mode. A graded quiz
    opened before the learner has an id (:mod:`pruneedu.identity`) first asks for one and
    returns that :class:`~pruneedu.identity_prompt.IdentityPrompt`; its ``result`` is the quiz.

    Example:
        >>> from pruneedu import quiz
        >>> view = quiz.show("01-introduction", mode="graded", learner_id="ada")  # shows it
        >>> view.bank.has_key, view.path.name       # graded mode shows the keyless copy
        (False, '01-introduction.responses.json')
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'practice' or 'graded', not {mode!r}.")
    bank = load_bank(source)
    if mode == "graded":
        # Render from the keyless copy so neither the widgets nor the kernel hold the key.
        bank = bank_from_dict(release_bank(bank))
    elif not bank.has_key:
        raise ValueError(f"{source} is a released copy without answers; "
                         "use mode='graded' or the full bank for practice.")
    target = Path(path) if path is not None else responses_path(bank.id, mode)
    if learner_id is None and mode == "graded" and identity.learner_id() is None:
        # Nothing is recorded under a made-up name: the learner says who they are first.
        return identity.ask(then=lambda given: QuizView(bank, mode, given, target))
    return QuizView(bank, mode, learner_id or default_learner_id(), target)
