"""Accuracy against sparsity: the course's central trade-off curve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from pruneedu.viz.figures import find_artist, new_figure
from pruneedu.viz.palette import PALETTE, ROLE_COLORS


def accuracy_sparsity_figure(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    current: tuple[float, float] | None = None,
    title: str = "Accuracy as weights are pruned",
    xlabel: str = "sparsity (fraction of weights set to zero)",
) -> Figure:
    """One line per entry of ``curves`` (label -> (sparsities, accuracies)), both as fractions.

    ``current`` = (sparsity, accuracy) adds an orange marker with gid ``"current"`` that
    :func:`move_marker` moves.

    Example:
        >>> fig = accuracy_sparsity_figure({"magnitude": ([0, .5, .9], [.98, .97, .6])},
        ...                                current=(.5, .97))
        >>> float(find_artist(fig, "current").get_xdata()[0])
        0.5
    """
    fig = new_figure(5.5, 3.3)
    ax = fig.add_subplot()
    for i, (label, (sparsities, accuracies)) in enumerate(curves.items()):
        ax.plot(sparsities, accuracies, marker=".", color=PALETTE[i % len(PALETTE)], label=label)
    if current is not None:
        ax.plot([current[0]], [current[1]], marker="o", markersize=10, linestyle="none",
                color=ROLE_COLORS["current"], label="current model", gid="current")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def move_marker(fig: Figure, x: float, y: float, gid: str = "current") -> None:
    """Move the marker tagged ``gid`` to (x, y) without redrawing anything else.

    Example:
        >>> fig = accuracy_sparsity_figure({"a": ([0, 1], [1, 0])}, current=(0, 1))
        >>> move_marker(fig, 0.9, 0.5); float(find_artist(fig, "current").get_xdata()[0])
        0.9
    """
    find_artist(fig, gid).set_data([x], [y])


def recovery_figure(
    baseline: float,
    accuracies: Sequence[float],
    title: str = "Accuracy recovers as the pruned model is fine-tuned",
) -> Figure:
    """Test accuracy after 0, 1, 2, ... epochs of fine-tuning, against the unpruned model.

    The line has gid ``"recovery"``; :func:`extend_recovery` redraws it with more epochs.

    Example:
        >>> fig = recovery_figure(0.95, [0.70])
        >>> extend_recovery(fig, [0.70, 0.88]); list(find_artist(fig, "recovery").get_ydata())
        [0.7, 0.88]
    """
    fig = new_figure(5.0, 3.0)
    ax = fig.add_subplot()
    ax.axhline(baseline, color=ROLE_COLORS["baseline"], linestyle="--", label="unpruned model")
    ax.plot(range(len(accuracies)), accuracies, marker="o", color=ROLE_COLORS["weights"],
            label="pruned model", gid="recovery")
    ax.set_title(title)
    ax.set_xlabel("epochs of fine-tuning")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0.0, 1.02)
    ax.set_xlim(-0.3, max(len(accuracies) - 1, 3) + 0.3)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def extend_recovery(fig: Figure, accuracies: Sequence[float]) -> None:
    """Redraw the recovery line of :func:`recovery_figure` with ``accuracies`` (epoch 0 first)."""
    find_artist(fig, "recovery").set_data(range(len(accuracies)), accuracies)
    fig.axes[0].set_xlim(-0.3, max(len(accuracies) - 1, 3) + 0.3)
