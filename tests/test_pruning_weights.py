"""Weight pruning: exact masks on hand-made layers, torch as the reference, invariants."""

import copy
from collections import OrderedDict

import pytest
import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu import models, pruning


def linear(weight, bias=None):
    """A Linear layer holding exactly the given weights."""
    weight = torch.tensor(weight, dtype=torch.float32)
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(torch.zeros(weight.shape[0]) if bias is None else torch.tensor(bias))
    return layer


def two_layers():
    return nn.Sequential(
        OrderedDict(
            [
                ("a", linear([[0.1, 0.2], [3.0, 4.0]])),
                ("relu", nn.ReLU()),
                ("b", linear([[0.3, 5.0], [6.0, 7.0]])),
            ]
        )
    )


def test_layer_scope_prunes_smallest_magnitudes_of_each_layer():
    net = nn.Sequential(OrderedDict(a=linear([[1.0, -5.0, 3.0, 0.5], [2.0, -0.1, 4.0, -6.0]])))
    pruning.prune_weights(net, amount=0.5, scope="layer")
    assert net.a.weight_mask.tolist() == [[0, 1, 1, 0], [0, 0, 1, 1]]


def test_global_scope_uses_one_threshold_for_all_layers():
    net = two_layers()
    pruning.prune_weights(net, amount=0.5, scope="global")
    # The four smallest of all eight magnitudes are 0.1, 0.2, 0.3 and 3.0.
    assert net.a.weight_mask.tolist() == [[0, 0], [0, 1]]
    assert net.b.weight_mask.tolist() == [[0, 1], [1, 1]]


def test_layer_scope_differs_from_global_on_the_same_model():
    net = two_layers()
    pruning.prune_weights(net, amount=0.5, scope="layer")
    assert net.a.weight_mask.tolist() == [[0, 0], [1, 1]]
    assert net.b.weight_mask.tolist() == [[0, 0], [1, 1]]


def test_int_amount_is_a_count_of_weights():
    net = two_layers()
    pruning.prune_weights(net, amount=3)
    assert int((net.a.weight_mask == 0).sum() + (net.b.weight_mask == 0).sum()) == 3
    assert net.b.weight_mask.tolist() == [[0, 1], [1, 1]]


def test_global_masks_equal_torch_global_unstructured():
    ours, theirs = models.lenet_300_100(seed=0), models.lenet_300_100(seed=0)
    pruning.prune_weights(ours, amount=0.8)
    prune.global_unstructured(
        [(theirs.fc1, "weight"), (theirs.fc2, "weight"), (theirs.fc3, "weight")],
        pruning_method=prune.L1Unstructured,
        amount=0.8,
    )
    for name in ("fc1", "fc2", "fc3"):
        assert torch.equal(getattr(ours, name).weight_mask, getattr(theirs, name).weight_mask)


def test_pruning_twice_globally_equals_torch_global_unstructured_twice():
    # torch's amount on a second call is a share of the weights still unpruned, ours is the
    # target sparsity: our 50% then 80% is torch's 50% then 60% (0.5 + 0.5 * 0.6 = 0.8).
    ours, theirs = models.lenet_300_100(seed=0), models.lenet_300_100(seed=0)
    layers = [(theirs.fc1, "weight"), (theirs.fc2, "weight"), (theirs.fc3, "weight")]
    for target, share_of_rest in ((0.5, 0.5), (0.8, 0.6)):
        pruning.prune_weights(ours, amount=target)
        prune.global_unstructured(layers, pruning_method=prune.L1Unstructured, amount=share_of_rest)
        for name in ("fc1", "fc2", "fc3"):
            assert torch.equal(getattr(ours, name).weight_mask, getattr(theirs, name).weight_mask)


