"""The quiz as ipywidgets: practice mode (feedback that teaches) and graded mode (answers only).

Practice mode shows the practice bank (``quizzes/practice/<id>.yaml``): a wrong first try gets
a hint, the solution comes after the second try or on request ("Show solution"), "Try another"
draws new numbers for a per-learner question, and "Re-read" opens the lesson chapter that
teaches it. Graded mode renders the released (keyless) graded bank, so nothing in the notebook
reveals the key; it only saves answers.

Every answer is kept in the kernel and saved atomically to the learner's responses file as
soon as it is given, so closing the notebook never loses work.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets

from pruneedu import identity
from pruneedu.identity_prompt import IdentityPrompt
from pruneedu.markdown_html import to_html
from pruneedu.paths import default_learner_id
from pruneedu.quiz import teach
from pruneedu.quiz.bank import Bank, Question, bank_from_dict, load_bank
from pruneedu.quiz.controls import (
    build_controls,
    choices_html,
    clear_controls,
    observe_all,
    read_value,
    show_value,
)
from pruneedu.quiz.grading import AnswerError, Result, grade_answer, is_empty
from pruneedu.quiz.recorded import recorded_values
from pruneedu.quiz.release import content_hash, release_bank
from pruneedu.quiz.responses import (
    MODES,
    ResponsesError,
    load_responses,
    new_responses,
    record_answer,
    record_try,
    responses_path,
    save_responses,
)
from pruneedu.quiz.variants import VariantError, concrete, is_variant, seed_id, select_questions


def _escape(text: str) -> str:
    """Escape text for an HTML widget; quotes stay readable as they are harmless in text."""
    return html.escape(text, quote=False)


class QuestionView(widgets.VBox):
    """One question on screen: prompt, controls, buttons, feedback and a lesson box.

    ``base`` is the question as the bank holds it; ``question`` the learner's concrete form
    (their numbers filled in), or None while a recorded value it needs is missing.
    """

    def __init__(self, number: int, base: Question, view: QuizView) -> None:
        self.base = base
        self.number = number
        self.learner_id = view.learner_id
        self.variant = 0
        self.tries = 0
        self.solution_shown = False
        self.question: Question | None = None
        practice = view.mode == "practice"
        self.prompt = widgets.HTML("")
        self.choices = widgets.HTML("")
        self.note = widgets.HTML(teach.depth_note(base, view.depth, view.lesson_title))
        self.controls = build_controls(base, view.learner_id)
        label = ("Save" if base.type == "written" else "Check") if practice else "Save answer"
        self.check_button = widgets.Button(description=label, tooltip=f"{label}: {base.id}")
        self.solution_button = widgets.Button(description="Show solution",
                                              tooltip="See the answer and how to get it")
        self.another_button = widgets.Button(description="Try another",
                                             tooltip="New numbers for this question")
        self.reference = teach.find_reference(base, view.bank.lesson)
        self.lesson_button = widgets.Button(
            description="Re-read in the lesson",
            tooltip=self.reference.title if self.reference else "")
        self.feedback = widgets.HTML("")
        self.lesson_box = widgets.HTML("")
        for button in (self.check_button, self.solution_button, self.another_button,
                       self.lesson_button):
            button.layout.width = "auto"  # the default width cuts "Re-read in the lesson"
        buttons = [self.check_button]
        if practice and base.type != "written":
            buttons.append(self.solution_button)
            if is_variant(base) and base.params:
                buttons.append(self.another_button)
        for button in (self.solution_button, self.lesson_button):
            button.layout.display = "none"
        if self.reference is not None:
            buttons.append(self.lesson_button)
        if base.type == "multiple":
            answer_row = [widgets.HBox([widgets.Label("Your answers:"), *self.controls.values()])]
        else:
            answer_row = list(self.controls.values())
        super().__init__(
            [self.prompt, self.note, self.choices, *answer_row, widgets.HBox(buttons),
             self.feedback, self.lesson_box],
            layout=widgets.Layout(margin="0 0 1em 0"),
        )
        # Browser tests and teachers' stylesheets find the parts by these classes.
        self.add_class("pruneedu-question")
        self.feedback.add_class("pruneedu-feedback")

    def render(self, question: Question | None, learner_id: str, problem: str = "") -> None:
        """Show ``question`` (the learner's concrete form), or ``problem`` when there is none."""
        self.question = question
        shown = question or self.base
        self.prompt.value = (f"<div><b>{self.number}.</b> <i>"
                             f"({teach.number(float(shown.points))} point"
                             f"{'s' if shown.points != 1 else ''})</i>"
                             f"{to_html(shown.prompt)}</div>")
        self.choices.value = choices_html(shown, self.learner_id) if question else ""
        for control in self.controls.values():
            control.disabled = question is None
        self.check_button.disabled = question is None
        if problem:
            self.feedback.value = f"<i>{_escape(problem)}</i>"

    def value(self) -> object:
        """The answer the controls show now."""
        return read_value(self.base, self.controls)


class QuizView(widgets.VBox):
    """A quiz on screen, an ``ipywidgets.VBox`` like every view of the course. Tests drive it:
    set ``.value`` on ``questions[id].controls``, then ``.click()`` a ``check_button``,
    ``solution_button``, ``another_button`` or ``submit_button``, and read ``feedback``/``score``.

    ``results``: the latest grade per question; ``first_results``: the grade of each
    question's first checked try (practice).
    """

    def __init__(self, bank: Bank, mode: str, learner_id: str, path: Path,
                 depth: str | None = None) -> None:
        self.bank = bank
        self.mode = mode
        self.learner_id = learner_id
        self.path = path
        self.depth = depth
        self.variant_seed = bank.variant_seed if mode == "graded" else None
        self.recorded = recorded_values()
        self.results: dict[str, Result] = {}
        self.first_results: dict[str, Result] = {}
        self.status = widgets.HTML("")
        self.lesson_title = self._lesson_title()
        self.responses = self._open_responses()
        self.asked = select_questions(bank, learner_id, self.variant_seed)
        self.questions: dict[str, QuestionView] = {}
        for number, question in enumerate(self.asked, 1):
            self.questions[question.id] = QuestionView(number, question, self)
        self._restore()
        self.score = widgets.HTML("")
        self.submit_button = widgets.Button(description="Submit and save",
                                            button_style="primary",
                                            tooltip="Save all answers to your responses file")
        self.submit_button.on_click(lambda _button: self.submit())
        for view in self.questions.values():
            qid = view.base.id
            view.check_button.on_click(lambda _b, q=qid: self.check(q))
            view.solution_button.on_click(lambda _b, q=qid: self.show_solution(q))
            view.another_button.on_click(lambda _b, q=qid: self.try_another(q))
            view.lesson_button.on_click(lambda _b, q=qid: self.toggle_lesson(q))
            if mode == "graded":
                # Graded answers are saved as soon as they change, even without a click.
                observe_all(view.controls, lambda q=qid: self._record(q))
        self._update_score()
        kind = "Practice" if mode == "practice" else "Graded"
        title = widgets.HTML(f"<h3>{_escape(bank.title)}</h3>"
                             f"<p>{kind} mode. Your answers are saved to "
                             f"{_escape(str(path))}.</p>")
        footer = [self.score] if mode == "practice" else [self.submit_button]
        super().__init__([title, *self.questions.values(), *footer, self.status])
        self.add_class("pruneedu-quiz")

    def _lesson_title(self) -> str:
        from pruneedu import lessons

        try:
            return lessons.load_lesson(self.bank.lesson).title
        except (OSError, ValueError):
            return self.bank.lesson

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
        responses = new_responses(self.bank.id, quiz_hash, self.learner_id, self.mode)
        if self.mode == "graded":
            responses["variant_seed_id"] = seed_id(self.variant_seed)
        return responses

    def _concrete(self, view: QuestionView) -> None:
        try:
            question = concrete(view.base, self.bank.id, self.learner_id, self.variant_seed,
                                view.variant, self.recorded)
        except VariantError as error:
            view.render(None, self.learner_id, str(error))
            return
        view.render(question, self.learner_id)

    def _restore(self) -> None:
        answers = self.responses["answers"]
        for qid, view in self.questions.items():
            entry = answers.get(qid, {})
            if self.mode == "practice":
                view.variant = entry.get("variant", 0)
                view.tries = sum(1 for t in entry.get("tries", [])
                                 if t.get("variant", 0) == view.variant)
                view.solution_shown = entry.get("solution_shown", False)
            self._concrete(view)
            if "value" not in entry or view.question is None:
                continue
            show_value(view.base, view.controls, entry["value"])
            if self.mode == "practice" and view.question.has_key:
                try:
                    self.results[qid] = grade_answer(view.question, entry["value"])
                    first = entry.get("tries", [{}])[0]
                    if "value" in first:
                        shown = concrete(view.base, self.bank.id, self.learner_id, None,
                                         first.get("variant", 0), self.recorded)
                        self.first_results[qid] = grade_answer(shown, first["value"])
                except (AnswerError, VariantError):
                    pass  # an old answer that no longer fits; the learner answers again
                view.solution_button.layout.display = ""

    def _save(self) -> bool:
        if self.mode == "graded":
            used = {name for q in self.asked for name in q.recorded}
            self.responses["recorded"] = {n: v for n, v in self.recorded.items() if n in used}
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
        view = self.questions[question_id]
        value = view.value()
        if is_empty(value) or view.question is None:
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
        assert view.question is not None  # the button is disabled until the numbers exist
        try:
            result = grade_answer(view.question, value)
        except AnswerError as error:
            view.feedback.value = _escape(str(error))
            return
        tries = record_try(self.responses, question_id, value, view.variant)
        self._save()
        self.results[question_id] = result
        if tries == 1:
            self.first_results[question_id] = result
        if view.base.type == "written":
            view.feedback.value = teach.written_html(view.question, saved=True)
            view.lesson_button.layout.display = ""
            return
        view.tries += 1
        stage = "first" if view.tries == 1 and not view.solution_shown else "solution"
        parts = [teach.feedback_html(view.question, self.learner_id, value, result, stage)]
        if view.question.run_after and view.tries == 1:
            parts.append("Now run it and compare:" + to_html(view.question.run_after))
        view.feedback.value = "<br>".join(parts)
        view.solution_button.layout.display = "" if not result.correct else "none"
        view.lesson_button.layout.display = "" if not result.correct else "none"
        self._update_score()

    def show_solution(self, question_id: str) -> None:
        """What "Show solution" does: the key and the worked explanation, marked as seen."""
        view = self.questions[question_id]
        if view.question is None:
            return
        view.solution_shown = True
        entry = self.responses["answers"].get(question_id)
        if entry is not None:
            entry["solution_shown"] = True
            self._save()
        value = view.value()
        if question_id in self.results and not is_empty(value):
            result = self.results[question_id]
            view.feedback.value = teach.feedback_html(view.question, self.learner_id, value,
                                                      result, "solution")
        else:
            view.feedback.value = teach.solution_html(view.question, self.learner_id)

    def try_another(self, question_id: str) -> None:
        """What "Try another" does: new numbers, empty controls, fresh tries (practice)."""
        view = self.questions[question_id]
        view.variant += 1
        view.tries = 0
        view.solution_shown = False
        clear_controls(view.base, view.controls)
        view.feedback.value = ""
        view.solution_button.layout.display = "none"
        self._concrete(view)

    def toggle_lesson(self, question_id: str) -> None:
        """What "Re-read in the lesson" does: show (or hide) the chapter that teaches it."""
        view = self.questions[question_id]
        if view.reference is None:
            return
        view.lesson_box.value = "" if view.lesson_box.value else (
            "<div class='pruneedu-lesson-ref' style='border-left: 3px solid #0072B2; "
            f"padding-left: 0.8em'>{view.reference.html()}</div>")

    def _update_score(self) -> None:
        scored = [q for q in self.asked if q.type != "written"]
        best = sum(self.results[q.id].score for q in scored if q.id in self.results)
        first = sum(self.first_results[q.id].score for q in scored if q.id in self.first_results)
        possible = sum(float(q.points) for q in scored)
        checked = sum(1 for q in scored if q.id in self.results)
        self.score.value = (f"Score: {teach.total_text(best, possible)} "
                            f"(first tries: {teach.total_text(first, possible)}; "
                            f"{checked} of {len(scored)} questions checked)")

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
         path: str | Path | None = None,
         depth: str | None = None) -> QuizView | IdentityPrompt:
    """Show a quiz in the notebook and return the :class:`QuizView` (displayed when last).

    ``source`` is a quiz id or a bank file. By id, practice mode shows the quiz's practice
    bank (``quizzes/practice/<id>.yaml``) and graded mode the graded bank, rendered from its
    released, keyless copy (a released file works too). Answers go to ``path``, by default
    :func:`responses_path` for the quiz and mode. ``depth`` (basic, medium, detailed): the
    summary depth the learner reads; questions that need more say so. A graded quiz opened
    before the learner has an id (:mod:`pruneedu.identity`) first asks for one and returns
    that :class:`~pruneedu.identity_prompt.IdentityPrompt`; its ``result`` is the quiz.

    Example:
        >>> from pruneedu import quiz
        >>> view = quiz.show("01-introduction", mode="graded", learner_id="ada")  # shows it
        >>> view.bank.has_key, view.path.name       # graded mode shows the keyless copy
        (False, '01-introduction.responses.json')
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'practice' or 'graded', not {mode!r}.")
    if depth is not None and depth not in ("basic", "medium", "detailed"):
        raise ValueError(f"depth must be basic, medium or detailed, not {depth!r}.")
    bank = load_bank(source, practice=mode == "practice")
    if mode == "graded":
        # Render from the keyless copy so neither the widgets nor the kernel hold the key.
        bank = bank_from_dict(release_bank(bank))
    elif not bank.has_key:
        raise ValueError(f"{source} is a released copy without answers; "
                         "use mode='graded' or the full bank for practice.")
    target = Path(path) if path is not None else responses_path(bank.id, mode)
    if learner_id is None and mode == "graded" and identity.learner_id() is None:
        # Nothing is recorded under a made-up name: the learner says who they are first.
        return identity.ask(then=lambda given: QuizView(bank, mode, given, target, depth))
    return QuizView(bank, mode, learner_id or default_learner_id(), target, depth)
