"""FineTuneDemo and DigitBrowser driven through their controls."""

from types import SimpleNamespace

import pytest
import torch
from torch.utils.data import TensorDataset

from pruneedu import metrics, models, training, viz
from pruneedu.widgets import DigitBrowser, FineTuneDemo
from pruneedu.widgets.readouts import readout_text


@pytest.fixture()
def digits(random_digits):
    return random_digits(train=128, test=64)


def test_each_click_trains_one_epoch_and_keeps_the_zeros(digits):
    net = models.lenet_300_100(seed=0)
    original = net.fc1.weight.detach().clone()
    demo = FineTuneDemo(net, digits, amount=0.9, batch_size=32)
    zeros_before = demo.model.fc1.weight == 0
    survivors_before = demo.model.fc1.weight.detach().clone()
    assert readout_text(demo.epochs) == "0"

    demo.button.click()

    assert readout_text(demo.epochs) == "1" and len(demo.accuracies) == 2
    assert torch.equal(demo.model.fc1.weight == 0, zeros_before)   # pruned weights stay pruned
    assert not torch.equal(demo.model.fc1.weight.detach(), survivors_before)  # others trained
    assert readout_text(demo.sparsity) == "90.0%"
    accuracy = training.evaluate(demo.model, digits.test).accuracy
    assert demo.accuracies[-1] == accuracy
    assert readout_text(demo.accuracy) == f"{accuracy * 100:.1f}%"
    assert readout_text(demo.nonzero) == f"{metrics.parameter_count(demo.model, True):,}"
    assert not demo.button.disabled
    assert torch.equal(net.fc1.weight, original)  # the learner's model is untouched


def test_the_recovery_curve_grows_by_one_point_per_click(digits):
    demo = FineTuneDemo(models.lenet_300_100(seed=0), digits, amount=0.5, batch_size=64)
    line = viz.find_artist(demo.figure, "recovery")
    assert list(line.get_ydata()) == demo.accuracies[:1]
    demo.button.click()
    demo.button.click()
    assert list(line.get_xdata()) == [0, 1, 2]
    assert list(line.get_ydata()) == demo.accuracies
    baseline = demo.figure.axes[0].lines[0]
    assert list(baseline.get_ydata()) == [demo.baseline, demo.baseline]
    assert demo.button.description and demo.figure.axes[0].get_title()


def test_the_amount_slider_prunes_a_fresh_copy_and_keeps_each_amounts_run(digits):
    net = models.lenet_300_100(seed=0)
    demo = FineTuneDemo(net, digits, amount=0.9, batch_size=64)
    assert (demo.amount.step, demo.amount.max, demo.amount.readout_format) == (0.01, 0.99, ".0%")
    demo.button.click()
    ninety = demo.runs[0.9]
    demo.amount.value = 0.5
    assert readout_text(demo.sparsity) == "50.0%" and readout_text(demo.epochs) == "0"
    assert metrics.sparsity(demo.model) == 0.5 and len(demo.accuracies) == 1
    # The 90% run stays, drawn in grey, and comes back with the slider.
    grey = viz.find_artist(demo.figure, "other/90%")
    assert list(grey.get_ydata()) == ninety.accuracies
    demo.amount.value = 0.9
    assert demo.runs[0.9] is ninety and readout_text(demo.epochs) == "1"
    assert "pruned to 90%" in [t.get_text() for t in demo.figure.legends[0].get_texts()]


def test_reset_starts_the_amount_over_from_the_freshly_pruned_model(digits):
    demo = FineTuneDemo(models.lenet_300_100(seed=0), digits, amount=0.8, batch_size=64)
    pruned = demo.accuracies[0]
    demo.button.click()
    tuned_weights = demo.model.fc1.weight.detach().clone()
    demo.reset.click()
    assert demo.accuracies == [pruned] and readout_text(demo.epochs) == "0"
    assert not torch.equal(demo.model.fc1.weight, tuned_weights)
    assert list(viz.find_artist(demo.figure, "recovery").get_ydata()) == [pruned]
    assert "reset" in readout_text(demo.status)


def test_a_click_at_a_new_amount_trains_that_amounts_model_only(digits):
    demo = FineTuneDemo(models.lenet_300_100(seed=0), digits, amount=0.9, batch_size=64)
    demo.amount.value = 0.95
    demo.button.click()
    assert len(demo.runs[0.95].accuracies) == 2 and len(demo.runs[0.9].accuracies) == 1


def test_digit_browser_shows_the_chosen_image_and_label():
    images = torch.zeros(3, 1, 28, 28)
    images[2, 0, 3, 4] = 1.0
    browser = DigitBrowser(TensorDataset(images, torch.tensor([7, 1, 4])))
    assert browser.slider.max == 2 and browser.slider.description
    assert readout_text(browser.label) == "7"
    browser.slider.value = 2
    assert readout_text(browser.label) == "4"
    assert browser.picture.get_array()[3, 4] == 1.0


def test_digit_browser_needs_images():
    with pytest.raises(ValueError, match="at least one image"):
        DigitBrowser(TensorDataset(torch.zeros(0, 1, 28, 28), torch.zeros(0, dtype=torch.long)))


def test_fine_tune_demo_needs_a_training_split(digits):
    with pytest.raises(TypeError, match=r"\.train"):
        FineTuneDemo(models.lenet_300_100(seed=0), SimpleNamespace(test=digits.test))


def test_digit_browser_explains_the_usual_wrong_inputs():
    images = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 2, 3])
    with pytest.raises(TypeError, match="TensorDataset"):
        DigitBrowser(images.numpy())
    with pytest.raises(TypeError, match="mnist.test"):
        DigitBrowser(SimpleNamespace(train=None, val=None, test=TensorDataset(images, labels)))
    with pytest.raises(ValueError, match="divide the images by 255"):
        DigitBrowser(TensorDataset(images * 255, labels))


def test_fine_tune_demo_refuses_unknown_options_before_any_click(digits):
    # A typo would otherwise only surface inside the button callback, out of the learner's view.
    with pytest.raises(TypeError, match="'epoch'"):
        FineTuneDemo(models.lenet_300_100(seed=0), digits, epoch=3)


def test_fine_tune_demo_on_an_int8_model_says_to_prune_first(digits):
    from pruneedu.quantize import quantize_int8

    with pytest.raises(ValueError, match="before|first"):
        FineTuneDemo(quantize_int8(models.lenet_300_100(seed=0)), digits)
