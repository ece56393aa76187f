"""Explorers take seconds to measure their stops; a progress bar shows they are working."""

import pytest

from pruneedu import models, widgets


@pytest.mark.parametrize(("explorer", "model", "what"), [
    (widgets.PruningExplorer, "lenet-300-100", "measuring pruning levels"),
    (widgets.WeightVsNodeExplorer, "lenet-300-100", "measuring both prunings"),
    (widgets.ChannelExplorer, "lenet-5", "measuring channel pruning levels"),
    (widgets.ScoreExplorer, "lenet-300-100", "measuring both scores"),
])
def test_explorer_set_up_shows_a_progress_bar(capsys, mnist, explorer, model, what):
    explorer(models.pretrained(model), mnist, amounts=[0.0, 0.5])
    assert what in capsys.readouterr().err


def test_semi_structured_set_up_shows_a_progress_bar(capsys, mnist):
    widgets.SemiStructuredExplorer(models.pretrained("lenet-300-100"), mnist)
    assert "measuring n:m patterns" in capsys.readouterr().err
