"""Per-layer bars: how much of each layer pruning removed."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure

from pruneedu.viz.figures import new_figure
from pruneedu.viz.palette import PALETTE


def layer_sparsity_figure(
    series: Mapping[str, Mapping[str, float]],
    title: str = "Sparsity per layer",
    ylabel: str = "fraction of weights removed",
) -> Figure:
    """Grouped bars: ``series`` maps a method name to {layer name: fraction removed}.

    Each bar carries gid ``"<method>/<layer>"`` so :func:`set_bar_heights` can update it in
    place. All methods must list the same layers.

    Example:
        >>> fig = layer_sparsity_figure({"weights": {"fc1": 0.9, "fc2": 0.5}})
        >>> [round(float(b.get_height()), 1) for b in fig.axes[0].patches]
        [0.9, 0.5]
    """
    fig = new_figure(4.8, 3.2)
    ax = fig.add_subplot()
    methods = list(series)
    layers = list(series[methods[0]]) if methods else []
    width = 0.8 / max(len(methods), 1)
    for m, method in enumerate(methods):
        color = PALETTE[m % len(PALETTE)]
        if list(series[method]) != layers:
            raise ValueError(f"method {method!r} lists layers {list(series[method])}, "
                             f"expected {layers}; give every method the same layers")
        for i, layer in enumerate(layers):
            ax.bar(i + (m - (len(methods) - 1) / 2) * width, series[method][layer], width,
                   color=color, label=method if i == 0 else None, gid=f"{method}/{layer}")
    ax.set_xticks(range(len(layers)), layers)
    ax.set_ylim(0.0, 1.0)
    ax.set_title(title)
    ax.set_xlabel("layer")
    ax.set_ylabel(ylabel)
    fig.legend(fontsize=8, loc="outside lower center", ncols=max(len(methods), 1))
    return fig


def set_bar_heights(fig: Figure, series: Mapping[str, Mapping[str, float]]) -> None:
    """Update the bars drawn by :func:`layer_sparsity_figure` to new fractions.

    Example:
        >>> fig = layer_sparsity_figure({"w": {"fc1": 0.1}})
        >>> set_bar_heights(fig, {"w": {"fc1": 0.7}}); fig.axes[0].patches[0].get_height()
        0.7
    """
    bars = {patch.get_gid(): patch for patch in fig.axes[0].patches}
    for method, layers in series.items():
        for layer, value in layers.items():
            bars[f"{method}/{layer}"].set_height(value)
