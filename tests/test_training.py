"""Tests for pruneedu.training: fit, fine_tune (pruned weights stay zero) and evaluate."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import confusion_matrix, precision_score, recall_score
from torch import nn
from torch.nn.utils import prune
from torch.utils.data import TensorDataset

from pruneedu import models, training


@pytest.fixture(scope="module")
def small_train(mnist) -> TensorDataset:
    images, labels = mnist.train.tensors
    return TensorDataset(images[:640], labels[:640])


class Oracle(nn.Module):
    """Predicts the class written into pixel (0, 0) as class/10, so tests choose predictions."""

    def __init__(self) -> None:
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.one_hot((x[:, 0, 0, 0] * 10).round().long(), 10).float()


def oracle_dataset(truth: list[int], predicted: list[int]) -> TensorDataset:
    images = torch.zeros(len(truth), 1, 28, 28)
    images[:, 0, 0, 0] = torch.tensor(predicted, dtype=torch.float32) / 10
    return TensorDataset(images, torch.tensor(truth))


# --- fit -----------------------------------------------------------------------------------


def test_fit_learns_the_bundled_digits(mnist):
    net = models.lenet_300_100(seed=0)
    history = training.fit(net, mnist.train, epochs=3, progress=False, val=mnist.val)
    assert len(history.loss) == len(history.train_accuracy) == len(history.val_accuracy) == 3
    assert history.loss[-1] < history.loss[0]
    # A 10-class guesser scores 0.1; three epochs on 3,500 digits give well over 0.85.
    assert history.val_accuracy[-1] > 0.85
    assert history.val_accuracy[-1] == training.evaluate(net, mnist.val).accuracy


def test_fit_is_deterministic_given_the_seed(small_train):
    weights = []
    for seed in (0, 0, 1):
        net = models.lenet_300_100(seed=0)
        training.fit(net, small_train, epochs=1, seed=seed, progress=False)
        weights.append(net.fc1.weight.detach().clone())
    assert torch.equal(weights[0], weights[1])
    assert not torch.equal(weights[0], weights[2])


def test_fit_leaves_the_global_random_state_alone(small_train):
    torch.manual_seed(5)
    expected = torch.rand(3)
    net = models.lenet_300_100(seed=0)
    torch.manual_seed(5)
    training.fit(net, small_train, epochs=1, progress=False)
    assert torch.equal(torch.rand(3), expected)


def test_progress_bar_only_when_asked(small_train, capsys):
    training.fit(models.lenet_300_100(seed=0), small_train, epochs=1, progress=False)
    assert capsys.readouterr().err == ""
    training.fit(models.lenet_300_100(seed=0), small_train, epochs=1, progress=True)
    assert "training" in capsys.readouterr().err


def test_fit_restores_the_mode_of_the_model(small_train):
    net = models.lenet_300_100(seed=0).eval()
    training.fit(net, small_train, epochs=1, progress=False)
    assert not net.training


def test_fit_rejects_bad_settings(small_train):
    net = models.lenet_300_100()
    with pytest.raises(ValueError, match="lr"):
        training.fit(net, small_train, lr=0.0, progress=False)
    with pytest.raises(ValueError, match="momentum"):
        training.fit(net, small_train, momentum=-1, progress=False)
    with pytest.raises(ValueError, match="batch_size=0"):
        training.fit(net, small_train, batch_size=0, progress=False)
    for wrong in ({"epochs": 1.5}, {"lr": "0.1"}, {"seed": "a"}, {"batch_size": 64.0}):
        with pytest.raises(TypeError, match=next(iter(wrong))):
            training.fit(net, small_train, progress=False, **wrong)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        training.fit("lenet", small_train, progress=False)


def test_fit_on_an_int8_model_says_to_train_before_quantizing(small_train):
    from pruneedu.quantize import quantize_int8

    with pytest.raises(ValueError, match="then quantize it"):
        training.fine_tune(quantize_int8(models.lenet_300_100(seed=0)), small_train)


def test_evaluate_rejects_bad_batch_sizes_models_and_output_widths(small_train):
    # batch_size=-1 used to loop zero times and report 0% accuracy.
    with pytest.raises(ValueError, match="batch_size=-1"):
        training.evaluate(models.lenet_300_100(), small_train, batch_size=-1)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        training.evaluate(small_train, models.lenet_300_100())
    five_classes = nn.Sequential(nn.Flatten(), nn.Linear(784, 5))
    with pytest.raises(ValueError, match="10 outputs"):
        training.evaluate(five_classes, small_train)


# --- pruned weights stay pruned ------------------------------------------------------------


def prune_permanently(net: nn.Sequential) -> dict[str, torch.Tensor]:
    """Prune half of each linear layer with torch's own pruning, then fold the masks in."""
    zeros = {}
    for name in ("fc1", "fc2", "fc3"):
        layer = getattr(net, name)
        prune.l1_unstructured(layer, "weight", amount=0.5)
        prune.remove(layer, "weight")
        zeros[name] = layer.weight.detach() == 0
    return zeros


