"""One labelled ipywidgets control per question type, and reading an answer value back.

Choices, terms and definitions appear in each learner's own order (:func:`shuffled`), but the
value read back is always by choice id, term and definition text, so order never matters.

Choice texts are shown as a lettered list in an HTML widget and the controls carry only the
letters: ipywidgets draws radio and checkbox labels in fixed-height rows, so a long choice
text that wraps would overlap the next one.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from traitlets import TraitError

from pruneedu.markdown_html import inline_html
from pruneedu.quiz.bank import Question
from pruneedu.quiz.order import lettered_choices, shuffled

CHOOSE = "Choose a definition"
_WIDE = {"description_width": "initial"}


def choices_html(question: Question, learner_id: str) -> str:
    """The lettered list of choice texts shown above the letter controls ("" for no choices);
    each text is Markdown, so `code` shows as code."""
    if question.type not in ("single", "multiple"):
        return ""
    rows = "".join(f"<div style='margin: 0.2em 0'><b>{letter}.</b> {inline_html(c.text)}</div>"
                   for letter, c in lettered_choices(question, learner_id))
    return f"<div>{rows}</div>"


def build_controls(question: Question, learner_id: str) -> dict[str, widgets.ValueWidget]:
    """The controls for one question, keyed ``"answer"``, by choice id, or by term.

    Example:
        >>> from pruneedu.quiz.bank import load_bank
        >>> question = next(q for q in load_bank("01-introduction").questions
        ...                 if q.type == "multiple")
        >>> controls = build_controls(question, "ada")   # one checkbox per choice id
        >>> controls[question.choices[0].id].value = True
        >>> read_value(question, controls) == [question.choices[0].id]
        True
    """
    layout = widgets.Layout(width="auto")
    if question.type == "single":
        lettered = lettered_choices(question, learner_id)
        return {"answer": widgets.ToggleButtons(options=[(letter, c.id) for letter, c in lettered],
                                                value=None, description="Your answer:",
                                                style=_WIDE,
                                                tooltips=[c.text for _, c in lettered])}
    if question.type == "multiple":
        return {c.id: widgets.Checkbox(value=False, description=letter, indent=False,
                                       layout=widgets.Layout(width="4em"))
                for letter, c in lettered_choices(question, learner_id)}
    if question.type == "truefalse":
        return {"answer": widgets.ToggleButtons(options=[("True", True), ("False", False)],
                                                value=None, description="Your answer:",
                                                style=_WIDE)}
    if question.type == "numeric":
        return {"answer": widgets.FloatText(value=0.0, description="Your answer:", style=_WIDE,
                                            continuous_update=False)}
    if question.type == "text":
        return {"answer": widgets.Text(value="", description="Your answer:", style=_WIDE,
                                       placeholder="Type your answer", continuous_update=False)}
    if question.type == "written":
        return {"answer": widgets.Textarea(value="", description="Your answer:", style=_WIDE,
                                           placeholder="A few sentences in your own words",
                                           continuous_update=False,
                                           layout=widgets.Layout(width="95%", height="7em"))}
    definitions = shuffled(question.definitions, learner_id, question.id + "/definitions")
    options = [(CHOOSE, None)] + [(d, d) for d in definitions]
    return {term: widgets.Dropdown(options=options, value=None, description=term, style=_WIDE,
                                   layout=layout)
            for term in shuffled(question.terms, learner_id, question.id + "/terms")}


def read_value(question: Question, controls: dict[str, widgets.ValueWidget]) -> object:
    """The answer value the controls show, in the form :func:`grade_answer` takes.

    Multiple-choice ids come back in the bank's order, so a learner's display order never
    reaches the responses file.
    """
    if question.type == "multiple":
        return [c.id for c in question.choices if controls[c.id].value]
    if question.type == "matching":
        return {term: controls[term].value for term in question.terms
                if controls[term].value is not None}
    return controls["answer"].value


def show_value(question: Question, controls: dict[str, widgets.ValueWidget],
               value: object) -> None:
    """Put a saved answer back into the controls; values that no longer fit are skipped."""
    if question.type == "multiple" and isinstance(value, list):
        for choice_id, control in controls.items():
            control.value = choice_id in value
    elif question.type == "matching" and isinstance(value, dict):
        for term, control in controls.items():
            if value.get(term) in question.definitions:
                control.value = value[term]
    elif question.type not in ("multiple", "matching"):
        try:
            controls["answer"].value = value
        except TraitError:
            pass  # an answer saved for an older version of the question


def clear_controls(question: Question, controls: dict[str, widgets.ValueWidget]) -> None:
    """Empty every control, e.g. when "Try another" shows new numbers."""
    for control in controls.values():
        if isinstance(control, widgets.Checkbox):
            control.value = False
        elif isinstance(control, widgets.FloatText):
            control.value = 0.0
        elif isinstance(control, (widgets.Text, widgets.Textarea)):
            control.value = ""
        else:
            control.value = None


def observe_all(controls: dict[str, widgets.ValueWidget], callback: Callable[[], None]) -> None:
    """Call ``callback()`` whenever any control's value changes."""
    for control in controls.values():
        control.observe(lambda _change: callback(), names="value")
