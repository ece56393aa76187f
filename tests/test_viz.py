"""Figures: titled and labelled, percent axes, the one palette, readable sizes, fast redraws."""

import io

import numpy as np
import pytest
import torch
from fresh_python import heavy_imports
from matplotlib.colors import to_hex, to_rgb
from PIL import Image

from pruneedu import viz
from pruneedu.viz.masks import FRAME, GAP, PALETTE_RGB, PITCH, SIDE, tile_indices

CURVE = {"global": ([0.0, 0.5, 0.8, 0.9, 0.95, 0.98], [0.947, 0.946, 0.945, 0.939, 0.914, 0.758])}


def rgb255(color: str) -> list[int]:
    return [round(c * 255) for c in to_rgb(color)]


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_palette_is_okabe_ito_and_distinct():
    # The published Okabe-Ito hex values (Okabe & Ito 2008); an independent source of truth.
    assert set(viz.OKABE_ITO.values()) == {
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert len(set(viz.PALETTE)) == len(viz.PALETTE)
    assert set(viz.PALETTE) <= set(viz.OKABE_ITO.values())
    assert set(viz.ROLE_COLORS.values()) <= set(viz.OKABE_ITO.values())
    assert set(viz.NEURON_COLORS.values()) <= set(viz.OKABE_ITO.values())
    assert len(set(viz.NEURON_COLORS.values())) == len(viz.NEURON_COLORS)


def test_accuracy_curve_has_labels_palette_colours_and_a_movable_marker():
    fig = viz.accuracy_sparsity_figure(
        {"global": ([0.0, 0.5, 0.9], [0.98, 0.97, 0.6]), "random": ([0.0, 0.5], [0.98, 0.5])},
        current=(0.5, 0.97))
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    curve_colours = [to_hex(line.get_color()).upper() for line in ax.lines]
    assert curve_colours == [viz.PALETTE[0], viz.PALETTE[1], viz.ROLE_COLORS["current"]]
    marker = viz.find_artist(fig, "current")
    assert list(marker.get_xdata()) == [0.5]
    viz.move_marker(fig, 0.9, 0.6)
    assert list(marker.get_xdata()) == [0.9] and list(marker.get_ydata()) == [0.6]


def test_both_axes_of_the_accuracy_curve_read_in_percent():
    fig = viz.accuracy_sparsity_figure(CURVE, reference=0.947)
    for ax in fig.axes:
        assert ax.xaxis.get_major_formatter()(0.9, 0) == "90%"
        assert ax.yaxis.get_major_formatter()(0.94, 0) == "94%"


def test_a_reference_adds_a_close_up_where_accuracy_starts_to_fall():
    fig = viz.accuracy_sparsity_figure(CURVE, current=(0.9, 0.939), reference=0.947)
    overview, close_up = fig.axes
    assert overview.get_ylim()[0] == 0.0
    low, high = close_up.get_ylim()
    assert low == pytest.approx(0.947 - viz.curves.ZOOM_POINTS / 100) and high > 0.947
    # The close-up starts before the first point more than 1 point below the reference (95%).
    start, end = close_up.get_xlim()
    assert 0.5 < start < 0.95 and end >= 0.98
    assert close_up.get_title() and fig.get_suptitle()


def test_a_point_outside_the_close_up_becomes_a_triangle_on_its_edge():
    fig = viz.accuracy_sparsity_figure(CURVE, current=(0.9, 0.939), reference=0.947)
    zoomed = viz.find_artist(fig, "current-zoom")
    assert zoomed.get_marker() == "o"
    viz.move_marker(fig, 0.98, 0.758)  # far below the close-up
    assert zoomed.get_marker() == "v"
    assert zoomed.get_ydata()[0] == pytest.approx(zoomed.axes.get_ylim()[0])
    assert list(viz.find_artist(fig, "current").get_ydata()) == [0.758]  # the overview: exact


def test_the_legend_sits_below_the_axes_and_fits_the_figure():
    fig = viz.accuracy_sparsity_figure(
        {"the same share from each layer": CURVE["global"]}, current=(0.9, 0.939),
        reference=0.947, comparison={"one global threshold": CURVE["global"]})
    viz.figure_png(fig)  # lays the figure out
    legend = fig.legends[0].get_window_extent()
    assert legend.width <= fig.bbox.width
    for ax in fig.axes:
        assert legend.y1 <= ax.get_window_extent().y0  # below every axes: never over the data


def test_set_curves_relabels_and_hides_empty_comparisons_from_the_legend():
    fig = viz.accuracy_sparsity_figure(CURVE, reference=0.947, comparison={"global": ([], [])})
    assert "global (for comparison)" not in [t.get_text() for t in fig.legends[0].get_texts()]
    viz.set_curves(fig, {"fc1 alone": ([0.0, 0.9], [0.947, 0.94])}, reference=0.947,
                   comparison={"global": CURVE["global"]})
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "fc1 alone" in labels and "global (for comparison)" in labels
    assert list(viz.find_artist(fig, "curve/0/1").get_xdata()) == [0.0, 0.9]


def test_figures_are_drawn_at_the_output_width_with_readable_text():
    fig = viz.accuracy_sparsity_figure(CURVE, reference=0.947)
    width, _ = viz.figures.pixel_size(fig)
    assert 800 <= width <= 900  # fits JupyterLab's output area on a 1280-pixel screen
    sizes = [t.get_fontsize() for t in fig.findobj(match=lambda a: hasattr(a, "get_fontsize"))
             if t.get_text()]
    assert min(sizes) >= 9.5  # points at 100 dpi: about 13 pixels or more


def test_recovery_zooms_to_its_points_and_draws_earlier_runs_in_grey():
    fig = viz.recovery_figure(0.947, [0.758])
    viz.extend_recovery(fig, [0.758, 0.91, 0.93], label="pruned to 98%",
                        others={"95%": [0.914, 0.94]})
    ax = fig.axes[0]
    assert ax.get_ylim()[0] <= 0.758 - 0.01 and ax.get_ylim()[0] >= 0.7
    assert ax.yaxis.get_major_formatter()(0.9, 0) == "90%"
    assert list(viz.find_artist(fig, "recovery").get_ydata()) == [0.758, 0.91, 0.93]
    grey = viz.find_artist(fig, "other/95%")
    assert to_hex(grey.get_color()).upper() == viz.palette.REFERENCE
    assert "pruned to 98%" in [t.get_text() for t in fig.legends[0].get_texts()]
    viz.extend_recovery(fig, [0.758])  # the other run goes when it is not passed again
    with pytest.raises(KeyError):
        viz.find_artist(fig, "other/95%")


def test_find_artist_names_the_missing_id():
    fig = viz.accuracy_sparsity_figure({"global": ([0.0], [1.0])})
    with pytest.raises(KeyError, match="current"):
        viz.find_artist(fig, "current")


def test_digit_grid_shows_each_image_with_its_label_from_tensors_or_arrays():
    images = torch.zeros(3, 1, 28, 28)
    images[1, 0, 5, 7] = 1.0
    for given in (images, images.numpy()):
        fig = viz.digit_grid(given, torch.tensor([4, 2, 9]), columns=2)
        assert fig.get_suptitle()
        assert [ax.get_title() for ax in fig.axes] == ["4", "2", "9"]
        assert fig.axes[1].images[0].get_array()[5, 7] == 1.0


def test_digit_grid_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="at least one image"):
        viz.digit_grid(torch.zeros(0, 1, 28, 28))


