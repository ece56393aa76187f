"""Per-layer bars: how much of each layer pruning removed."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure

from pruneedu.viz.figures import HALF_WIDTH, course_style, legend_below, new_figure, style_axes
from pruneedu.viz.palette import PALETTE


@course_style()
def layer_sparsity_figure(
    series: Mapping[str, Mapping[str, float]],
    title: str = "Sparsity per layer",
    ylabel: str = "weights removed",
    colors: Mapping[str, str] | None = None,
) -> Figure:
    """Grouped bars: ``series`` maps a method name to {layer name: fraction removed}.

    Each bar carries gid ``"<method>/<layer>"`` and a percent label above it (gid
    ``"<method>/<layer>/label"``) so :func:`set_bar_heights` can update both in place; bars
    and labels are animated, for fast redraws in a widget. All methods must list the same
    layers. ``colors`` (method -> colour) overrides the palette order.

    Example:
        >>> fig = layer_sparsity_figure({"weights": {"fc1": 0.9, "fc2": 0.5}})
        >>> [round(float(b.get_height()), 1) for b in fig.axes[0].patches]
        [0.9, 0.5]
    """
    fig = new_figure(HALF_WIDTH, 3.3)
    ax = style_axes(fig.add_subplot(), percent_y=True)
    methods = list(series)
    layers = list(series[methods[0]]) if methods else []
    width = 0.8 / max(len(methods), 1)
    for m, method in enumerate(methods):
        color = (colors or {}).get(method, PALETTE[m % len(PALETTE)])
        if list(series[method]) != layers:
            raise ValueError(f"method {method!r} lists layers {list(series[method])}, "
                             f"expected {layers}; give every method the same layers")
        for i, layer in enumerate(layers):
            x = i + (m - (len(methods) - 1) / 2) * width
            ax.bar(x, series[method][layer], width * 0.92, color=color,
                   label=method if i == 0 else None, gid=f"{method}/{layer}", animated=True)
            ax.text(x, series[method][layer], "", ha="center", va="bottom", fontsize=9,
                    gid=f"{method}/{layer}/label", animated=True)
    ax.set_xticks(range(len(layers)), layers)
    ax.set_ylim(0.0, 1.12)  # room for the labels above a full bar
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.grid(axis="x", visible=False)
    ax.set_title(title)
    ax.set_xlabel("layer")
    ax.set_ylabel(ylabel)
    legend_below(fig, ncols=max(len(methods), 1))
    set_bar_heights(fig, series)
    return fig


def set_bar_heights(fig: Figure, series: Mapping[str, Mapping[str, float]]) -> None:
    """Update the bars drawn by :func:`layer_sparsity_figure` (and their labels) to new fractions.

    Example:
        >>> fig = layer_sparsity_figure({"w": {"fc1": 0.1}})
        >>> set_bar_heights(fig, {"w": {"fc1": 0.7}}); fig.axes[0].patches[0].get_height()
        0.7
    """
    ax = fig.axes[0]
    bars = {patch.get_gid(): patch for patch in ax.patches}
    labels = {text.get_gid(): text for text in ax.texts}
    for method, layers in series.items():
        for layer, value in layers.items():
            bars[f"{method}/{layer}"].set_height(value)
            label = labels[f"{method}/{layer}/label"]
            label.set_y(value)
            label.set_text(f"{value:.0%}")
