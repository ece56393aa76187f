"""Every number the lessons quote is recomputed here, so a lesson can never drift from the code.

Four sources, each checked its own way:
- our models: recomputed with the library (accuracies of the shipped LeNet-300-100, file sizes,
  2:4 and activation-aware masks, a merged layer; the few fine-tunings take seconds);
- our benchmark: read from the tables and findings in ``benchmarks/README.md`` (too slow here);
- papers: found in ``../shared/REFERENCES.md``, or in ``VERIFIED_ELSEWHERE`` with the paper named;
- arithmetic on the architectures and storage formats, redone here.
``test_every_quoted_number_has_a_source`` then fails on any figure in a lesson that none of these
produced. Accuracies after training may differ by one test image (0.1 point) on another CPU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
import torch
import torch.nn.utils.prune as torch_prune
import yaml
from torch import nn

from pruneedu import data, lessons, metrics, models, pruning, training

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BENCH_README = REPO / "benchmarks" / "README.md"
SEEDS = (0, 1, 2)


def lesson_text(lesson_id: str) -> str:
    return (REPO / "lessons" / f"{lesson_id}.md").read_text(encoding="utf-8")


def glossary_text() -> str:
    terms = yaml.safe_load((REPO / "quizzes" / "glossary.yaml").read_text(encoding="utf-8"))
    return "\n".join(f"{t['term']}: {t['definition']} {t.get('example', '')}"
                     for t in terms["terms"])


def source_text(where: str) -> str:
    return glossary_text() if where == "glossary" else lesson_text(where)


def flat(text: str) -> str:
    return " ".join(text.split())


def pct(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def pct_range(fractions: list[float]) -> str:
    low, high = pct(min(fractions)), pct(max(fractions))
    return low if low == high else f"{low[:-1]}-{high}"


def ratio(big: float, small: float) -> str:
    return f"{big / small:.1f}x"


# --- helpers a notebook can copy: the 2:4 mask, the Wanda score, merging two layers ----------

def linear_layers(net: nn.Module) -> dict[str, nn.Linear]:
    return {name: m for name, m in net.named_modules() if isinstance(m, nn.Linear)}


def prune_two_of_four(net: nn.Module) -> nn.Module:
    """Keep the 2 largest-magnitude weights of every 4 neighbours in a row (2:4 sparsity)."""
    for module in linear_layers(net).values():
        weight = module.weight.detach().abs()
        groups = weight.reshape(weight.shape[0], -1, 4)
        keep = groups.argsort(dim=-1, descending=True)[..., :2]
        mask = torch.zeros_like(groups).scatter_(-1, keep, 1.0).reshape(weight.shape)
        torch_prune.custom_from_mask(module, "weight", mask)
    return net


def input_norms(net: nn.Module, images: torch.Tensor) -> dict[str, torch.Tensor]:
    """The L2 norm of each input feature of each Linear layer over ``images`` (Wanda's ||X_j||)."""
    norms: dict[str, torch.Tensor] = {}
    hooks = [module.register_forward_hook(
        lambda _m, inputs, _out, name=name: norms.__setitem__(name, inputs[0].norm(dim=0)))
        for name, module in linear_layers(net).items()]
    with torch.no_grad():
        net(images)
    for hook in hooks:
        hook.remove()
    return norms


def prune_rows(net: nn.Module, amount: float, norms: dict[str, torch.Tensor] | None) -> nn.Module:
    """Prune ``amount`` of each output row by |W| (``norms`` None) or by |W| x ||X_j|| (Wanda)."""
    for name, module in linear_layers(net).items():
        scores = module.weight.detach().abs()
        if norms is not None:
            scores = scores * norms[name]
        count = round(amount * scores.shape[1])
        lowest = scores.argsort(dim=1)[:, :count]
        mask = torch.ones_like(scores).scatter_(1, lowest, 0.0)
        torch_prune.custom_from_mask(module, "weight", mask)
    return net


def merge_last_two_layers(net: nn.Sequential) -> nn.Sequential:
    """Replace fc2, relu2 and fc3 by one layer computing fc3(fc2(x)): the ReLU between them goes."""
    merged = nn.Linear(net.fc2.in_features, net.fc3.out_features)
    with torch.no_grad():
        merged.weight.copy_(net.fc3.weight @ net.fc2.weight)
        merged.bias.copy_(net.fc3.weight @ net.fc2.bias + net.fc3.bias)
    return nn.Sequential(net.flatten, net.fc1, net.relu1, merged)


# --- what the lessons quote about our models, and where -------------------------------------

@dataclass(frozen=True)
class Quote:
    """A figure as the lessons print it, where it appears, and words that stand near it."""

    figure: str
    where: tuple[str, ...]
    near: str = ""  # a regular expression that must match within 300 characters of the figure


L1, L2, L3, GLOSSARY = "01-introduction", "02-weight-vs-node", "03-challenges", "glossary"

OUR_MODELS = {
    "bundled digits": Quote("5,000", (L1,), "subset"),
    "training digits": Quote("3,500", (L1, L3), "train"),
    "test digits": Quote("1,000", (L1, L3), "test"),
    "dense test accuracy": Quote("94.7%", (L1, L2, L3), "dense|full"),
    "dense validation accuracy": Quote("95.8%", (L3, GLOSSARY), "unpruned|validation"),
    "global 50% no retraining": Quote("94.6%", (L3,), "50%"),
    "global 70% no retraining": Quote("94.6%", (L3,), "70%"),
    "global 80% no retraining": Quote("94.5%", (L3,), "80%"),
    "global 50-80% no retraining": Quote("94.5-94.6%", (L3,), "up to 80%"),
    "global 90% no retraining": Quote("93.9%", (L1, L2, L3, GLOSSARY), "90%"),
    "global 95% no retraining": Quote("91.4%", (L3,), "95%"),
    "global 98% no retraining": Quote("75.8%", (L3, GLOSSARY), "98%"),
    "layer-wise 90% no retraining": Quote("88.5%", (L2, GLOSSARY), "every layer|each layer"),
    "fc1 sparsity, global 90%": Quote("93.2%", (L2, GLOSSARY), "fc1"),
    "fc2 sparsity, global 90%": Quote("67.2%", (L2, GLOSSARY), "fc2"),
    "fc3 sparsity, global 90%": Quote("20.5%", (L2, GLOSSARY), "fc3"),
    "scan fc1 alone 90% (val)": Quote("94.8%", (L3, GLOSSARY), "fc1|first layer"),
    "scan fc2 alone 90% (val)": Quote("95.2%", (L3,), "fc2"),
    "scan fc3 alone 90% (val)": Quote("90.0%", (L3, GLOSSARY), "fc3|output layer"),
    "per-row magnitude 50%": Quote("94.9%", (L3,), "magnitude"),
    "per-row magnitude 90%": Quote("87.6%", (L3, GLOSSARY), "magnitude"),
    "Wanda 50%": Quote("94.7%", (L3,), "Wanda"),
    "Wanda 70%": Quote("92.5%", (L3,), "Wanda"),
    "Wanda 90%": Quote("75.6%", (L3, GLOSSARY), "Wanda|magnitude"),
    "2:4 no retraining": Quote("93.8%", (L2, GLOSSARY), "2:4"),
    "2:4 fine-tuned, seeds 0-2": Quote("94.0-94.1%", (L2, GLOSSARY), "fine-tun"),
    "50% unconstrained fine-tuned": Quote("94.6%", (L2, GLOSSARY), "unconstrained|freely"),
    "dense fine-tuned (default budget)": Quote("94.7%", (L2,), "same fine-tuning"),
    "merged fc2+fc3 parameters": Quote("238,510", (L2,), "parameters"),
    "merged fc2+fc3 no retraining": Quote("94.1%", (L2,), "before any retraining"),
    "merged fc2+fc3 fine-tuned": Quote("94.3%", (L2,), "fine-tun"),
    "dense file bytes": Quote("1,066,555", (L1, L3), "dense"),
    "dense int8 file bytes": Quote("269,595", (L3,), "int8|dense"),
    "dense int8 ratio": Quote("4.0x", (L3,), "dense"),
    "98% sparse file bytes": Quote("31,114", (L3, GLOSSARY), "sparse"),
    "98% sparse-int8 file bytes": Quote("14,419", (L3, GLOSSARY), "sparse"),
    "sparse int8 ratio at 98%": Quote("2.2x", (L3, GLOSSARY), "sparse|positions"),
    "90% sparse file bytes": Quote("130,661", (L1, L3), "sparse"),
    "90% sparse file ratio": Quote("8.2x", (L1, L3), "smaller"),
}


@pytest.fixture(scope="module")
def measured() -> dict[str, str]:
    """Recompute every figure of ``OUR_MODELS`` with the library (about 15 s on 2 cores)."""
    mnist = data.load_mnist()
    shipped = lambda: models.pretrained("lenet-300-100")  # noqa: E731 - a fresh copy each time
    test_acc = lambda net: training.evaluate(net, mnist.test).accuracy  # noqa: E731
    val_acc = lambda net: training.evaluate(net, mnist.val).accuracy  # noqa: E731
    out = {
        "bundled digits": f"{len(mnist.train) + len(mnist.val) + len(mnist.test):,}",
        "training digits": f"{len(mnist.train):,}",
        "test digits": f"{len(mnist.test):,}",
        "dense test accuracy": pct(test_acc(shipped())),
        "dense validation accuracy": pct(val_acc(shipped())),
    }
    for amount in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98):
        net = pruning.prune_weights(shipped(), amount=amount)
        out[f"global {amount:.0%} no retraining"] = pct(test_acc(net))
        if amount == 0.9:
            for layer, sparsity in metrics.layer_sparsity(net).items():
                out[f"{layer} sparsity, global 90%"] = pct(sparsity)
    out["global 50-80% no retraining"] = pct_range(
        [test_acc(pruning.prune_weights(shipped(), amount=a)) for a in (0.5, 0.7, 0.8)])
    out["layer-wise 90% no retraining"] = pct(
        test_acc(pruning.prune_weights(shipped(), amount=0.9, scope="layer")))
    scan = pruning.sensitivity_scan(shipped(), mnist.val, (0.9,))
    for layer, (accuracy,) in scan.accuracy.items():
        out[f"scan {layer} alone 90% (val)"] = pct(accuracy)
    norms = input_norms(shipped(), mnist.train.tensors[0].flatten(1))
    for amount in (0.5, 0.7, 0.9):
        out[f"per-row magnitude {amount:.0%}"] = pct(test_acc(prune_rows(shipped(), amount, None)))
        out[f"Wanda {amount:.0%}"] = pct(test_acc(prune_rows(shipped(), amount, norms)))
    out["2:4 no retraining"] = pct(test_acc(prune_two_of_four(shipped())))
    merged = merge_last_two_layers(shipped())
    out["merged fc2+fc3 parameters"] = f"{metrics.parameter_count(merged):,}"
    out["merged fc2+fc3 no retraining"] = pct(test_acc(merged))
    tuned: dict[str, list[float]] = {}
    for seed in SEEDS:  # the course's default fine-tuning: 2 epochs at lr 0.005
        for name, build in (
            ("2:4 fine-tuned, seeds 0-2", lambda: prune_two_of_four(shipped())),
            ("50% unconstrained fine-tuned", lambda: pruning.prune_weights(shipped(), 0.5)),
            ("dense fine-tuned (default budget)", shipped),
            ("merged fc2+fc3 fine-tuned", lambda: merge_last_two_layers(shipped())),
        ):
            net = build()
            training.fine_tune(net, mnist.train, seed=seed)
            tuned.setdefault(name, []).append(test_acc(net))
    out |= {name: pct_range(values) for name, values in tuned.items()}
    sizes = {}
    for label, amount in (("dense", 0.0), ("90%", 0.9), ("98%", 0.98)):
        net = pruning.prune_weights(shipped(), amount=amount) if amount else shipped()
        sizes[label] = {s: metrics.model_size_bytes(net, storage=s) for s in pruning.STORAGES}
    out |= {
        "dense file bytes": f"{sizes['dense']['dense']:,}",
        "dense int8 file bytes": f"{sizes['dense']['int8']:,}",
        "dense int8 ratio": ratio(sizes["dense"]["dense"], sizes["dense"]["int8"]),
        "98% sparse file bytes": f"{sizes['98%']['sparse']:,}",
        "98% sparse-int8 file bytes": f"{sizes['98%']['sparse-int8']:,}",
        "sparse int8 ratio at 98%": ratio(sizes["98%"]["sparse"], sizes["98%"]["sparse-int8"]),
        "90% sparse file bytes": f"{sizes['90%']['sparse']:,}",
        "90% sparse file ratio": ratio(sizes["dense"]["dense"], sizes["90%"]["sparse"]),
    }
    return out


