"""Iterative pruning (prune, fine-tune, repeat) and the lottery-ticket rewind.

Taught in notebook 03-challenges. Fine-tuning comes from ``pruneedu.training``, which keeps
pruned weights at zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu.pruning._checks import check_choice, check_model, check_sparsities
from pruneedu.pruning.masks import PRUNABLE_TYPES
from pruneedu.pruning.schedules import cubic_schedule, geometric_schedule
from pruneedu.pruning.weights import prune_weights

SCHEDULES = {"cubic": cubic_schedule, "geometric": geometric_schedule}


def prune_iteratively(
    net: nn.Module,
    train_set: torch.utils.data.Dataset,
    target: float,
    *,
    rounds: int = 5,
    schedule: str | Sequence[float] = "cubic",
    fine_tune_epochs: int = 1,
    lr: float | None = None,
    scope: str = "global",
    layers: list[str] | None = None,
    seed: int = 0,
    progress: bool = True,
) -> list[float]:
    """Prune ``net`` in place to ``target`` sparsity in rounds, fine-tuning after each.

    Args:
        net: the trained model.
        train_set: the data to fine-tune on (e.g. ``mnist.train``).
        target: final sparsity in [0, 1) of the weights in scope.
        rounds: number of prune + fine-tune rounds (a list ``schedule`` sets its own).
        schedule: ``"cubic"`` (Zhu & Gupta), ``"geometric"`` (same fraction of survivors each
            round), or your own increasing list of sparsities ending at ``target``.
        fine_tune_epochs: epochs of fine-tuning after each round (0: prune only).
        lr: fine-tuning learning rate; ``None`` uses ``training.fine_tune``'s default, so a
            comparison with one-shot pruning + ``fine_tune`` at defaults uses one rate for
            both (see the note below).
        scope, layers: as in :func:`prune_weights`; magnitude pruning is used.
        seed: seeds the fine-tuning of round t with ``seed + t``.
        progress: show a progress bar over the rounds.

    Returns:
        The sparsity targets used, one per round.

    Note on ``lr``: Han et al. (2015) retrain at 1/10 of the original rate, which is
    ``fine_tune``'s 0.005 for our models (trained at 0.05). On the validation split, with
    these defaults (5 rounds of 1 epoch) on the shipped LeNet-300-100, the training rate
    0.05 does better: 95.3 / 94.5 / 93.2% at 90 / 95 / 98% sparsity against 94.4 / 93.7 /
    91.5% at 0.005 (mean of 3 seeds; 0.1 is no better at 90-95% and varies more): with one
    short epoch per round, the larger rate recovers more from each cut. The default stays
    tied to ``fine_tune`` on purpose: changing only this one would hand iterative
    pruning a 10x larger rate than a one-shot baseline fine-tuned at defaults. Pass
    ``lr=0.05`` (to both methods) for the best results here;
    ``benchmarks/bench_pruning.py --select-lr`` reprints the table.

    Example:
        >>> from pruneedu import data, models, pruning
        >>> net = models.pretrained("lenet-300-100")  # doctest: +SKIP
        >>> pruning.prune_iteratively(net, data.load_mnist().train, 0.9)  # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    from pruneedu import training

    check_model(net, "prune_iteratively")
    if isinstance(schedule, str):
        check_choice(schedule, "schedule", SCHEDULES)
        steps = SCHEDULES[schedule](target, rounds)
    else:
        steps = list(check_sparsities(schedule, "schedule"))
        if not steps or abs(steps[-1] - target) > 1e-12 or steps != sorted(steps):
            raise ValueError(
                "A custom schedule must be an increasing list of sparsities ending at target."
            )
    if isinstance(fine_tune_epochs, bool) or not isinstance(fine_tune_epochs, int):
        raise TypeError("fine_tune_epochs must be an int such as 1.")
    if fine_tune_epochs < 0:
        raise ValueError(f"fine_tune_epochs={fine_tune_epochs} is negative; use 0 or more.")
    options = {} if lr is None else {"lr": lr}
    bar = tqdm(steps, desc="pruning rounds", disable=not progress)
    for round_index, sparsity in enumerate(bar):
        prune_weights(net, sparsity, scope=scope, layers=layers)
        bar.set_postfix(sparsity=f"{sparsity:.1%}")
        if fine_tune_epochs:
            training.fine_tune(
                net, train_set, epochs=fine_tune_epochs, seed=seed + round_index, **options
            )
    return steps


def rewind_to_init(net: nn.Module, initial_state: Mapping[str, torch.Tensor]) -> nn.Module:
    """Lottery ticket: keep the current masks, reset every weight to its initial value.

    ``initial_state`` is ``copy.deepcopy(net.state_dict())`` taken before training (from the
    unpruned or the pruned model). Pruned weights stay pruned; surviving weights and biases
    go back to where training started (Frankle & Carbin, 2019). After
    :func:`make_permanent` there are no masks left, so the zeros of each Linear/Conv2d weight
    serve as its mask.

    Example:
        >>> import copy
        >>> from pruneedu import models
        >>> net = models.lenet_300_100(seed=0)
        >>> start = copy.deepcopy(net.state_dict())
        >>> # ... train, prune_weights(net, 0.8) ..., then:
        >>> net = rewind_to_init(net, start)
    """
    check_model(net, "rewind_to_init")
    if not isinstance(initial_state, Mapping):
        raise TypeError("initial_state must be a state dict such as net.state_dict().")
    permanent = {
        f"{layer}.weight" if layer else "weight"
        for layer, module in net.named_modules()
        if isinstance(module, PRUNABLE_TYPES) and not hasattr(module, "weight_mask")
    }
    updates = []
    for name, param in net.named_parameters():
        key = name
        if key not in initial_state and name.endswith("_orig"):
            key = name[: -len("_orig")]  # initial state saved before pruning
        if key not in initial_state:
            raise ValueError(
                f"initial_state has no entry for {key!r}; save it from this model's "
                "architecture before training."
            )
        value = initial_state[key]
        if not isinstance(value, torch.Tensor):
            raise TypeError(
                f"initial_state[{key!r}] is a {type(value).__name__}, not a tensor; save it "
                "with copy.deepcopy(net.state_dict())."
            )
        if value.shape != param.shape:
            raise ValueError(
                f"initial_state[{key!r}] has shape {tuple(value.shape)}, not "
                f"{tuple(param.shape)}; save it from this model's architecture."
            )
        if name in permanent:
            value = value * (param != 0)  # keep the zeros that make_permanent left
        updates.append((param, value))
    with torch.no_grad():
        for param, value in updates:
            param.copy_(value)
    # Recompute the masked weights now rather than at the next forward pass.
    for module in net.modules():
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, prune.BasePruningMethod):
                hook(module, None)
    return net
