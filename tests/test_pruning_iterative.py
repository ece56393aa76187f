"""Schedules, iterative pruning, the lottery-ticket rewind and the sensitivity scan."""

import copy

import pytest
import torch
from torch.utils.data import TensorDataset

from pruneedu import models, pruning, training


def tiny_dataset(n=128, seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, 28, 28, generator=generator)
    y = torch.randint(0, 10, (n,), generator=generator)
    return TensorDataset(x, y)


def test_cubic_schedule_follows_zhu_and_gupta():
    # s_t = 0.9 + (0 - 0.9)(1 - t/3)^3: 0.9 - 0.9*8/27, 0.9 - 0.9/27, 0.9
    assert pruning.cubic_schedule(0.9, rounds=3) == pytest.approx([0.6333, 0.8667, 0.9], abs=1e-4)
    steps = pruning.cubic_schedule(0.95, rounds=7, initial_amount=0.5)
    assert steps[-1] == 0.95 and len(steps) == 7
    assert steps == sorted(steps) and steps[0] > 0.5


def test_cubic_schedule_prunes_more_early_than_late():
    steps = [0.0, *pruning.cubic_schedule(0.98, rounds=10)]
    jumps = [b - a for a, b in zip(steps, steps[1:], strict=False)]
    assert jumps == sorted(jumps, reverse=True)


def test_geometric_schedule_removes_the_same_share_of_survivors_each_round():
    assert pruning.geometric_schedule(0.75, rounds=2) == pytest.approx([0.5, 0.75])
    steps = pruning.geometric_schedule(1 - 0.8**5, rounds=5)  # Frankle & Carbin's 20%
    assert steps == pytest.approx([1 - 0.8**t for t in range(1, 6)])
    assert pruning.geometric_schedule(0.98, rounds=9)[-1] == 0.98


@pytest.mark.parametrize("schedule", [pruning.cubic_schedule, pruning.geometric_schedule])
def test_schedules_reject_bad_arguments(schedule):
    with pytest.raises(ValueError, match="rounds=0 is too small"):
        schedule(0.9, rounds=0)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        schedule(1.0, rounds=3)
    with pytest.raises(ValueError, match="sparsity can only grow"):
        schedule(0.5, rounds=3, initial_amount=0.8)
    with pytest.raises(TypeError, match="rounds must be an int"):
        schedule(0.9, rounds=2.5)


def test_prune_iteratively_reaches_the_target_and_keeps_pruned_weights_at_zero(monkeypatch):
    net = models.lenet_300_100(seed=0)
    seen = []
    original = pruning.prune_weights

    def spy(model, amount, **kwargs):
        seen.append(amount)
        return original(model, amount, **kwargs)

    monkeypatch.setattr(pruning.iterative, "prune_weights", spy)
    steps = pruning.prune_iteratively(
        net, tiny_dataset(64), 0.8, rounds=2, fine_tune_epochs=1, progress=False
    )
    assert steps == pruning.cubic_schedule(0.8, 2) == seen
    pruned = sum(int((m.weight_mask == 0).sum()) for m in (net.fc1, net.fc2, net.fc3))
    assert pruned == round(0.8 * 266200)
    for layer in (net.fc1, net.fc2, net.fc3):
        assert bool((layer.weight[layer.weight_mask == 0] == 0).all())
    # fine-tuning moved the surviving weights away from the seed-0 start
    assert not torch.equal(net.fc3.bias, models.lenet_300_100(seed=0).fc3.bias)


def test_prune_iteratively_with_a_custom_schedule_and_no_fine_tuning():
    net = models.lenet_300_100(seed=0)
    steps = pruning.prune_iteratively(
        net, tiny_dataset(), 0.9, schedule=[0.5, 0.9], fine_tune_epochs=0, progress=False
    )
    once = pruning.prune_weights(models.lenet_300_100(seed=0), 0.9)
    assert steps == [0.5, 0.9]
    assert torch.equal(net.fc1.weight_mask, once.fc1.weight_mask)
    with pytest.raises(ValueError, match="increasing list"):
        pruning.prune_iteratively(net, tiny_dataset(), 0.9, schedule=[0.9, 0.5], progress=False)
    with pytest.raises(ValueError, match="'cubic', 'geometric'"):
        pruning.prune_iteratively(net, tiny_dataset(), 0.9, schedule="linear", progress=False)