def appears_near(quote: Quote, text: str) -> bool:
    text = flat(text)
    for match in re.finditer(re.escape(quote.figure), text):
        window = text[max(0, match.start() - 300):match.end() + 300]
        if not quote.near or re.search(quote.near, window, flags=re.IGNORECASE):
            return True
    return False


@pytest.mark.parametrize("name", sorted(OUR_MODELS))
def test_our_model_figures_match_the_library(name, measured):
    quote = OUR_MODELS[name]
    assert measured[name] == quote.figure, f"{name}: the library now gives {measured[name]}"
    for where in quote.where:
        assert appears_near(quote, source_text(where)), f"{where} does not quote {name}"


def test_one_test_image_is_a_tenth_of_a_point():
    share = 100 / len(data.load_mnist().test)
    assert f"{share:.1f} point" == "0.1 point"
    for where in (L1, L3, GLOSSARY):
        assert "0.1 point" in flat(source_text(where)), where


def test_the_quoted_fine_tuning_is_the_default_one():
    # The lessons name the budget the facts above use; a changed default must change the text.
    import inspect

    defaults = inspect.signature(training.fine_tune).parameters
    assert (defaults["epochs"].default, defaults["lr"].default) == (2, 0.005)
    assert "(2 epochs at learning rate 0.005, seeds 0-2)" in flat(lesson_text(L2))


