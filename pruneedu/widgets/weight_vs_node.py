"""Weight pruning against node pruning at the same parameter budget (notebook 02-weight-vs-node).

The slider removes a fraction of the hidden neurons of a LeNet-300-100 (node pruning). The
same number of parameters is then kept by weight pruning instead, so both models are equally
"small" on paper. The readouts show what each really costs: bytes, multiply-adds and MEASURED
latency. Zeros in a dense matrix are still multiplied; a removed neuron is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import torch
from torch import nn

from pruneedu import metrics, pruning, training, viz
from pruneedu.data import MNIST
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
    show_value,
)

DEFAULT_NODE_AMOUNTS = (0.0, 0.25, 0.5, 0.75, 0.9)
METHODS = ("weights", "nodes")
TITLES = {"weights": "Weight pruning", "nodes": "Node pruning"}


@dataclass(frozen=True)
class Measured:
    """What one pruned model costs and how well it does."""

    model: nn.Module
    accuracy: float
    nonzero: int
    dense_bytes: int
    macs: int
    latency_ms: float
    layer_removed: dict[str, float]   # fraction of each layer's weights gone
    first_layer_rows: torch.Tensor    # the first neurons' 784 input weights (0 = removed)


class WeightVsNodeExplorer(widgets.VBox):
    """Compare weight and node pruning of an MLP at equal parameter counts.

    Args:
        net: a trained LeNet-300-100 (``models.pretrained("lenet-300-100")``); not changed.
        data: ``data.load_mnist()``; accuracy is measured on ``data.test``.
        amounts: the slider's stops: fraction of hidden neurons removed.
        neurons_shown: how many first-layer neurons the mask picture shows.
        batch_size: the batch whose forward pass is timed.

    Attributes:
        slider; budget (readout); readouts: {"weights"|"nodes": {"accuracy", "nonzero",
        "file", "macs", "latency"}: readout}; steps: {amount: {"weights"|"nodes": Measured}};
        mask_figure, layer_figure.

    Example:
        >>> from pruneedu import data, models
        >>> explorer = WeightVsNodeExplorer(models.pretrained("lenet-300-100"),
        ...                                 data.load_mnist(), amounts=[0.0, 0.5])
        >>> explorer.slider.value = 0.5
        >>> explorer.current["nodes"].model.fc1.out_features
        150
    """

    def __init__(self, net: nn.Sequential, data: MNIST,
                 amounts: Sequence[float] = DEFAULT_NODE_AMOUNTS, neurons_shown: int = 16,
                 batch_size: int = 256):
        check_splits(data, "WeightVsNodeExplorer")
        first = getattr(net, "fc1", None)
        if not isinstance(first, nn.Linear) or first.in_features != 28 * 28:
            raise TypeError("WeightVsNodeExplorer needs a LeNet-300-100 whose fc1 reads the 784 "
                            "pixels; for LeNet-5's channels use ChannelExplorer instead.")
        amounts = check_amounts(amounts, "amounts", "neurons")
        if not amounts:
            raise ValueError("WeightVsNodeExplorer needs at least one amount, e.g. [0.0, 0.5]")
        self._net, self._data, self._batch_size = net, data, batch_size
        self._shown = neurons_shown
        self.steps = {float(a): self._measure_both(float(a))
                      for a in measuring(sorted(amounts), "both prunings")}
        self.slider = widgets.SelectionSlider(
            options=percent_options(list(self.steps)), description="Hidden neurons removed",
            continuous_update=False, style=LABEL_STYLE, layout=widgets.Layout(width="30em"))
        # Start in the middle: at 0% both columns are the same model and the pictures are dull.
        self.slider.value = list(self.steps)[len(self.steps) // 2]
        self.budget = readout("Parameters kept by both")
        self.readouts = {method: self._readout_column() for method in METHODS}
        columns = [
            widgets.VBox([widgets.HTML(f"<b>{TITLES[m]}</b>"), *self.readouts[m].values()],
                         layout=widgets.Layout(margin="0 2em 0 0"))
            for m in METHODS
        ]
        first = self.steps[self.slider.value]
        self.mask_figure = viz.mask_figure(
            {TITLES[m]: first[m].first_layer_rows for m in METHODS}, columns=8)
        self.layer_figure = viz.layer_sparsity_figure(
            {TITLES[m]: first[m].layer_removed for m in METHODS},
            title="Weights removed per layer", ylabel="fraction removed")
        self.mask_view = FigureView(self.mask_figure)
        self.layer_view = FigureView(self.layer_figure)
        self.slider.observe(self._update, names="value")
        super().__init__([self.slider, self.budget, widgets.HBox(columns),
                          self.mask_view.image, self.layer_view.image])
        self.add_class("pruneedu-weight-vs-node")
        self._update()

    @property
    def current(self) -> dict[str, Measured]:
        return self.steps[self.slider.value]

    def _readout_column(self) -> dict[str, widgets.HTML]:
        labels = {"accuracy": "Test accuracy", "nonzero": "Nonzero parameters",
                  "file": "File, dense", "macs": "Multiply-adds per image",
                  "latency": f"Time per batch of {self._batch_size}"}
        return {key: readout(label) for key, label in labels.items()}

    def _measure_both(self, amount: float) -> dict[str, Measured]:
        net = self._net
        if amount == 0:  # nothing removed: one unpruned model, measured once for both columns
            dense = pruning.copy_model(net)
            same = self._measure(dense, pruning.effective_weight(dense.fc1))
            return {"weights": same, "nodes": same}
        small = pruning.prune_nodes(net, amount=amount)
        budget = metrics.parameter_count(small)
        sparse = pruning.copy_model(net)
        # prune_weights counts pruned weights when given an int; biases are never pruned.
        pruning.make_permanent(pruning.prune_weights(
            sparse, amount=metrics.parameter_count(net) - budget, scope="global"))
        kept_rows = self._rows_of_kept_neurons(small)
        return {"weights": self._measure(sparse, sparse.fc1.weight),
                "nodes": self._measure(small, kept_rows)}

    def _rows_of_kept_neurons(self, small: nn.Sequential) -> torch.Tensor:
        """The original first-layer rows, zeroed for the neurons node pruning removed."""
        original = pruning.effective_weight(self._net.fc1).detach()
        kept = {row.numpy().tobytes() for row in pruning.effective_weight(small.fc1).detach()}
        return torch.stack([row if row.numpy().tobytes() in kept else torch.zeros_like(row)
                            for row in original[: self._shown]])

    def _measure(self, model: nn.Module, rows: torch.Tensor) -> Measured:
        original = {name: m.weight.numel() for name, m in pruning.prunable_layers(self._net)}
        remaining = {name: int((pruning.effective_weight(m) != 0).sum())
                     for name, m in pruning.prunable_layers(model)}
        return Measured(
            model=model,
            accuracy=training.evaluate(model, self._data.test).accuracy,
            nonzero=metrics.parameter_count(model, nonzero_only=True),
            dense_bytes=metrics.model_size_bytes(model, "dense"),
            macs=metrics.macs(model),
            latency_ms=metrics.latency_ms(model, batch_size=self._batch_size, repeats=5,
                                          min_run_time=0.02),
            layer_removed={name: 1 - remaining[name] / original[name] for name in original},
            first_layer_rows=rows[: self._shown].detach().clone(),
        )

    def _update(self, change: dict | None = None) -> None:
        step = self.current
        show_value(self.budget, format_count(step["nodes"].nonzero))
        for method in METHODS:
            measured, column = step[method], self.readouts[method]
            show_value(column["accuracy"], format_percent(measured.accuracy))
            show_value(column["nonzero"], format_count(measured.nonzero))
            show_value(column["file"], format_bytes(measured.dense_bytes))
            show_value(column["macs"], format_count(measured.macs))
            show_value(column["latency"], f"{measured.latency_ms:.2f} ms")
            viz.find_artist(self.mask_figure, f"mask/{TITLES[method]}").set_data(
                viz.mask_mosaic(measured.first_layer_rows, columns=8))
        viz.set_bar_heights(self.layer_figure,
                            {TITLES[m]: step[m].layer_removed for m in METHODS})
        self.mask_view.refresh()
        self.layer_view.refresh()
