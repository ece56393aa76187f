"""Figure creation and PNG rendering shared by every plot in the course.

Figures are plain ``matplotlib.figure.Figure`` objects, not pyplot figures: nothing piles up in
pyplot's global state, and a widget can redraw the same figure many times. In a notebook a
figure shows as a PNG when it is the last value of a cell (see :func:`show_figures_inline`).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


def new_figure(width: float = 6.0, height: float = 3.5, dpi: int = 90) -> Figure:
    """A blank figure of ``width`` x ``height`` inches with a tight layout.

    Example:
        >>> fig = new_figure(4, 3)
        >>> ax = fig.add_subplot()
    """
    return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def figure_png(fig: Figure) -> bytes:
    """Render ``fig`` to PNG bytes at its own size and dpi (what an ``ipywidgets.Image`` shows).

    Draws on the figure's Agg canvas and encodes the pixels directly: about three times
    faster than ``savefig``, which matters when a slider redraws a figure.

    Example:
        >>> figure_png(new_figure(2, 2))[:4]
        b'\\x89PNG'
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png")
    return buffer.getvalue()


def find_artist(fig: Figure, gid: str):
    """The artist that a plotting function tagged with ``gid`` (e.g. ``"current"``).

    Raises:
        KeyError: when no artist in ``fig`` has that id.

    Example:
        >>> fig = new_figure(); line, = fig.add_subplot().plot([0], [0], gid="current")
        >>> find_artist(fig, "current") is line
        True
    """
    for ax in fig.axes:
        for artist in ax.get_children():
            if artist.get_gid() == gid:
                return artist
    raise KeyError(f"this figure has no artist with gid {gid!r}; draw it with gid={gid!r} first")


def show_figures_inline() -> bool:
    """Tell a running IPython/Jupyter kernel to show any ``Figure`` value as a PNG.

    Matplotlib only does this once pyplot's inline backend is active, which depends on the
    front end (JupyterLab, VS Code, Colab) and the backend setting. Registering the PNG
    formatter here makes figures appear the same way everywhere. Returns False outside IPython.

    Example:
        >>> show_figures_inline()  # in a plain Python session there is nothing to do
        False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True


show_figures_inline()
