"""A grid of MNIST digits with their labels (notebook 00-welcome)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from pruneedu.viz.figures import course_style, new_figure


def as_array(values) -> np.ndarray:
    """A NumPy array from a NumPy array or a torch tensor (without importing torch here).

    Example:
        >>> as_array([1, 2]).tolist()
        [1, 2]
    """
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.asarray(values)


@course_style()
def digit_grid(images, labels=None, columns: int = 10, title: str = "MNIST digits") -> Figure:
    """Draw ``images`` (N x 1 x 28 x 28 or N x 28 x 28, values in [0, 1]) in a grid.

    ``images`` and ``labels`` may be torch tensors or NumPy arrays.

    Example:
        >>> fig = digit_grid(np.zeros((4, 1, 28, 28)), np.array([0, 1, 2, 3]), columns=2)
        >>> len(fig.axes)
        4
    """
    pixels = as_array(images).astype(np.float32).reshape(-1, 28, 28)
    if len(pixels) == 0:
        raise ValueError("digit_grid needs at least one image; "
                         "pass e.g. mnist.train.tensors[0][:20]")
    labels = None if labels is None else as_array(labels)
    rows = -(-len(pixels) // columns)
    fig = new_figure(columns * 0.85, rows * 0.95 + 0.5)
    fig.suptitle(title)
    for i, image in enumerate(pixels):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
        if labels is not None:
            ax.set_title(str(int(labels[i])), fontsize=11)
        ax.set_axis_off()
    return fig
