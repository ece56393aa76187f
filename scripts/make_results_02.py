"""Measure what notebook 02-weight-vs-node quotes; write `notebooks/results/02-weight-vs-node.json`.

Run from the repository root:  .venv/bin/python scripts/make_results_02.py  (3-6 minutes on
2 shared cores). The notebook reads the file instead of repeating the slow parts;
``tests/test_notebook_02_facts.py`` recomputes the cheap entries and fails if the file rots.

Accuracies are deterministic (seeded): methods are compared on the validation split and
reported on the test split (1,000 digits, one digit = 0.1 point), over fine-tuning seeds 0-2,
with a random baseline. Timings are not: every timing is the median of interleaved repeats,
one thread, run side by side with the dense model in this one process, and the file keeps
only ratios against that dense model (plus the machine they came from).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from pruneedu import data, metrics, models, pruning, training
from pruneedu.results_02 import fewer_fc1_neurons, merged_fc2_fc3, new_head, random_nodes

OUTPUT = Path(__file__).resolve().parents[1] / "notebooks" / "results" / "02-weight-vs-node.json"
SEEDS = (0, 1, 2)
TUNE = {"epochs": 2, "lr": 0.005}          # the course's default fine-tuning (training.fine_tune)
NODE_AMOUNTS = (0.25, 0.5, 0.75)
KERNEL_SPARSITIES = (0.5, 0.8, 0.9, 0.95, 0.98)
BATCHES = (1, 256)
MULTIPLES = (1, 16)
WIDTHS = tuple(range(64, 161, 4))          # fc1 widths for the width sweep
MEASURED = ("sparse_kernels", "node_speed", "width_sweep", "layer_speed")
# Models timed per round by each table, for the progress bar.
TIMED_MODELS = {"sparse_kernels": len(KERNEL_SPARSITIES) * len(BATCHES) * 4,
                "node_speed": len(BATCHES) * (1 + len(NODE_AMOUNTS) * len(MULTIPLES)),
                "width_sweep": len(WIDTHS) + 1, "layer_speed": 3 * len(BATCHES)}
ROUNDS = 11                                 # interleaved timing rounds; medians over them
BLOCK_MS = 40                               # CPU time per timed block of calls


def percent(value: float) -> float:
    return round(100.0 * value, 1)


def accuracies(net: nn.Module, mnist: data.MNIST) -> dict[str, float]:
    """Validation and test accuracy in percent (choose on val, report test)."""
    return {split: percent(training.evaluate(net, getattr(mnist, split)).accuracy)
            for split in ("val", "test")}


def tuned(net: nn.Module, mnist: data.MNIST, seed: int) -> nn.Module:
    net = pruning.copy_model(net)
    training.fine_tune(net, mnist.train, seed=seed, **TUNE)
    return net


# -- neurons: L1 ranking against random neurons ------------------------------------------------

def neuron_ranking(net: nn.Sequential, mnist: data.MNIST, progress: tqdm) -> list[dict]:
    """Per amount and method: accuracy before and after fine-tuning, for seeds 0-2.

    L1 ranking is deterministic, so its seeds only change the fine-tuning; the random baseline
    draws other neurons with every seed.
    """
    rows = []
    for amount in NODE_AMOUNTS:
        for method in ("l1", "random"):
            for seed in SEEDS:
                small = (pruning.prune_nodes(net, amount=amount) if method == "l1"
                         else random_nodes(net, amount, seed))
                rows.append({"amount": amount, "method": method, "seed": seed,
                             "before": accuracies(small, mnist),
                             "after": accuracies(tuned(small, mnist, seed), mnist)})
                progress.update()
    return rows


# -- 2:4 semi-structured -----------------------------------------------------------------------

def semi_structured(net: nn.Module, mnist: data.MNIST, progress: tqdm) -> dict:
    """2:4 against the same 50% of zeros placed freely, at random, and the dense model."""
    makers = {
        "2:4": lambda seed: pruning.prune_nm(pruning.copy_model(net)),
        "free": lambda seed: pruning.prune_weights(pruning.copy_model(net), 0.5),
        "random": lambda seed: random_weights(net, 0.5, seed),
        "dense": lambda seed: pruning.copy_model(net),
    }
    result = {}
    for name, make in makers.items():
        before, after = [], []
        for seed in SEEDS:
            model = make(seed)
            before.append(accuracies(model, mnist))
            after.append(accuracies(tuned(model, mnist, seed), mnist))
            progress.update()
        result[name] = {"sparsity": round(metrics.sparsity(make(0)), 4),
                        "before": before, "after": after}
    return result


def random_weights(net: nn.Module, amount: float, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return pruning.prune_weights(pruning.copy_model(net), amount, method="random")


# -- whole layers ------------------------------------------------------------------------------

def whole_layers(net: nn.Sequential, mnist: data.MNIST, progress: tqdm) -> dict:
    variants = {
        "dense": lambda seed: pruning.copy_model(net),
        "merge fc2+fc3": lambda seed: merged_fc2_fc3(net),
        "new head": lambda seed: new_head(net, seed),
    }
    merged_size = metrics.parameter_count(merged_fc2_fc3(net))
    variants["fewer fc1 neurons"] = lambda seed: fewer_fc1_neurons(net, merged_size)
    result = {}
    for name, make in variants.items():
        model = make(0)
        result[name] = {"parameters": metrics.parameter_count(model),
                        "macs": metrics.macs(model), "layers": sum(
                            isinstance(m, nn.Linear) for m in model.modules()),
                        "before": [], "after": []}
        for seed in SEEDS:
            model = make(seed)
            result[name]["before"].append(accuracies(model, mnist))
            result[name]["after"].append(accuracies(tuned(model, mnist, seed), mnist))
            progress.update()
    return result


# -- timings -----------------------------------------------------------------------------------

class SparseLinear(nn.Module):
    """A Linear layer whose weight is one of torch's sparse layouts (CSR or COO)."""

    def __init__(self, layer: nn.Module, layout: str):
        super().__init__()
        weight = pruning.effective_weight(layer).detach()
        with warnings.catch_warnings():  # torch's "sparse CSR is in beta" notice
            warnings.simplefilter("ignore", UserWarning)
            self.weight = weight.to_sparse_csr() if layout == "csr" else weight.to_sparse_coo()
        self.bias = layer.bias.detach().clone()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sparse.mm(self.weight, x.t()).t() + self.bias


