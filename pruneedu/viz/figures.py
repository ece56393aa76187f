"""Figure creation and PNG rendering shared by every plot in the course.

Figures are plain ``matplotlib.figure.Figure`` objects, not pyplot figures: nothing piles up in
pyplot's global state, and a widget can redraw the same figure many times. In a notebook a
figure shows as a PNG when it is the last value of a cell (see :func:`show_figures_inline`).

Sizes: JupyterLab's output area is about 850 pixels wide in a 1280-pixel window with the file
browser open (a laptop, or a classroom projector), so a full-width figure is ``FULL_WIDTH``
inches at ``DPI`` (840 pixels), shown pixel for pixel. Text is
11-12.5 points, about 15-17 pixels high: readable at 100% zoom and from the back of a room.

This module and the whole ``viz`` package load no torch: the progress dashboard uses them too.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from PIL import Image

DPI = 100
FULL_WIDTH = 8.4   # inches: 840 pixels, inside the output area of a 1280-pixel window
HALF_WIDTH = 4.2
TICK_SIZE = 10

# Applied while a figure is built (text takes its size when it is created).
STYLE = {
    "font.size": 11,
    "axes.titlesize": 12.5,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "figure.titlesize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "legend.frameon": False,
}


def course_style():
    """A context (or decorator) that builds figures in the course's sizes and fonts.

    Example:
        >>> with course_style():
        ...     fig = new_figure(4, 3)
    """
    return mpl.rc_context(STYLE)


def new_figure(width: float = FULL_WIDTH, height: float = 3.4, dpi: int = DPI,
               layout: str | None = "constrained") -> Figure:
    """A blank figure of ``width`` x ``height`` inches (``dpi`` pixels per inch).

    Example:
        >>> fig = new_figure(4, 3)
        >>> [int(n) for n in fig.get_size_inches() * fig.dpi]
        [400, 300]
    """
    return Figure(figsize=(width, height), dpi=dpi, layout=layout)


def style_axes(ax: Axes, percent_x: bool = False, percent_y: bool = False) -> Axes:
    """Tick labels at the course's size, and fractions shown as percent on either axis.

    Tick labels are made when the figure is drawn, outside :func:`course_style`, so their size
    is set here on the axes itself.

    Example:
        >>> fig = new_figure(); ax = style_axes(fig.add_subplot(), percent_y=True)
        >>> ax.yaxis.get_major_formatter()(0.5, 0)
        '50%'
    """
    ax.tick_params(labelsize=TICK_SIZE)
    if percent_x:
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    if percent_y:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    return ax


def legend_below(fig: Figure, handles: list | None = None, labels: list | None = None,
                 ncols: int = 4):
    """A legend under the axes, outside them, so it never hides data.

    Example:
        >>> fig = new_figure(); _ = fig.add_subplot().plot([0, 1], label="a")
        >>> legend_below(fig).get_texts()[0].get_text()
        'a'
    """
    if handles is None:
        handles, labels = fig.axes[0].get_legend_handles_labels()
    columns = max(1, min(len(labels), ncols))
    renderer = _canvas(fig).get_renderer()
    while True:  # fewer columns (more rows) until the legend fits the figure's width
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=columns)
        if columns == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width - 8:
            break
        legend.remove()
        columns -= 1
    # A legend copies its handles' properties; its copy of a moving marker must not move.
    for artist in legend.findobj():
        artist.set_animated(False)
    return legend


def frame_image(ax: Axes) -> Axes:
    """An axes that holds a picture: no ticks or grid, a thin grey frame on all four sides.

    Example:
        >>> ax = frame_image(new_figure(2, 2).add_subplot())
        >>> all(spine.get_visible() for spine in ax.spines.values())
        True
    """
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#B0B0B0")
    return ax


def _canvas(fig: Figure) -> FigureCanvasAgg:
    return fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


def animated_artists(fig: Figure) -> list[Artist]:
    """The artists a widget moves (``set_animated(True)``): drawn over a saved background."""
    return [artist for artist in fig.findobj() if artist is not fig and artist.get_animated()]


def _encode(rgba: np.ndarray, compress_level: int) -> bytes:
    buffer = io.BytesIO()
    # RGB without alpha: a quarter fewer bytes to compress and to send to the browser.
    Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(
        buffer, format="png", compress_level=compress_level)
    return buffer.getvalue()


def figure_png(fig: Figure, compress_level: int = 6) -> bytes:
    """Render ``fig`` (animated artists included) to PNG bytes at its own size and dpi.

    Draws on the figure's Agg canvas and encodes the pixels directly: about three times
    faster than ``savefig``, which matters when a slider redraws a figure.

    Example:
        >>> figure_png(new_figure(2, 2))[:4]
        b'\\x89PNG'
    """
    canvas = _canvas(fig)
    canvas.draw()
    for artist in animated_artists(fig):
        fig.draw_artist(artist)
    return _encode(np.asarray(canvas.buffer_rgba()), compress_level)


class BlitRenderer:
    """Render a figure fast when only its animated artists change (matplotlib "blitting").

    The first :meth:`full` draw renders everything else once and keeps those pixels; each
    :meth:`moved` call pastes them back and draws only the animated artists (markers, bars,
    value labels) on top. A slider move then costs a few milliseconds instead of a full
    redraw. The layout found by the first draw is kept, so nothing on the picture jumps.

    Example:
        >>> fig = new_figure(3, 2); ax = fig.add_subplot()
        >>> marker, = ax.plot([0.5], [0.5], "o", animated=True)
        >>> renderer = BlitRenderer(fig); first = renderer.full()
        >>> marker.set_data([0.2], [0.2]); renderer.moved() != first
        True
    """

    def __init__(self, fig: Figure, compress_level: int = 1):
        self.figure = fig
        self.canvas = _canvas(fig)
        self.compress_level = compress_level
        self._layout = fig.get_layout_engine()
        self._background = None
        self._animated: list[Artist] = []

    def full(self, relayout: bool = False) -> bytes:
        """Redraw everything (after axes limits, curves or titles changed).

        The layout found by the first draw is kept unless ``relayout``: the layout solver is
        the slowest part of a redraw, and a picture whose axes jump about is hard to follow.
        """
        if relayout or self._background is None:
            self.figure.set_layout_engine(self._layout)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.figure.set_layout_engine("none")
        self._animated = animated_artists(self.figure)
        return self.moved()

    def moved(self, artists: Iterable[Artist] | None = None) -> bytes:
        """Redraw only the animated artists over the saved background."""
        if self._background is None:
            return self.full()
        self.canvas.restore_region(self._background)
        for artist in self._animated if artists is None else artists:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        return _encode(np.asarray(self.canvas.buffer_rgba()), self.compress_level)


def pixel_size(fig: Figure) -> tuple[int, int]:
    """``(width, height)`` of the rendered PNG in pixels."""
    width, height = fig.get_size_inches() * fig.dpi
    return int(round(width)), int(round(height))


def figure_image(fig: Figure, png: bytes | None = None):
    """An ``ipywidgets.Image`` showing ``fig`` at its real size (never stretched).

    Inside a ``VBox`` an image would otherwise be stretched to the full output width, blurred
    and with oversized text. This one keeps its pixel width and only shrinks to fit a narrow
    output area (``max_width``), keeping its aspect ratio.

    Example:
        >>> image = figure_image(new_figure(4, 3))
        >>> image.layout.width, image.layout.max_width
        ('400px', '100%')
    """
    import ipywidgets as widgets

    width, _ = pixel_size(fig)
    return widgets.Image(value=figure_png(fig) if png is None else png, format="png",
                         layout=widgets.Layout(width=f"{width}px", max_width="100%",
                                               height="auto", align_self="flex-start"))


def find_artist(fig: Figure, gid: str):
    """The artist that a plotting function tagged with ``gid`` (e.g. ``"current"``).

    Raises:
        KeyError: when no artist in ``fig`` has that id.

    Example:
        >>> fig = new_figure(); line, = fig.add_subplot().plot([0], [0], gid="current")
        >>> find_artist(fig, "current") is line
        True
    """
    # Most tagged artists sit directly on an axes or the figure: look there before walking
    # the whole tree (a widget calls this on every slider move).
    direct = [child for ax in fig.axes for child in ax.get_children()] + fig.images + fig.texts
    for artist in direct + fig.findobj():
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
