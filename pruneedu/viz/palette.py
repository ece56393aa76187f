"""The course's one colour palette: Okabe & Ito's eight colours, safe for colour-blind readers.

Every figure and widget takes its colours from here, so a learner sees the same colour mean
the same thing everywhere (blue = weight pruning, vermillion = node pruning, ...).
"""

from __future__ import annotations

# Okabe, M. & Ito, K. (2008), "Color Universal Design": distinguishable under the common
# forms of colour-vision deficiency and in greyscale print.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Line colours in the order figures use them.
PALETTE: list[str] = [
    OKABE_ITO[name]
    for name in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue")
]

# What each colour stands for across the course.
ROLE_COLORS: dict[str, str] = {
    "weights": OKABE_ITO["blue"],
    "nodes": OKABE_ITO["vermillion"],
    "channels": OKABE_ITO["bluish_green"],
    "current": OKABE_ITO["orange"],
    "baseline": OKABE_ITO["black"],
    "one-shot": OKABE_ITO["blue"],
    "iterative": OKABE_ITO["vermillion"],
    "magnitude": OKABE_ITO["blue"],
    "activation": OKABE_ITO["bluish_green"],
    "semi-structured": OKABE_ITO["reddish_purple"],
    "int8": OKABE_ITO["bluish_green"],
}

# Frames of the neuron tiles (viz.neuron_tiles_figure): the state of a whole neuron. A removed
# neuron is also crossed out, so the picture reads without colour too.
NEURON_COLORS: dict[str, str] = {
    "kept": OKABE_ITO["blue"],
    "removed": OKABE_ITO["vermillion"],
    "cut off": OKABE_ITO["orange"],    # still there, but every input weight is pruned
}
# Neutrals, not hues: curves shown only for comparison, ink and paper of the tiles.
REFERENCE = "#8C8C8C"
INK = "#1A1A1A"        # a kept weight inside a tile
PAPER = "#FFFFFF"      # a pruned weight, and the gaps between tiles
