"""Every view a notebook shows follows one pattern: it IS an ``ipywidgets.VBox`` (display it by
making it a cell's last value; its controls and readouts are attributes)."""

import ipywidgets
import pytest
import torch
from torch.utils.data import TensorDataset

from pruneedu import exercises, flashcards, progress, quiz, widgets
from pruneedu.flashcards.table import GlossaryTable
from pruneedu.flashcards.widget import CardWidget
from pruneedu.quiz.widget import QuestionView, QuizView

VIEW_CLASSES = [QuizView, QuestionView, CardWidget, GlossaryTable, progress.ProgressView,
                exercises.HandInView,
                *(getattr(widgets, name) for name in widgets.__all__)]


@pytest.mark.parametrize("view_class", VIEW_CLASSES, ids=lambda cls: cls.__name__)
def test_every_view_class_is_a_vbox(view_class):
    assert issubclass(view_class, ipywidgets.VBox)


def test_what_the_notebooks_call_returns_a_vbox_that_displays_as_a_widget():
    digits = TensorDataset(torch.zeros(2, 1, 28, 28), torch.tensor([3, 1]))
    shown = [quiz.show("01-introduction", learner_id="ada"), flashcards.show(),
             flashcards.glossary_table(), progress.show(), widgets.DigitBrowser(digits)]
    for view in shown:
        assert isinstance(view, ipywidgets.VBox), type(view)
        assert "application/vnd.jupyter.widget-view+json" in view._repr_mimebundle_()
