"""Fine-tune a pruned model one epoch per click (notebook 03-challenges).

Pruning hard in one shot costs accuracy; a little retraining of the surviving weights wins
much of it back. Pick how much to prune with the slider, click to train one more epoch (the
pruned weights stay at zero), and watch the recovery curve. Every amount keeps its own run:
move the slider back and the run is still there, drawn in grey while you look at another
amount. Reset starts the chosen amount over from the freshly pruned model.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
from torch import nn

from pruneedu import metrics, training, viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amounts
from pruneedu.widgets.readouts import (
    FigureView,
    amount_slider,
    check_splits,
    format_count,
    format_percent,
    on_step,
    readout,
    readout_row,
    show_value,
)
from pruneedu.widgets.sweep import MagnitudePruner
from pruneedu.widgets.timing import one_thread

STEP = 0.01


@dataclass
class Run:
    """One amount's pruned model and its test accuracy after 0, 1, 2, ... epochs."""

    amount: float
    model: nn.Module
    accuracies: list[float] = field(default_factory=list)


class FineTuneDemo(widgets.VBox):
    """Prune a copy of ``net`` (global magnitude) to the slider's amount, fine-tune on click.

    Args:
        net: a trained model; not changed.
        data: ``data.load_mnist()``; trains on ``data.train``, reports ``data.test`` accuracy.
        amount: the sparsity to start with, in [0, 1); the slider offers 0-99% in 1% steps.
        **fine_tune_options: passed to ``training.fine_tune`` (e.g. ``batch_size=256``).

    Attributes:
        amount (the slider), button (one epoch), reset; readouts: accuracy, sparsity,
        nonzero, epochs, status; runs: {amount: ``Run``} for every amount tried; model and
        accuracies: those of the chosen amount's run; baseline (unpruned test accuracy);
        figure.

    Example:
        >>> from pruneedu import data, models
        >>> demo = FineTuneDemo(models.pretrained("lenet-300-100"), data.load_mnist(), 0.95)
        >>> demo.button.click()
        >>> len(demo.accuracies)
        2
        >>> demo.reset.click(); len(demo.accuracies)
        1
    """

    def __init__(self, net: nn.Module, data: MNIST, amount: float = 0.98, **fine_tune_options: Any):
        check_model(net, "FineTuneDemo")
        check_splits(data, "FineTuneDemo", ("train", "test"))
        check_fine_tune_options(fine_tune_options, "FineTuneDemo")
        check_amounts([amount], "amount")  # a fraction in [0, 1), with the usual message
        self._data, self._options = data, fine_tune_options
        self._pruner = MagnitudePruner(net)
        self.baseline = training.evaluate(net, data.test).accuracy
        self.runs: dict[float, Run] = {}
        self.amount = amount_slider("Weights pruned", 0.99, STEP, value=on_step(amount, STEP))
        self.button = widgets.Button(description="Fine-tune one epoch", icon="play",
                                     button_style="primary",
                                     tooltip="Retrain the surviving weights for one epoch",
                                     layout=widgets.Layout(width="auto"))
        self.reset = widgets.Button(description="Reset", icon="undo",
                                    tooltip="Start this amount over from the freshly pruned model",
                                    layout=widgets.Layout(width="auto"))
        self.accuracy = readout("Test accuracy")
        self.sparsity = readout("Sparsity")
        self.nonzero = readout("Nonzero parameters")
        self.epochs = readout("Epochs of fine-tuning")
        self.status = readout("Status")
        run = self._run()
        self.figure = viz.recovery_figure(self.baseline, run.accuracies,
                                          label=self._label(run))
        self.view = FigureView(self.figure)
        self.button.on_click(self._fine_tune)
        self.reset.on_click(self._reset)
        self.amount.observe(self._change_amount, names="value")
        super().__init__([
            self.amount, widgets.HBox([self.button, self.reset]),
            readout_row([self.accuracy, self.sparsity, self.nonzero]),
            readout_row([self.epochs, self.status]), self.view.image,
        ])
        self.add_class("pruneedu-fine-tune-demo")
        self._show("ready: pruned, not yet fine-tuned")

    @property
    def model(self) -> nn.Module:
        """The pruned (and so far fine-tuned) model of the chosen amount."""
        return self._run().model

    @property
    def accuracies(self) -> list[float]:
        """Test accuracy of the chosen amount's run after 0, 1, 2, ... epochs."""
        return self._run().accuracies

    @one_thread
    def _run(self) -> Run:
        amount = on_step(self.amount.value, STEP)
        if amount not in self.runs:
            model = self._pruner.pruned_copy(amount)
            self.runs[amount] = Run(amount, model,
                                    [training.evaluate(model, self._data.test).accuracy])
        return self.runs[amount]

    @staticmethod
    def _label(run: Run) -> str:
        return f"pruned to {run.amount:.0%}"

    def _fine_tune(self, button: widgets.Button | None = None) -> None:
        run = self._run()
        self.button.disabled = self.reset.disabled = self.amount.disabled = True
        show_value(self.status, "fine-tuning one epoch (a few seconds)...")
        try:
            # A different seed per epoch: each click sees the data in a new order.
            training.fine_tune(run.model, self._data.train, epochs=1,
                               seed=len(run.accuracies), **self._options)
            run.accuracies.append(training.evaluate(run.model, self._data.test).accuracy)
        finally:
            self.button.disabled = self.reset.disabled = self.amount.disabled = False
        self._show("done: click again for another epoch")

    def _reset(self, button: widgets.Button | None = None) -> None:
        self.runs.pop(on_step(self.amount.value, STEP), None)
        self._show("reset: pruned again, not yet fine-tuned")

    def _change_amount(self, change: dict | None = None) -> None:
        epochs = len(self._run().accuracies) - 1
        self._show("ready: pruned, not yet fine-tuned" if not epochs else
                   f"back to this amount's run: {epochs} epoch(s) so far")

    @one_thread
    def _show(self, status: str) -> None:
        run = self._run()
        show_value(self.accuracy, format_percent(run.accuracies[-1]))
        show_value(self.sparsity, format_percent(metrics.sparsity(run.model)))
        show_value(self.nonzero, format_count(metrics.parameter_count(run.model,
                                                                      nonzero_only=True)))
        show_value(self.epochs, str(len(run.accuracies) - 1))
        show_value(self.status, status)
        others = {f"{other.amount:.0%}": other.accuracies for other in self.runs.values()
                  if other is not run and len(other.accuracies) > 1}
        viz.extend_recovery(self.figure, run.accuracies, label=self._label(run), others=others)
        self.view.redraw()


def check_fine_tune_options(options: dict[str, Any], widget: str) -> None:
    """Refuse options ``training.fine_tune`` does not take now: a click would only log the error.

    Example:
        >>> check_fine_tune_options({"epoch": 3}, "FineTuneDemo")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: FineTuneDemo does not know the option 'epoch'; ...
    """
    taken = inspect.signature(training.fit).parameters  # fine_tune passes its options to fit
    fixed = ("net", "dataset", "epochs", "seed", "progress", "keep_zeros")  # set by the demo
    valid = [name for name in taken if name not in fixed]
    unknown = [name for name in options if name not in valid]
    if unknown:
        raise TypeError(
            f"{widget} does not know the option {unknown[0]!r}; pass only fine-tuning "
            f"options such as {', '.join(valid)}."
        )