def test_layer_scope_prunes_each_layer_to_the_rounded_fraction():
    # 0.3333 of 500, 25000, 400000 and 5000 weights is 166.65, 8332.5, 133320 and 1666.5:
    # rounded half to even as torch does, 167, 8332, 133320 and 1666.
    net = pruning.prune_weights(models.lenet5(seed=0), amount=0.3333, scope="layer")
    expected = {"conv1": 167, "conv2": 8332, "fc1": 133320, "fc2": 1666}
    for name, count in expected.items():
        assert int((getattr(net, name).weight_mask == 0).sum()) == count


def test_mask_helpers_reject_non_models_in_one_sentence():
    for helper in (
        pruning.copy_model,
        pruning.effective_weight,
        pruning.effective_state_dict,
        pruning.prunable_layers,
    ):
        with pytest.raises(TypeError, match="torch.nn.Module"):
            helper("fc1")
    with pytest.raises(ValueError, match="no tensor named 'weight'"):
        pruning.effective_weight(nn.ReLU())


def test_layer_masks_equal_torch_l1_unstructured():
    ours, theirs = models.lenet5(seed=1), models.lenet5(seed=1)
    pruning.prune_weights(ours, amount=0.7, scope="layer")
    for name in ("conv1", "conv2", "fc1", "fc2"):
        prune.l1_unstructured(getattr(theirs, name), "weight", amount=0.7)
        assert torch.equal(getattr(ours, name).weight_mask, getattr(theirs, name).weight_mask)


def test_amount_is_the_target_sparsity_when_pruning_again():
    net = models.lenet_300_100(seed=0)
    pruning.prune_weights(net, amount=0.5)
    first = {n: getattr(net, n).weight_mask.clone() for n in ("fc1", "fc2", "fc3")}
    pruning.prune_weights(net, amount=0.8)
    total = 784 * 300 + 300 * 100 + 100 * 10
    pruned = sum(int((getattr(net, n).weight_mask == 0).sum()) for n in first)
    assert pruned == round(0.8 * total)
    for name, old in first.items():
        new = getattr(net, name).weight_mask
        assert bool((new <= old).all()), "a weight pruned in round one came back"
        hooks = list(getattr(net, name)._forward_pre_hooks.values())
        assert isinstance(hooks[0], prune.PruningContainer)
    # Without training in between, 50% then 80% by magnitude is the same as 80% at once.
    once = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.8)
    for name in first:
        assert torch.equal(getattr(net, name).weight_mask, getattr(once, name).weight_mask)


def test_target_below_current_sparsity_is_an_error_and_changes_nothing():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.8)
    before = copy.deepcopy(net.state_dict())
    with pytest.raises(ValueError, match="target sparsity"):
        pruning.prune_weights(net, amount=0.5)
    with pytest.raises(ValueError, match="target sparsity"):
        pruning.prune_weights(net, amount=0.5, scope="layer")
    after = net.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_importance_uses_current_weights_even_before_a_forward_pass():
    net = two_layers()
    pruning.prune_weights(net, amount=0)
    with torch.no_grad():  # what an optimizer step does: net.a.weight is now stale
        net.a.weight_orig.copy_(torch.tensor([[9.0, 8.0], [0.01, 0.02]]))
    pruning.prune_weights(net, amount=2)
    assert net.a.weight_mask.tolist() == [[1, 1], [0, 0]]


def test_layers_argument_limits_pruning_to_the_named_layers():
    net = models.lenet_300_100(seed=0)
    pruning.prune_weights(net, amount=0.9, layers=["fc1"])
    assert float((net.fc1.weight == 0).float().mean()) == pytest.approx(0.9, abs=1e-5)
    assert not hasattr(net.fc2, "weight_mask") and not hasattr(net.fc3, "weight_mask")


def test_random_pruning_hits_the_amount_and_is_seeded():
    torch.manual_seed(3)
    a = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.6, method="random")
    torch.manual_seed(3)
    b = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.6, method="random")
    magnitude = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.6)
    assert torch.equal(a.fc1.weight_mask, b.fc1.weight_mask)
    assert not torch.equal(a.fc1.weight_mask, magnitude.fc1.weight_mask)
    total = sum(int((getattr(a, n).weight_mask == 0).sum()) for n in ("fc1", "fc2", "fc3"))
    assert total == round(0.6 * 266200)


