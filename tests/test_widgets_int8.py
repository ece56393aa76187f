"""Int8Explorer: sizes in four formats and int8 accuracy, checked against the library."""


import pytest

from pruneedu import metrics, models, pruning, training, viz
from pruneedu.quantize import quantize_int8
from pruneedu.widgets import Int8Explorer
from pruneedu.widgets.readouts import readout_text


@pytest.fixture(scope="module")
def digits(random_digits):
    return random_digits(test=100)


@pytest.fixture(scope="module")
def net():
    return models.lenet_300_100(seed=0)


@pytest.fixture()
def view(net, digits):
    return Int8Explorer(net, digits, amount=0.9)


def test_sizes_and_accuracies_equal_the_library_at_any_step(view, net, digits):
    view.slider.value = 0.955
    reference = pruning.prune_weights(pruning.copy_model(net), amount=0.955)
    for storage in pruning.STORAGES:
        assert view.current.sizes[storage] == metrics.model_size_bytes(reference, storage)
    assert view.current.accuracy == training.evaluate(reference, digits.test).accuracy
    int8 = training.evaluate(quantize_int8(reference), digits.test).accuracy
    assert view.current.int8_accuracy == int8
    assert readout_text(view.int8_accuracy) == f"{int8 * 100:.1f}%"


def test_int8_shrinks_a_dense_file_4x_but_a_sparse_one_much_less(view):
    view.slider.value = 0.98
    sizes = view.current.sizes
    assert readout_text(view.dense_ratio) == f"{sizes['dense'] / sizes['int8']:.1f}x" == "4.0x"
    sparse_ratio = sizes["sparse"] / sizes["sparse-int8"]
    assert readout_text(view.sparse_ratio) == f"{sparse_ratio:.1f}x"
    assert sparse_ratio < 3  # the positions do not shrink


def test_the_bars_follow_the_slider_and_each_amount_is_kept(view):
    view.slider.value = 0.5
    half = view.current
    picture = bytes(view.view.image.value)
    view.slider.value = 0.99
    bar = viz.find_artist(view.figure, "bar/sparse-int8")
    assert bar.get_width() == view.current.sizes["sparse-int8"]
    assert viz.find_artist(view.figure, "label/sparse").get_text() == readout_text(
        view.sizes["sparse"]).split(" (")[0]
    assert bytes(view.view.image.value) != picture
    view.slider.value = 0.5
    assert view.current is half and set(view.steps) == {0.9, 0.5, 0.99}
    assert view.slider.step == 0.005 and not view.slider.continuous_update


def test_a_quantized_model_is_refused_with_a_hint(digits, net):
    with pytest.raises(ValueError, match="first"):
        Int8Explorer(quantize_int8(net), digits)
