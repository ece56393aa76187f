"""The instructor's own code that runs INSIDE the sandbox to measure a capstone model file.

The grader never parses a learner's model file itself: this text is sent to a sandbox of its
own (no learner code in it), with the file's bytes and the test images, never the labels. It
parses the file with the torch-free reader (:mod:`pruneedu.pruning.fileformat`, capped),
rebuilds the network it describes (:func:`pruneedu.wire_torch.build_model`: a LeNet-300-100
or LeNet-5 whose layers take the shapes in the file, so node- and channel-pruned models work),
and returns one predicted digit per image. Nothing in the file can run code: it is numbers.

Imports sit inside the functions so that importing this module (for its text, or in tests)
does not load torch.
"""

from __future__ import annotations

MAX_ELEMENTS = 2_000_000  # LeNet-5 holds 431,080 numbers and LeNet-300-100 266,610
NETWORKS = ("lenet_300_100", "lenet5")
BATCH = 500


def network_of(names: set) -> str:
    """The constructor whose parameter names are exactly ``names``; ValueError otherwise."""
    import torch

    from pruneedu import models

    for constructor in NETWORKS:
        with torch.device("meta"):
            expected = set(getattr(models, constructor)().state_dict())
        if names == expected:
            return constructor
    shown = ", ".join(sorted(names)[:6])
    raise ValueError(f"the file holds the tensors {shown}, which are not those of a "
                     "LeNet-300-100 or a LeNet-5 (save the model itself with save_compressed)")


def predict(data, images):
    """Predicted digits (int64 ``[N]``) of the model in ``data`` (the file's bytes, uint8) on
    ``images`` (uint8 ``[N, 28, 28]``, scaled as ``data.load_mnist`` scales them)."""
    import io

    import torch

    from pruneedu.pruning.fileformat import read_arrays
    from pruneedu.wire import ModelSpec
    from pruneedu.wire_torch import build_model

    arrays = read_arrays(io.BytesIO(data.numpy().tobytes()), max_elements=MAX_ELEMENTS)
    net = build_model(ModelSpec(network_of(set(arrays)), arrays))
    pixels = images.float().div(255.0).unsqueeze(1)
    predictions = []
    with torch.no_grad():
        for start in range(0, len(pixels), BATCH):
            logits = net(pixels[start:start + BATCH])
            predictions.append(logits.argmax(dim=1))
    return torch.cat(predictions).to(torch.int64)
