"""First-layer neurons as framed tiles, with captions in the colours of the frames.

The tiles come from ``viz.neuron_tiles_png`` (one weight is one screen pixel); titles and
captions are HTML, so they stay crisp at any zoom and their colour swatches are the very colours
of the frames.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from pruneedu import viz
from pruneedu.viz.figures import DPI, FULL_WIDTH
from pruneedu.viz.masks import CAPTIONS, COLUMNS, STATES, tiles_width
from pruneedu.viz.palette import INK

Panels = Mapping[str, tuple[np.ndarray, Sequence[str]]]


def _swatch(state: str) -> str:
    color = viz.NEURON_COLORS[state]
    mark = f"<span style='color:{color};font-weight:bold'>&#x2715;</span>" if state == "removed" \
        else "&nbsp;"
    return (f"<span style='display:inline-block;width:1.1em;height:1.1em;line-height:1.1em;"
            f"text-align:center;border:3px solid {color};vertical-align:middle;"
            f"margin-right:0.4em'>{mark}</span>")


def captions_html() -> str:
    """The legend: one swatch per frame colour, then what the pixels inside mean."""
    items = [f"<span style='margin-right:1.6em;white-space:nowrap'>{_swatch(state)}"
             f"{html.escape(CAPTIONS[state])}</span>" for state in STATES]
    ink = (f"<span style='display:inline-block;width:0.9em;height:0.9em;background:"
           f"linear-gradient(90deg,#BDBDBD,{INK});vertical-align:middle;"
           f"margin-right:0.4em'></span>{html.escape(CAPTIONS['ink'])}")
    return f"<div style='line-height:1.9'>{' '.join(items)}<br>{ink}</div>"


class NeuronTilesView(widgets.VBox):
    """Panels of first-layer neurons (title -> (rows of 784 weights, states)), one under another.

    Args:
        panels: ``{title: (rows, states)}``; states from ``viz.neuron_states``.
        columns: tiles per row (24 puts 300 neurons in 13 rows, 814 pixels wide).
        title: the heading above all panels.

    Attributes:
        images: {title: ``ipywidgets.Image``}; captions: the legend (HTML).

    Example:
        >>> rows = np.ones((4, 784)); view = NeuronTilesView({"kept": (rows, ["kept"] * 4)})
        >>> bytes(view.images["kept"].value[:4])
        b'\\x89PNG'
    """

    def __init__(self, panels: Panels, columns: int = COLUMNS,
                 title: str = "First-layer neurons: the pixels each one still reads"):
        self._columns = columns
        self.images: dict[str, widgets.Image] = {}
        children: list[widgets.Widget] = [widgets.HTML(f"<h4 style='margin:0.4em 0'>"
                                                       f"{html.escape(title)}</h4>")]
        for name, (rows, _) in panels.items():
            # Small panels are drawn larger, pixels repeated, up to about the output width.
            self._scale = max(1, int(FULL_WIDTH * DPI) // tiles_width(len(rows), columns))
            width = tiles_width(len(rows), columns) * self._scale
            self.images[name] = widgets.Image(
                format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%",
                                                    height="auto", align_self="flex-start"))
            children += [widgets.HTML(f"<b>{html.escape(name)}</b>"), self.images[name]]
        self.captions = widgets.HTML(captions_html())
        super().__init__(children + [self.captions])
        self.add_class("pruneedu-neuron-tiles")
        self.show(panels)

    def show(self, panels: Panels) -> None:
        """Redraw the named panels with new rows and states."""
        for name, (rows, states) in panels.items():
            self.images[name].value = viz.neuron_tiles_png(rows, states, self._columns,
                                                           self._scale)
