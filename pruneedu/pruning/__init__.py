"""Pruning: weights (unstructured), N:M, neurons and channels (structured), schedules, tickets.

Every function wraps ``torch.nn.utils.prune`` or builds a new, smaller model; masking itself
is torch's. Taught in notebooks 02-weight-vs-node and 03-challenges.

Example:
    >>> from pruneedu import models, pruning
    >>> net = pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9)
    >>> small = pruning.prune_nodes(net, amount=0.5)
"""

from pruneedu.pruning.activation_aware import (
    activation_aware_mask,
    activation_aware_scores,
    layer_inputs,
)
from pruneedu.pruning.budget import amounts_for_budget
from pruneedu.pruning.channels import prune_channels
from pruneedu.pruning.importance import input_channel_importance
from pruneedu.pruning.iterative import prune_iteratively, rewind_to_init
from pruneedu.pruning.masks import (
    copy_model,
    effective_state_dict,
    effective_weight,
    prunable_layers,
)
from pruneedu.pruning.nodes import prune_nodes
from pruneedu.pruning.relative_index import relative_index_bytes, relative_index_entries
from pruneedu.pruning.schedules import cubic_schedule, geometric_schedule
from pruneedu.pruning.semistructured import nm_mask, prune_nm
from pruneedu.pruning.sensitivity import Sensitivity, sensitivity_scan
from pruneedu.pruning.storage import STORAGES, load_compressed, save_compressed
from pruneedu.pruning.weights import make_permanent, prune_weights

__all__ = [
    "STORAGES",
    "Sensitivity",
    "activation_aware_mask",
    "activation_aware_scores",
    "amounts_for_budget",
    "copy_model",
    "cubic_schedule",
    "effective_state_dict",
    "effective_weight",
    "geometric_schedule",
    "input_channel_importance",
    "layer_inputs",
    "load_compressed",
    "make_permanent",
    "nm_mask",
    "prunable_layers",
    "prune_channels",
    "prune_iteratively",
    "prune_nm",
    "prune_nodes",
    "prune_weights",
    "relative_index_bytes",
    "relative_index_entries",
    "rewind_to_init",
    "save_compressed",
    "sensitivity_scan",
]
