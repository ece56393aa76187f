"""The course's one colour palette: Okabe & Ito's eight colours, safe for colour-blind readers.

Every figure and widget takes its colours from here, so a learner sees the same colour mean
the same thing everywhere (blue = weight pruning, vermillion = node pruning, ...).
"""

from __future__ import annotations

from matplotlib.colors import ListedColormap

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
}

# Kept weights dark blue on a pale background; pruned weights take the background colour.
MASK_CMAP = ListedColormap(["#F2F2F2", OKABE_ITO["blue"]], name="pruneedu-mask")