def test_rewind_to_init_keeps_masks_and_restores_initial_values():
    net = models.lenet_300_100(seed=0)
    start = copy.deepcopy(net.state_dict())
    training.fit(net, tiny_dataset(), epochs=1, progress=False)
    pruning.prune_weights(net, 0.8)
    masks = [m.weight_mask.clone() for m in (net.fc1, net.fc2, net.fc3)]
    pruning.rewind_to_init(net, start)
    for name, mask in zip(("fc1", "fc2", "fc3"), masks, strict=True):
        layer = getattr(net, name)
        assert torch.equal(layer.weight_mask, mask)
        assert torch.equal(layer.weight_orig, start[f"{name}.weight"])
        assert torch.equal(layer.bias, start[f"{name}.bias"])
        # Already right before any forward pass.
        assert torch.equal(layer.weight, start[f"{name}.weight"] * mask)


def test_rewind_to_init_after_make_permanent_keeps_the_zeros():
    net = models.lenet_300_100(seed=0)
    start = copy.deepcopy(net.state_dict())
    pruning.make_permanent(pruning.prune_weights(net, 0.8))
    zeros = {name: getattr(net, name).weight == 0 for name in ("fc1", "fc2", "fc3")}
    pruning.rewind_to_init(net, start)
    for name, pruned in zeros.items():
        layer = getattr(net, name)
        assert torch.equal(layer.weight, start[f"{name}.weight"] * ~pruned)
        assert torch.equal(layer.bias, start[f"{name}.bias"])


def test_rewind_to_init_rejects_a_state_from_another_model():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), 0.5)
    incomplete = models.lenet_300_100().state_dict()
    del incomplete["fc2.weight"]
    with pytest.raises(ValueError, match="no entry for 'fc2.weight'"):
        pruning.rewind_to_init(net, incomplete)
    small = pruning.prune_nodes(models.lenet_300_100(seed=0), 0.5)
    with pytest.raises(ValueError, match="shape"):
        pruning.rewind_to_init(small, models.lenet_300_100().state_dict())
    with pytest.raises(TypeError, match="state dict"):
        pruning.rewind_to_init(net, [1, 2])


def test_sensitivity_scan_prunes_one_layer_at_a_time_on_copies():
    data = tiny_dataset(200, seed=1)
    net = models.lenet_300_100(seed=0)
    training.fit(net, data, epochs=3, progress=False)
    before = copy.deepcopy(net.state_dict())
    scan = pruning.sensitivity_scan(net, data, amounts=(0.0, 0.5, 0.99))
    assert list(scan.accuracy) == ["fc1", "fc2", "fc3"]
    assert scan.baseline == training.evaluate(net, data).accuracy
    # Pruning nothing changes nothing.
    assert all(row[0] == scan.baseline for row in scan.accuracy.values())
    after = net.state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)
    assert "| fc3 |" in scan.markdown() and "99%" in scan.markdown()
    # The scan agrees with pruning that layer by hand.
    by_hand = pruning.prune_weights(copy.deepcopy(net), 0.99, scope="layer", layers=["fc2"])
    assert scan.accuracy["fc2"][2] == training.evaluate(by_hand, data).accuracy


def test_sensitivity_scan_rejects_bad_amounts():
    net, data = models.lenet_300_100(), tiny_dataset()
    with pytest.raises(ValueError, match="not a fraction of weights"):
        pruning.sensitivity_scan(net, data, amounts=(0.5, 1.0))
    with pytest.raises(ValueError, match="not a fraction of weights"):
        pruning.sensitivity_scan(net, data, amounts=[90])
    with pytest.raises(TypeError, match="list of fractions of weights"):
        pruning.sensitivity_scan(net, data, amounts=0.9)
    with pytest.raises(TypeError, match="fractions of weights such as 0.9"):
        pruning.sensitivity_scan(net, data, amounts=["0.9"])
    with pytest.raises(ValueError, match="empty"):
        pruning.sensitivity_scan(net, data, amounts=[])


def test_sensitivity_scan_leaves_a_masked_model_untouched():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), 0.5)
    before = copy.deepcopy(net.state_dict())
    scan = pruning.sensitivity_scan(net, tiny_dataset(), amounts=(0.25, 0.9))
    after = net.state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)
    # 0.25 is below the 50% already pruned: that column is the unchanged model.
    assert all(row[0] == scan.baseline for row in scan.accuracy.values())


def test_custom_schedules_and_initial_states_of_the_wrong_type_are_rejected():
    with pytest.raises(TypeError, match="schedule must hold fractions of weights"):
        pruning.prune_iteratively(models.lenet_300_100(), tiny_dataset(), 0.9, schedule=["a"])
    with pytest.raises(ValueError, match="not a fraction of weights"):
        pruning.prune_iteratively(models.lenet_300_100(), tiny_dataset(), 90, schedule=[50, 90])
    arrays = {k: v.numpy() for k, v in models.lenet_300_100().state_dict().items()}
    with pytest.raises(TypeError, match="not a tensor"):
        pruning.rewind_to_init(models.lenet_300_100(), arrays)
