"""Pruning benchmark on LeNet-300-100 and the bundled MNIST digits; prints Markdown tables.

Run: ``.venv/bin/python benchmarks/bench_pruning.py`` (about 2-4 minutes on 2 cores).
``benchmarks/README.md`` explains every table. All accuracies are on the held-out test split
(1,000 images, so one image = 0.1 point); the fine-tuning settings were chosen on the
validation split. Everything is compared side by side in this one process.
"""

from __future__ import annotations

import io
import statistics
import time
import warnings

import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu import data, metrics, models, pruning, training
from pruneedu.quantize import quantize_int8

SPARSITIES = (0.5, 0.8, 0.9, 0.95, 0.98)
SEEDS = (0, 1, 2)
# Fine-tuning budget, the same for every method: 10 epochs in total at lr 0.05 (the rate the
# model was trained with). The iterative schedule spreads them over 5 cubic rounds. Chosen on
# the validation split among lr 0.005-0.05, 2-10 rounds, cubic vs geometric.
EPOCHS, ROUNDS, LR = 10, 5, 0.05
NODE_AMOUNTS = (0.25, 0.5, 0.75)
CSR_SPARSITIES = (0.5, 0.9, 0.95, 0.98)


def accuracy(net: nn.Module, dataset) -> float:
    return 100.0 * training.evaluate(net, dataset).accuracy


def one_shot(base: nn.Module, sparsity: float, seed: int, train, epochs: int) -> nn.Module:
    """The baseline, written with torch.nn.utils.prune directly: prune once, then fine-tune."""
    net = pruning.copy_model(base)
    layers = [(net.fc1, "weight"), (net.fc2, "weight"), (net.fc3, "weight")]
    prune.global_unstructured(layers, pruning_method=prune.L1Unstructured, amount=sparsity)
    if epochs:
        training.fine_tune(net, train, epochs=epochs, lr=LR, seed=seed)
    return net


def iterative(base: nn.Module, sparsity: float, seed: int, train) -> nn.Module:
    net = pruning.copy_model(base)
    pruning.prune_iteratively(
        net,
        train,
        sparsity,
        rounds=ROUNDS,
        schedule="cubic",
        fine_tune_epochs=EPOCHS // ROUNDS,
        lr=LR,
        seed=seed * 100,
        progress=False,
    )
    return net


def random_pruned(base: nn.Module, sparsity: float, seed: int, train) -> nn.Module:
    net = pruning.copy_model(base)
    torch.manual_seed(seed)
    pruning.prune_weights(net, sparsity, method="random")
    training.fine_tune(net, train, epochs=EPOCHS, lr=LR, seed=seed)
    return net


def spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def accuracy_table(base: nn.Module, mnist) -> dict[float, nn.Module]:
    """Table 1; returns the seed-0 iterative models for the size table."""
    dense = accuracy(base, mnist.test)
    tuned = pruning.copy_model(base)
    training.fine_tune(tuned, mnist.train, epochs=EPOCHS, lr=LR, seed=0)
    dense_tuned = accuracy(tuned, mnist.test)
    print("## 1. Accuracy vs sparsity (test %, mean and range over fine-tuning seeds 0-2)\n")
    print(
        f"Dense model: {dense:.1f}%. The same dense model fine-tuned with the same budget: "
        f"{dense_tuned:.1f}%. Budget for every pruned model: {EPOCHS} epochs at lr {LR}; "
        f"iterative = {ROUNDS} cubic rounds of {EPOCHS // ROUNDS} epochs.\n"
    )
    print(
        "| sparsity | one-shot, no fine-tuning | one-shot + budget (torch) "
        "| iterative (ours) | random + budget |"
    )
    print("|---:|---:|---:|---:|---:|")
    kept, means = {}, {}
    for sparsity in SPARSITIES:
        rows: dict[str, list[float]] = {"bare": [], "one": [], "iter": [], "random": []}
        rows["bare"].append(accuracy(one_shot(base, sparsity, 0, mnist.train, 0), mnist.test))
        for seed in SEEDS:
            rows["one"].append(
                accuracy(one_shot(base, sparsity, seed, mnist.train, EPOCHS), mnist.test)
            )
            net = iterative(base, sparsity, seed, mnist.train)
            rows["iter"].append(accuracy(net, mnist.test))
            if seed == 0:
                kept[sparsity] = net
            rows["random"].append(
                accuracy(random_pruned(base, sparsity, seed, mnist.train), mnist.test)
            )
        means[sparsity] = {k: statistics.mean(v) for k, v in rows.items()}
        print(
            f"| {sparsity:.0%} | {rows['bare'][0]:.1f} | {spread(rows['one'])} "
            f"| {spread(rows['iter'])} | {spread(rows['random'])} |"
        )
    loss = dense - means[0.95]["iter"]
    margin = means[0.98]["iter"] - means[0.98]["one"]
    print(
        f"\nGoal: iterative loses <= 1.0 point at 95% vs the dense model: {loss:+.1f} "
        f"points lost -> {verdict(loss <= 1.0)}"
    )
    print(
        f"Goal: iterative beats one-shot + same budget by >= 5 points at 98%: "
        f"{margin:+.1f} points -> {verdict(margin >= 5.0)}"
    )
    bare_margin = means[0.98]["iter"] - means[0.98]["bare"]
    print(
        f"(For context, not the goal: iterative vs one-shot WITHOUT fine-tuning at 98%: "
        f"{bare_margin:+.1f} points.)\n"
    )
    return kept