def test_two_of_four_mask_keeps_two_in_every_group():
    net = prune_two_of_four(models.pretrained("lenet-300-100"))
    for module in linear_layers(net).values():
        kept = module.weight_mask.reshape(module.weight.shape[0], -1, 4).sum(dim=-1)
        assert bool((kept == 2).all())
    assert metrics.sparsity(net) == 0.5


def test_merged_layer_is_the_product_without_the_relu():
    net = models.pretrained("lenet-300-100")
    merged = merge_last_two_layers(models.pretrained("lenet-300-100"))
    images = data.load_mnist().test.tensors[0][:8]
    hidden = net.relu1(net.fc1(net.flatten(images)))
    with torch.no_grad():
        assert torch.allclose(merged(images), net.fc3(net.fc2(hidden)), atol=1e-5)


# --- the library's behaviour the lessons describe --------------------------------------------

def test_amount_is_a_target_here_and_a_share_of_the_rest_in_torch():
    ours = models.pretrained("lenet-300-100")
    pruning.prune_weights(ours, amount=0.9, scope="layer")
    pruning.prune_weights(ours, amount=0.9, scope="layer")
    assert round(metrics.sparsity(ours), 4) == 0.9
    theirs = models.pretrained("lenet-300-100")
    for _ in range(2):
        for module in linear_layers(theirs).values():
            torch_prune.l1_unstructured(module, "weight", amount=0.9)
    assert round(metrics.sparsity(theirs), 2) == 0.99
    text = flat(lesson_text(L2))
    assert "so the layer ends 99% sparse" in text and "Twice 90% is 99% in PyTorch" in text


