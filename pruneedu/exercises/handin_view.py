"""The hand-in button for a notebook: :func:`pruneedu.exercises.hand_in` with one click.

Above the button, :func:`pruneedu.identity.ask` shows whose work is handed in, or asks once
for the learner's id.

Example:
    >>> view = HandInView({})
    >>> view.button.description
    'Hand in'
"""

from __future__ import annotations

import html
import sys
from typing import Any

import ipywidgets as widgets

from pruneedu import identity
from pruneedu.exercises.handin import NO_ID, hand_in


class HandInView(widgets.VBox):
    """The button (``.button``) and what the last hand-in wrote (``.message``).

    ``namespace`` is where the exercise functions live: by default the notebook that builds
    the view.
    """

    def __init__(self, namespace: dict | None = None) -> None:
        self.namespace = namespace if namespace is not None else sys._getframe(1).f_globals
        self.button = widgets.Button(description="Hand in", icon="upload",
                                     button_style="primary")
        self.message = widgets.HTML("")
        self.button.on_click(self.hand_in)
        self.identity = identity.ask()
        super().__init__([self.identity, self.button, self.message])
        self.add_class("pruneedu-hand-in")

    def hand_in(self, _button: Any = None) -> None:
        """What a click does: write the hand-in file and show the message."""
        try:
            result = hand_in(self.namespace, quiet=True)
            text = NO_ID if result is None else result.message()
        except (OSError, ValueError) as error:
            text = f"Could not hand in: {error}"
        self.message.value = f"<pre>{html.escape(text)}</pre>"
