"""The measured results notebook 02-weight-vs-node shows, and the models they come from.

``scripts/make_results_02.py`` measures what is too slow for the notebook (fine-tuning over
three seeds, timings with interleaved repeats) and writes
``notebooks/results/02-weight-vs-node.json``;
:func:`load` reads it back. The model builders live here so that the script, the notebook and
``tests/test_notebook_02_facts.py`` build exactly the same models. The figures draw the
shipped numbers at the width of the output area, fractions as percent.
"""

from __future__ import annotations

import json
import statistics

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator
from torch import nn

from pruneedu import paths, pruning, viz
from pruneedu.viz.palette import REFERENCE

RESULTS_FILE = "02-weight-vs-node.json"  # in notebooks/results/, beside the other notebooks' data


def load() -> dict:
    """The shipped results (``notebooks/results/02-weight-vs-node.json``) as a dict.

    Example:
        >>> load()["fine_tuning"]
        {'epochs': 2, 'lr': 0.005, 'seeds': [0, 1, 2]}
    """
    text = (paths.notebooks_dir() / "results" / RESULTS_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def spread(values: list[float]) -> str:
    """Mean and range of a few percentages, e.g. ``"94.0 (93.9-94.1)"``.

    Example:
        >>> spread([93.9, 94.1, 94.0])
        '94.0 (93.9-94.1)'
    """
    return f"{statistics.mean(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def random_nodes(net: nn.Sequential, amount: float, seed: int) -> nn.Sequential:
    """Like ``pruning.prune_nodes`` but removing RANDOM hidden neurons: the baseline to beat.

    Example:
        >>> from pruneedu import models
        >>> random_nodes(models.lenet_300_100(seed=0), 0.5, seed=0).fc1.out_features
        150
    """
    generator = torch.Generator().manual_seed(seed)
    small = pruning.copy_model(net)
    for name, following in (("fc1", "fc2"), ("fc2", "fc3")):
        width = getattr(net, name).out_features
        keep = torch.randperm(width, generator=generator)[: width - round(amount * width)]
        _keep_neurons(small, name, following, keep.sort().values)
    return small


def _keep_neurons(net: nn.Sequential, name: str, following: str, keep: torch.Tensor) -> None:
    layer, after = getattr(net, name), getattr(net, following)
    new_layer = nn.Linear(layer.in_features, len(keep))
    new_after = nn.Linear(len(keep), after.out_features)
    with torch.no_grad():
        new_layer.weight.copy_(layer.weight[keep])
        new_layer.bias.copy_(layer.bias[keep])
        new_after.weight.copy_(after.weight[:, keep])
        new_after.bias.copy_(after.bias)
    setattr(net, name, new_layer)
    setattr(net, following, new_after)


def merged_fc2_fc3(net: nn.Sequential) -> nn.Sequential:
    """One layer fewer: fc2 and fc3 folded into one 300-to-10 layer (their product).

    The ReLU between them goes, so this is exact only where fc2's outputs were positive.

    Example:
        >>> from pruneedu import models
        >>> merged_fc2_fc3(models.lenet_300_100(seed=0)).fc3.weight.shape
        torch.Size([10, 300])
    """
    fc2, fc3 = net.fc2, net.fc3
    merged = nn.Linear(fc2.in_features, fc3.out_features)
    with torch.no_grad():
        merged.weight.copy_(fc3.weight @ fc2.weight)
        merged.bias.copy_(fc3.weight @ fc2.bias + fc3.bias)
    return nn.Sequential(_named(flatten=nn.Flatten(), fc1=pruning.copy_model(net.fc1),
                                relu1=nn.ReLU(), fc3=merged))


def new_head(net: nn.Sequential, seed: int) -> nn.Sequential:
    """One layer fewer: fc2 and fc3 replaced by a fresh, untrained 300-to-10 layer.

    Example:
        >>> from pruneedu import models
        >>> len(list(new_head(models.lenet_300_100(seed=0), seed=0).children()))
        4
    """
    torch.manual_seed(seed)
    return nn.Sequential(_named(flatten=nn.Flatten(), fc1=pruning.copy_model(net.fc1),
                                relu1=nn.ReLU(), fc3=nn.Linear(net.fc1.out_features, 10)))


def fewer_fc1_neurons(net: nn.Sequential, parameters: int) -> nn.Sequential:
    """Node pruning of fc1 alone (L1 ranking) to about ``parameters`` parameters in all.

    The fair comparison for removing a layer: the same saving, taken as neurons instead.

    Example:
        >>> from pruneedu import models
        >>> fewer_fc1_neurons(models.lenet_300_100(seed=0), 238_510).fc1.out_features
        268
    """
    per_neuron = net.fc1.in_features + 1 + net.fc2.out_features
    total = sum(p.numel() for p in net.parameters())
    remove = round((total - parameters) / per_neuron)
    strength = net.fc1.weight.detach().abs().sum(dim=1)
    keep = torch.argsort(strength, descending=True, stable=True)[: net.fc1.out_features - remove]
    small = pruning.copy_model(net)
    _keep_neurons(small, "fc1", "fc2", keep.sort().values)
    return small


def _named(**modules: nn.Module):
    from collections import OrderedDict

    return OrderedDict(modules)


# -- figures -----------------------------------------------------------------------------------

def _percent_axis(ax, axis: str = "y", decimals: int = 0) -> None:
    formatter = FuncFormatter(lambda value, _: f"{value:.{decimals}f}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


@viz.course_style()
def neuron_ranking_figure(results: dict, split: str = "test") -> Figure:
    """Accuracy after removing neurons: L1 ranking vs random neurons, before/after fine-tuning.

    Dots are seeds; lines join the means.

    Example:
        >>> neuron_ranking_figure(load()).axes[0].get_xlabel()
        'hidden neurons removed'
    """
    rows = results["neuron_ranking"]
    fig = viz.new_figure(viz.figures.FULL_WIDTH, 3.4)
    axes = fig.subplots(1, 2)  # own y-axes: after fine-tuning the differences are small
    colors = {"l1": viz.ROLE_COLORS["nodes"], "random": REFERENCE}
    labels = {"l1": "weakest neurons (L1 norm)", "random": "random neurons"}
    for ax, stage, title in zip(axes, ("before", "after"),
                                ("no retraining", "after fine-tuning"), strict=True):
        for method in ("l1", "random"):
            amounts = sorted({row["amount"] for row in rows})
            means = []
            for amount in amounts:
                values = [row[stage][split] for row in rows
                          if row["method"] == method and row["amount"] == amount]
                ax.scatter([100 * amount] * len(values), values, color=colors[method], s=18,
                           alpha=0.7, zorder=3)
                means.append(statistics.mean(values))
            ax.plot([100 * a for a in amounts], means, color=colors[method], marker="o",
                    label=labels[method] if stage == "before" else None)
        ax.set_title(title)
        ax.set_xticks([25, 50, 75])
        _percent_axis(ax, "x")
        _percent_axis(ax, "y")
        ax.set_xlabel("hidden neurons removed")
        ax.set_ylabel(f"{'validation' if split == 'val' else split} accuracy")
        viz.style_axes(ax)
    viz.legend_below(fig)
    return fig


@viz.course_style()
def sparse_kernel_figure(results: dict) -> Figure:
    """Speed-up over the dense model of torch's sparse kernels and of dense maths on zeros.

    Example:
        >>> sparse_kernel_figure(load()).axes[0].get_yscale()
        'log'
    """
    rows = results["sparse_kernels"]
    fig = viz.new_figure(viz.figures.FULL_WIDTH, 3.4)
    axes = fig.subplots(1, 2, sharey=True)
    styles = {"speedup_dense": ("zeros, dense kernel", viz.ROLE_COLORS["weights"], "o"),
              "speedup_csr": ("sparse CSR kernel", viz.OKABE_ITO["bluish_green"], "s"),
              "speedup_coo": ("sparse COO kernel", viz.OKABE_ITO["reddish_purple"], "^")}
    for ax, batch in zip(axes, sorted({row["batch"] for row in rows}), strict=True):
        picked = [row for row in rows if row["batch"] == batch]
        x = [100 * row["sparsity"] for row in picked]
        ax.axhline(1.0, color=REFERENCE, linewidth=0.8)
        ax.plot(x, [row["mac_ratio"] for row in picked], color=REFERENCE, linestyle="--",
                label="fewer multiply-adds (ideal)")
        for key, (label, color, marker) in styles.items():
            ax.plot(x, [row[key] for row in picked], color=color, marker=marker, label=label)
        ax.set_yscale("log")
        ax.set_ylim(0.005, 100)
        ax.set_yticks([0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100])
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
        ax.set_title(f"batch of {batch}")
        ax.set_xlabel("weights pruned")
        _percent_axis(ax, "x")
        viz.style_axes(ax)
    axes[0].set_ylabel("speed vs the dense model")
    viz.legend_below(fig)
    return fig


@viz.course_style()
def width_figure(results: dict) -> Figure:
    """Cost per neuron of fc1 at many widths, against the full 300-neuron layer.

    Example:
        >>> width_figure(load()).axes[0].get_xlabel()
        'neurons in fc1'
    """
    rows = results["width_sweep"]
    widths = np.array([row["width"] for row in rows])
    cost = np.array([row["relative_cost_per_neuron"] for row in rows])
    fig = viz.new_figure(viz.figures.FULL_WIDTH, 3.0)
    ax = fig.add_subplot()
    ax.plot(widths, cost, color=viz.ROLE_COLORS["nodes"], marker="o", markersize=4,
            label="time per neuron, relative to the 300-neuron layer")
    sixteen = widths % 16 == 0
    ax.scatter(widths[sixteen], cost[sixteen], s=70, facecolors="none",
               edgecolors=viz.OKABE_ITO["blue"], linewidths=1.8, zorder=3,
               label="multiples of 16")
    ax.axhline(1.0, color=REFERENCE, linestyle="--", linewidth=1)
    ax.set_xlabel("neurons in fc1")
    ax.set_ylabel("relative cost per neuron")
    viz.style_axes(ax)
    viz.legend_below(fig)
    return fig


@viz.course_style()
def whole_layers_figure(results: dict, split: str = "test", low: float = 90.0) -> Figure:
    """Accuracy of each way of removing a layer (and its baseline), before and after tuning.

    Dots are seeds, zoomed to ``low``-100%; a result below ``low`` is marked at the left edge
    with its value.

    Example:
        >>> float(whole_layers_figure(load()).axes[0].get_xlim()[0])
        90.0
    """
    table = results["whole_layers"]
    dense = table["dense"]["parameters"]
    fig = viz.new_figure(viz.figures.FULL_WIDTH, 3.2)
    ax = fig.add_subplot()
    names = list(table)
    for offset, stage, color, label in ((-0.15, "before", REFERENCE, "no retraining"),
                                        (0.15, "after", viz.ROLE_COLORS["nodes"],
                                         "after fine-tuning")):
        for row, name in enumerate(names):
            values = [a[split] for a in table[name][stage]]
            shown = [max(value, low + 0.15) for value in values]
            ax.scatter(shown, [row + offset] * len(values), color=color, s=36, zorder=3,
                       label=label if row == 0 else None)
            if min(values) < low:
                ax.annotate(f"< {low:.0f}%: {spread(values)}%", (low + 0.3, row + offset),
                            va="center", fontsize=9, color=color)
    ax.set_yticks(range(len(names)),
                  [f"{name}\n{1 - table[name]['parameters'] / dense:.0%} fewer parameters"
                   for name in names])
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(low, 96.0)
    _percent_axis(ax, "x")
    ax.set_xlabel(f"{split} accuracy (3 seeds)")
    viz.style_axes(ax)
    viz.legend_below(fig)
    return fig
