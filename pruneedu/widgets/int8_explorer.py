"""Int8 after pruning: file sizes in four formats and the accuracy (notebook 03-challenges).

The slider prunes by global magnitude; the model is then quantized to int8 as
``quantize.quantize_int8`` does (prune first, make permanent, then quantize). The bars show
the file in the four storage formats of ``metrics.model_size_bytes``, and the readouts the
ratios that matter: int8 shrinks a dense file about 4x, because every stored value goes from
4 bytes to 1, but a sparse file much less, because the positions of the kept values do not
shrink. Each amount is measured the first time you visit it and kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
from matplotlib.figure import Figure
from torch import nn

from pruneedu import metrics, training, viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.pruning import STORAGES
from pruneedu.quantize import quantize_int8
from pruneedu.widgets.readouts import (
    FigureView,
    amount_slider,
    check_splits,
    format_bytes,
    format_percent,
    note,
    on_step,
    readout,
    readout_row,
    show_value,
)
from pruneedu.widgets.sweep import MagnitudePruner
from pruneedu.widgets.timing import one_thread

STEP = 0.005
NAMES = {"dense": "dense float32", "sparse": "sparse float32", "int8": "dense int8",
         "sparse-int8": "sparse int8"}


@dataclass(frozen=True)
class Int8Step:
    """One pruned model, its int8 copy, and their files."""

    amount: float
    accuracy: float          # float32, on the test split
    int8_accuracy: float     # after quantize_int8
    sizes: dict[str, int]    # storage format -> bytes (metrics.model_size_bytes)

    def ratio(self, big: str, small: str) -> float:
        """How many times smaller the ``small`` storage's file is than the ``big`` one's."""
        return self.sizes[big] / self.sizes[small]


class Int8Explorer(widgets.VBox):
    """Prune ``net`` with a slider, quantize it to int8, compare files and accuracy.

    Args:
        net: a trained model with Linear layers, e.g. ``models.pretrained("lenet-300-100")``
            (or a pruned and fine-tuned one); not changed.
        data: ``data.load_mnist()``; accuracy is measured on ``data.test``.
        amount: where the slider starts (the target sparsity, 0-99.5% in 0.5% steps).

    Attributes:
        slider; readouts: accuracy, int8_accuracy, and one per storage format in ``sizes``
        ({"dense", "sparse", "int8", "sparse-int8"}: readout); dense_ratio, sparse_ratio
        (what int8 saves in each layout); steps: {amount: ``Int8Step``} measured so far;
        current; figure.

    Example:
        >>> from pruneedu import data, models
        >>> view = Int8Explorer(models.pretrained("lenet-300-100"), data.load_mnist())
        >>> view.slider.value = 0.98
        >>> round(view.current.ratio("sparse", "sparse-int8"), 1)
        2.2
    """

    def __init__(self, net: nn.Module, data: MNIST, amount: float = 0.9):
        check_model(net, "Int8Explorer")
        check_splits(data, "Int8Explorer")
        self._test = data.test
        self._pruner = MagnitudePruner(net)
        self.steps: dict[float, Int8Step] = {}
        self.slider = amount_slider("Weights pruned", 0.995, STEP, value=on_step(amount, STEP))
        self.accuracy = readout("Test accuracy, float32")
        self.int8_accuracy = readout("Test accuracy, int8")
        self.sizes = {storage: readout(f"File, {NAMES[storage]}") for storage in STORAGES}
        self.dense_ratio = readout("int8 shrinks the dense file")
        self.sparse_ratio = readout("int8 shrinks the sparse file")
        self.figure = self._draw(self.current)
        self.view = FigureView(self.figure)
        self.slider.observe(self._update, names="value")
        super().__init__([
            self.slider, readout_row([self.accuracy, self.int8_accuracy]),
            readout_row([self.sizes["dense"], self.sizes["sparse"]]),
            readout_row([self.sizes["int8"], self.sizes["sparse-int8"]]),
            readout_row([self.dense_ratio, self.sparse_ratio]), self.view.image,
            note("int8 stores each kept value in 1 byte instead of 4, so a dense file shrinks "
                 "about 4x. A sparse file also stores <i>where</i> each kept value sits, and "
                 "those positions do not shrink: the sparser the model, the larger their share, "
                 "and the less int8 saves. A zero stays exactly zero in int8, so the pruning "
                 "survives."),
        ])
        self.add_class("pruneedu-int8-explorer")
        self._update()

    @property
    def current(self) -> Int8Step:
        return self.measure(self.slider.value)

    @one_thread
    def measure(self, amount: float) -> Int8Step:
        """Prune to ``amount`` (on the 0.5% grid), quantize, measure; kept for next time."""
        amount = on_step(amount, STEP)
        if amount not in self.steps:
            model = self._pruner.model_at(amount)
            self.steps[amount] = Int8Step(
                amount=amount,
                accuracy=training.evaluate(model, self._test).accuracy,
                int8_accuracy=training.evaluate(quantize_int8(model), self._test).accuracy,
                sizes={s: metrics.model_size_bytes(model, s) for s in STORAGES},
            )
        return self.steps[amount]

    @staticmethod
    @viz.course_style()
    def _draw(step: Int8Step) -> Figure:
        fig = viz.new_figure(viz.figures.FULL_WIDTH * 0.8, 2.9)
        ax = viz.style_axes(fig.add_subplot())
        colors = {"dense": viz.ROLE_COLORS["baseline"], "sparse": viz.ROLE_COLORS["weights"],
                  "int8": viz.palette.REFERENCE, "sparse-int8": viz.ROLE_COLORS["int8"]}
        for row, storage in enumerate(STORAGES):
            ax.barh(row, step.sizes[storage], color=colors[storage], height=0.65,
                    gid=f"bar/{storage}", animated=True)
            ax.text(step.sizes[storage], row, "", va="center", ha="left", fontsize=10,
                    gid=f"label/{storage}", animated=True)
        ax.set_yticks(range(len(STORAGES)), [NAMES[s] for s in STORAGES])
        ax.invert_yaxis()
        ax.set_xscale("log")
        # Fixed limits from the dense float32 file down to 1/400 of it: bars never jump.
        top = step.sizes["dense"]
        ax.set_xlim(top / 400, top * 4)
        ax.xaxis.set_major_formatter(lambda value, _: _round_bytes(value))
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("file size (log scale: each grid line is 10x)")
        ax.set_title("The same pruned model stored four ways")
        return fig

    def _update(self, change: dict | None = None) -> None:
        step = self.current
        show_value(self.accuracy, format_percent(step.accuracy))
        show_value(self.int8_accuracy, format_percent(step.int8_accuracy))
        dense = step.sizes["dense"]
        for storage, item in self.sizes.items():
            size = step.sizes[storage]
            show_value(item, f"{format_bytes(size)} ({dense / size:.1f}x smaller than dense)"
                       if storage != "dense" else format_bytes(size))
            viz.find_artist(self.figure, f"bar/{storage}").set_width(size)
            label = viz.find_artist(self.figure, f"label/{storage}")
            label.set_x(size * 1.08)
            label.set_text(format_bytes(size))
        show_value(self.dense_ratio, f"{step.ratio('dense', 'int8'):.1f}x")
        show_value(self.sparse_ratio, f"{step.ratio('sparse', 'sparse-int8'):.1f}x")
        self.view.refresh()


def _round_bytes(size: float) -> str:
    """Tick labels of a log axis: ``10 kB``, ``100 kB``, ``1 MB``."""
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size:g} B"