def test_biases_are_never_pruned():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    assert not any(name.startswith("bias") for name, _ in net.fc1.named_buffers())
    assert torch.equal(net.fc1.bias, models.lenet_300_100(seed=0).fc1.bias)


def test_weight_equals_orig_times_mask_and_masked_weights_get_no_gradient():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.7)
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    net(x).sum().backward()
    for layer in (net.fc1, net.fc2, net.fc3):
        assert torch.equal(layer.weight, layer.weight_orig * layer.weight_mask)
        assert bool((layer.weight_orig.grad[layer.weight_mask == 0] == 0).all())
        assert bool((layer.weight_orig.grad[layer.weight_mask == 1] != 0).any())


def test_make_permanent_keeps_outputs_bit_for_bit():
    net = pruning.prune_weights(models.lenet5(seed=0), amount=0.9)
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    before = net(x)
    pruning.make_permanent(net)
    assert torch.equal(net(x), before)
    keys = list(net.state_dict())
    assert not any(k.endswith(("_orig", "_mask")) for k in keys)
    assert float((net.fc1.weight == 0).float().mean()) > 0.85
    assert all(not layer._forward_pre_hooks for layer in net.modules())


def test_copy_model_copies_a_masked_model_that_deepcopy_refuses():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.5)
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    net(x).sum().backward()  # the cached weight now belongs to an autograd graph
    with pytest.raises(RuntimeError):
        copy.deepcopy(net)
    twin = pruning.copy_model(net)
    assert torch.equal(twin(x), net(x))
    with torch.no_grad():
        twin.fc1.weight_orig.add_(1.0)
    assert not torch.equal(twin.fc1.weight_orig, net.fc1.weight_orig)


@pytest.mark.parametrize("amount", [1.0, -0.1, 1.5, -1, 266201])
def test_amount_out_of_range_is_a_value_error(amount):
    with pytest.raises(ValueError, match="amount"):
        pruning.prune_weights(models.lenet_300_100(seed=0), amount=amount)


@pytest.mark.parametrize("amount", ["0.5", None, True])
def test_amount_of_wrong_type_is_a_type_error(amount):
    with pytest.raises(TypeError, match="amount"):
        pruning.prune_weights(models.lenet_300_100(seed=0), amount=amount)


def test_unknown_scope_and_method_list_the_valid_choices():
    net = models.lenet_300_100(seed=0)
    with pytest.raises(ValueError, match="'global', 'layer'"):
        pruning.prune_weights(net, 0.5, scope="local")
    with pytest.raises(ValueError, match="'magnitude', 'random'"):
        pruning.prune_weights(net, 0.5, method="l2")
    assert not hasattr(net.fc1, "weight_mask")


def test_models_without_prunable_layers_and_non_models_are_rejected():
    with pytest.raises(ValueError, match="no Linear or Conv2d"):
        pruning.prune_weights(nn.Sequential(nn.ReLU()), 0.5)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        pruning.prune_weights([1, 2, 3], 0.5)
    with pytest.raises(ValueError, match="No prunable layer named 'fc9'"):
        pruning.prune_weights(models.lenet_300_100(), 0.5, layers=["fc9"])
    with pytest.raises(TypeError, match="list of layer names"):
        pruning.prune_weights(models.lenet_300_100(), 0.5, layers="fc1")


def test_random_pruning_composes_too():
    net = models.lenet_300_100(seed=0)
    torch.manual_seed(0)
    pruning.prune_weights(net, amount=0.5, method="random", scope="layer")
    first = net.fc2.weight_mask.clone()
    pruning.prune_weights(net, amount=0.8, method="random", scope="layer")
    assert bool((net.fc2.weight_mask <= first).all())
    assert int((net.fc2.weight_mask == 0).sum()) == round(0.8 * 300 * 100)