def test_each_neuron_is_a_framed_tile_in_its_state_colour():
    rows = np.zeros((3, 784))
    rows[0, 0] = 0.3             # neuron 0 keeps pixel (0, 0)
    rows[0, 28 * 27 + 27] = -1   # ... and pixel (27, 27): a negative weight is still kept
    picture = viz.neuron_tiles(rows, ["kept", "removed", "cut off"], columns=2)
    assert picture.shape == (2 * PITCH - GAP, 2 * PITCH - GAP, 3)
    for index, state in enumerate(["kept", "removed", "cut off"]):
        r, c = divmod(index, 2)
        assert picture[r * PITCH, c * PITCH].tolist() == rgb255(viz.NEURON_COLORS[state])
    inside = picture[FRAME:FRAME + SIDE, FRAME:FRAME + SIDE]
    white = rgb255(viz.palette.PAPER)
    assert inside[0, 0].tolist() != white and inside[27, 27].tolist() != white
    assert inside[27, 27].sum() < inside[0, 0].sum()  # the larger weight is darker
    assert inside[0, 1].tolist() == white               # a pruned weight is white
    assert picture[PITCH - 1, 0].tolist() == white      # the gap between tiles


def test_a_removed_neuron_is_crossed_out_so_the_picture_reads_without_colour():
    picture = viz.neuron_tiles(np.zeros((2, 784)), ["removed", "cut off"], columns=2)
    removed, cut = (picture[FRAME:FRAME + SIDE, c * PITCH + FRAME:c * PITCH + FRAME + SIDE]
                    for c in (0, 1))
    cross = rgb255(viz.NEURON_COLORS["removed"])
    assert removed[0, 0].tolist() == cross and removed[13, 13].tolist() == cross
    assert (cut == rgb255(viz.palette.PAPER)).all()  # cut off: empty, not crossed


