"""The flashcard review widget: flip a card, grade yourself, see what is left for today.

Built from plain ipywidgets, so the notebook output holds no JavaScript. ipywidgets buttons
cannot listen for key presses, so keyboard use goes through a small text box: typing a space
flips the card and 1-4 answer again/hard/good/easy (the box empties itself after each key).
The buttons themselves also work from the keyboard: Tab moves between them, Enter or Space
presses the focused one.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import ipywidgets as widgets

from pruneedu.flashcards.deck import Deck

KEY_ANSWERS = {"1": "again", "2": "hard", "3": "good", "4": "easy"}
KEY_HELP = (
    "Keyboard: click into the box on the right, then type <b>space</b> to flip and "
    "<b>1</b>-<b>4</b> for again / hard / good / easy. "
    "Or use Tab to reach a button and Enter to press it."
)


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


class CardWidget(widgets.VBox):
    """Reviews the deck's due cards one at a time; every answer is saved immediately.

    As SM-2 prescribes, a card answered "again" comes back at the end of today's session
    until you know it; those repeat views are practice and do not change its saved schedule.
    """

    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.queue = [term.id for term in deck.due_cards()]
        self.due_at_start = len(self.queue)
        self.reviewed = 0
        self.flipped = False
        self.repeating: set[str] = set()  # cards answered "again" today, shown once more

        self.due_label = widgets.HTML()
        self.progress_label = widgets.HTML()
        self.front = widgets.HTML()
        self.back = widgets.HTML()
        self.message = widgets.HTML()
        self.flip_button = widgets.Button(description="Flip", tooltip="Show the answer (space)")
        self.flip_button.on_click(lambda _button: self.flip())
        self.answer_buttons: dict[str, widgets.Button] = {}
        for key, answer in KEY_ANSWERS.items():
            button = widgets.Button(tooltip=f"{answer} (key {key})")
            button.on_click(lambda _button, answer=answer: self.answer(answer))
            self.answer_buttons[answer] = button
        self.key_box = widgets.Text(
            placeholder="type: space / 1-4",
            continuous_update=True,
            layout=widgets.Layout(width="11em"),
        )
        self.key_box.observe(self._on_key, names="value")
        help_text = widgets.HTML(f"<small>{KEY_HELP}</small>")

        super().__init__(
            [
                widgets.HBox([self.due_label, self.progress_label]),
                self.front,
                self.back,
                widgets.HBox([self.flip_button, *self.answer_buttons.values(), self.key_box]),
                self.message,
                help_text,
            ]
        )
        # Class names give browser tests (and custom CSS) stable handles on the parts.
        self.add_class("pruneedu-flashcards")
        self.key_box.add_class("pruneedu-flashcards-keys")
        self.back.add_class("pruneedu-flashcards-back")
        self.progress_label.add_class("pruneedu-flashcards-progress")
        self._render()

    @property
    def current(self) -> str | None:
        """The id of the card on screen, or None when today's reviews are done."""
        return self.queue[0] if self.queue else None

    def flip(self) -> None:
        """Turn the current card over (again to hide the back)."""
        if self.current is None:
            return
        self.flipped = not self.flipped
        self._render()

    def answer(self, answer: str) -> None:
        """Grade the current card (after flipping it) and move to the next one."""
        if self.current is None:
            return
        if not self.flipped:
            self.message.value = "Flip the card first, then say how well you knew it."
            return
        card_id = self.queue.pop(0)
        name = html.escape(self.deck.term(card_id).term)
        if card_id in self.repeating:
            self.message.value = f"<b>{name}</b>: practice only, its schedule is already saved."
        else:
            state = self.deck.answer(card_id, answer)
            self.reviewed += 1
            self.message.value = (f"Saved: <b>{name}</b> comes back in "
                                  f"{_days(state.interval_days)}.")
        if answer == "again":
            self.repeating.add(card_id)
            self.queue.append(card_id)
            self.message.value += " You will see it again at the end of this session."
        self.flipped = False
        self._render()

    def _on_key(self, change: dict) -> None:
        typed = change["new"]
        if not typed:
            return  # the reset below fires this observer once more with ""
        self.key_box.value = ""
        for key in typed:
            if key == " ":
                self.flip()
            elif key in KEY_ANSWERS:
                self.answer(KEY_ANSWERS[key])

    def _render(self) -> None:
        left = len(self.queue)
        self.due_label.value = f"<b>Due today: {self.due_at_start}</b> &nbsp;|&nbsp; "
        self.progress_label.value = f"{self.reviewed} cards reviewed, {left} left"
        card_id = self.current
        if card_id is None:
            self.front.value = (
                "<h3>All done for today.</h3><p>Come back tomorrow: your next cards are "
                "scheduled and saved.</p>"
            )
            self.back.value = ""
        else:
            term = self.deck.term(card_id)
            self.front.value = f"<h3>{html.escape(term.term)}</h3>"
            self.back.value = self.deck.back_html(card_id) if self.flipped else ""
        practice = card_id in self.repeating
        intervals = self.deck.preview_intervals(card_id) if card_id and not practice else {}
        for key, answer in KEY_ANSWERS.items():
            button = self.answer_buttons[answer]
            days = intervals.get(answer)
            label = f"{key} {answer.capitalize()}"
            if answer == "again":
                label += " (later today)"
            elif days:
                label += f" ({_days(days)})"
            button.description = label
            button.disabled = card_id is None or not self.flipped
        self.flip_button.disabled = card_id is None
        self.flip_button.description = "Hide answer" if self.flipped else "Flip"


def show(
    glossary: str | Path | None = None,
    today: dt.date | None = None,
    state_path: Path | None = None,
) -> CardWidget:
    """Build the flashcard widget for the cards due today; a notebook cell displays it.

    Example:
        >>> from pruneedu import flashcards
        >>> cards = flashcards.show()     # the last line of a cell shows it
    """
    return CardWidget(Deck.load(glossary=glossary, state_path=state_path, today=today))