def test_the_magnitude_rule_the_lessons_state_is_torchs():
    # Lesson 1 states: count round(s * n), remove exactly that many smallest, ties by count.
    assert int(0.29 * 100) == 28 and round(0.29 * 100) == 29  # the trap the lesson names
    weights = torch.tensor([0.5, -0.1, 0.1, 0.1, 0.9, -0.3, 0.2, 0.7, 0.1, 0.4])
    module = nn.Linear(10, 1, bias=False)
    with torch.no_grad():
        module.weight.copy_(weights.unsqueeze(0))
    torch_prune.l1_unstructured(module, "weight", amount=0.29)
    mask = module.weight_mask.flatten()
    assert int((mask == 0).sum()) == 3  # round(2.9), not int(2.9) and not all four tied 0.1s
    pruned, kept = weights[mask == 0].abs(), weights[mask == 1].abs()
    assert pruned.max() <= kept.min()
    kth = weights.abs().kthvalue(3).values
    assert int((weights.abs() > kth).sum()) == 6  # "keep above the k-th" would prune 4
    text = flat(lesson_text(L1))
    assert "k = round(s x n)" in text and "take only as many of them as you need" in text


# --- our benchmark: the tables in benchmarks/README.md ---------------------------------------

def bench_text() -> str:
    return flat(BENCH_README.read_text(encoding="utf-8"))


