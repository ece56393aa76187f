"""First-layer neurons of a LeNet-300-100 drawn as framed 28x28 tiles (notebook 02-weight-vs-node).

Each neuron of the first layer has one weight per input pixel, so its row of 784 weights
reshapes to a 28x28 picture of the pixels it still listens to: grey to black where the weight
is kept (darker = larger), white where it is pruned. The frame says what happened to the whole
neuron: blue kept, vermillion removed (and crossed out, so it reads without colour too),
orange cut off (still there, but every input weight pruned).

The picture is built as palette indices with NumPy and encoded as a small palette PNG: one
weight is one screen pixel, frames stay sharp, and a slider can redraw all 300 tiles in a few
milliseconds. ``widgets.NeuronTilesView`` shows it with its captions.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.colors import to_rgb
from PIL import Image

from pruneedu.viz.digits import as_array
from pruneedu.viz.palette import INK, NEURON_COLORS, PAPER

SIDE = 28          # pixels of an MNIST image side: one tile
FRAME = 2          # frame width around a tile, in pixels
GAP = 2            # white space between framed tiles
PITCH = SIDE + 2 * FRAME + GAP
STATES = tuple(NEURON_COLORS)
# The captions name the colours they sit next to.
CAPTIONS = {
    "kept": "blue frame: neuron kept",
    "removed": "vermillion frame, crossed out: neuron removed",
    "cut off": "orange frame: neuron cut off (every input weight pruned)",
    "ink": "inside a tile: grey to black = input weight kept (darker = larger), white = pruned",
}
_GREYS = 32        # shades of a kept weight, from light grey (small) to ink (the row's largest)


def _rgb(color: str) -> np.ndarray:
    return (np.array(to_rgb(color)) * 255).round().astype(np.uint8)


def _palette() -> np.ndarray:
    """Index 0 paper, 1.._GREYS kept-weight shades, then one frame colour per state."""
    ink, paper = _rgb(INK).astype(np.float32), _rgb(PAPER).astype(np.float32)
    darkness = 0.3 + 0.7 * np.arange(1, _GREYS + 1) / _GREYS
    shades = (paper + darkness[:, None] * (ink - paper)).round().astype(np.uint8)
    frames = np.stack([_rgb(NEURON_COLORS[state]) for state in STATES])
    return np.concatenate([_rgb(PAPER)[None], shades, frames])


PALETTE_RGB = _palette()
_FRAME_INDEX = {state: _GREYS + 1 + i for i, state in enumerate(STATES)}


def _cross(thickness: int = 2) -> np.ndarray:
    i, j = np.indices((SIDE, SIDE))
    return (np.abs(i - j) < thickness) | (np.abs(i + j - (SIDE - 1)) < thickness)


def neuron_states(rows, removed: Sequence[bool] | None = None) -> list[str]:
    """``"removed"`` where ``removed`` says so, ``"cut off"`` for rows of zeros, else ``"kept"``.

    Example:
        >>> neuron_states(np.array([[1.0, 0.0], [0.0, 0.0], [0.5, 0.5]]), [False, False, True])
        ['kept', 'cut off', 'removed']
    """
    rows = as_array(rows)
    removed = [False] * len(rows) if removed is None else list(removed)
    return ["removed" if gone else "cut off" if not row.any() else "kept"
            for row, gone in zip(rows, removed, strict=True)]


COLUMNS = 24       # 24 x 34 - 2 = 814 pixels: all 300 neurons within a 1280-pixel window


def tile_indices(rows, states: Sequence[str], columns: int = COLUMNS) -> np.ndarray:
    """The tile picture as palette indices (uint8, H x W) into ``PALETTE_RGB``.

    Example:
        >>> tile_indices(np.ones((3, 784)), ["kept"] * 3, columns=2).shape
        (66, 66)
    """
    rows = as_array(rows).astype(np.float32)
    if rows.ndim != 2 or rows.shape[1] != SIDE * SIDE:
        raise ValueError(f"neuron tiles need rows of 784 pixel weights, got shape {rows.shape}; "
                         "pass the first layer's weight, e.g. net.fc1.weight[:16]")
    if len(states) != len(rows) or not set(states) <= set(STATES):
        raise ValueError(f"neuron tiles need one state per row from {STATES}; "
                         f"got {len(states)} states for {len(rows)} rows")
    count, cell = len(rows), SIDE + 2 * FRAME
    columns = min(columns, max(count, 1))
    magnitude = np.abs(rows)
    peak = magnitude.max(axis=1, keepdims=True) if count else magnitude
    shade = np.ceil(magnitude / np.where(peak > 0, peak, 1) * _GREYS).astype(np.uint8)
    inside = shade.reshape(count, SIDE, SIDE)  # 0 where pruned: paper
    crossed = np.array([state == "removed" for state in states], dtype=bool)
    inside[crossed] = np.where(_cross(), _FRAME_INDEX["removed"], inside[crossed])
    tiles = np.empty((count, cell, cell), dtype=np.uint8)
    tiles[:] = np.array([_FRAME_INDEX[state] for state in states], dtype=np.uint8)[:, None, None]
    tiles[:, FRAME:FRAME + SIDE, FRAME:FRAME + SIDE] = inside
    grid_rows = max(1, -(-count // columns))
    picture = np.zeros((grid_rows * PITCH - GAP, columns * PITCH - GAP), dtype=np.uint8)
    for index in range(count):
        r, c = divmod(index, columns)
        picture[r * PITCH:r * PITCH + cell, c * PITCH:c * PITCH + cell] = tiles[index]
    return picture


def neuron_tiles(rows, states: Sequence[str], columns: int = COLUMNS) -> np.ndarray:
    """An RGB picture (uint8, H x W x 3) of framed 28x28 tiles, one per row of 784 weights.

    Inside a tile a kept (non-zero) weight is grey to black (darker = larger) and a pruned
    one white; the frame colour is ``NEURON_COLORS[state]``; removed neurons are crossed out.

    Example:
        >>> picture = neuron_tiles(np.ones((3, 784)), ["kept", "removed", "kept"], columns=2)
        >>> picture.shape, picture[0, 0].tolist() == list(_rgb(NEURON_COLORS["kept"]))
        ((66, 66, 3), True)
    """
    return PALETTE_RGB[tile_indices(rows, states, columns)]


def neuron_tiles_png(rows, states: Sequence[str], columns: int = COLUMNS,
                     scale: int = 1) -> bytes:
    """:func:`neuron_tiles` as palette PNG bytes; ``scale`` repeats each pixel (2 = twice as big).

    Example:
        >>> neuron_tiles_png(np.ones((2, 784)), ["kept", "cut off"])[:4]
        b'\\x89PNG'
    """
    picture = tile_indices(rows, states, columns)
    if scale > 1:
        picture = picture.repeat(scale, axis=0).repeat(scale, axis=1)
    image = Image.fromarray(picture)  # 8-bit indices; the palette makes it a "P" image
    image.putpalette(PALETTE_RGB.reshape(-1).tolist())
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def tiles_width(count: int, columns: int = COLUMNS) -> int:
    """Pixel width of a tile picture of ``count`` neurons in ``columns`` columns (scale 1)."""
    return min(columns, max(count, 1)) * PITCH - GAP
