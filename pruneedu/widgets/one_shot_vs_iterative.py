"""One-shot against iterative pruning at the same fine-tuning budget (notebook 03-challenges).

Pick a sparsity and a budget (epochs of fine-tuning in total), then press Run: one-shot
pruning spends the whole budget after one cut; iterative pruning cuts in rounds on a cubic
schedule and spends the same budget spread over the rounds. Both run for several seeds, so you
see the spread and not one lucky number. A run takes seconds to minutes (a progress bar
shows how far it is, the status line how many epochs it trains) and is kept: choosing the
same settings again shows it at once, and the table lists every comparison so far.

The method follows ``benchmarks/bench_pruning.py`` (tables 1 and 1b): global magnitude
pruning, 5 cubic rounds, the same learning rate for both methods. A budget that does not
divide into whole epochs per round gives each round its own slice of the shuffled images, so
both methods see exactly the same number of images.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.utils.data import TensorDataset

from pruneedu import pruning, training, viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amounts
from pruneedu.viz.palette import REFERENCE
from pruneedu.widgets.readouts import (
    LABEL_STYLE,
    FigureView,
    check_splits,
    format_percent,
    note,
    readout,
    readout_row,
    show_value,
)
from pruneedu.widgets.sweep import MagnitudePruner

DEFAULT_AMOUNTS = (0.9, 0.95, 0.98, 0.99)
DEFAULT_BUDGETS = (1, 2, 5, 10)
METHODS = ("one-shot", "iterative")


@dataclass(frozen=True)
class Comparison:
    """Test accuracies of both methods at one sparsity and budget, one per seed."""

    amount: float
    budget: int
    seeds: tuple[int, ...]
    one_shot: tuple[float, ...]
    iterative: tuple[float, ...]
    schedule: tuple[float, ...]   # the iterative amounts, one per round

    @property
    def gaps(self) -> list[float]:
        """Iterative minus one-shot, paired by seed."""
        return [b - a for a, b in zip(self.one_shot, self.iterative, strict=True)]


class OneShotVsIterative(widgets.VBox):
    """Compare one-shot and iterative pruning + fine-tuning at an equal budget, over seeds.

    Args:
        net: a trained model (``models.pretrained("lenet-300-100")``); not changed.
        data: ``data.load_mnist()``; fine-tunes on ``data.train``, reports ``data.test``.
        amounts: the sparsities to choose from. budgets: total epochs of fine-tuning to
            choose from. rounds: rounds of the iterative schedule (cubic).
        seeds: one run of each method per seed (at least 3 before you believe a gap).
        lr: the fine-tuning learning rate of both methods (0.05, as the benchmark).
        train_size: fine-tune on the first ``train_size`` training digits only (faster);
            None uses all of ``data.train``.

    Attributes:
        amount, budget (``ToggleButtons``), button (Run), progress (``IntProgress``);
        readouts: one_shot, iterative, gap, untuned, status; results: {(amount, budget):
        ``Comparison``}; current: the comparison for the chosen settings or None; table
        (HTML of every comparison so far); figure.

    Example:
        >>> from torch.utils.data import TensorDataset
        >>> from pruneedu import data, models
        >>> mnist = data.load_mnist()
        >>> view = OneShotVsIterative(models.pretrained("lenet-300-100"), mnist,
        ...                           seeds=(0,), train_size=256)
        >>> view.button.click(); len(view.current.iterative)
        1
    """

    def __init__(self, net: nn.Module, data: MNIST, amounts: Sequence[float] = DEFAULT_AMOUNTS,
                 budgets: Sequence[int] = DEFAULT_BUDGETS, rounds: int = 5,
                 seeds: Sequence[int] = (0, 1, 2), lr: float = 0.05,
                 train_size: int | None = None):
        check_model(net, "OneShotVsIterative")
        check_splits(data, "OneShotVsIterative", ("train", "test"))
        amounts = sorted(set(check_amounts(amounts, "amounts")))
        budgets = sorted({int(b) for b in budgets})
        if not amounts or not budgets or min(budgets) < 1 or not seeds or rounds < 1:
            raise ValueError("OneShotVsIterative needs amounts such as [0.9, 0.98], budgets of "
                             "1 or more epochs, at least one seed and at least one round.")
        self._net, self._test, self._lr, self._rounds = net, data.test, lr, rounds
        self._seeds = tuple(int(s) for s in seeds)
        images, labels = data.train.tensors
        self._train = TensorDataset(images[:train_size], labels[:train_size])
        self._pruner = MagnitudePruner(net)
        self.reference = training.evaluate(net, data.test).accuracy
        self.untuned_accuracy = {a: training.evaluate(self._pruner.model_at(a), data.test).accuracy
                                 for a in amounts}
        self.results: dict[tuple[float, int], Comparison] = {}
        self.amount = widgets.ToggleButtons(
            options=[(f"{a:.0%}", a) for a in amounts], value=amounts[len(amounts) // 2],
            description="Sparsity", style={**LABEL_STYLE, "button_width": "auto"})
        self.budget = widgets.ToggleButtons(
            options=[(f"{b} epoch{'s' if b > 1 else ''}", b) for b in budgets],
            value=budgets[len(budgets) // 2 - (len(budgets) > 2)],
            description="Fine-tuning budget", style={**LABEL_STYLE, "button_width": "auto"})
        self.button = widgets.Button(description="Run both methods", icon="play",
                                     button_style="primary", layout=widgets.Layout(width="auto"),
                                     tooltip="Prune and fine-tune with both methods, every seed")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Progress",
                                            style=LABEL_STYLE,
                                            layout=widgets.Layout(width="100%",
                                                                  max_width="30em"))
        self.one_shot = readout("One-shot + budget")
        self.iterative = readout(f"Iterative ({rounds} rounds) + budget")
        self.gap = readout("Gap, iterative minus one-shot")
        self.untuned = readout("One-shot, no fine-tuning")
        self.status = readout("Status")
        self.table = widgets.HTML()
        self._seconds_per_epoch: float | None = None
        self.figure = self._build_figure()
        self._show_result(None)
        self.view = FigureView(self.figure)
        self.button.on_click(self._run_clicked)
        self.amount.observe(self._update, names="value")
        self.budget.observe(self._update, names="value")
        seeds_text = ", ".join(map(str, self._seeds))
        super().__init__([
            self.amount, self.budget, widgets.HBox([self.button, self.progress]),
            readout_row([self.one_shot, self.iterative]),
            readout_row([self.gap, self.untuned]), self.status, self.view.image,
            note(f"Each dot is one seed ({seeds_text}); the bar is their mean. A gap smaller "
                 "than the spread of the dots settles nothing, and one model on one small data "
                 "set says nothing about other networks."),
            self.table,
        ])
        self.add_class("pruneedu-one-shot-vs-iterative")
        self._update()

    @property
    def current(self) -> Comparison | None:
        return self.results.get((self.amount.value, self.budget.value))

    def run(self) -> Comparison:
        """Run both methods for every seed at the chosen settings (or return the kept run)."""
        key = (self.amount.value, self.budget.value)
        if key in self.results:
            return self.results[key]
        amount, budget = key
        calls_per_seed = 1 + (self._rounds if budget % self._rounds else 1)
        self.progress.max, self.progress.value = len(self._seeds) * calls_per_seed, 0
        one_shot, iterative = [], []
        schedule: list[float] = []
        for number, seed in enumerate(self._seeds, start=1):
            self._say(f"seed {seed} ({number} of {len(self._seeds)}): one-shot")
            model = self._pruner.pruned_copy(amount)
            training.fine_tune(model, self._train, epochs=budget, lr=self._lr, seed=seed)
            one_shot.append(training.evaluate(model, self._test).accuracy)
            self.progress.value += 1
            self._say(f"seed {seed} ({number} of {len(self._seeds)}): iterative")
            model, schedule = self._iterative(amount, budget, seed)
            iterative.append(training.evaluate(model, self._test).accuracy)
        self.results[key] = Comparison(amount, budget, self._seeds, tuple(one_shot),
                                       tuple(iterative), tuple(schedule))
        return self.results[key]

    def _iterative(self, amount: float, budget: int, seed: int) -> tuple[nn.Module, list[float]]:
        model = pruning.copy_model(self._net)
        if budget % self._rounds == 0:
            steps = pruning.prune_iteratively(
                model, self._train, amount, rounds=self._rounds, schedule="cubic",
                fine_tune_epochs=budget // self._rounds, lr=self._lr, seed=seed * 100,
                progress=False)
            self.progress.value += 1
            return model, steps
        # Fewer epochs than rounds: each round fine-tunes once on its own slice of the images.
        images, labels = self._train.tensors
        shuffler = torch.Generator().manual_seed(seed)
        order = torch.cat([torch.randperm(len(labels), generator=shuffler)
                           for _ in range(budget)])
        per_round = len(order) // self._rounds
        steps = pruning.cubic_schedule(amount, self._rounds)
        for index, step in enumerate(steps):
            pruning.prune_weights(model, step)
            chunk = order[index * per_round:(index + 1) * per_round]
            training.fine_tune(model, TensorDataset(images[chunk], labels[chunk]), epochs=1,
                               lr=self._lr, seed=seed * 100 + index)
            self.progress.value += 1
        return model, steps

    def _say(self, status: str) -> None:
        show_value(self.status, status)

    def _run_clicked(self, button: widgets.Button | None = None) -> None:
        self.button.disabled = self.amount.disabled = self.budget.disabled = True
        fresh = self.current is None
        start = time.perf_counter()
        try:
            self.run()
            if fresh:
                epochs = 2 * self.budget.value * len(self._seeds)
                self._seconds_per_epoch = (time.perf_counter() - start) / epochs
        finally:
            self.button.disabled = self.amount.disabled = self.budget.disabled = False
        self._update()

    @viz.course_style()
    def _build_figure(self) -> Figure:
        """The axes, references and (empty) seed dots and mean bars of both methods, drawn
        once; :meth:`_show_result` fills them in."""
        fig = viz.new_figure(viz.figures.FULL_WIDTH * 0.7, 3.5)
        ax = viz.style_axes(fig.add_subplot(), percent_y=True)
        ax.axhline(self.reference, color=viz.ROLE_COLORS["baseline"], linestyle="--",
                   linewidth=1.2, label="unpruned model")
        ax.axhline(0.0, color=REFERENCE, linestyle=":", linewidth=1.8, gid="untuned",
                   label="one-shot, no fine-tuning")
        for method in METHODS:
            ax.plot([], [], "o", markersize=8, markerfacecolor="white", markeredgewidth=2,
                    color=viz.ROLE_COLORS[method], linestyle="none", gid=f"dots/{method}",
                    label=f"{method}: one dot per seed, bar = mean")
            ax.plot([], [], linewidth=3, color=viz.ROLE_COLORS[method], gid=f"mean/{method}")
        ax.set_xticks([0, 1], ["one-shot\n+ budget",
                               f"iterative, {self._rounds} rounds\n+ same budget"])
        ax.set_xlim(-0.6, 1.6)
        ax.grid(axis="x", visible=False)
        ax.set_ylabel("test accuracy")
        ax.set_title(" ")
        viz.legend_below(fig, ncols=2)
        return fig

    def _show_result(self, result: Comparison | None) -> None:
        ax = self.figure.axes[0]
        untuned = self.untuned_accuracy[self.amount.value]
        viz.find_artist(self.figure, "untuned").set_ydata([untuned, untuned])
        values = [self.reference, untuned]
        epochs = "1 epoch" if self.budget.value == 1 else f"{self.budget.value} epochs"
        title = f"{self.amount.value:.0%} sparsity, {epochs}"
        for x, method in enumerate(METHODS):
            dots = viz.find_artist(self.figure, f"dots/{method}")
            mean = viz.find_artist(self.figure, f"mean/{method}")
            accuracies = () if result is None else getattr(result, method.replace("-", "_"))
            dots.set_data([x + 0.12 * (i - (len(accuracies) - 1) / 2)
                           for i in range(len(accuracies))], list(accuracies))
            middle = [statistics.mean(accuracies)] * 2 if accuracies else []
            mean.set_data([x - 0.3, x + 0.3] if accuracies else [], middle)
            values += list(accuracies)
        ax.set_title(f"{title}: not run yet" if result is None else f"{title} of fine-tuning")
        ax.set_ylim(max(0.0, min(values) - 0.01), min(1.0, max(values) + 0.01))

    def _update(self, change: dict | None = None) -> None:
        result = self.current
        show_value(self.untuned, format_percent(self.untuned_accuracy[self.amount.value]))
        if result is None:
            for item in (self.one_shot, self.iterative, self.gap):
                show_value(item, "not run yet")
            epochs = 2 * self.budget.value * len(self._seeds)
            pace = (f", about {epochs * self._seconds_per_epoch:.0f} s at the pace of your last "
                    "run" if self._seconds_per_epoch else "")
            self._say(f"press Run: {epochs} epochs of fine-tuning in all (2 methods x "
                      f"{len(self._seeds)} seeds x {self.budget.value}){pace}")
        else:
            show_value(self.one_shot, _spread(result.one_shot))
            show_value(self.iterative, _spread(result.iterative))
            gaps = [100 * g for g in result.gaps]
            show_value(self.gap, f"{statistics.mean(gaps):+.1f} points "
                                 f"(seeds: {min(gaps):+.1f} to {max(gaps):+.1f})")
            self._say("done and kept: pick other settings to compare")
        self._show_result(result)
        self.view.redraw()
        self.table.value = self._table_html()

    def _table_html(self) -> str:
        if not self.results:
            return ""
        cell = "style='padding:0.15em 0.9em;text-align:right;border-bottom:1px solid #ddd'"
        rows = "".join(
            f"<tr><td {cell}>{r.amount:.0%}</td><td {cell}>{r.budget}</td>"
            f"<td {cell}>{_spread(r.one_shot)}</td><td {cell}>{_spread(r.iterative)}</td>"
            f"<td {cell}>{100 * statistics.mean(r.gaps):+.1f}</td></tr>"
            for _, r in sorted(self.results.items()))
        header = "".join(f"<th {cell}>{name}</th>" for name in (
            "sparsity", "budget (epochs)", "one-shot, mean (range)", "iterative, mean (range)",
            "gap (points)"))
        return (f"<b>Every comparison so far</b><table style='border-collapse:collapse;"
                f"line-height:1.5'><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>")


def _spread(values: Sequence[float]) -> str:
    """``'94.2% (94.0-94.5%)'``: the mean and the range over seeds."""
    if len(values) == 1:
        return format_percent(values[0])
    return (f"{format_percent(statistics.mean(values))} "
            f"({100 * min(values):.1f}-{format_percent(max(values))})")
