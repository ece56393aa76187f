"""Figures have titles and axis labels, take their colours from the one palette, update in place."""

import numpy as np
import pytest
import torch
from matplotlib.colors import to_hex

from pruneedu import viz


def test_palette_is_okabe_ito_and_distinct():
    # The published Okabe-Ito hex values (Okabe & Ito 2008); an independent source of truth.
    assert set(viz.OKABE_ITO.values()) == {
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert len(set(viz.PALETTE)) == len(viz.PALETTE)
    assert set(viz.PALETTE) <= set(viz.OKABE_ITO.values())
    assert set(viz.ROLE_COLORS.values()) <= set(viz.OKABE_ITO.values())


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


def test_find_artist_names_the_missing_id():
    fig = viz.accuracy_sparsity_figure({"global": ([0.0], [1.0])})
    with pytest.raises(KeyError, match="current"):
        viz.find_artist(fig, "current")


def test_digit_grid_shows_each_image_with_its_label():
    images = torch.zeros(3, 1, 28, 28)
    images[1, 0, 5, 7] = 1.0
    fig = viz.digit_grid(images, torch.tensor([4, 2, 9]), columns=2)
    assert fig._suptitle.get_text()
    assert [ax.get_title() for ax in fig.axes] == ["4", "2", "9"]
    assert fig.axes[1].images[0].get_array()[5, 7] == 1.0


def test_digit_grid_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="at least one image"):
        viz.digit_grid(torch.zeros(0, 1, 28, 28))


def test_mask_mosaic_places_each_row_as_a_28x28_tile():
    rows = np.zeros((3, 784))
    rows[0, 0] = 0.3            # pixel (0, 0) of neuron 0
    rows[2, 28 * 27 + 27] = -1  # pixel (27, 27) of neuron 2, a negative weight is still kept
    mosaic = viz.mask_mosaic(rows, columns=2)
    assert mosaic.shape == (2 * 29 - 1, 2 * 29 - 1)
    assert mosaic[0, 0] == 1 and mosaic[0, 1] == 0
    assert mosaic[29 + 27, 27] == 1                 # second tile row, first column
    assert np.isnan(mosaic[28, 0]) and np.isnan(mosaic[0, 28])   # the gaps
    assert np.nansum(mosaic) == 2


def test_mask_mosaic_rejects_rows_that_are_not_images():
    with pytest.raises(ValueError, match="784"):
        viz.mask_mosaic(np.ones((2, 100)))


def test_mask_figure_labels_each_panel():
    fig = viz.mask_figure({"weights": np.ones((8, 784)), "nodes": np.zeros((8, 784))})
    assert fig._suptitle.get_text()
    assert [ax.get_title() for ax in fig.axes] == ["weights", "nodes"]
    assert viz.find_artist(fig, "mask/nodes").get_array().sum() == 0


def test_layer_bars_update_in_place_and_use_the_palette():
    fig = viz.layer_sparsity_figure({"weights": {"fc1": 0.9, "fc2": 0.5},
                                     "nodes": {"fc1": 0.5, "fc2": 0.5}})
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert {to_hex(p.get_facecolor()).upper() for p in ax.patches} == set(viz.PALETTE[:2])
    viz.set_bar_heights(fig, {"nodes": {"fc2": 0.25}})
    assert viz.find_artist(fig, "nodes/fc2").get_height() == 0.25
    assert viz.find_artist(fig, "weights/fc1").get_height() == 0.9


def test_layer_bars_need_the_same_layers_for_every_method():
    with pytest.raises(ValueError, match="same layers"):
        viz.layer_sparsity_figure({"a": {"fc1": 0.1}, "b": {"fc2": 0.1}})


def test_figure_png_renders_a_png():
    png = viz.figure_png(viz.accuracy_sparsity_figure({"a": ([0, 1], [1, 0])}))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


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
