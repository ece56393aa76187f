"""Magnitude against activation-aware (Wanda-style) scores, row by row (notebook 03-challenges).

Both scores prune the same share of every output row, with no retraining: magnitude ranks
weights by |W|, the activation-aware score by |W| x ||X_j||, the norm of the weight's input over
the training digits (``pruning.activation_aware_scores``, as Wanda does). The slider sets the
share. The pictures show why they differ on digits: pixels that are inked often have large
input norms, so the activation-aware score keeps the weights on common strokes and drops
weights on rarer pixels. Each amount is measured the first time you visit it and kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from pruneedu import pruning, training, viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amount, check_amounts
from pruneedu.widgets.readouts import (
    FigureView,
    amount_slider,
    check_splits,
    format_percent,
    measuring,
    note,
    on_step,
    readout,
    readout_row,
    show_value,
)
from pruneedu.widgets.timing import one_thread

STEP = 0.01
SCORES = {"magnitude": "magnitude |W|", "activation": "activation-aware |W| x ||X||"}
DEFAULT_AMOUNTS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True)
class ScoreStep:
    """Both scores at one amount: accuracies and which fc1 inputs each keeps."""

    amount: float
    accuracy: dict[str, float]        # score -> test accuracy
    kept_share: dict[str, np.ndarray]  # score -> share of fc1 neurons keeping each pixel, 28x28
    agreement: float                  # share of all weights on which both scores agree


class ScoreExplorer(widgets.VBox):
    """Prune the same share of every row by magnitude and by an activation-aware score.

    Args:
        net: a trained MLP whose first layer reads the 784 pixels (LeNet-300-100); not changed.
        data: ``data.load_mnist()``; input norms from ``data.train``, accuracy on ``data.test``.
        amounts: shares measured up front and drawn as the curves; the slider moves in 1%
            steps up to the largest.

    Attributes:
        slider; readouts: accuracy ({"magnitude"|"activation": readout}), agreement; norms
        ({layer: norm of each input feature over the training digits}); steps: {amount:
        ``ScoreStep``} measured so far; current; reference (unpruned test accuracy);
        curve_figure, pixel_figure.

    Example:
        >>> from pruneedu import data, models
        >>> view = ScoreExplorer(models.pretrained("lenet-300-100"), data.load_mnist(),
        ...                      amounts=[0.0, 0.9])
        >>> view.slider.value = 0.9
        >>> round(view.current.accuracy["activation"], 3)
        0.756
    """

    def __init__(self, net: nn.Module, data: MNIST, amounts: Sequence[float] = DEFAULT_AMOUNTS):
        check_model(net, "ScoreExplorer")
        check_splits(data, "ScoreExplorer", ("train", "test"))
        first = getattr(net, "fc1", None)
        if not isinstance(first, nn.Linear) or first.in_features != 28 * 28:
            raise TypeError("ScoreExplorer needs an MLP whose fc1 reads the 784 pixels, such "
                            "as models.pretrained('lenet-300-100').")
        amounts = sorted(set(check_amounts(amounts, "amounts")))
        if not amounts:
            raise ValueError("ScoreExplorer needs at least one amount, e.g. [0.0, 0.5, 0.9]")
        self._test = data.test
        self.reference = training.evaluate(net, data.test).accuracy
        self._model = pruning.make_permanent(pruning.copy_model(net))
        self._layers = {name: m for name, m in self._model.named_modules()
                        if isinstance(m, nn.Linear)}
        self._weights = {name: m.weight.detach().clone() for name, m in self._layers.items()}
        images = data.train.tensors[0]
        inputs = {name: pruning.layer_inputs(self._model, name, images) for name in self._layers}
        self.norms = {name: x.norm(p=2, dim=0) for name, x in inputs.items()}
        scores = {"magnitude": {name: w.abs() for name, w in self._weights.items()},
                  "activation": {name: pruning.activation_aware_scores(w, inputs[name])
                                 for name, w in self._weights.items()}}
        # One sort per row and score, so any amount is an index operation.
        self._orders = {score: {name: s.argsort(dim=1, stable=True) for name, s in by.items()}
                        for score, by in scores.items()}
        self.steps: dict[float, ScoreStep] = {}
        for amount in measuring(amounts, "both scores"):
            self.measure(amount)
        self.slider = amount_slider("Weights pruned in every row", on_step(max(amounts), STEP),
                                    STEP, value=on_step(0.7 if max(amounts) >= 0.7 else 0, STEP))
        self.accuracy = {score: readout(f"Test accuracy, {SCORES[score]}") for score in SCORES}
        self.agreement = readout("Weights both scores treat alike")
        self.curve_figure = viz.accuracy_sparsity_figure(
            {SCORES[s]: ([self.steps[a].amount for a in amounts],
                         [self.steps[a].accuracy[s] for a in amounts]) for s in SCORES},
            current=(0.0, self.steps[amounts[0]].accuracy["magnitude"]),
            reference=self.reference,
            title="Accuracy without retraining, the same share pruned in every row",
            xlabel="weights pruned in every row")
        self._second_marker()
        self.pixel_figure = self._draw_pixels()
        self.curve_view = FigureView(self.curve_figure)
        self.pixel_view = FigureView(self.pixel_figure)
        self.slider.observe(self._update, names="value")
        super().__init__([
            self.slider, readout_row([*self.accuracy.values(), self.agreement]),
            self.curve_view.image, self.pixel_view.image,
            note("One model and one small data set: a counterexample to 'activation-aware is "
                 "always better', not a ranking. Wanda was made for large language models, "
                 "whose inputs have a few features with very large values."),
        ])
        self.add_class("pruneedu-score-explorer")
        self._update()

    @property
    def current(self) -> ScoreStep:
        return self.measure(self.slider.value)

    @one_thread
    def measure(self, amount: float) -> ScoreStep:
        """Both scores at ``amount`` (on the 1% grid), measured once and kept."""
        amount = on_step(amount, STEP)
        if amount in self.steps:
            return self.steps[amount]
        accuracy, shares, masks = {}, {}, {}
        for score in SCORES:
            masks[score] = self._masks(score, amount)
            with torch.no_grad():
                for name, module in self._layers.items():
                    torch.mul(self._weights[name], masks[score][name], out=module.weight)
            accuracy[score] = training.evaluate(self._model, self._test).accuracy
            shares[score] = masks[score]["fc1"].mean(dim=0).reshape(28, 28).numpy()
        same = sum(int((masks["magnitude"][n] == masks["activation"][n]).sum()) for n in masks[
            "magnitude"])
        total = sum(w.numel() for w in self._weights.values())
        self.steps[amount] = ScoreStep(amount, accuracy, shares, same / total)
        return self.steps[amount]

    def _masks(self, score: str, amount: float) -> dict[str, torch.Tensor]:
        masks = {}
        for name, order in self._orders[score].items():
            count = check_amount(amount, order.shape[1], "weights", f"each row of {name}")
            masks[name] = torch.ones(order.shape).scatter_(1, order[:, :count], 0.0)
        return masks

    def _second_marker(self) -> None:
        """A marker on each curve, alike (the legend's "current model" names both): the
        figure's own one follows magnitude, this one the activation-aware score."""
        for ax, suffix in zip(self.curve_figure.axes, ("", "-zoom"), strict=True):
            ax.plot([0], [0], marker="o", markersize=11, markeredgecolor="white",
                    linestyle="none", color=viz.ROLE_COLORS["current"],
                    gid=f"current-activation{suffix}", animated=True, clip_on=False,
                    zorder=5)[0].set_in_layout(False)  # it moves: the layout must not follow

    @viz.course_style()
    def _draw_pixels(self) -> Figure:
        fig = viz.new_figure(viz.figures.FULL_WIDTH, 3.1)
        axes = fig.subplots(1, 3)
        norm = self.norms["fc1"].reshape(28, 28).numpy()
        step = self.current
        panels = [("input norm ||X|| of each pixel\n(darker = inked more often)", norm, "Greys",
                   None),
                  ("share of fc1 neurons keeping\neach pixel: magnitude",
                   step.kept_share["magnitude"], "Blues", "kept/magnitude"),
                  ("share of fc1 neurons keeping\neach pixel: activation-aware",
                   step.kept_share["activation"], "Blues", "kept/activation")]
        for ax, (title, picture, cmap, gid) in zip(axes, panels, strict=True):
            image = ax.imshow(picture, cmap=cmap, vmin=0, vmax=None if gid is None else 1,
                              interpolation="nearest", gid=gid, animated=gid is not None)
            ax.set_title(title, fontsize=10.5)
            viz.frame_image(ax)
            if gid is not None:
                bar = fig.colorbar(image, ax=ax, shrink=0.8, format=lambda v, _: f"{v:.0%}")
                bar.ax.tick_params(labelsize=9)
        return fig

    def _update(self, change: dict | None = None) -> None:
        step = self.current
        for score, item in self.accuracy.items():
            show_value(item, format_percent(step.accuracy[score]))
        show_value(self.agreement, format_percent(step.agreement))
        viz.move_marker(self.curve_figure, step.amount, step.accuracy["magnitude"])
        viz.move_marker(self.curve_figure, step.amount, step.accuracy["activation"],
                        gid="current-activation")
        for score in SCORES:
            viz.find_artist(self.pixel_figure, f"kept/{score}").set_data(step.kept_share[score])
        self.curve_view.refresh()
        self.pixel_view.refresh()
