"""Tests for pruneedu.models: the two LeNets and the shipped pretrained weights."""

from __future__ import annotations

import pytest
import torch

from pruneedu import data, models, training


def parameter_count(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


@pytest.mark.parametrize(
    ("name", "count"),
    # 784*300+300 + 300*100+100 + 100*10+10 and 20*25+20 + 50*20*25+50 + 800*500+500 + 500*10+10
    [("lenet-300-100", 266_610), ("lenet-5", 431_080)],
)
def test_pretrained_has_the_right_parameter_count(name, count):
    # How fast it loads is measured in benchmarks/bench_loading.py, not timed here.
    net = models.pretrained(name)
    assert parameter_count(net) == count
    assert all(p.dtype == torch.float32 and p.device.type == "cpu" for p in net.parameters())
    assert not net.training


@pytest.mark.parametrize("name", ["lenet-300-100", "lenet-5"])
def test_pretrained_beats_90_percent_on_the_bundled_test_split(name):
    # An untrained net guesses (about 10%); the shipped weights were trained on the train split.
    report = training.evaluate(models.pretrained(name), data.load_mnist().test)
    assert report.accuracy > 0.9
    assert report.precision > 0.9 and report.recall > 0.9


def test_pretrained_returns_independent_copies():
    first, second = models.pretrained("lenet-300-100"), models.pretrained("lenet-300-100")
    assert torch.equal(first.fc1.weight, second.fc1.weight)
    with torch.no_grad():
        first.fc1.weight.zero_()
    assert bool((second.fc1.weight != 0).any())
    assert bool((models.pretrained("lenet-300-100").fc1.weight != 0).any())


def test_pretrained_leaves_the_global_random_state_alone():
    torch.manual_seed(3)
    expected = torch.rand(2)
    torch.manual_seed(3)
    models.pretrained("lenet-5")
    assert torch.equal(torch.rand(2), expected)


def test_unknown_pretrained_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'lenet-300-100', 'lenet-5'"):
        models.pretrained("resnet-18")


def test_constructors_are_seeded():
    assert torch.equal(models.lenet5(seed=1).conv1.weight, models.lenet5(seed=1).conv1.weight)
    assert not torch.equal(
        models.lenet_300_100(seed=1).fc1.weight, models.lenet_300_100(seed=2).fc1.weight
    )


def test_a_seed_or_name_of_the_wrong_type_is_a_one_sentence_error():
    with pytest.raises(TypeError, match="seed must be an int"):
        models.lenet5(seed="0")
    with pytest.raises(ValueError, match="choose one of 'lenet-300-100', 'lenet-5'"):
        models.pretrained(["lenet-5"])