def test_neuron_states_tell_removed_cut_off_and_kept_apart():
    rows = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    assert viz.neuron_states(rows, [False, False, True]) == ["kept", "cut off", "removed"]


def test_the_tile_png_holds_exactly_the_tile_picture():
    rows = np.random.default_rng(0).normal(size=(30, 784)) * (np.arange(784) % 3 == 0)
    states = viz.neuron_states(rows, [i % 7 == 0 for i in range(30)])
    png = viz.neuron_tiles_png(rows, states, columns=10, scale=2)
    expected = viz.neuron_tiles(rows, states, columns=10).repeat(2, 0).repeat(2, 1)
    assert np.array_equal(pixels(png), expected)
    assert viz.tiles_width(30, 10) * 2 == expected.shape[1]


def test_tiles_refuse_rows_that_are_not_images_or_unknown_states():
    with pytest.raises(ValueError, match="784"):
        viz.neuron_tiles(np.ones((2, 100)), ["kept", "kept"])
    with pytest.raises(ValueError, match="one state per row"):
        tile_indices(np.ones((2, 784)), ["kept", "gone"])
    assert len(PALETTE_RGB) < 256  # a palette PNG


def test_layer_bars_update_in_place_with_percent_labels_and_use_the_palette():
    fig = viz.layer_sparsity_figure({"weights": {"fc1": 0.9, "fc2": 0.5},
                                     "nodes": {"fc1": 0.5, "fc2": 0.5}})
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert {to_hex(p.get_facecolor()).upper() for p in ax.patches} == set(viz.PALETTE[:2])
    viz.set_bar_heights(fig, {"nodes": {"fc2": 0.25}})
    assert viz.find_artist(fig, "nodes/fc2").get_height() == 0.25
    assert viz.find_artist(fig, "nodes/fc2/label").get_text() == "25%"
    assert viz.find_artist(fig, "weights/fc1").get_height() == 0.9


def test_layer_bars_need_the_same_layers_for_every_method():
    with pytest.raises(ValueError, match="same layers"):
        viz.layer_sparsity_figure({"a": {"fc1": 0.1}, "b": {"fc2": 0.1}})


def test_figure_png_renders_a_png_with_the_moving_marker():
    fig = viz.accuracy_sparsity_figure({"a": ([0, 1], [1, 0])}, current=(0.5, 0.5))
    png = viz.figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    orange = np.array(rgb255(viz.ROLE_COLORS["current"]))
    assert (np.abs(pixels(png).astype(int) - orange).sum(axis=2) < 30).any()


def test_a_blitted_redraw_equals_a_full_render():
    fig = viz.accuracy_sparsity_figure(CURVE, current=(0.5, 0.946), reference=0.947)
    renderer = viz.BlitRenderer(fig)
    first = renderer.full()
    viz.move_marker(fig, 0.95, 0.914)
    moved = renderer.moved()
    assert not np.array_equal(pixels(first), pixels(moved))
    assert np.array_equal(pixels(moved), pixels(viz.figure_png(fig)))


def test_figure_image_keeps_the_real_size_and_only_shrinks():
    image = viz.figure_image(viz.new_figure(4, 3))
    assert image.layout.width == "400px" and image.layout.max_width == "100%"
    assert image.layout.height == "auto" and image.layout.align_self == "flex-start"


def test_figures_display_as_png_in_an_ipython_shell():
    from IPython.core.interactiveshell import InteractiveShell

    assert viz.show_figures_inline() is False  # no shell yet: nothing registered
    shell = InteractiveShell.instance()
    try:
        assert viz.show_figures_inline() is True
        data, _ = shell.display_formatter.format(viz.accuracy_sparsity_figure({"a": ([0], [1])}))
        assert "image/png" in data
    finally:
        InteractiveShell.clear_instance()


def test_viz_never_loads_torch():
    # The progress dashboard draws with viz and must stay torch-free.
    loaded, _ = heavy_imports("import pruneedu.viz")
    assert "torch" not in loaded
