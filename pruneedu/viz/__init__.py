"""Matplotlib figures for the course: accuracy curves, per-layer bars, neuron tiles, digits.

Every figure takes its colours from ``viz.palette`` (Okabe-Ito, safe for colour-blind
readers), its sizes and fonts from ``viz.figures`` (drawn at the width of JupyterLab's output
area, text readable at 100% zoom and on a projector), and shows fractions as percent.
Nothing here imports torch, so the progress dashboard can draw with it too.

Example:
    >>> from pruneedu import viz
    >>> fig = viz.accuracy_sparsity_figure({"magnitude": ([0.0, 0.9], [0.98, 0.9])})
"""

from pruneedu.viz.curves import (
    accuracy_sparsity_figure,
    extend_recovery,
    move_marker,
    recovery_figure,
    set_curves,
)
from pruneedu.viz.digits import digit_grid
from pruneedu.viz.figures import (
    BlitRenderer,
    course_style,
    figure_image,
    figure_png,
    find_artist,
    frame_image,
    legend_below,
    new_figure,
    show_figures_inline,
    style_axes,
)
from pruneedu.viz.layers import layer_sparsity_figure, set_bar_heights
from pruneedu.viz.masks import neuron_states, neuron_tiles, neuron_tiles_png, tiles_width
from pruneedu.viz.palette import NEURON_COLORS, OKABE_ITO, PALETTE, ROLE_COLORS

__all__ = [
    "NEURON_COLORS",
    "OKABE_ITO",
    "PALETTE",
    "ROLE_COLORS",
    "BlitRenderer",
    "accuracy_sparsity_figure",
    "course_style",
    "digit_grid",
    "extend_recovery",
    "figure_image",
    "figure_png",
    "find_artist",
    "frame_image",
    "layer_sparsity_figure",
    "legend_below",
    "move_marker",
    "neuron_states",
    "neuron_tiles",
    "neuron_tiles_png",
    "new_figure",
    "recovery_figure",
    "set_bar_heights",
    "set_curves",
    "show_figures_inline",
    "style_axes",
    "tiles_width",
]
