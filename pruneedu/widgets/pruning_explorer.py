"""One slider that prunes a trained network live (notebook 01-introduction).

The slider picks an amount (the target sparsity) in even 0.5% steps; the readouts show the
pruned model's accuracy, how many parameters are still non-zero, what its file costs stored
densely and sparsely, and how sparse each layer ended up. Two choices say where the weights
are taken from: one global threshold for all layers, the same share from every layer, or one
layer alone. Each amount is measured the first time you visit it (one forward pass over the
test split) and kept, so coming back is instant. The curve marks where you are.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
from torch import nn

from pruneedu import training, viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amounts
from pruneedu.widgets.readouts import (
    LABEL_STYLE,
    FigureView,
    amount_slider,
    check_splits,
    format_bytes,
    format_count,
    format_percent,
    measuring,
    on_step,
    readout,
    readout_row,
    show_value,
)
from pruneedu.widgets.sweep import MagnitudePruner, SweepStep
from pruneedu.widgets.timing import one_thread

# The curve's points: dense at the low end, fine where accuracy starts to fall (above ~90%
# for LeNet-300-100). The slider itself moves in even steps between 0 and the last of them.
DEFAULT_WEIGHT_AMOUNTS = (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)
SCOPE_NAMES = {"global": "one global threshold", "layer": "the same share from each layer"}


class PruningExplorer(widgets.VBox):
    """Prune ``net`` by weight magnitude with a slider; ``net`` itself is not changed.

    Args:
        net: a trained model, e.g. ``models.pretrained("lenet-300-100")``.
        data: the MNIST splits from ``data.load_mnist()``; accuracy is measured on ``data.test``.
        amounts: target sparsities measured up front and drawn as the curve (fractions in
            [0, 1)); the slider runs from 0 to the largest of them.
        step: the slider's step (0.005 = half a percent).

    Attributes:
        slider: the amount (its ``.value`` is a fraction). scope: ``ToggleButtons``,
        ``"global"`` or ``"layer"``. layer: ``Dropdown``, ``"all"`` or one layer's name
        (that layer pruned alone).
        sparsity, accuracy, nonzero, dense_size, sparse_size, per_layer: the readouts.
        steps: the measured ``SweepStep`` of each of ``amounts`` in the chosen scope.
        current: the ``SweepStep`` under the slider. cache: every step measured so far, by
        (scope, amount). reference: the unpruned model's test accuracy. figure.

    Example:
        >>> from pruneedu import data, models
        >>> explorer = PruningExplorer(models.pretrained("lenet-300-100"), data.load_mnist())
        >>> explorer.slider.value = 0.9
        >>> explorer.current.nonzero < 30_000
        True
        >>> explorer.layer.value = "fc3"; explorer.current.layer_sparsity["fc3"]
        0.9
    """

    def __init__(self, net: nn.Module, data: MNIST,
                 amounts: Sequence[float] = DEFAULT_WEIGHT_AMOUNTS, step: float = 0.005):
        check_model(net, "PruningExplorer")
        check_splits(data, "PruningExplorer")
        amounts = sorted(set(check_amounts(amounts, "amounts")))
        if not amounts:
            raise ValueError("PruningExplorer needs at least one amount, e.g. [0.0, 0.5, 0.9]")
        if not 0 < step < 1:
            raise ValueError(f"step={step} must be a fraction above 0, such as 0.005 (half a "
                             "percent per slider step).")
        self._test, self._step, self.amounts = data.test, step, amounts
        self.pruner = MagnitudePruner(net)
        self.reference = training.evaluate(net, data.test).accuracy
        self.cache: dict[tuple[str, float], SweepStep] = {}
        self._curves: dict[str, list[SweepStep]] = {}
        self.slider = amount_slider("Weights pruned", on_step(max(amounts), step), step)
        self.scope = widgets.ToggleButtons(
            options=[(SCOPE_NAMES[s], s) for s in ("global", "layer")], value="global",
            description="Take weights by", style={**LABEL_STYLE, "button_width": "auto"},
            tooltips=["Rank all weights together: big layers give more",
                      "Prune every layer to the same share"])
        self.layer = widgets.Dropdown(
            options=[("all layers", "all")] + [(f"{n} alone", n) for n in self.pruner.layer_names],
            value="all", description="Prune", style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"))
        self.sparsity = readout("Measured sparsity")
        self.accuracy = readout("Test accuracy")
        self.nonzero = readout("Nonzero parameters")
        self.dense_size = readout("File, dense")
        self.sparse_size = readout("File, sparse format")
        self.per_layer = readout("Sparsity per layer")
        self._measure_curve("global")
        self.figure = viz.accuracy_sparsity_figure(
            {self._label(): self._xy(self.steps)}, current=(0.0, self.steps[0].accuracy),
            reference=self.reference, title="Accuracy as weights are pruned",
            xlabel="weights pruned", comparison={SCOPE_NAMES["global"]: ([], [])})
        self.view = FigureView(self.figure)
        self.slider.observe(self._update, names="value")
        self.scope.observe(self._change_scope, names="value")
        self.layer.observe(self._change_scope, names="value")
        super().__init__([
            self.slider, widgets.HBox([self.layer, self.scope],
                                      layout=widgets.Layout(flex_flow="row wrap")),
            readout_row([self.sparsity, self.accuracy, self.nonzero]),
            readout_row([self.dense_size, self.sparse_size, self.per_layer]),
            self.view.image,
        ])
        self.add_class("pruneedu-pruning-explorer")
        self._update()

    @property
    def scope_key(self) -> str:
        """``"global"``, ``"layer"``, or the name of the one layer being pruned."""
        return self.scope.value if self.layer.value == "all" else self.layer.value

    @property
    def steps(self) -> list[SweepStep]:
        """The measured steps at ``amounts`` in the chosen scope (the curve)."""
        return self._measure_curve(self.scope_key)

    @property
    def current(self) -> SweepStep:
        """The ``SweepStep`` the slider points at, in the chosen scope."""
        return self.measure(self.slider.value)

    def measure(self, amount: float, scope: str | None = None) -> SweepStep:
        """The step at ``amount`` (on the slider's grid) in ``scope``, measured once and kept."""
        scope = self.pruner.check_scope(scope or self.scope_key)
        amount = on_step(amount, self._step)
        key = (scope, amount)
        if key not in self.cache:
            self.cache[key] = self.pruner.measure(amount, self._test, scope)
        return self.cache[key]

    def pruned_model(self) -> nn.Module:
        """A copy of the model as the explorer shows it now, to keep working with."""
        return self.pruner.pruned_copy(on_step(self.slider.value, self._step), self.scope_key)

    def _measure_curve(self, scope: str) -> list[SweepStep]:
        if scope not in self._curves:
            self._curves[scope] = [self.measure(a, scope)
                                   for a in measuring(self.amounts, "pruning levels")]
        return self._curves[scope]

    def _label(self) -> str:
        key = self.scope_key
        return SCOPE_NAMES.get(key, f"{key} pruned alone")

    @staticmethod
    def _xy(steps: list[SweepStep]) -> tuple[list[float], list[float]]:
        return [s.amount for s in steps], [s.accuracy for s in steps]

    def _change_scope(self, change: dict | None = None) -> None:
        # One layer alone has a single threshold: global and per layer are the same there.
        self.scope.disabled = self.layer.value != "all"
        key = self.scope_key
        # The global curve stays in the picture for comparison (empty while it is the choice).
        comparison = ([], []) if key == "global" else self._xy(self._measure_curve("global"))
        viz.set_curves(self.figure, {self._label(): self._xy(self.steps)},
                       reference=self.reference, comparison={SCOPE_NAMES["global"]: comparison})
        where = "of all layers" if key in ("global", "layer") else f"of {key}"
        for ax in self.figure.axes:
            ax.set_xlabel(f"weights pruned ({where})")
        self._update(redraw=True)

    @one_thread
    def _update(self, change: dict | None = None, redraw: bool = False) -> None:
        step = self.current
        show_value(self.sparsity, format_percent(step.sparsity))
        show_value(self.accuracy, format_percent(step.accuracy))
        show_value(self.nonzero, format_count(step.nonzero))
        show_value(self.dense_size, format_bytes(step.dense_bytes))
        show_value(self.sparse_size, format_bytes(step.sparse_bytes))
        show_value(self.per_layer, ", ".join(f"{name} {format_percent(value)}"
                                             for name, value in step.layer_sparsity.items()))
        viz.move_marker(self.figure, step.amount, step.accuracy)
        if redraw:  # a new scope: new curves and legend entries, so lay the figure out again
            self.view.redraw(relayout=True)
        else:
            self.view.refresh()
