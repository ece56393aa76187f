"""The ask-once view for the learner id (pure ipywidgets); the rules live in :mod:`identity`.

Kept apart from :mod:`pruneedu.identity` so that quiz and grading code can check ids without
loading ipywidgets.

Example:
    >>> from pruneedu.identity_prompt import IdentityPrompt
    >>> IdentityPrompt().learner_id is None   # no id yet: the field and Save button show
    True
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets

from pruneedu import identity


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


class IdentityPrompt(widgets.VBox):
    """Ask once for the learner id, save it, then show what ``then(id)`` returns below.

    When an id is already known the prompt only says which one and where it came from, and
    ``then`` runs at once.

    Attributes:
        text, button: the id field and its Save button (tests set ``text.value`` and call
            ``button.click()``). message: what went wrong. form: the field, button and message.
        learner_id: the id once known. result: what ``then`` returned (e.g. a quiz view).

    Example:
        >>> prompt = IdentityPrompt()
        >>> prompt.text.value = "ada"; prompt.button.click()
        >>> prompt.learner_id
        'ada'
    """

    def __init__(self, then: Callable[[str], object] | None = None) -> None:
        self._then = then
        self.result: object = None
        found = identity.lookup()
        self.learner_id = found.learner_id
        self.text = widgets.Text(value="", description="Your learner id:",
                                 placeholder="e.g. ada.lovelace",
                                 style={"description_width": "initial"})
        self.button = widgets.Button(description="Save my id", button_style="primary",
                                     tooltip="Remember this id for all your answers")
        self.message = widgets.HTML("")
        self.button.on_click(lambda _button: self.submit())
        intro = widgets.HTML(
            "<p>Before your answers are saved, tell the course who you are: in a class, the "
            "student id your instructor gave you; on your own, any name of yours. You are asked "
            f"only once; the id is kept in <code>{_escape(str(identity.saved_id_path()))}</code>."
            "</p>" + (f"<p><i>{_escape(found.refused)}</i></p>" if found.refused else ""))
        self.form = widgets.VBox([intro, widgets.HBox([self.text, self.button]), self.message])
        super().__init__([self.form])
        self.add_class("pruneedu-identity")
        if self.learner_id is not None:
            self.form.layout.display = "none"
            self._done(f"Your answers are saved as <b>{_escape(self.learner_id)}</b> "
                       f"({identity.SOURCES[found.source]}).")

    def submit(self) -> None:
        """What the Save button does."""
        if self.learner_id is not None:
            return
        try:
            saved = identity.save_learner_id(self.text.value)
        except identity.LearnerIdError as error:
            self.message.value = f"<span style='color:#b00020'>{_escape(str(error))}</span>"
            return
        except OSError as error:
            self.message.value = _escape(
                f"Could not save your id to {identity.saved_id_path()} "
                f"({error.strerror or error}); fix that folder and try again.")
            return
        self.learner_id = saved
        self.text.disabled = self.button.disabled = True
        self.message.value = ""
        self._done(f"Saved: your answers are saved as <b>{_escape(saved)}</b> from now on.")

    def _done(self, note: str) -> None:
        parts: list[widgets.Widget] = [widgets.HTML(f"<p>{note}</p>")]
        if self._then is not None:
            self.result = self._then(self.learner_id)
            if isinstance(self.result, widgets.Widget):
                parts.append(self.result)
        self.children = (*self.children, *parts)