class CSRLinear(nn.Module):
    """A Linear layer whose weight is stored as torch's sparse CSR matrix."""

    def __init__(self, layer: nn.Linear):
        super().__init__()
        with warnings.catch_warnings():  # torch's "sparse CSR is in beta" notice
            warnings.simplefilter("ignore", UserWarning)
            self.weight = pruning.effective_weight(layer).to_sparse_csr()
        self.bias = layer.bias.detach().clone()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sparse.mm(self.weight, x.t()).t() + self.bias


def to_csr(net: nn.Sequential) -> nn.Sequential:
    csr = pruning.copy_model(net)
    for name, module in list(csr.named_children()):
        if isinstance(module, nn.Linear):
            setattr(csr, name, CSRLinear(module))
    return csr


def speed_table(base: nn.Module, mnist) -> None:
    """Table 2: latency speedup vs the MAC ratio; measurements interleaved to share noise."""
    candidates: list[tuple[str, nn.Module, float, str]] = []  # label, model, ideal, accuracy
    for multiple_of in (1, 8):
        for amount in NODE_AMOUNTS:
            small = pruning.prune_nodes(base, amount=amount, multiple_of=multiple_of)
            tuned = pruning.copy_model(small)
            training.fine_tune(tuned, mnist.train, epochs=EPOCHS, lr=LR, seed=0)
            ideal = metrics.macs(base) / metrics.macs(small)
            acc = f"{accuracy(small, mnist.test):.1f} / {accuracy(tuned, mnist.test):.1f}"
            widths = f"{small.fc1.out_features}-{small.fc2.out_features}"
            label = f"nodes -{amount:.0%}, widths {widths}" + (
                f" (multiple_of={multiple_of})" if multiple_of > 1 else ""
            )
            candidates.append((label, small, ideal, acc))
    for sparsity in (0.9, 0.98):
        masked = one_shot(base, sparsity, 0, mnist.train, 0)
        ideal = metrics.macs(masked) / metrics.macs(masked, skip_zeros=True)
        plain = pruning.make_permanent(pruning.copy_model(masked))
        candidates.append((f"weights {sparsity:.0%} (dense kernels)", plain, ideal, "-"))
    for sparsity in CSR_SPARSITIES:
        masked = one_shot(base, sparsity, 0, mnist.train, 0)
        ideal = metrics.macs(masked) / metrics.macs(masked, skip_zeros=True)
        candidates.append((f"weights {sparsity:.0%} (torch CSR)", to_csr(masked), ideal, "-"))
    models_by_label = {"dense": base, **{label: net for label, net, _, _ in candidates}}
    timings: dict[tuple[str, int], list[float]] = {}
    for batch in (1, 256):
        for _ in range(5):
            for label, net in models_by_label.items():
                ms = metrics.latency_ms(net, batch_size=batch, repeats=3, min_run_time=0.04)
                timings.setdefault((label, batch), []).append(ms)
    median = {key: statistics.median(values) for key, values in timings.items()}
    print("## 2. Speed: measured latency speedup vs the ideal (MAC ratio), 1 thread\n")
    print(
        f"Dense: {median[('dense', 1)]:.3f} ms at batch 1, {median[('dense', 256)]:.3f} ms at "
        "batch 256. Speedup = dense latency / model latency; efficiency = speedup / MAC ratio. "
        "Node-pruned accuracy: right after pruning / after the same 10-epoch fine-tuning.\n"
    )
    print("| model | MAC ratio | speedup b=1 | speedup b=256 | efficiency b=256 | test acc % |")
    print("|---|---:|---:|---:|---:|---:|")
    verdicts = {1: True, 8: True}
    for label, _, ideal, acc in candidates:
        s1 = median[("dense", 1)] / median[(label, 1)]
        s256 = median[("dense", 256)] / median[(label, 256)]
        print(f"| {label} | {ideal:.2f}x | {s1:.2f}x | {s256:.2f}x | {s256 / ideal:.0%} | {acc} |")
        if label.startswith("nodes"):
            key = 8 if "multiple_of" in label else 1
            verdicts[key] = verdicts[key] and s256 >= 0.9 * ideal
    print(
        "\nGoal: node pruning reaches >= 90% of the MAC ratio at batch 256 (every amount): "
        f"exact widths {verdict(verdicts[1])}; widths rounded to multiples of 8 "
        f"{verdict(verdicts[8])}\n"
    )