@pytest.mark.parametrize("tune", ["fit", "fine_tune"])
def test_permanently_pruned_weights_stay_exactly_zero(small_train, tune):
    net = models.pretrained("lenet-300-100")
    zeros = prune_permanently(net)
    before = {name: getattr(net, name).weight.detach().clone() for name in zeros}
    train = getattr(training, tune)
    # Momentum and weight decay are what would revive pruned weights.
    train(net, small_train, epochs=2, lr=0.01, momentum=0.9, weight_decay=1e-2, progress=False)
    for name, was_zero in zeros.items():
        weight = getattr(net, name).weight.detach()
        assert torch.all(weight[was_zero] == 0), name
        assert not torch.equal(weight[~was_zero], before[name][~was_zero]), name


def test_without_keep_zeros_pruned_weights_come_back(small_train):
    net = models.pretrained("lenet-300-100")
    zeros = prune_permanently(net)
    training.fit(
        net, small_train, epochs=1, lr=0.01, weight_decay=1e-2, progress=False, keep_zeros=False
    )
    assert bool((net.fc1.weight.detach()[zeros["fc1"]] != 0).any())


def test_masked_weights_stay_zero_while_pruning_masks_are_attached(small_train):
    net = models.pretrained("lenet-300-100")
    prune.l1_unstructured(net.fc1, "weight", amount=0.7)
    mask = net.fc1.weight_mask.clone()
    orig_before = net.fc1.weight_orig.detach().clone()
    training.fit(net, small_train, epochs=1, lr=0.01, weight_decay=1e-2, progress=False)
    assert torch.equal(net.fc1.weight_mask, mask)
    assert not torch.equal(net.fc1.weight_orig.detach(), orig_before)  # it did train
    prune.remove(net.fc1, "weight")
    weight = net.fc1.weight.detach()
    assert torch.all(weight[mask == 0] == 0)
    assert torch.all(weight[mask == 1] != 0)


def test_fine_tune_of_lenet5_keeps_zeroed_conv_weights_zero(small_train):
    net = models.pretrained("lenet-5")
    zeroed = torch.rand(net.conv2.weight.shape, generator=torch.Generator().manual_seed(0)) < 0.5
    with torch.no_grad():
        net.conv2.weight[zeroed] = 0.0
    before = net.conv2.weight.detach().clone()
    subset = TensorDataset(*(t[:128] for t in small_train.tensors))
    training.fine_tune(net, subset, epochs=1, weight_decay=1e-2)
    assert torch.all(net.conv2.weight[zeroed] == 0)
    assert not torch.equal(net.conv2.weight[~zeroed], before[~zeroed])


# --- evaluate ------------------------------------------------------------------------------


def test_evaluate_matches_a_hand_computed_confusion_matrix():
    # true 0,0,0,1,1,2 predicted 0,0,1,1,2,2
    report = training.evaluate(Oracle(), oracle_dataset([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]))
    expected = np.zeros((10, 10), dtype=int)
    expected[:3, :3] = [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert np.array_equal(report.confusion, expected)
    assert report.accuracy == pytest.approx(4 / 6)
    # precision: 2/2, 1/2, 1/2; recall: 2/3, 1/2, 1/1; digits 3-9 occur nowhere.
    assert report.precision == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert report.recall == pytest.approx((2 / 3 + 0.5 + 1) / 3)
    assert report.per_class_recall[:3] == pytest.approx([2 / 3, 0.5, 1.0])


def test_from_confusion_on_two_classes():
    report = training.Evaluation.from_confusion(np.array([[3, 1], [0, 4]]))
    assert (report.accuracy, report.precision, report.recall) == (0.875, 0.9, 0.875)


def test_evaluate_agrees_with_sklearn_including_unpredicted_classes():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 10, 300)
    predicted = np.where(rng.random(300) < 0.6, truth, rng.integers(0, 7, 300))
    predicted[predicted == 4] = 5  # digit 4 is never predicted: its precision is 0/0
    report = training.evaluate(Oracle(), oracle_dataset(truth.tolist(), predicted.tolist()))
    assert np.array_equal(report.confusion, confusion_matrix(truth, predicted, labels=range(10)))
    assert report.precision == pytest.approx(
        precision_score(truth, predicted, average="macro", zero_division=0)
    )
    assert report.recall == pytest.approx(
        recall_score(truth, predicted, average="macro", zero_division=0)
    )


def test_evaluate_restores_mode_and_computes_no_gradients(mnist):
    net = models.lenet_300_100(seed=0).train()
    training.evaluate(net, mnist.test)
    assert net.training
    assert all(p.grad is None for p in net.parameters())


def test_evaluate_accepts_external_28x28_images(mnist):
    net = models.pretrained("lenet-300-100")
    images, labels = mnist.test.tensors
    squeezed = training.evaluate(net, TensorDataset(images[:, 0].clone(), labels.int()))
    assert np.array_equal(squeezed.confusion, training.evaluate(net, mnist.test).confusion)


def test_evaluate_rejects_unscaled_images():
    images = torch.full((4, 1, 28, 28), 255.0)
    with pytest.raises(ValueError, match="divide"):
        training.evaluate(models.lenet_300_100(), TensorDataset(images, torch.zeros(4).long()))