def with_layout(net: nn.Sequential, layout: str) -> nn.Sequential:
    if layout == "dense":
        return pruning.make_permanent(pruning.copy_model(net))
    copy = pruning.copy_model(net)
    for name, module in list(copy.named_children()):
        if isinstance(module, nn.Linear):
            setattr(copy, name, SparseLinear(module, layout))
    return copy


def cpu_ms(model: nn.Module, inputs: torch.Tensor, calls: int) -> float:
    """CPU time of this thread per forward pass, in milliseconds.

    CPU time rather than wall-clock time: on a laptop shared with other jobs, the wall clock
    also counts the time spent waiting for a core, which has nothing to do with the model.
    With one torch thread, the whole forward pass runs on this thread.
    """
    start = time.thread_time_ns()
    for _ in range(calls):
        model(inputs)
    return (time.thread_time_ns() - start) / calls / 1e6


@torch.inference_mode()
def median_ms(models_to_time: dict, batch: int, progress: tqdm) -> dict[str, float]:
    """Median CPU milliseconds per forward pass; rounds interleave the models."""
    inputs = torch.rand(batch, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    calls = {}
    for name, model in models_to_time.items():
        model.eval()
        single = max(cpu_ms(model, inputs, 3), 1e-3)  # also the warm-up
        calls[name] = max(3, int(BLOCK_MS / single))
    times: dict[str, list[float]] = {name: [] for name in models_to_time}
    for _ in range(ROUNDS):
        for name, model in models_to_time.items():
            times[name].append(cpu_ms(model, inputs, calls[name]))
            progress.update()
    return {name: statistics.median(values) for name, values in times.items()}


def sparse_kernels(net: nn.Sequential, progress: tqdm) -> list[dict]:
    """Speed-up over the dense model of torch's CSR/COO kernels and of dense kernels on zeros."""
    rows = []
    for sparsity in KERNEL_SPARSITIES:
        masked = pruning.prune_weights(pruning.copy_model(net), sparsity)
        mac_ratio = metrics.macs(masked) / metrics.macs(masked, skip_zeros=True)
        candidates = {"dense model": pruning.copy_model(net),
                      **{layout: with_layout(masked, layout) for layout in ("dense", "csr", "coo")}}
        for batch in BATCHES:
            ms = median_ms(candidates, batch, progress)
            rows.append({"sparsity": sparsity, "batch": batch, "mac_ratio": round(mac_ratio, 2),
                         **{f"speedup_{layout}": round(ms["dense model"] / ms[layout], 2)
                            for layout in ("dense", "csr", "coo")}})
    return rows


def node_speed(net: nn.Sequential, progress: tqdm) -> list[dict]:
    """Node-pruned models, exact widths and multiple_of=16: speed-up against the MAC ratio."""
    candidates, info = {"dense": net}, {}
    for amount in NODE_AMOUNTS:
        for multiple_of in MULTIPLES:
            small = pruning.prune_nodes(net, amount=amount, multiple_of=multiple_of)
            key = f"{amount}/{multiple_of}"
            candidates[key] = small
            info[key] = {"amount": amount, "multiple_of": multiple_of,
                         "widths": [small.fc1.out_features, small.fc2.out_features],
                         "mac_ratio": round(metrics.macs(net) / metrics.macs(small), 2)}
    rows = []
    for batch in BATCHES:
        ms = median_ms(candidates, batch, progress)
        rows += [{**info[key], "batch": batch, "speedup": round(ms["dense"] / ms[key], 2)}
                 for key in info]
    return rows


def layer_speed(net: nn.Sequential, progress: tqdm) -> list[dict]:
    """One layer fewer (fc2 and fc3 merged) and the same saving as fc1 neurons, vs dense."""
    merged = merged_fc2_fc3(net)
    candidates = {"dense": net, "merge fc2+fc3": merged,
                  "fewer fc1 neurons": fewer_fc1_neurons(net, metrics.parameter_count(merged))}
    rows = []
    for batch in BATCHES:
        ms = median_ms(candidates, batch, progress)
        rows += [{"model": name, "batch": batch, "speedup": round(ms["dense"] / ms[name], 2),
                  "mac_ratio": round(metrics.macs(net) / metrics.macs(model), 2)}
                 for name, model in candidates.items() if name != "dense"]
    return rows


def width_sweep(progress: tqdm) -> list[dict]:
    """fc1 alone (256 digits by 784 pixels times a width-by-784 matrix) at many widths.

    Time per neuron relative to the full 300-neuron layer: 1.0 means a neuron costs what it
    costs in the full layer; above 1 the kernel handles that width badly.
    """
    torch.manual_seed(0)
    layers = {width: nn.Sequential(nn.Flatten(), nn.Linear(784, width))
              for width in (*WIDTHS, 300)}
    ms = median_ms({str(width): layer for width, layer in layers.items()}, 256, progress)
    per_neuron = ms["300"] / 300
    return [{"width": width, "relative_cost_per_neuron": round(ms[str(width)] / width
                                                               / per_neuron, 3)}
            for width in WIDTHS]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def sanity_warning(kernels: list[dict]) -> str | None:
    """Zeros in a dense matrix cost the same as the dense model: if they don't, it was noise."""
    off = [row for row in kernels if not 0.9 <= row["speedup_dense"] <= 1.1]
    if off:
        return ("warning: the masked model with dense kernels ran at "
                + ", ".join(f"{row['speedup_dense']}x" for row in off)
                + " of the dense model although it does the same work; the machine was too busy "
                "for these timings, so rerun the script when it is quieter.")
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--measure", nargs="*", choices=MEASURED, default=list(MEASURED),
                        help="timing tables to measure again (default: all); the others are "
                             "kept from the existing file, with the note of the run that made "
                             "them; with no names, only the accuracies are recomputed")
    args = parser.parse_args()
    torch.set_num_threads(1)
    mnist = data.load_mnist()
    net = models.pretrained("lenet-300-100")
    old = json.loads(args.output.read_text()) if args.output.exists() else {}
    missing = [key for key in MEASURED if key not in args.measure and key not in old]
    if missing:
        parser.error(f"{args.output} has no {', '.join(missing)} to keep; measure them too.")
    steps = len(NODE_AMOUNTS) * 2 * len(SEEDS) + 4 * len(SEEDS) + 4 * len(SEEDS)
    steps += ROUNDS * sum(TIMED_MODELS[key] for key in args.measure)
    with tqdm(total=steps, desc="results-02") as progress:
        result = {
            "about": "Made by scripts/make_results_02.py; read by notebook 02-weight-vs-node.",
            "fine_tuning": {**TUNE, "seeds": list(SEEDS)},
            "neuron_ranking": neuron_ranking(net, mnist, progress),
            "semi_structured": semi_structured(net, mnist, progress),
            "whole_layers": whole_layers(net, mnist, progress),
            "machine": {"cpu": cpu_name(), "cores": os.cpu_count(), "threads": 1,
                        "torch": torch.__version__,
                        "clock": "CPU time of the timing thread (time.thread_time_ns)"},
            "timing_runs": {},
        }
        run = (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: ratios of medians over "
               f"{ROUNDS} interleaved rounds of at least {BLOCK_MS} ms each, all in one process")
        measure = {"sparse_kernels": lambda: sparse_kernels(net, progress),
                   "node_speed": lambda: node_speed(net, progress),
                   "width_sweep": lambda: width_sweep(progress),
                   "layer_speed": lambda: layer_speed(net, progress)}
        for key in MEASURED:
            if key in args.measure:
                result[key], result["timing_runs"][key] = measure[key](), run
            else:
                result[key] = old[key]
                result["timing_runs"][key] = old.get("timing_runs", {}).get(
                    key, old.get("machine", {}).get("note", "an earlier run"))
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.output}")
    if "sparse_kernels" in args.measure and (warning := sanity_warning(result["sparse_kernels"])):
        print(warning)


if __name__ == "__main__":
    main()
