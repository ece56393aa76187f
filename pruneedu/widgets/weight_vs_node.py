"""Weight pruning against node pruning at the same parameter budget (notebook 02-weight-vs-node).

The slider removes a share of the hidden neurons of a LeNet-300-100 (node pruning), in even
1% steps. The same number of parameters is then kept by weight pruning instead, so both
models are equally "small" on paper. The readouts show what each really costs: bytes,
multiply-adds and latency measured on your machine. Zeros in a dense matrix are still
multiplied; a removed neuron is not. The tiles show all 300 first-layer neurons of both.

Each amount is measured the first time you visit it and kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from torch import nn

from pruneedu import metrics, pruning, training, viz
from pruneedu.data import MNIST
from pruneedu.pruning._checks import check_amounts
from pruneedu.widgets.readouts import (
    FigureView,
    amount_slider,
    check_splits,
    format_bytes,
    format_count,
    format_percent,
    measuring,
    on_step,
    readout,
    show_value,
)
from pruneedu.widgets.sweep import MagnitudePruner
from pruneedu.widgets.tiles import NeuronTilesView
from pruneedu.widgets.timing import one_thread, quick_latencies_ms

DEFAULT_NODE_AMOUNTS = (0.0, 0.25, 0.5, 0.75, 0.9)
METHODS = ("weights", "nodes")
TITLES = {"weights": "Weight pruning", "nodes": "Node pruning"}
STEP = 0.01
LABELS = {"accuracy": "Test accuracy", "nonzero": "Nonzero parameters", "file": "File, dense",
          "macs": "Multiply-adds per image",
          "latency": "Time per batch of {batch_size}, measured now"}


@dataclass(frozen=True)
class Measured:
    """What one pruned model costs and how well it does."""

    widths: str                       # e.g. "784-150-50-10"
    parameters: int                   # metrics.parameter_count(model), zeros included
    accuracy: float
    nonzero: int
    dense_bytes: int
    macs: int
    latency_ms: float                 # timed now, on this machine (widgets.timing)
    layer_removed: dict[str, float]   # fraction of each layer's weights gone
    removed_neurons: tuple[int, ...]  # first-layer neurons that node pruning removed


class WeightVsNodeExplorer(widgets.VBox):
    """Compare weight and node pruning of an MLP at equal parameter counts.

    Args:
        net: a trained LeNet-300-100 (``models.pretrained("lenet-300-100")``); not changed.
        data: ``data.load_mnist()``; accuracy is measured on ``data.test``.
        amounts: shares of hidden neurons removed that are measured up front; the slider
            moves in 1% steps from 0 to the largest of them.
        neurons_shown: how many first-layer neurons the tiles show (all 300 by default).
        batch_size: the batch whose forward pass is timed.

    Attributes:
        slider; budget (readout); readouts: {"weights"|"nodes": {"accuracy", "nonzero",
        "file", "macs", "latency"}: readout}; steps: {amount: {"weights"|"nodes": Measured}},
        every amount measured so far; current: the pair under the slider;
        tiles (a ``NeuronTilesView``), layer_figure; ``pruned_models()``: the two models
        under the slider.

    Example:
        >>> from pruneedu import data, models
        >>> explorer = WeightVsNodeExplorer(models.pretrained("lenet-300-100"),
        ...                                 data.load_mnist(), amounts=[0.0, 0.5])
        >>> explorer.slider.value = 0.5
        >>> explorer.current["nodes"].widths
        '784-150-50-10'
    """

    def __init__(self, net: nn.Sequential, data: MNIST,
                 amounts: Sequence[float] = DEFAULT_NODE_AMOUNTS, neurons_shown: int = 300,
                 batch_size: int = 256):
        check_splits(data, "WeightVsNodeExplorer")
        first = getattr(net, "fc1", None)
        if not isinstance(first, nn.Linear) or first.in_features != 28 * 28:
            raise TypeError("WeightVsNodeExplorer needs a LeNet-300-100 whose fc1 reads the 784 "
                            "pixels; for LeNet-5's channels use ChannelExplorer instead.")
        amounts = sorted(set(check_amounts(amounts, "amounts", "neurons")))
        if not amounts:
            raise ValueError("WeightVsNodeExplorer needs at least one amount, e.g. [0.0, 0.5]")
        self._net, self._data, self._batch_size = net, data, batch_size
        self._shown = min(neurons_shown, first.out_features)
        self._pruner = MagnitudePruner(net)
        self._total = metrics.parameter_count(net)
        self._first_rows = pruning.effective_weight(first).detach()[: self._shown].clone()
        self._dense_bytes = metrics.model_size_bytes(net, "dense")
        self._dense_macs = metrics.macs(net)
        self.steps: dict[float, dict[str, Measured]] = {}
        for amount in measuring(amounts, "both prunings"):
            self.measure(amount)
        start = amounts[len(amounts) // 2]  # the middle: at 0% both columns are the same model
        self.slider = amount_slider("Hidden neurons removed", on_step(max(amounts), STEP),
                                    STEP, value=on_step(start, STEP))
        self.budget = readout("Parameters kept by both")
        self.readouts = {method: {key: readout(None) for key in LABELS} for method in METHODS}
        # A table: one row per quantity, the two methods side by side.
        cells = [widgets.HTML("")] + [widgets.HTML(f"<b>{TITLES[m]}</b>") for m in METHODS]
        for key, label in LABELS.items():
            label = label.format(batch_size=batch_size)
            cells += [widgets.HTML(label)] + [self.readouts[m][key] for m in METHODS]
        table = widgets.GridBox(cells, layout=widgets.Layout(
            grid_template_columns="max-content max-content max-content", grid_gap="0 1.2em",
            margin="0 2em 0.5em 0"))
        pair = self.current
        self.layer_figure = viz.layer_sparsity_figure(
            {TITLES[m]: pair[m].layer_removed for m in METHODS},
            title="Weights removed per layer", ylabel="weights removed",
            colors={TITLES[m]: viz.ROLE_COLORS[m] for m in METHODS})
        self.tiles = NeuronTilesView(self._tiles(self.slider.value))
        self.layer_view = FigureView(self.layer_figure)
        self.slider.observe(self._update, names="value")
        super().__init__([
            self.slider, self.budget,
            widgets.HBox([table, self.layer_view.image],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start")),
            self.tiles,
        ])
        self.add_class("pruneedu-weight-vs-node")
        self._update()

    @property
    def current(self) -> dict[str, Measured]:
        return self.measure(self.slider.value)

    @one_thread
    def measure(self, amount: float) -> dict[str, Measured]:
        """Both models at ``amount`` (on the slider's 1% grid), measured once and kept."""
        amount = on_step(amount, STEP)
        if amount not in self.steps:
            self.steps[amount] = self._measure_both(amount)
        return self.steps[amount]

    def pruned_models(self, amount: float | None = None) -> dict[str, nn.Module]:
        """Fresh copies of the two models at ``amount`` (default: under the slider)."""
        amount = on_step(self.slider.value if amount is None else amount, STEP)
        small = pruning.prune_nodes(self._net, amount=amount) if amount else \
            pruning.copy_model(self._net)
        count = self._total - metrics.parameter_count(small)
        return {"weights": self._pruner.pruned_copy(count), "nodes": small}

    def _measure_both(self, amount: float) -> dict[str, Measured]:
        if amount == 0:  # nothing removed: one unpruned model, measured once for both columns
            dense = self._pruner.model_at(0)
            same = self._measure(dense, (), *quick_latencies_ms([dense], self._batch_size))
            return {"weights": same, "nodes": same}
        small = pruning.prune_nodes(self._net, amount=amount)
        # prune_weights counts pruned weights when given an int; biases are never pruned.
        count = self._total - metrics.parameter_count(small)
        sparse = self._pruner.model_at(count)
        sparse_ms, small_ms = quick_latencies_ms([sparse, small], self._batch_size)
        return {"weights": self._measure(sparse, (), sparse_ms, same_shapes=True),
                "nodes": self._measure(small, self._removed_neurons(small), small_ms)}

    def _removed_neurons(self, small: nn.Sequential) -> tuple[int, ...]:
        """Which of the original first-layer neurons node pruning removed (by their rows)."""
        kept = {row.numpy().tobytes() for row in pruning.effective_weight(small.fc1)}
        return tuple(i for i, row in enumerate(pruning.effective_weight(self._net.fc1))
                     if row.numpy().tobytes() not in kept)

    def _measure(self, model: nn.Module, removed: tuple[int, ...], latency_ms: float,
                 same_shapes: bool = False) -> Measured:
        """``same_shapes``: the model has the unpruned shapes, so its dense file and its
        multiply-adds are the unpruned model's (measured once, in ``__init__``)."""
        layers = pruning.prunable_layers(model)
        original = {name: m.weight.numel() for name, m in pruning.prunable_layers(self._net)}
        # One pass over the tensors gives what metrics.parameter_count and layer_sparsity give.
        weight_zeros = {name: int((m.weight == 0).sum()) for name, m in layers}
        bias_zeros = sum(int((m.bias == 0).sum()) for _, m in layers if m.bias is not None)
        parameters = sum(m.weight.numel() + (0 if m.bias is None else m.bias.numel())
                         for _, m in layers)
        return Measured(
            widths="-".join([str(layers[0][1].in_features)]
                            + [str(m.out_features) for _, m in layers]),
            parameters=parameters,
            accuracy=training.evaluate(model, self._data.test).accuracy,
            nonzero=parameters - sum(weight_zeros.values()) - bias_zeros,
            dense_bytes=self._dense_bytes if same_shapes else metrics.model_size_bytes(model,
                                                                                        "dense"),
            macs=self._dense_macs if same_shapes else metrics.macs(model),
            latency_ms=latency_ms,
            layer_removed={name: 1 - (m.weight.numel() - weight_zeros[name]) / original[name]
                           for name, m in layers},
            removed_neurons=removed,
        )

    def _tiles(self, amount: float) -> dict[str, tuple[np.ndarray, list[str]]]:
        """Rows and states of the first-layer tiles for both methods at ``amount``."""
        amount = on_step(amount, STEP)
        pair = self.measure(amount)
        count = self._total - pair["nodes"].parameters
        kept = self._pruner.keep_masks(count)[0].view(-1, 28 * 28)[: self._shown]
        weight_rows = (self._first_rows * kept).numpy()
        removed = set(pair["nodes"].removed_neurons)
        gone = [i in removed for i in range(self._shown)]
        node_rows = self._first_rows.numpy() * ~np.array(gone)[:, None]
        return {TITLES["weights"]: (weight_rows, viz.neuron_states(weight_rows)),
                TITLES["nodes"]: (node_rows, viz.neuron_states(node_rows, gone))}

    @one_thread
    def _update(self, change: dict | None = None) -> None:
        pair = self.current
        show_value(self.budget, format_count(pair["nodes"].parameters))
        for method in METHODS:
            measured, column = pair[method], self.readouts[method]
            show_value(column["accuracy"], format_percent(measured.accuracy))
            show_value(column["nonzero"], format_count(measured.nonzero))
            show_value(column["file"], format_bytes(measured.dense_bytes))
            show_value(column["macs"], format_count(measured.macs))
            shown = f"{measured.latency_ms:.2f} ms"
            if method == "nodes":  # timed side by side with the weight-pruned twin
                ratio = pair["weights"].latency_ms / measured.latency_ms
                shown += f" ({ratio:.1f}x as fast as weight pruning)"
            show_value(column["latency"], shown)
        viz.set_bar_heights(self.layer_figure,
                            {TITLES[m]: pair[m].layer_removed for m in METHODS})
        self.tiles.show(self._tiles(self.slider.value))
        self.layer_view.refresh()
