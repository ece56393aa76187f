"""N:M semi-structured sparsity (2:4) against the same zeros placed freely (notebook 02).

Pick a pattern: keep n of every m neighbouring weights in a row. The picture shows a block of
first-layer weights under that pattern and under unconstrained magnitude pruning to the same
sparsity; the readouts give both accuracies (before and, on a click, after fine-tuning) and
the storage arithmetic: each kept value plus its position inside its group. The pattern buys
speed only on GPUs with sparse tensor cores; on a CPU its zeros are ordinary zeros.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from torch import nn

from pruneedu import metrics, pruning, training, viz
from pruneedu.data import MNIST
from pruneedu.models import check_model
from pruneedu.viz.palette import INK, PAPER
from pruneedu.widgets.fine_tune_demo import check_fine_tune_options
from pruneedu.widgets.readouts import (
    LABEL_STYLE,
    FigureView,
    check_splits,
    format_bytes,
    format_percent,
    measuring,
    note,
    readout,
    readout_row,
    show_value,
)
from pruneedu.widgets.sweep import MagnitudePruner
from pruneedu.widgets.timing import one_thread

# Groups must divide every row: LeNet-300-100 has rows of 784, 300 and 100 weights.
PATTERNS = ((2, 4), (1, 2), (1, 4), (3, 4))
BLOCK_ROWS, BLOCK_START, BLOCK_COLUMNS = 12, 14 * 28, 32  # fc1 neurons 0-11, image row 14 on
BLOCK = slice(BLOCK_START, BLOCK_START + BLOCK_COLUMNS)


@dataclass
class PatternStep:
    """One n:m pattern and the unconstrained cut to the same sparsity."""

    n: int
    m: int
    sparsity: float
    accuracy: float               # n:m, no retraining
    free_accuracy: float          # global magnitude to the same sparsity, no retraining
    storage: dict                 # storage_bytes(): the n:m arithmetic
    sparse_file_bytes: int        # the course's sparse format, for comparison
    blocks: dict[str, np.ndarray]  # "semi"/"free" -> the pictured block of fc1's masks
    tuned: tuple[float, float] | None = None   # (n:m, free) after fine-tuning


def storage_bytes(weights: int, n: int = 2, m: int = 4, value_bytes: int = 4) -> dict:
    """The storage arithmetic of an n:m layout: each kept value plus its position in its group.

    Returns {"kept", "value_bytes", "position_bits", "position_bytes", "total", "dense"} for
    ``weights`` weights (biases not included).

    Example:
        >>> storage_bytes(266_200)["total"]  # 2:4 of LeNet-300-100's weights, as in lesson 2
        565675
    """
    kept = weights * n // m
    bits = math.ceil(math.log2(m)) if m > 1 else 0
    values = kept * value_bytes
    positions = math.ceil(kept * bits / 8)
    return {"kept": kept, "value_bytes": values, "position_bits": bits,
            "position_bytes": positions, "total": values + positions,
            "dense": weights * value_bytes}


class SemiStructuredExplorer(widgets.VBox):
    """Compare an n:m mask with the same sparsity placed freely, on an MLP.

    Args:
        net: a trained MLP (``models.pretrained("lenet-300-100")``); not changed.
        data: ``data.load_mnist()``; fine-tunes on ``data.train``, accuracy on ``data.test``.
        **fine_tune_options: passed to ``training.fine_tune`` by the button (default: the
            course's 2 epochs at learning rate 0.005, seed 0).

    Attributes:
        pattern (``ToggleButtons`` of (n, m)), button (fine-tune both); readouts: sparsity,
        accuracy, free_accuracy, tuned, values, positions, storage (the n:m arithmetic),
        sparse_file, status; steps: {(n, m):
        ``PatternStep``} measured so far; current; figure.

    Example:
        >>> from pruneedu import data, models
        >>> view = SemiStructuredExplorer(models.pretrained("lenet-300-100"), data.load_mnist())
        >>> view.current.sparsity, round(view.current.accuracy, 3)
        (0.5, 0.938)
    """

    def __init__(self, net: nn.Module, data: MNIST, **fine_tune_options):
        check_model(net, "SemiStructuredExplorer")
        check_splits(data, "SemiStructuredExplorer", ("train", "test"))
        check_fine_tune_options(fine_tune_options, "SemiStructuredExplorer")
        first = getattr(net, "fc1", None)
        if not isinstance(first, nn.Linear) or first.in_features != 28 * 28:
            raise TypeError("SemiStructuredExplorer needs an MLP whose fc1 reads the 784 pixels, "
                            "such as models.pretrained('lenet-300-100').")
        self._net, self._data, self._options = net, data, fine_tune_options
        self._pruner = MagnitudePruner(net)
        self._weights = sum(m.weight.numel() for _, m in pruning.prunable_layers(net))
        self.steps: dict[tuple[int, int], PatternStep] = {}
        for n, m in measuring(PATTERNS, "n:m patterns"):  # four patterns: all up front
            self.measure(n, m)
        self.pattern = widgets.ToggleButtons(
            options=[(f"{n}:{m}", (n, m)) for n, m in PATTERNS], value=PATTERNS[0],
            description="Keep n of every m", style={**LABEL_STYLE, "button_width": "4.5em"})
        self.button = widgets.Button(description="Fine-tune both (2 epochs)", icon="play",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.sparsity = readout("Sparsity")
        self.accuracy = readout("Test accuracy, n:m")
        self.free_accuracy = readout("Same sparsity placed freely")
        self.tuned = readout("After fine-tuning (n:m / freely)")
        self.values = readout("Kept values")
        self.positions = readout("Their positions in the groups")
        self.storage = readout("n:m storage of the weights")
        self.sparse_file = readout("The course's sparse format, whole model")
        self.status = readout("Status")
        self.figure = self._draw(self.current)
        self.view = FigureView(self.figure)
        self.pattern.observe(self._update, names="value")
        self.button.on_click(self._fine_tune)
        super().__init__([
            self.pattern, readout_row([self.sparsity, self.accuracy, self.free_accuracy]),
            widgets.HBox([self.button, self.tuned], layout=widgets.Layout(flex_flow="row wrap")),
            self.values, self.positions, self.storage, self.sparse_file, self.status,
            self.view.image,
            note("Sparse tensor cores on recent NVIDIA GPUs skip the zeros of a 2:4 pattern; "
                 "on a CPU, and in our small layers, there is no speed-up. The fixed pattern "
                 "forces some useful weights out of crowded groups: that is the accuracy you "
                 "trade for the hardware's speed."),
        ])
        self.add_class("pruneedu-semi-structured")
        self._update()

    @property
    def current(self) -> PatternStep:
        return self.measure(*self.pattern.value)

    def models(self, n: int, m: int) -> tuple[nn.Module, nn.Module]:
        """Fresh copies: (n:m pruned, global magnitude pruned to the same sparsity)."""
        return (pruning.prune_nm(pruning.copy_model(self._net), n, m),
                self._pruner.pruned_copy(1 - n / m))

    @one_thread
    def measure(self, n: int, m: int) -> PatternStep:
        if (n, m) not in self.steps:
            semi, free = self.models(n, m)
            self.steps[(n, m)] = PatternStep(
                n=n, m=m, sparsity=metrics.sparsity(semi),
                accuracy=training.evaluate(semi, self._data.test).accuracy,
                free_accuracy=training.evaluate(free, self._data.test).accuracy,
                storage=storage_bytes(self._weights, n, m),
                sparse_file_bytes=metrics.model_size_bytes(semi, "sparse"),
                blocks={name: (pruning.effective_weight(model.fc1) != 0)[:BLOCK_ROWS, BLOCK]
                        .float().numpy() for name, model in (("semi", semi), ("free", free))})
        return self.steps[(n, m)]

    def _fine_tune(self, button: widgets.Button | None = None) -> None:
        step = self.current
        if step.tuned is None:
            self.button.disabled = self.pattern.disabled = True
            show_value(self.status, "fine-tuning both models (a few seconds)...")
            try:
                options = {"epochs": 2, "seed": 0, **self._options}
                tuned = []
                for model in self.models(step.n, step.m):
                    training.fine_tune(model, self._data.train, **options)
                    tuned.append(training.evaluate(model, self._data.test).accuracy)
                step.tuned = (tuned[0], tuned[1])
            finally:
                self.button.disabled = self.pattern.disabled = False
        self._update()

    @viz.course_style()
    def _draw(self, step: PatternStep) -> Figure:
        fig = viz.new_figure(viz.figures.FULL_WIDTH, 2.5)
        axes = fig.subplots(1, 2)
        for ax, gid in zip(axes, ("semi", "free"), strict=True):
            # Everything a pattern changes is animated: a choice only redraws those artists.
            ax.imshow(np.zeros((BLOCK_ROWS, BLOCK_COLUMNS)), cmap=ListedColormap([PAPER, INK]),
                      vmin=0, vmax=1, interpolation="nearest", gid=f"block/{gid}",
                      animated=True)
            for x in range(1, BLOCK_COLUMNS):  # enough boundaries for groups of 2
                ax.axvline(x - 0.5, color=viz.ROLE_COLORS["semi-structured"], linewidth=1.2,
                           gid=f"group/{gid}/{x}", animated=True, visible=False)
            ax.title.set_animated(True)
            viz.frame_image(ax)
            ax.set_ylabel(f"fc1 neurons 0-{BLOCK_ROWS - 1}")
            ax.set_xlabel(f"32 neighbouring inputs (pixels {BLOCK_START}-"
                          f"{BLOCK_START + BLOCK_COLUMNS - 1}); lines: the groups", fontsize=10)
        viz.legend_below(fig, [Patch(facecolor=INK, edgecolor="#777777"),
                               Patch(facecolor=PAPER, edgecolor="#777777"),
                               Line2D([], [], color=viz.ROLE_COLORS["semi-structured"])],
                         ["weight kept", "weight pruned", "group boundary"], ncols=3)
        self._fill(fig, step)
        return fig

    def _fill(self, fig: Figure, step: PatternStep) -> None:
        """Put the two masks of ``step`` into the block pictures, with group boundaries."""
        titles = {"semi": f"{step.n}:{step.m}: exactly {step.n} kept in every group of {step.m}",
                  "free": f"the same {step.sparsity:.0%} placed freely (global magnitude)"}
        for ax, gid in zip(fig.axes[:2], ("semi", "free"), strict=True):
            viz.find_artist(fig, f"block/{gid}").set_data(step.blocks[gid])
            for line in ax.lines:
                x = int(str(line.get_gid()).rsplit("/", 1)[1])
                line.set_visible(x % step.m == 0)
            ax.set_title(titles[gid], fontsize=11)

    def _update(self, change: dict | None = None) -> None:
        step = self.current
        show_value(self.sparsity, format_percent(step.sparsity))
        show_value(self.accuracy, format_percent(step.accuracy))
        show_value(self.free_accuracy, format_percent(step.free_accuracy))
        show_value(self.tuned, "not yet: click the button" if step.tuned is None else
                   f"{format_percent(step.tuned[0])} / {format_percent(step.tuned[1])}")
        s = step.storage
        show_value(self.values, f"{s['kept']:,} x 4 bytes = {s['value_bytes']:,} bytes")
        show_value(self.positions, f"{s['kept']:,} x {s['position_bits']} bits = "
                                   f"{s['position_bytes']:,} bytes")
        show_value(self.storage, f"{s['total']:,} bytes, {s['dense'] / s['total']:.2f}x smaller "
                                 f"than the {s['dense']:,} bytes of dense float32 weights")
        show_value(self.sparse_file, format_bytes(step.sparse_file_bytes))
        show_value(self.status, "ready" if step.tuned is None else "fine-tuned: kept")
        with viz.course_style():
            self._fill(self.figure, step)
        self.view.refresh()