def gap_table() -> dict[tuple[str, str], list[str]]:
    """Table 1b: (sparsity, budget) -> [one-shot, iterative, gap, room] as printed."""
    rows = re.findall(r"\| (\d+%) \| (\d+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|",
                      bench_text())
    return {(s, b): [c.strip() for c in cells] for s, b, *cells in rows}


def node_table() -> dict[str, list[str]]:
    """Table 2: widths label -> [MAC ratio, speedup b=1, speedup b=256, efficiency, accuracy]."""
    rows = re.findall(r"\| (-\d+%: [^|]+) \| ([\d.]+x) \| ([\d.]+x) \| ([\d.]+x) \| ([^|]+) \|",
                      bench_text())
    return {label.strip(): list(cells) for label, *cells in rows}


def test_benchmark_tables_parse():
    assert len(gap_table()) == 12 and len(node_table()) == 12


@pytest.mark.parametrize("sparsity, budget", [("95%", "10"), ("98%", "10"), ("99%", "10"),
                                              ("99%", "1")])
def test_gap_table_rows_quoted_in_lesson_3(sparsity, budget):
    one_shot, iterative, gap, _room = gap_table()[(sparsity, budget)]
    mean = lambda cell: cell.split(" (")[0]  # noqa: E731
    row = (f"{sparsity} {budget} {'epochs' if budget != '1' else 'epoch'} {mean(one_shot)}% "
           f"{mean(iterative)}% {gap}")
    assert row in flat(lesson_text(L3)), row


def test_one_shot_98_with_and_without_fine_tuning():
    one_shot = gap_table()[("98%", "10")][0].split(" (")[0]
    assert one_shot == "94.1"
    assert "(75.8% at 98%" in bench_text()
    for where in (L3, GLOSSARY):
        text = flat(source_text(where))
        assert "75.8%" in text and "94.1%" in text, where


NODE_QUOTES = {  # label in table 2 -> (column, figure the lessons quote)
    "-50%: 150-50 (exact)": {0: "2.12x", 1: "1.33x", 2: "1.90x"},
    "-75%: 75-25 (exact)": {0: "4.37x", 2: "3.09x"},
    "-75%: 80-32 (`multiple_of=16`)": {0: "4.06x", 2: "3.86x"},
}


@pytest.mark.parametrize("label", sorted(NODE_QUOTES))
def test_node_speedups_quoted_in_lesson_2(label):
    row = node_table()[label]
    for column, figure in NODE_QUOTES[label].items():
        assert row[column] == figure, f"{label}: the benchmark now says {row[column]}"
        assert figure in lesson_text(L2)


BENCH_FINDINGS = {  # phrase in benchmarks/README.md -> figures the lessons quote from it
    "(0.98-0.99x at 90% and 98% sparsity)": ("0.98-0.99x",),
    "at batch 1 at every sparsity (0.23-0.92x) and at 50% sparsity (0.54x at batch 256)":
        ("0.23-0.92x", "0.54x"),
    "(2.3x at 90%, 6.0x at 98%)": ("2.3x at 90%, 6.0x at 98%",),
    "random pruning falls apart beyond 80% (42.9% at 98%)": ("42.9%",),
    "the dense model fine-tuned the same way reaches 94.8%": ("94.8%",),
    "73.6x smaller (14,497 bytes) at 0.4 point loss": ("73.6x",),
    "Fine-tuning recovers every node-pruned model to 94.7-95.6%": ("94.7-95.6%",),
}


@pytest.mark.parametrize("phrase", sorted(BENCH_FINDINGS))
def test_benchmark_findings_quoted_in_the_lessons(phrase):
    assert phrase.lower() in bench_text().lower(), "benchmarks/README.md changed; update lessons"
    lessons_text = flat(" ".join(lesson_text(i) for i in lessons.LESSON_IDS))
    for figure in BENCH_FINDINGS[phrase]:
        assert figure in lessons_text, figure


# --- papers: REFERENCES.md, or verified elsewhere with the paper named next to the figure -----

