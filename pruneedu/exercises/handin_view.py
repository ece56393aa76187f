"""The hand-in button for a notebook: :func:`pruneedu.exercises.hand_in` with one click.

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

from pruneedu.exercises.handin import hand_in


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
        super().__init__([self.button, self.message])
        self.add_class("pruneedu-hand-in")

    def hand_in(self, _button: Any = None) -> None:
        """What a click does: write the hand-in file and show the message."""
        try:
            text = hand_in(self.namespace, quiet=True).message()
        except (OSError, ValueError) as error:
            text = f"Could not hand in: {error}"
        self.message.value = f"<pre>{html.escape(text)}</pre>"
