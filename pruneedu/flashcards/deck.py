"""A learner's deck: the glossary terms plus their saved SM-2 schedule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pruneedu import identity
from pruneedu.flashcards import sm2, store
from pruneedu.flashcards.glossary import Term, card_back_html, load_glossary
from pruneedu.paths import default_learner_id

# Cards with an interval of at least three weeks count as mastered (the usual "mature" cut-off).
MASTERED_INTERVAL_DAYS = 21


class Deck:
    """Glossary cards with their schedule; every answer is saved straight away.

    Example:
        >>> deck = Deck.load(today=dt.date(2026, 11, 21))
        >>> card = deck.due_cards()[0]
        >>> deck.answer(card.id, "good").interval_days
        1
    """

    def __init__(
        self,
        terms: list[Term],
        states: dict[str, sm2.CardState],
        learner_id: str,
        today: dt.date,
        state_path: Path | None = None,
    ) -> None:
        self.terms = list(terms)
        self.learner_id = learner_id
        self.today = today
        self.state_path = state_path
        self._by_id = {term.id: term for term in self.terms}
        # States of terms no longer in the glossary are kept so that nothing is lost on save.
        self.states = dict(states)
        for term in self.terms:
            self.states.setdefault(term.id, sm2.new_card(today))

    @classmethod
    def load(
        cls,
        glossary: str | Path | None = None,
        state_path: Path | None = None,
        today: dt.date | None = None,
    ) -> Deck:
        """The course glossary with the learner's saved schedule (new cards are due today)."""
        today = today or dt.date.today()
        terms = load_glossary(glossary)
        states, learner = store.load_schedule(state_path)
        # The current id wins over the saved one, which is "anonymous" if cards came first.
        known = identity.learner_id()
        return cls(terms, states, known or learner or default_learner_id(), today, state_path)

    def term(self, card_id: str) -> Term:
        try:
            return self._by_id[card_id]
        except KeyError:
            raise ValueError(f"no card {card_id!r} here; use an id from deck.terms") from None

    def back_html(self, card_id: str) -> str:
        """The back of a card: definition, example, related terms, lesson (HTML)."""
        names = {term.id: term.term for term in self.terms}
        return card_back_html(self.term(card_id), names)

    def due_cards(self) -> list[Term]:
        """Cards due today or earlier, most overdue first, then in glossary order."""
        due = [term for term in self.terms if sm2.is_due(self.states[term.id], self.today)]
        return sorted(due, key=lambda term: self.states[term.id].due or self.today)

    def preview_intervals(self, card_id: str) -> dict[str, int]:
        """Days until the next review for each button, for labelling them."""
        state = self.states[self.term(card_id).id]
        return {
            answer: sm2.next_interval(state, quality)
            for answer, quality in sm2.ANSWER_QUALITY.items()
        }

    def answer(self, card_id: str, answer: str) -> sm2.CardState:
        """Record the learner's answer ("again", "hard", "good", "easy") and save at once."""
        quality = sm2.quality_for(answer)
        self.term(card_id)  # an unknown id fails here, before anything is written
        # Another open notebook may have saved answers since this deck was loaded: start from
        # the file so that saving this answer does not undo those.
        saved, _ = store.load_schedule(self.state_path)
        self.states.update(saved)
        new_state = sm2.review(self.states[card_id], quality, self.today)
        self.states[card_id] = new_state
        self.save()
        return new_state

    def save(self) -> None:
        store.save_schedule(self.states, self.learner_id, self.state_path)

    def counts(self) -> dict[str, int]:
        """Cards in the glossary: total, due today, learned (passed at least once), mastered."""
        states = [self.states[term.id] for term in self.terms]
        return {
            "total": len(states),
            "due_today": sum(sm2.is_due(state, self.today) for state in states),
            "learned": sum(state.repetitions >= 1 for state in states),
            "mastered": sum(state.interval_days >= MASTERED_INTERVAL_DAYS for state in states),
        }