REFERENCE_FIGURES = {
    "1.64%", "1.59%", "12x", "6x", "8%", "9%", "26%", "66%", "15.6%", "20%", "10%", "21%",
    "38%", "3.6%", "97.86%", "98.24%", "9x", "10-20%", "50-60%", "10x", "20x", "50x",
}
REFERENCE_DECIMALS = ("6.42", "6.51", "14.89", "5.12")  # Wanda's LLaMA-2-7B perplexities
# Checked with the search tool against each paper's abstract or text; the lesson names the paper
# within a few sentences of the figure.
VERIFIED_ELSEWHERE = {
    "46x": "DeepLight",    # Deng et al. 2021, arXiv:2002.06987: 46x Criteo, 27x Avazu
    "27x": "DeepLight",
    "97-99%": "PEP",       # Liu et al. 2021, arXiv:2101.07577: 97-99% fewer embedding parameters
    "20-30%": "PEP",       # ... for 20-30% extra time over the base model
    "3%": "Sanh",          # Movement pruning, arXiv:2005.07683: down to 3% with distillation
    "5x": "Han",           # Han et al. 2015, sec. 3.3, AlexNet: one aggressive step 5x, iterated 9x
}


def test_reference_figures_stand_in_references_md():
    references = SHARED / "REFERENCES.md"
    if not references.is_file():
        pytest.skip(f"REFERENCES.md NOT FOUND at {references}: figure sources not checked here")
    text = references.read_text(encoding="utf-8").replace("–", "-")
    missing = [f for f in REFERENCE_FIGURES
               if not re.search(rf"(?<![\d.]){re.escape(f[:-1])}(?:{re.escape(f[-1])}|-)", text)]
    assert not missing
    assert all(d in text for d in REFERENCE_DECIMALS)
    assert all(d in lesson_text(L3) for d in REFERENCE_DECIMALS)


@pytest.mark.parametrize("figure", sorted(VERIFIED_ELSEWHERE))
def test_figures_from_other_papers_name_their_paper(figure):
    paper = VERIFIED_ELSEWHERE[figure]
    quote = Quote(figure, (), paper)
    found = [i for i in lessons.LESSON_IDS if figure in NUMBER.findall(lesson_text(i))]
    assert found, f"{figure} is listed but quoted nowhere; drop it from VERIFIED_ELSEWHERE"
    for lesson_id in found:
        assert appears_near(quote, lesson_text(lesson_id)), f"{lesson_id}: {figure} without {paper}"


def test_corrected_paper_statements():
    one, three = flat(lesson_text(L1)), flat(lesson_text(L3))
    # Han et al.'s 1/3 and 1/10 are their AlexNet curve.
    assert "comes from their AlexNet curve on ImageNet, not from a law" in one
    assert "Han et al. (2015) place the start of the cliff for AlexNet on ImageNet" in three
    # Lottery tickets: found *down to* 10-20%; larger tickets learn faster; finding costs.
    assert "winning tickets down to 10-20% of the original size" in three
    assert "below 10-20%" not in three + one
    assert "one full training per pruning round" in three
    # Saliency-based pruning and the per-layer scan are different tools.
    assert "Two tools that are both called \"sensitivity\"" in three
    for name in ("Optimal Brain Damage", "Optimal Brain Surgeon", "Taylor", "SNIP"):
        assert name in three
    # No unnamed "6.5x slower" any more: our own sparse-kernel numbers instead.
    for lesson_id in lessons.LESSON_IDS:
        assert "6.5x" not in lesson_text(lesson_id)
    assert "6.5x" not in glossary_text()


# --- arithmetic on the architectures and formats ---------------------------------------------

def fc_params(sizes: list[int]) -> list[int]:
    return [a * b + b for a, b in pairwise(sizes)]


