"""Accuracy against sparsity, and accuracy recovering with fine-tuning.

Both axes show percent, as the readouts do. With a ``reference`` (the unpruned model's
accuracy) the accuracy figure gets a second panel, a close-up of the few points below the
reference where the decisions are made ("the smallest model within one point"); on a 0-100%
axis those points are a flat line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pruneedu.viz.figures import (
    FULL_WIDTH,
    course_style,
    find_artist,
    legend_below,
    new_figure,
    style_axes,
)
from pruneedu.viz.palette import PALETTE, REFERENCE, ROLE_COLORS

Curves = Mapping[str, tuple[Sequence[float], Sequence[float]]]
ZOOM_POINTS = 10.0  # the close-up spans this many percentage points below the reference
_MARKER_SIZE = 11


@course_style()
def accuracy_sparsity_figure(
    curves: Curves,
    current: tuple[float, float] | None = None,
    title: str = "Accuracy as weights are pruned",
    xlabel: str = "sparsity (share of weights set to zero)",
    reference: float | None = None,
    comparison: Curves | None = None,
) -> Figure:
    """One line per entry of ``curves`` (label -> (amounts, accuracies)), all as fractions.

    ``current`` = (amount, accuracy) adds an orange marker (gid ``"current"``) that
    :func:`move_marker` moves. ``reference`` (the unpruned accuracy) draws a dashed line and
    adds a close-up panel of the ``ZOOM_POINTS`` points below it, where the marker has gid
    ``"current-zoom"`` and turns into a triangle at the edge when the point lies outside.
    ``comparison`` curves are drawn thin and grey, for comparison only.

    Example:
        >>> fig = accuracy_sparsity_figure({"magnitude": ([0, .5, .9], [.98, .97, .6])},
        ...                                current=(.5, .97), reference=.98)
        >>> float(find_artist(fig, "current").get_xdata()[0]), len(fig.axes)
        (0.5, 2)
    """
    panels = 1 if reference is None else 2
    fig = new_figure(FULL_WIDTH, 3.5 if panels == 2 else 3.3)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    for ax, zoom in zip(axes, (False, True), strict=False):
        style_axes(ax, percent_x=True, percent_y=True)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("test accuracy")
        if reference is not None:
            ax.axhline(reference, color=ROLE_COLORS["baseline"], linestyle="--", linewidth=1.2,
                       label="unpruned model", gid="reference" if not zoom else None)
        for i, (label, (amounts, accuracies)) in enumerate((comparison or {}).items()):
            ax.plot(amounts, accuracies, color=REFERENCE, linewidth=1.3, marker=".",
                    label=f"{label} (for comparison)", gid=f"comparison/{i}/{int(zoom)}",
                    clip_on=zoom)
        for i, (label, (amounts, accuracies)) in enumerate(curves.items()):
            ax.plot(amounts, accuracies, marker="o", markersize=4,
                    color=PALETTE[i % len(PALETTE)], label=label,
                    gid=f"curve/{i}/{int(zoom)}", clip_on=zoom)
        if current is not None:  # not in the layout: wherever it moves, the axes stay put
            ax.plot([current[0]], [current[1]], marker="o", markersize=_MARKER_SIZE,
                    markeredgecolor="white", linestyle="none", color=ROLE_COLORS["current"],
                    label="current model", gid="current-zoom" if zoom else "current",
                    animated=True, clip_on=False, zorder=5)[0].set_in_layout(False)
    axes[0].set_title(title if panels == 1 else "All amounts")
    axes[0].set_xlim(-0.02, 1.0)
    axes[0].set_ylim(0.0, 1.02)
    if panels == 2:
        fig.suptitle(title)
        axes[1].set_title("Close-up near the unpruned accuracy")
        _zoom_limits(axes[1], curves, reference)
    _legend(fig)
    if current is not None:
        move_marker(fig, *current)
    return fig


def _legend(fig: Figure) -> None:
    """(Re)build the legend from the first panel, leaving out curves that have no points."""
    for legend in list(fig.legends):
        legend.remove()
    handles, labels = fig.axes[0].get_legend_handles_labels()
    shown = [(h, lab) for h, lab in zip(handles, labels, strict=True)
             if not hasattr(h, "get_xdata") or len(h.get_xdata())]
    legend_below(fig, [h for h, _ in shown], [lab for _, lab in shown])


def _zoom_limits(ax: Axes, curves: Curves, reference: float) -> None:
    """The close-up: accuracy from ZOOM_POINTS below the reference up to the best point, and
    amounts from a little before the first curve falls more than one point below it."""
    tops = [max(accuracies) for _, accuracies in curves.values() if len(accuracies)]
    ax.set_ylim(reference - ZOOM_POINTS / 100, max([reference, *tops]) + 0.006)
    falls = [a for amounts, accuracies in curves.values()
             for a, acc in zip(amounts, accuracies, strict=True) if acc < reference - 0.01]
    ends = [max(amounts) for amounts, _ in curves.values() if len(amounts)]
    end = max(ends) if ends else 1.0
    start = math.floor(min(falls) * 10) / 10 - 0.1 if falls else end - 0.2
    start = min(max(start, 0.0), end - 0.05)
    margin = (end - start) * 0.03
    ax.set_xlim(start - margin, end + margin)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))


@course_style()
def set_curves(fig: Figure, curves: Curves, reference: float | None = None,
               comparison: Curves | None = None) -> None:
    """Give the lines of :func:`accuracy_sparsity_figure` new labels and data, in the order
    they were drawn (the same number of curves, and of comparison curves).

    The close-up's limits and the legend follow; the figure then needs a full redraw.

    Example:
        >>> fig = accuracy_sparsity_figure({"a": ([0, .5], [.9, .8])}, reference=.9)
        >>> set_curves(fig, {"b": ([0, .9], [.9, .2])}, reference=.9)
        >>> line = find_artist(fig, "curve/0/0"); line.get_label(), list(line.get_xdata())
        ('b', [0, 0.9])
    """
    for kind, mapping in (("curve", curves), ("comparison", comparison)):
        for i, (label, (amounts, accuracies)) in enumerate((mapping or {}).items()):
            for zoom in (0, 1):
                try:
                    line = find_artist(fig, f"{kind}/{i}/{zoom}")
                except KeyError:
                    if zoom == 0:
                        raise
                    continue
                line.set_data(amounts, accuracies)
                line.set_label(label if kind == "curve" else f"{label} (for comparison)")
    if reference is not None and len(fig.axes) > 1:
        _zoom_limits(fig.axes[1], curves, reference)
    _legend(fig)


def move_marker(fig: Figure, x: float, y: float, gid: str = "current") -> None:
    """Move the marker tagged ``gid`` (and its close-up twin) to (x, y).

    In the close-up a point outside the visible range sits on the nearest edge as a triangle
    pointing towards it, never half cut off.

    Example:
        >>> fig = accuracy_sparsity_figure({"a": ([0, 1], [1, 0])}, current=(0, 1))
        >>> move_marker(fig, 0.9, 0.5); float(find_artist(fig, "current").get_xdata()[0])
        0.9
    """
    find_artist(fig, gid).set_data([x], [y])
    try:
        zoomed = find_artist(fig, f"{gid}-zoom")
    except KeyError:
        return
    (x_low, x_high), (y_low, y_high) = zoomed.axes.get_xlim(), zoomed.axes.get_ylim()
    shown_x, shown_y = min(max(x, x_low), x_high), min(max(y, y_low), y_high)
    marker = ("v" if y < y_low else "^" if y > y_high else "<" if x < x_low
              else ">" if x > x_high else "o")
    zoomed.set_marker(marker)
    zoomed.set_data([shown_x], [shown_y])


@course_style()
def recovery_figure(
    baseline: float,
    accuracies: Sequence[float],
    title: str = "Accuracy recovers as the pruned model is fine-tuned",
    label: str = "pruned model",
) -> Figure:
    """Test accuracy after 0, 1, 2, ... epochs of fine-tuning, against the unpruned model.

    The line has gid ``"recovery"``; :func:`extend_recovery` redraws it with more epochs and
    can add earlier runs in grey. The accuracy axis is zoomed to the points drawn.

    Example:
        >>> fig = recovery_figure(0.95, [0.70])
        >>> extend_recovery(fig, [0.70, 0.88]); list(find_artist(fig, "recovery").get_ydata())
        [0.7, 0.88]
    """
    fig = new_figure(FULL_WIDTH * 0.75, 3.4)
    ax = style_axes(fig.add_subplot(), percent_y=True)
    ax.axhline(baseline, color=ROLE_COLORS["baseline"], linestyle="--", linewidth=1.2,
               label="unpruned model", gid="baseline")
    ax.plot(range(len(accuracies)), accuracies, marker="o", color=ROLE_COLORS["weights"],
            label=label, gid="recovery", zorder=4)
    ax.set_title(title)
    ax.set_xlabel("epochs of fine-tuning")
    ax.set_ylabel("test accuracy")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    legend_below(fig, ncols=3)
    _recovery_limits(ax, baseline, [list(accuracies)])
    return fig


@course_style()
def extend_recovery(fig: Figure, accuracies: Sequence[float], label: str | None = None,
                    others: Mapping[str, Sequence[float]] | None = None) -> None:
    """Redraw the recovery line with ``accuracies`` (epoch 0 first), relabelled if ``label``;
    ``others`` (label -> accuracies) are earlier runs, drawn thin and grey with their label."""
    ax = fig.axes[0]
    line = find_artist(fig, "recovery")
    line.set_data(range(len(accuracies)), accuracies)
    if label is not None:
        line.set_label(label)
    for artist in [a for a in ax.get_children() if str(a.get_gid()).startswith("other/")]:
        artist.remove()
    runs = [list(accuracies)]
    for name, values in (others or {}).items():
        ax.plot(range(len(values)), values, color=REFERENCE, linewidth=1.2, marker=".",
                gid=f"other/{name}", zorder=2)
        ax.annotate(name, (len(values) - 1, values[-1]), textcoords="offset points",
                    xytext=(6, 0), va="center", fontsize=9, color="#555555",
                    gid=f"other/{name}/label", annotation_clip=False)
        runs.append(list(values))
    baseline = find_artist(fig, "baseline").get_ydata()[0]
    _recovery_limits(ax, baseline, runs)
    for legend in fig.legends:
        legend.remove()
    legend_below(fig, ncols=3)


def _recovery_limits(ax: Axes, baseline: float, runs: list[list[float]]) -> None:
    values = [v for run in runs for v in run] + [baseline]
    low = math.floor((min(values) - 0.01) * 20) / 20     # down to the next 5 points
    ax.set_ylim(max(low, 0.0), min(max(values) + 0.012, 1.0))
    epochs = max(len(run) for run in runs) - 1
    ax.set_xlim(-0.25, max(epochs, 3) + 0.6)
