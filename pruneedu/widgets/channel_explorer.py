"""Structured pruning of LeNet-5: remove whole convolution channels (notebook 02-weight-vs-node).

Removing a channel deletes its filter AND the inputs that read it in the next layer, so the
result is a smaller dense network: fewer parameters, fewer multiply-adds, and a forward pass
that is measurably faster with ordinary kernels.

The stops are even, 10% apart, and all measured up front: one LeNet-5 pass over the test split
takes several times longer than a slider move may, so nothing is left to measure on a move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
from torch import nn

from pruneedu import metrics, pruning, training, viz
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
    measuring,
    percent_options,
    readout,
    readout_row,
    show_value,
)
from pruneedu.widgets.timing import one_thread, quick_latencies_ms

DEFAULT_CHANNEL_AMOUNTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class ChannelStep:
    """One channel-pruned model and what it measured."""

    amount: float
    model: nn.Module
    shapes: str            # e.g. "conv1 15 channels, conv2 38 channels"
    accuracy: float
    parameters: int
    macs: int
    dense_bytes: int
    latency_ms: float      # timed side by side with the unpruned model (widgets.timing)
    unpruned_ms: float     # the unpruned model in the same measurement


class ChannelExplorer(widgets.VBox):
    """Remove a fraction of every convolution's output channels with a slider.

    Args:
        net: a trained LeNet-5 (``models.pretrained("lenet-5")``); not changed.
        data: ``data.load_mnist()``; accuracy is measured on ``data.test``.
        amounts: the slider's stops, fractions of channels removed per conv layer (even
            stops move evenly); each is measured up front.
        batch_size: the batch whose forward pass is timed.

    Attributes:
        slider; readouts: shapes, accuracy, parameters, macs, file, latency, speedup;
        steps: the measured ``ChannelStep`` per stop; reference: the unpruned test accuracy;
        figure.

    Example:
        >>> from pruneedu import data, models
        >>> explorer = ChannelExplorer(models.pretrained("lenet-5"), data.load_mnist(),
        ...                            amounts=[0.0, 0.5])
        >>> explorer.slider.value = 0.5
        >>> explorer.current.model.conv1.out_channels
        10
    """

    def __init__(self, net: nn.Sequential, data: MNIST,
                 amounts: Sequence[float] = DEFAULT_CHANNEL_AMOUNTS, batch_size: int = 256):
        check_model(net, "ChannelExplorer")
        check_splits(data, "ChannelExplorer")
        amounts = check_amounts(amounts, "amounts", "channels")
        if not amounts:
            raise ValueError("ChannelExplorer needs at least one amount, e.g. [0.0, 0.5]")
        self._batch_size = batch_size
        self.steps = [self._measure(net, data, float(a))
                      for a in measuring(sorted(set(amounts)), "channel pruning levels")]
        self._by_amount = {step.amount: step for step in self.steps}
        self.slider = widgets.SelectionSlider(
            options=percent_options([s.amount for s in self.steps]),
            description="Channels removed per conv layer", continuous_update=False,
            style=LABEL_STYLE, layout=widgets.Layout(width="100%", max_width="44em"))
        self.shapes = readout("Layers")
        self.accuracy = readout("Test accuracy")
        self.parameters = readout("Parameters")
        self.macs = readout("Multiply-adds per image")
        self.file = readout("File, dense")
        self.latency = readout(f"Time per batch of {batch_size}")
        self.speedup = readout("Speed-up over the unpruned model")
        rows = [[self.shapes], [self.accuracy, self.parameters, self.file],
                [self.macs, self.latency, self.speedup]]
        self.reference = training.evaluate(net, data.test).accuracy
        self.figure = viz.accuracy_sparsity_figure(
            {"channel pruning (LeNet-5)": ([s.amount for s in self.steps],
                                           [s.accuracy for s in self.steps])},
            current=(self.steps[0].amount, self.steps[0].accuracy), reference=self.reference,
            title="Accuracy as channels are removed",
            xlabel="channels removed from each conv layer")
        self.view = FigureView(self.figure)
        self.slider.observe(self._update, names="value")
        super().__init__([self.slider, *[readout_row(row) for row in rows], self.view.image])
        self.add_class("pruneedu-channel-explorer")
        self._update()

    @property
    def current(self) -> ChannelStep:
        return self._by_amount[self.slider.value]

    @one_thread
    def _measure(self, net: nn.Sequential, data: MNIST, amount: float) -> ChannelStep:
        model = pruning.prune_channels(net, amount=amount) if amount else pruning.copy_model(net)
        convs = [(name, m) for name, m in model.named_children() if isinstance(m, nn.Conv2d)]
        if amount:
            unpruned_ms, model_ms = quick_latencies_ms([net, model], self._batch_size, runs=7)
        else:  # the unpruned model itself: one reading, or noise would show a "speed-up"
            unpruned_ms = model_ms = quick_latencies_ms([model], self._batch_size, runs=7)[0]
        return ChannelStep(
            amount=amount,
            model=model,
            shapes=", ".join(f"{name} {m.out_channels} channels" for name, m in convs),
            accuracy=training.evaluate(model, data.test).accuracy,
            parameters=metrics.parameter_count(model),
            macs=metrics.macs(model),
            dense_bytes=metrics.model_size_bytes(model, "dense"),
            latency_ms=model_ms,
            unpruned_ms=unpruned_ms,
        )

    def _update(self, change: dict | None = None) -> None:
        step = self.current
        show_value(self.shapes, step.shapes)
        show_value(self.accuracy, format_percent(step.accuracy))
        show_value(self.parameters, format_count(step.parameters))
        show_value(self.macs, format_count(step.macs))
        show_value(self.file, format_bytes(step.dense_bytes))
        show_value(self.latency, f"{step.latency_ms:.2f} ms")
        show_value(self.speedup, f"{step.unpruned_ms / step.latency_ms:.1f}x")
        viz.move_marker(self.figure, step.amount, step.accuracy)
        self.view.refresh()
