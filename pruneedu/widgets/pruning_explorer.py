"""One slider that prunes a trained network live (notebook 01-introduction).

Moving the slider picks an amount (the target sparsity); the readouts show the pruned model's
accuracy, how many parameters are still non-zero, and what its file costs stored densely and
sparsely. The accuracy-sparsity curve marks where you are. Every step is measured once, up
front.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
from torch import nn

from pruneedu import viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amounts
from pruneedu.widgets.readouts import (
    LABEL_STYLE,
    FigureView,
    check_splits,
    format_bytes,
    format_count,
    format_percent,
    percent_options,
    readout,
    show_value,
)
from pruneedu.widgets.sweep import magnitude_sweep

# Dense at the low end, fine steps where accuracy starts to fall (above ~90% for LeNet-300-100).
DEFAULT_WEIGHT_AMOUNTS = (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)


class PruningExplorer(widgets.VBox):
    """Prune ``net`` by global weight magnitude with a slider; ``net`` itself is not changed.

    Args:
        net: a trained model, e.g. ``models.pretrained("lenet-300-100")``.
        data: the MNIST splits from ``data.load_mnist()``; accuracy is measured on ``data.test``.
        amounts: the slider's stops: target sparsities, fractions in [0, 1).

    Attributes:
        slider: the amount (its ``.value`` is a fraction).
        sparsity, accuracy, nonzero, dense_size, sparse_size: the readouts.
        steps: the measured ``SweepStep`` per stop. figure: the accuracy-sparsity figure.

    Example:
        >>> from pruneedu import data, models
        >>> explorer = PruningExplorer(models.pretrained("lenet-300-100"), data.load_mnist())
        >>> explorer.slider.value = 0.9
        >>> explorer.current.nonzero < 30_000
        True
    """

    def __init__(
        self, net: nn.Module, data: MNIST, amounts: Sequence[float] = DEFAULT_WEIGHT_AMOUNTS
    ):
        check_model(net, "PruningExplorer")
        check_splits(data, "PruningExplorer")
        amounts = check_amounts(amounts, "amounts")
        if not amounts:
            raise ValueError("PruningExplorer needs at least one amount, e.g. [0.0, 0.5, 0.9]")
        self.steps = magnitude_sweep(net, data.test, sorted(amounts))
        self._by_amount = {step.amount: step for step in self.steps}
        self.slider = widgets.SelectionSlider(
            options=percent_options([step.amount for step in self.steps]),
            description="Weights pruned", continuous_update=False, style=LABEL_STYLE,
            layout=widgets.Layout(width="28em"))
        self.sparsity = readout("Measured sparsity")
        self.accuracy = readout("Test accuracy")
        self.nonzero = readout("Nonzero parameters")
        self.dense_size = readout("File, dense")
        self.sparse_size = readout("File, sparse format")
        readouts = [self.sparsity, self.accuracy, self.nonzero, self.dense_size, self.sparse_size]
        self.figure = viz.accuracy_sparsity_figure(
            {"global magnitude pruning": ([s.amount for s in self.steps],
                                          [s.accuracy for s in self.steps])},
            current=(self.steps[0].amount, self.steps[0].accuracy))
        self.view = FigureView(self.figure)
        self.slider.observe(self._update, names="value")
        super().__init__([self.slider, widgets.HBox(readouts[:3]), widgets.HBox(readouts[3:]),
                          self.view.image])
        self.add_class("pruneedu-pruning-explorer")
        self._update()

    @property
    def current(self):
        """The ``SweepStep`` the slider points at."""
        return self._by_amount[self.slider.value]

    def _update(self, change: dict | None = None) -> None:
        step = self.current
        show_value(self.sparsity, format_percent(step.sparsity))
        show_value(self.accuracy, format_percent(step.accuracy))
        show_value(self.nonzero, format_count(step.nonzero))
        show_value(self.dense_size, format_bytes(step.dense_bytes))
        show_value(self.sparse_size, format_bytes(step.sparse_bytes))
        viz.move_marker(self.figure, step.amount, step.accuracy)
        self.view.refresh()
