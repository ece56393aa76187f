"""A button that fine-tunes a pruned model one epoch at a time (notebook 03-challenges).

Pruning hard in one shot costs accuracy; a little retraining of the surviving weights wins
much of it back. Each click trains one more epoch, keeping the pruned weights at zero, and
redraws the recovery curve.
"""

from __future__ import annotations

import inspect
from typing import Any

import ipywidgets as widgets
from torch import nn

from pruneedu import metrics, pruning, training, viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.widgets.readouts import (
    FigureView,
    check_splits,
    format_count,
    format_percent,
    readout,
    show_value,
)


class FineTuneDemo(widgets.VBox):
    """Prune a copy of ``net`` to ``amount`` (global magnitude), then fine-tune it on click.

    Args:
        net: a trained model; not changed.
        data: ``data.load_mnist()``; trains on ``data.train``, reports ``data.test`` accuracy.
        amount: the sparsity to prune to, in [0, 1).
        **fine_tune_options: passed to ``training.fine_tune`` (e.g. ``batch_size=256``).

    Attributes:
        button; readouts: accuracy, sparsity, nonzero, epochs, status; model (the pruned copy);
        accuracies (test accuracy after 0, 1, ... epochs); baseline; figure.

    Example:
        >>> from pruneedu import data, models
        >>> demo = FineTuneDemo(models.pretrained("lenet-300-100"), data.load_mnist(), 0.95)
        >>> demo.button.click()
        >>> len(demo.accuracies)
        2
    """

    def __init__(self, net: nn.Module, data: MNIST, amount: float = 0.98, **fine_tune_options: Any):
        check_model(net, "FineTuneDemo")
        check_splits(data, "FineTuneDemo", ("train", "test"))
        _check_options(fine_tune_options)
        self._data, self._options = data, fine_tune_options
        self.baseline = training.evaluate(net, data.test).accuracy
        self.model = pruning.prune_weights(pruning.copy_model(net), amount=amount)
        self.accuracies = [training.evaluate(self.model, data.test).accuracy]
        self.button = widgets.Button(description="Fine-tune one epoch", icon="play",
                                     button_style="primary",
                                     tooltip="Retrain the surviving weights for one epoch",
                                     layout=widgets.Layout(width="auto"))
        self.accuracy = readout("Test accuracy")
        self.sparsity = readout("Sparsity")
        self.nonzero = readout("Nonzero parameters")
        self.epochs = readout("Epochs of fine-tuning")
        self.status = readout("Status")
        readouts = [self.accuracy, self.sparsity, self.nonzero, self.epochs, self.status]
        self.figure = viz.recovery_figure(self.baseline, self.accuracies)
        self.view = FigureView(self.figure)
        self.button.on_click(self._fine_tune)
        super().__init__([self.button, widgets.HBox(readouts[:3]), widgets.HBox(readouts[3:]),
                          self.view.image])
        self.add_class("pruneedu-fine-tune-demo")
        self._show("ready: pruned, not yet fine-tuned")

    def _fine_tune(self, button: widgets.Button | None = None) -> None:
        self.button.disabled = True
        show_value(self.status, "fine-tuning...")
        try:
            # A different seed per epoch: each click sees the data in a new order.
            training.fine_tune(self.model, self._data.train, epochs=1,
                               seed=len(self.accuracies), **self._options)
            self.accuracies.append(training.evaluate(self.model, self._data.test).accuracy)
        finally:
            self.button.disabled = False
        viz.extend_recovery(self.figure, self.accuracies)
        self._show("done: click again for another epoch")

    def _show(self, status: str) -> None:
        show_value(self.accuracy, format_percent(self.accuracies[-1]))
        show_value(self.sparsity, format_percent(metrics.sparsity(self.model)))
        show_value(self.nonzero, format_count(metrics.parameter_count(self.model,
                                                                      nonzero_only=True)))
        show_value(self.epochs, str(len(self.accuracies) - 1))
        show_value(self.status, status)
        self.view.refresh()


def _check_options(options: dict[str, Any]) -> None:
    """Refuse options ``training.fine_tune`` does not take now: a click would only log the error."""
    taken = inspect.signature(training.fit).parameters  # fine_tune passes its options to fit
    fixed = ("net", "dataset", "epochs", "seed", "progress", "keep_zeros")  # set by the demo
    valid = [name for name in taken if name not in fixed]
    unknown = [name for name in options if name not in valid]
    if unknown:
        raise TypeError(
            f"FineTuneDemo does not know the option {unknown[0]!r}; pass only fine-tuning "
            f"options such as {', '.join(valid)}."
        )