def decoded_accuracy(net: nn.Module, storage: str, test) -> float:
    """Accuracy of exactly what the file holds: write it, read it back, evaluate."""
    buffer = io.BytesIO()
    pruning.save_compressed(net, buffer, storage)
    buffer.seek(0)
    fresh = models.lenet_300_100()
    fresh.load_state_dict(pruning.load_compressed(buffer))
    return accuracy(fresh, test)


def size_table(base: nn.Module, pruned: dict[float, nn.Module], mnist) -> None:
    dense_bytes = metrics.model_size_bytes(base, "dense")
    dense_acc = accuracy(base, mnist.test)
    print("## 3. Bytes on disk (files really written; accuracy of the decoded file)\n")
    print(f"Dense fp32 model: {dense_bytes:,} bytes, {dense_acc:.1f}% test accuracy.\n")
    print("| model | storage | bytes | smaller than dense fp32 | test acc % | loss (points) |")
    print("|---|---|---:|---:|---:|---:|")
    best = 0.0
    entries = [("dense", base)] + [(f"iterative {s:.0%}", pruned[s]) for s in (0.95, 0.98)]
    for label, net in entries:
        for storage in pruning.STORAGES:
            size = metrics.model_size_bytes(net, storage)
            acc = decoded_accuracy(net, storage, mnist.test)
            ratio = dense_bytes / size
            if dense_acc - acc <= 1.0:
                best = max(best, ratio)
            print(
                f"| {label} | {storage} | {size:,} | {ratio:.1f}x | {acc:.1f} "
                f"| {dense_acc - acc:+.1f} |"
            )
    quantized = quantize_int8(pruned[0.95])
    buffer = io.BytesIO()
    torch.save(quantized.state_dict(), buffer)
    acc = accuracy(quantized, mnist.test)
    print(
        f"| iterative 95% | torch quantize_int8 + torch.save | {len(buffer.getvalue()):,} "
        f"| {dense_bytes / len(buffer.getvalue()):.1f}x | {acc:.1f} | {dense_acc - acc:+.1f} |"
    )
    print(
        f"\nGoal: >= 25x smaller than dense fp32 at <= 1 point accuracy loss: best {best:.1f}x "
        f"-> {verdict(best >= 25)}\n"
    )


def main() -> None:
    start = time.perf_counter()
    torch.set_num_threads(1)  # the same conditions for every model; a 2-core laptop is shared
    mnist = data.load_mnist()
    base = models.pretrained("lenet-300-100")
    print("# Pruning benchmark: LeNet-300-100 on the bundled MNIST digits\n")
    kept = accuracy_table(base, mnist)
    speed_table(base, mnist)
    size_table(base, kept, mnist)
    print(f"Total time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
