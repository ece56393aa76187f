"""Iterative pruning (prune, fine-tune, repeat) and the lottery-ticket rewind.

Taught in notebook 03-challenges. Fine-tuning comes from ``pruneedu.training``, which keeps
pruned weights at zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.utils.prune as prune
from torch import nn

from pruneedu.argcheck import check_choice, check_int
from pruneedu.models import check_model
from pruneedu.pruning._checks import check_amounts
from pruneedu.pruning.masks import PRUNABLE_TYPES
from pruneedu.pruning.schedules import cubic_schedule, geometric_schedule
from pruneedu.pruning.weights import prune_weights

SCHEDULES = {"cubic": cubic_schedule, "geometric": geometric_schedule}


def prune_iteratively(
    net: nn.Module,
    train_set: torch.utils.data.Dataset,
    amount: float,
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
    """Prune ``net`` in place to the sparsity ``amount`` in rounds, fine-tuning after each.

    Args:
        net: the trained model.
        train_set: the data to fine-tune on (e.g. ``mnist.train``).
        amount: the final sparsity in [0, 1) of the weights in scope (the target, as in
            :func:`prune_weights`).
        rounds: number of prune + fine-tune rounds (a list ``schedule`` sets its own).
        schedule: ``"cubic"`` (Zhu & Gupta), ``"geometric"`` (same fraction of survivors each
            round), or your own increasing list of amounts ending at ``amount``.
        fine_tune_epochs: epochs of fine-tuning after each round (0: prune only).
        lr: fine-tuning learning rate; ``None`` uses ``training.fine_tune``'s default, so a
            comparison with one-shot pruning + ``fine_tune`` at defaults uses one rate for
            both (see the note below).
        scope, layers: as in :func:`prune_weights`; magnitude pruning is used.
        seed: seeds the fine-tuning of round t with ``seed + t``.
        progress: show a progress bar over the rounds.

    Returns:
        The amounts used, one per round.

    Note on ``lr``: Han et al. (2015) retrain at 1/10 of the original rate, which is
    ``fine_tune``'s default for our models. With one short epoch per round a larger rate
    (the training rate, 0.05) recovers more from each cut on the validation split:
    ``benchmarks/bench_pruning.py --select-lr`` prints the comparison. The default stays
    tied to ``fine_tune`` on purpose: changing only this one would hand iterative pruning a
    larger rate than a one-shot baseline fine-tuned at defaults. Pass the same ``lr`` to
    both methods when you compare them.

    Example:
        >>> import torch
        >>> from torch.utils.data import TensorDataset
        >>> from pruneedu import data, models, pruning
        >>> net = models.pretrained("lenet-300-100")
        >>> few = TensorDataset(*(t[:256] for t in data.load_mnist().train.tensors))
        >>> pruning.prune_iteratively(net, few, 0.9, rounds=2, progress=False)
        [0.7875, 0.9]
    """
    from tqdm.auto import tqdm

    from pruneedu import training

    check_model(net, "prune_iteratively")
    if isinstance(schedule, str):
        check_choice(schedule, "schedule", SCHEDULES)
        steps = SCHEDULES[schedule](amount, rounds)
    else:
        steps = list(check_amounts(schedule, "schedule"))
        if not steps or abs(steps[-1] - amount) > 1e-12 or steps != sorted(steps):
            raise ValueError(
                "A custom schedule must be an increasing list of amounts ending at amount."
            )
    check_int(fine_tune_epochs, "fine_tune_epochs", minimum=0, example="1")
    options = {} if lr is None else {"lr": lr}
    bar = tqdm(steps, desc="pruning rounds", disable=not progress)
    for round_index, step in enumerate(bar):
        prune_weights(net, step, scope=scope, layers=layers)
        bar.set_postfix(sparsity=f"{step:.1%}")
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
