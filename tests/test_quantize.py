"""Int8 quantization after pruning keeps pruned weights at zero and accuracy close."""

import pytest
import torch

from pruneedu import data, metrics, models, pruning, training
from pruneedu.quantize import quantize_int8


def test_pruned_weights_become_int8_zero_and_the_original_is_untouched():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    small = quantize_int8(net)
    for name in ("fc1", "fc2", "fc3"):
        q = getattr(small, name).weight()
        assert q.dtype == torch.qint8 and q.q_zero_point() == 0
        zeros = getattr(net, name).weight_mask == 0
        assert bool((q.int_repr()[zeros] == 0).all())
        assert bool((q.int_repr()[~zeros] != 0).any())
    assert hasattr(net.fc1, "weight_mask")
    assert metrics.sparsity(net) == round(0.9 * 266200) / 266200


def test_int8_outputs_and_accuracy_stay_close_to_float():
    mnist = data.load_mnist()
    net = models.lenet_300_100(seed=0)
    training.fit(net, mnist.train, epochs=1, progress=False)
    pruning.prune_weights(net, amount=0.8)
    small = quantize_int8(net)
    x = mnist.test.tensors[0][:200]
    with torch.no_grad():
        reference, quantized = net(x), small(x)
    assert (reference.argmax(1) == quantized.argmax(1)).float().mean() >= 0.97
    fp32 = training.evaluate(net, mnist.test).accuracy
    int8 = training.evaluate(small, mnist.test).accuracy
    assert abs(fp32 - int8) <= 0.01


def test_sparsity_of_a_quantized_model_counts_its_int8_zeros():
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    small = quantize_int8(net)
    before, after = metrics.layer_sparsity(net), metrics.layer_sparsity(small)
    assert list(after) == ["fc1", "fc2", "fc3"]
    # Pruned weights stay zero; a few tiny survivors may round to zero as well.
    assert all(after[name] >= before[name] for name in before)
    assert metrics.sparsity(small) == pytest.approx(metrics.sparsity(net), abs=0.01)


def test_quantized_models_are_measured_before_quantizing():
    small = quantize_int8(models.lenet_300_100(seed=0))
    with pytest.raises(TypeError, match="before quantize_int8"):
        metrics.model_size_bytes(small, "sparse")


def test_quantized_sparsity_is_the_share_of_weights_that_round_to_int8_zero():
    # Reference: torch's symmetric int8 step is max|w| / 127.5 per tensor; a weight becomes
    # int8 zero when |w| / step rounds to 0, i.e. |w| < step / 2 (no weight sits on the tie).
    # Random pruning leaves small survivors, some of which round to zero.
    torch.manual_seed(0)
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.5, method="random")
    zeros = total = 0
    for layer in (net.fc1, net.fc2, net.fc3):
        weight = pruning.effective_weight(layer)
        step = weight.abs().max() / 127.5
        zeros += int((weight.abs() < step / 2).sum())
        total += weight.numel()
    assert zeros > round(0.5 * total)
    assert metrics.sparsity(quantize_int8(net)) == zeros / total


def test_parameter_count_and_macs_of_a_quantized_model_match_the_float_model():
    for net in (models.lenet_300_100(seed=0), models.lenet5(seed=0)):
        small = quantize_int8(net)
        assert metrics.parameter_count(small) == metrics.parameter_count(net)
        assert metrics.macs(small) == metrics.macs(net)
    net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.5)
    small = quantize_int8(net)
    int8_zeros = sum(
        int((small._modules[n].weight().int_repr() == 0).sum()) for n in ("fc1", "fc2", "fc3")
    )
    assert metrics.parameter_count(small, nonzero_only=True) == 266610 - int8_zeros


def test_pruning_an_int8_model_says_to_prune_the_float_model_first():
    small = quantize_int8(models.lenet_300_100(seed=0))
    with pytest.raises(ValueError, match="prune the float model first"):
        pruning.prune_weights(small, amount=0.5)
