"""A grid of MNIST digits with their labels (notebook 00-welcome)."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from pruneedu.viz.figures import new_figure


def digit_grid(
    images: torch.Tensor | np.ndarray,
    labels: torch.Tensor | np.ndarray | None = None,
    columns: int = 10,
    title: str = "MNIST digits",
) -> Figure:
    """Draw ``images`` (N x 1 x 28 x 28 or N x 28 x 28, values in [0, 1]) in a grid.

    Example:
        >>> fig = digit_grid(torch.zeros(4, 1, 28, 28), torch.tensor([0, 1, 2, 3]), columns=2)
        >>> len(fig.axes)
        4
    """
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu().numpy()
    pixels = np.asarray(images, dtype=np.float32).reshape(len(images), 28, 28)
    if len(pixels) == 0:
        raise ValueError("digit_grid needs at least one image; "
                         "pass e.g. mnist.train.tensors[0][:20]")
    rows = -(-len(pixels) // columns)
    fig = new_figure(columns * 0.75, rows * 0.85 + 0.4)
    fig.suptitle(title)
    for i, image in enumerate(pixels):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
        if labels is not None:
            ax.set_title(str(int(labels[i])), fontsize=9)
        ax.set_axis_off()
    return fig
