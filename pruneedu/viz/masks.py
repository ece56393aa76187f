"""First-layer masks of a LeNet-300-100 drawn as 28x28 images (notebook 02-weight-vs-node).

Each hidden neuron of the first layer has one weight per input pixel, so its row of 784
weights reshapes to a 28x28 picture of which pixels it still listens to.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from matplotlib.figure import Figure

from pruneedu.viz.figures import new_figure
from pruneedu.viz.palette import MASK_CMAP


def mask_mosaic(mask_rows: torch.Tensor | np.ndarray, columns: int = 8) -> np.ndarray:
    """Tile rows of 784 mask values into one image: 28x28 tiles with 1-pixel gaps of NaN.

    Example:
        >>> mask_mosaic(np.ones((2, 784)), columns=2).shape
        (28, 57)
    """
    rows = np.asarray(mask_rows, dtype=np.float32)
    if rows.ndim != 2 or rows.shape[1] != 28 * 28:
        raise ValueError(f"mask_mosaic needs rows of 784 pixel weights, got shape {rows.shape}; "
                         "pass the first layer's weight (or mask), e.g. net.fc1.weight[:16]")
    grid_rows = -(-len(rows) // columns)
    mosaic = np.full((grid_rows * 29 - 1, columns * 29 - 1), np.nan, dtype=np.float32)
    for i, row in enumerate(rows):
        r, c = divmod(i, columns)
        mosaic[r * 29:r * 29 + 28, c * 29:c * 29 + 28] = row.reshape(28, 28) != 0
    return mosaic


def mask_figure(
    panels: Mapping[str, torch.Tensor | np.ndarray],
    columns: int = 8,
    title: str = "First-layer masks: which pixels each neuron still sees",
) -> Figure:
    """One panel per entry of ``panels`` (title -> rows of 784 weights); zeros show pale.

    Each panel's image has gid ``"mask/<title>"``; update it with ``set_data(mask_mosaic(...))``.

    Example:
        >>> fig = mask_figure({"weight pruning": np.ones((16, 784))})
        >>> fig.axes[0].images[0].get_array().shape
        (57, 231)
    """
    fig = new_figure(3.6 * len(panels), 2.1)
    fig.suptitle(title)
    for i, (name, rows) in enumerate(panels.items()):
        ax = fig.add_subplot(1, len(panels), i + 1)
        ax.imshow(mask_mosaic(rows, columns), cmap=MASK_CMAP, vmin=0, vmax=1,
                  interpolation="nearest", gid=f"mask/{name}")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("dark = weight kept, pale = weight removed", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
