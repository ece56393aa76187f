"""Pruning: weights (unstructured), n:m (semi-structured), neurons and channels (structured),
activation-aware scores, schedules, tickets.

Every function wraps ``torch.nn.utils.prune`` or builds a new, smaller model; masking itself
is torch's. Taught in notebooks 02-weight-vs-node and 03-challenges.

Example:
    >>> from pruneedu import models, pruning
    >>> net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    >>> small = pruning.prune_nodes(net, amount=0.5)
"""

from pruneedu.pruning.activation import input_norms, prune_within_rows
from pruneedu.pruning.channels import prune_channels
from pruneedu.pruning.iterative import prune_iteratively, rewind_to_init
from pruneedu.pruning.masks import (
    copy_model,
    effective_state_dict,
    effective_weight,
    prunable_layers,
)
from pruneedu.pruning.nodes import prune_nodes
from pruneedu.pruning.schedules import cubic_schedule, geometric_schedule
from pruneedu.pruning.semi_structured import prune_n_of_m
from pruneedu.pruning.sensitivity import Sensitivity, sensitivity_scan
from pruneedu.pruning.storage import STORAGES, load_compressed, save_compressed
from pruneedu.pruning.weights import make_permanent, prune_weights

__all__ = [
    "STORAGES",
    "Sensitivity",
    "copy_model",
    "cubic_schedule",
    "effective_state_dict",
    "effective_weight",
    "geometric_schedule",
    "input_norms",
    "load_compressed",
    "make_permanent",
    "prunable_layers",
    "prune_channels",
    "prune_iteratively",
    "prune_n_of_m",
    "prune_nodes",
    "prune_weights",
    "prune_within_rows",
    "rewind_to_init",
    "save_compressed",
    "sensitivity_scan",
]