def arithmetic_figures() -> set[str]:
    """Numbers the lessons derive from the two architectures and the storage formats."""
    lenet300 = fc_params([784, 300, 100, 10])
    halved = fc_params([784, 150, 50, 10])
    total = sum(lenet300)
    weights = 784 * 300 + 300 * 100 + 100 * 10
    biases = total - weights
    # Sparsity counts weights only (metrics.sparsity); biases are never pruned.
    nonzero = round(weights * 0.1)
    sparse_bytes = nonzero * 8 + biases * 4  # 4-byte value + 4-byte index; dense biases
    conv1_macs, conv2_macs = 24 * 24 * 20 * 25, 8 * 8 * 50 * 20 * 25
    kept_24 = weights // 2  # 2:4 keeps half, each value 4 bytes plus a 2-bit position
    bytes_24 = kept_24 * 4 + kept_24 * 2 // 8
    values = [*lenet300, total, sum(halved), weights, weights - nonzero, nonzero, total * 4,
              sparse_bytes, 50 * 25, 20 * 50 * 25, 800 * 500, conv1_macs, conv2_macs,
              kept_24, kept_24 * 4, kept_24 * 2, kept_24 * 2 // 8, bytes_24, weights * 4]
    figures = {f"{v:,}" for v in values}
    figures.add(f"{round(total * 4 / sparse_bytes)}x")  # dense bytes / sparse bytes with indices
    figures.add(f"{weights * 4 / bytes_24:.2f}x")       # 2:4 in float32
    figures.add("4x")  # float32 (4 bytes) to int8 (1 byte)
    figures.add(f"{1 / (1 - 0.5):.0f}x")  # the best a 50% pattern can shrink values
    figures.add(f"{round(100 * 784 * 300 / weights)}%")  # fc1's share of the MACs
    figures |= {f"{round(100 - s)}%" for s in (90, 95, 98)}  # the fraction kept
    return figures


def test_arithmetic_figures_are_what_the_lessons_claim():
    # Cross-check the helper against counts the models module and the lessons give.
    figures = arithmetic_figures()
    assert {"266,610", "125,810", "1,066,440", "214,600", "5x", "239,580", "26,620",
            "565,675", "33,275", "1.88x", "88%"} <= figures
    assert metrics.parameter_count(models.lenet_300_100(seed=0)) == 266_610


def test_full_mnist_sizes_are_the_data_modules():
    # "60,000" and "10,000": the standard MNIST split that data.load_mnist(source="full") reads.
    doc = flat(data.load_mnist.__doc__)
    assert "52,500/7,500 train/val images plus the 10,000 test images" in doc
    assert 52_500 + 7_500 == 60_000


# Sparsities and shares the lessons choose as settings rather than report as results.
SETTINGS = {"25%", "50%", "70%", "75%", "80%", "90%", "95%", "98%", "99%", "100%"}
DATASET_FIGURES = {"60,000", "10,000"}

NUMBER = re.compile(
    r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?(?:%|x\b))")


def checked_notebook_figures() -> set[str]:
    """Figures the notebooks print in ``# NBVAL_CHECK_OUTPUT`` cells: nbval recomputes those
    prints on every ``make test`` and fails when one changes, so a lesson may quote them."""
    import json

    figures: set[str] = set()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code" or "# NBVAL_CHECK_OUTPUT" not in "".join(cell["source"]):
                continue
            for output in cell.get("outputs", []):
                text = output.get("text") or output.get("data", {}).get("text/plain", "")
                figures |= set(NUMBER.findall("".join(text)))
    return figures


def test_checked_notebook_figures_hold_the_activation_aware_layer_results():
    # Lesson 3 quotes these from notebook 03's checked cell (one layer at a time at 90%).
    assert {"85.2%", "83.1%", "85.3%", "75.6%"} <= checked_notebook_figures()


@pytest.fixture(scope="module")
def every_source_figure() -> set[str]:
    bench = set(NUMBER.findall(bench_text()))
    bench |= checked_notebook_figures()
    bench |= {f"{cell.split(' (')[0]}%" for cells in gap_table().values() for cell in cells[:2]}
    return (REFERENCE_FIGURES | set(VERIFIED_ELSEWHERE) | arithmetic_figures() | SETTINGS
            | DATASET_FIGURES | {q.figure for q in OUR_MODELS.values()} | bench)


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_every_quoted_number_has_a_source(lesson_id, every_source_figure):
    found = set(NUMBER.findall(lesson_text(lesson_id)))
    assert len(found) >= 20, "the pattern should find the figures of every lesson"
    unsourced = sorted(found - every_source_figure)
    assert not unsourced, f"{lesson_id} quotes numbers with no source: {unsourced}"


def test_number_pattern_finds_the_kinds_of_figures():
    assert NUMBER.findall("266,610 weights, 12x fewer, 3.6% left, 784 x 300, 94.0-94.1% and "
                          "0.98-0.99x") == ["266,610", "12x", "3.6%", "94.0-94.1%", "0.98-0.99x"]
