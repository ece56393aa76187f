"""Pieces every explorer shares: labelled readouts, a figure shown as a PNG, number formats.

Figures are drawn with plain matplotlib and shown through an ``ipywidgets.Image``: no
JavaScript beyond ipywidgets itself, so the explorers work in JupyterLab, VS Code and Colab.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import ipywidgets as widgets
from matplotlib.figure import Figure

from pruneedu.viz import BlitRenderer, figure_image

# Wide enough that labels such as "Nonzero parameters" are not cut off.
LABEL_STYLE = {"description_width": "initial"}


def measuring(items: Iterable, what: str) -> Iterable:
    """``items`` with a progress bar: explorers measure every stop up front, which takes a few
    seconds on a laptop, and a silent cell looks stuck. The bar goes away when done.

    Example:
        >>> [x for x in measuring([1, 2], "pruning levels")]
        [1, 2]
    """
    from tqdm.auto import tqdm

    return tqdm(items, desc=f"measuring {what}", leave=False)


def readout(label: str | None) -> widgets.HTML:
    """A labelled, read-only value; set its text with :func:`show_value`.

    Every readout carries the CSS class ``pruneedu-readout``: browser tests (and custom CSS)
    find them by it. ``label=None`` gives a bare value, for a table whose rows are labelled.

    Example:
        >>> r = readout("Accuracy"); show_value(r, "97.5%"); r.value
        '<b>97.5%</b>'
    """
    widget = widgets.HTML(value="", description="" if label is None else f"{label}:",
                          style=LABEL_STYLE, layout=widgets.Layout(margin="0 1.5em 0 0"))
    widget.add_class("pruneedu-readout")
    return widget


def show_value(widget: widgets.HTML, text: str) -> None:
    """Put ``text`` (escaped, in bold) into a readout made by :func:`readout`."""
    widget.value = f"<b>{html.escape(text)}</b>"


def readout_text(widget: widgets.HTML) -> str:
    """The plain text a readout shows (what tests and screen readers see).

    Example:
        >>> r = readout("Size"); show_value(r, "1 kB"); readout_text(r)
        '1 kB'
    """
    return html.unescape(widget.value.removeprefix("<b>").removesuffix("</b>"))


def check_splits(data: object, widget: str, splits: tuple[str, ...] = ("test",)) -> None:
    """Refuse ``data`` that lacks the MNIST splits a widget reads, with a hint what to pass.

    Example:
        >>> check_splits(object(), "PruningExplorer")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: PruningExplorer needs the MNIST splits (.test); pass data.load_mnist(), ...
    """
    missing = [name for name in splits if not hasattr(data, name)]
    if missing:
        wanted = ", ".join(f".{name}" for name in splits)
        raise TypeError(f"{widget} needs the MNIST splits ({wanted}); pass data.load_mnist(), "
                        f"not {type(data).__name__}.")


def percent_options(fractions: Sequence[float]) -> list[tuple[str, float]]:
    """Slider options labelled as percentages, e.g. ``[("0%", 0.0), ("90%", 0.9)]``.

    Example:
        >>> percent_options([0.0, 0.95])
        [('0%', 0.0), ('95%', 0.95)]
    """
    return [(f"{fraction * 100:g}%", float(fraction)) for fraction in fractions]


def format_percent(fraction: float, decimals: int = 1) -> str:
    """``0.9734`` -> ``'97.3%'``."""
    return f"{fraction * 100:.{decimals}f}%"


def format_count(count: int) -> str:
    """``266610`` -> ``'266,610'``."""
    return f"{count:,}"


def format_bytes(size: int | float) -> str:
    """Bytes in decimal units, as file managers show them.

    Example:
        >>> format_bytes(1_066_440), format_bytes(950)
        ('1.07 MB', '950 B')
    """
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.2f} {unit}"
    return f"{int(size)} B"


class FigureView:
    """A matplotlib ``Figure`` shown in an ``ipywidgets.Image`` at its real size.

    The figure and its artists are made once. A slider callback changes the data of the
    animated artists (markers, bars, tiles) and calls :meth:`refresh`, which redraws only
    those over the saved rest of the picture; :meth:`redraw` renders everything again, for
    when curves, limits or titles changed.

    Example:
        >>> from pruneedu.viz import new_figure
        >>> view = FigureView(new_figure(2, 2)); bytes(view.image.value[:4])
        b'\\x89PNG'
    """

    def __init__(self, figure: Figure):
        self.figure = figure
        self._renderer = BlitRenderer(figure)
        self.image = figure_image(figure, self._renderer.full())

    def refresh(self) -> None:
        self.image.value = self._renderer.moved()

    def redraw(self, relayout: bool = False) -> None:
        self.image.value = self._renderer.full(relayout)


def amount_slider(description: str, maximum: float, step: float = 0.005, value: float = 0.0,
                  minimum: float = 0.0) -> widgets.FloatSlider:
    """A slider over fractions that shows percent and moves in even ``step``s.

    It reports a new value when the learner lets go (``continuous_update=False``), so a
    drag costs one update, and stretches with the output area up to a comfortable width.

    Example:
        >>> slider = amount_slider("Weights pruned", 0.99)
        >>> slider.readout_format, slider.step
        ('.1%', 0.005)
    """
    decimals = 0 if round(step * 100, 6).is_integer() else 1
    return widgets.FloatSlider(
        value=value, min=minimum, max=maximum, step=step, description=description,
        readout_format=f".{decimals}%", continuous_update=False, style=LABEL_STYLE,
        layout=widgets.Layout(width="100%", max_width="44em"))


def on_step(value: float, step: float) -> float:
    """``value`` rounded to the slider's grid: the browser reports e.g. 0.9050000000000001.

    Example:
        >>> on_step(0.9050000000000001, 0.005)
        0.905
    """
    return round(round(value / step) * step, 6)


def readout_row(items: Sequence[widgets.Widget]) -> widgets.HBox:
    """Readouts side by side that wrap onto the next line in a narrow output area."""
    return widgets.HBox(list(items), layout=widgets.Layout(flex_flow="row wrap"))


def note(text_html: str) -> widgets.HTML:
    """A short explanatory paragraph under a view (trusted HTML written by the course)."""
    # Reading line height: an HTML widget's own is the height of a control row (28 px).
    return widgets.HTML(f"<p style='margin:0.3em 0 0.6em 0; max-width:52em; line-height:1.45'>"
                        f"{text_html}</p>")
