"""Matplotlib figures for the course: one palette, titled and labelled plots.

Example:
    >>> from pruneedu import viz
    >>> fig = viz.accuracy_sparsity_figure({"magnitude": ([0.0, 0.9], [0.98, 0.9])})
"""

from pruneedu.viz.curves import (
    accuracy_sparsity_figure,
    extend_recovery,
    move_marker,
    recovery_figure,
)
from pruneedu.viz.digits import digit_grid
from pruneedu.viz.figures import figure_png, find_artist, new_figure, show_figures_inline
from pruneedu.viz.layers import layer_sparsity_figure, set_bar_heights
from pruneedu.viz.masks import mask_figure, mask_mosaic
from pruneedu.viz.palette import MASK_CMAP, OKABE_ITO, PALETTE, ROLE_COLORS

__all__ = [
    "MASK_CMAP",
    "OKABE_ITO",
    "PALETTE",
    "ROLE_COLORS",
    "accuracy_sparsity_figure",
    "digit_grid",
    "extend_recovery",
    "figure_png",
    "find_artist",
    "layer_sparsity_figure",
    "mask_figure",
    "mask_mosaic",
    "move_marker",
    "new_figure",
    "recovery_figure",
    "set_bar_heights",
    "show_figures_inline",
]
