"""DESIGN.md's public API, name for name and keyword for keyword: other code and the
project's checks call exactly these."""

from torch.utils.data import TensorDataset

from pruneedu import data, metrics, models, pruning, training


def test_the_design_snippet_runs_as_written():
    mnist = data.load_mnist()
    images, labels = mnist.train.tensors
    assert images.dtype.is_floating_point and tuple(images.shape[1:]) == (1, 28, 28)
    assert 0.0 <= float(images.min()) and float(images.max()) <= 1.0
    assert str(labels.dtype) == "torch.int64"
    net = models.lenet_300_100()
    models.lenet5()
    models.pretrained("lenet-300-100")
    few = TensorDataset(images[:256], labels[:256])  # the snippet trains 10 epochs on all
    training.fit(net, few, epochs=1, seed=0)
    report = training.evaluate(net, mnist.test)
    assert {"accuracy", "precision", "recall", "confusion"} <= set(vars(report))
    pruning.prune_weights(net, amount=0.9, scope="global")
    assert hasattr(net.fc1, "weight_mask")  # masks via torch.nn.utils.prune
    pruning.make_permanent(net)
    assert not hasattr(net.fc1, "weight_mask")
    small = pruning.prune_nodes(net, amount=0.5)
    assert small is not net and small.fc1.out_features == 150
    assert metrics.sparsity(net) == round(0.9 * 266_200) / 266_200
    assert metrics.parameter_count(net, nonzero_only=True) < metrics.parameter_count(net)
    for storage in ("dense", "sparse"):
        assert metrics.model_size_bytes(net, storage=storage) > 0
    assert metrics.latency_ms(net, batch_size=256) > 0
