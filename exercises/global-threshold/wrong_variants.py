"""Mistakes learners make in global_magnitude_masks (never released)."""

import torch

LESSON_TRAPS = {"one_threshold_per_layer", "threshold_with_ties", "flat_masks",
                "signed_ranking"}


def _layer_mask(w, count):
    keep = torch.ones(w.numel(), dtype=torch.bool)
    keep[torch.argsort(w.abs().flatten())[:count]] = False
    return keep.reshape(w.shape)


def one_threshold_per_layer(weights, amount):
    """Prunes each layer by amount on its own: what the exercise is not."""
    return [_layer_mask(w, round(amount * w.numel())) for w in weights]


def threshold_with_ties(weights, amount):
    """Keeps |w| > the k-th smallest |w| over all layers: ties all go."""
    everything = torch.cat([w.abs().flatten() for w in weights])
    k = round(amount * everything.numel())
    if k == 0:
        return [torch.ones_like(w, dtype=torch.bool) for w in weights]
    cut = everything.kthvalue(k).values
    return [w.abs() > cut for w in weights]


def flat_masks(weights, amount):
    """Splits the mask into the right lengths but forgets the layers' shapes."""
    everything = torch.cat([w.abs().flatten() for w in weights])
    keep = torch.ones(everything.numel(), dtype=torch.bool)
    keep[torch.argsort(everything)[:round(amount * everything.numel())]] = False
    return list(torch.split(keep, [w.numel() for w in weights]))


def signed_ranking(weights, amount):
    """Ranks the signed values, so large negative weights go first."""
    everything = torch.cat([w.flatten() for w in weights])
    keep = torch.ones(everything.numel(), dtype=torch.bool)
    keep[torch.argsort(everything)[:round(amount * everything.numel())]] = False
    return [m.reshape(w.shape) for m, w in
            zip(torch.split(keep, [w.numel() for w in weights]), weights)]


def truncating_count(weights, amount):
    """int() instead of round() for the count."""
    everything = torch.cat([w.abs().flatten() for w in weights])
    keep = torch.ones(everything.numel(), dtype=torch.bool)
    keep[torch.argsort(everything)[:int(amount * everything.numel())]] = False
    return [m.reshape(w.shape) for m, w in
            zip(torch.split(keep, [w.numel() for w in weights]), weights)]
