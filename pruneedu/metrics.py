"""How big, how sparse and how fast a model is.

Everything here reads the weights a model really computes with (pruning masks applied), so
a masked model and the same model after ``pruning.make_permanent`` measure the same. Taught in
notebooks 01-introduction (sparsity, parameters), 02-weight-vs-node (MACs, latency) and
03-challenges (bytes on disk).
"""

from __future__ import annotations

import io
import statistics

import torch
from torch import nn

from pruneedu.argcheck import check_choice, check_int, check_number, is_int
from pruneedu.models import check_model
from pruneedu.pruning import effective_state_dict, effective_weight, prunable_layers
from pruneedu.pruning.masks import PRUNABLE_TYPES
from pruneedu.pruning.storage import STORAGES, save_compressed


def sparsity(net: nn.Module) -> float:
    """The fraction of the prunable weights (Linear and Conv2d weights) that are zero.

    This is the course's one definition of sparsity. Biases are not counted. Works on
    models from ``quantize.quantize_int8`` too (their int8 weights read as floats).

    Example:
        >>> from pruneedu import models, pruning
        >>> sparsity(pruning.prune_weights(models.lenet_300_100(seed=0), amount=0.9))
        0.9
    """
    check_model(net, "sparsity")
    weights = list(_weights(net).values())
    zeros = sum(int((w == 0).sum()) for w in weights)
    return zeros / sum(w.numel() for w in weights)


def layer_sparsity(net: nn.Module) -> dict[str, float]:
    """Sparsity of each Linear/Conv2d weight, by layer name, in model order.

    Example:
        >>> from pruneedu import models
        >>> layer_sparsity(models.lenet_300_100(seed=0))
        {'fc1': 0.0, 'fc2': 0.0, 'fc3': 0.0}
    """
    check_model(net, "layer_sparsity")
    return {name: float((w == 0).float().mean()) for name, w in _weights(net).items()}


def _weights(net: nn.Module) -> dict[str, torch.Tensor]:
    """Effective weight of each Linear/Conv2d, including int8 layers from ``quantize_int8``.

    Quantized weights are read back as floats: a weight too small for its int8 step becomes
    zero, so sparsity can rise after quantization, never fall.
    """
    layers = _layers(net)
    if not layers:
        prunable_layers(net)  # raises the one-sentence error for a model without layers
    return {name: weight for name, _, weight, _ in layers}


def _layers(net: nn.Module) -> list[tuple[str, nn.Module, torch.Tensor, torch.Tensor | None]]:
    """``(name, module, weight, bias)`` of every float or int8 Linear/Conv2d, in model order."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicInt8Linear

    found = []
    for name, module in net.named_modules():
        if isinstance(module, DynamicInt8Linear):
            found.append((name, module, module.weight().dequantize(), module.bias()))
        elif isinstance(module, PRUNABLE_TYPES):
            found.append((name, module, effective_weight(module), module.bias))
    return found


def parameter_count(net: nn.Module, nonzero_only: bool = False) -> int:
    """Number of parameters (weights and biases), or only the non-zero ones.

    Masks and the ``weight_orig`` copies that pruning adds are not counted twice: a pruned
    weight counts once, as the layer uses it.

    Example:
        >>> from pruneedu import models
        >>> parameter_count(models.lenet_300_100(seed=0))
        266610
    """
    check_model(net, "parameter_count")
    state = effective_state_dict(net)
    names = {
        n.removesuffix("_orig") if n.removesuffix("_orig") in state else n
        for n, _ in net.named_parameters()
    }
    tensors = [state[n] for n in names]
    # int8 layers keep weight and bias in packed form, not as parameters.
    for _, module, weight, bias in _layers(net):
        if not isinstance(module, PRUNABLE_TYPES):
            tensors += [weight] + ([] if bias is None else [bias.detach()])
    if nonzero_only:
        return sum(int((t != 0).sum()) for t in tensors)
    return sum(t.numel() for t in tensors)


def macs(
    net: nn.Module, input_shape: tuple[int, ...] = (1, 28, 28), skip_zeros: bool = False
) -> int:
    """Multiply-accumulate operations per input image in the Linear and Conv2d layers.

    A Linear weight is used once per image; a convolution weight once per output position,
    which is why pruning a conv layer saves more compute per weight. With
    ``skip_zeros=True`` only non-zero weights count: the work an ideal sparse kernel does.
    ``input_shape`` is the shape of one image, without the batch axis (as in
    :func:`latency_ms`). Works on models from ``quantize.quantize_int8`` too.

    Example:
        >>> from pruneedu import models
        >>> macs(models.lenet_300_100(seed=0))  # 784*300 + 300*100 + 100*10
        266200
    """
    check_model(net, "macs")
    uses: dict[nn.Module, int] = {}

    def count_uses(module: nn.Module, _inputs, output: torch.Tensor) -> None:
        # Output elements per image / output features = times each weight is used
        # (1 for a Linear on flat inputs, the output height x width for a Conv2d).
        features = module.out_channels if isinstance(module, nn.Conv2d) else module.out_features
        uses[module] = output[0].numel() // features

    layers = _layers(net)
    if not layers:
        prunable_layers(net)  # raises the one-sentence error for a model without layers
    handles = [module.register_forward_hook(count_uses) for _, module, _, _ in layers]
    try:
        _run_once(net, _example_batch(net, 1, input_shape, "macs"), "macs")
    finally:
        for handle in handles:
            handle.remove()
    total = 0
    for _, module, weight, _ in layers:
        per_use = int((weight != 0).sum()) if skip_zeros else weight.numel()
        total += per_use * uses.get(module, 0)
    return total


def _example_batch(
    net: nn.Module, batch_size: int, input_shape: object, function: str
) -> torch.Tensor:
    """A fixed random batch of ``input_shape`` images, on the device of ``net``."""
    if not isinstance(input_shape, (tuple, list)) or not all(
        is_int(n) and n > 0 for n in input_shape
    ):
        raise TypeError(
            f"{function}() needs input_shape as a tuple of positive ints, the shape of one "
            f"image such as (1, 28, 28); got {input_shape!r}."
        )
    parameter = next(net.parameters(), None)
    inputs = torch.rand((batch_size, *input_shape), generator=torch.Generator().manual_seed(0))
    if parameter is None:  # int8 models hold no float parameters and run on the CPU
        return inputs
    return inputs.to(device=parameter.device, dtype=parameter.dtype)


def _run_once(net: nn.Module, inputs: torch.Tensor, function: str) -> None:
    """One forward pass in eval mode; a shape mismatch becomes a one-sentence ValueError."""
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            net(inputs)
    except RuntimeError as error:
        raise ValueError(
            f"{type(net).__name__} cannot run on inputs of shape {list(inputs.shape[1:])} "
            f"per image ({str(error).splitlines()[0]}); pass {function}(..., input_shape=...) "
            "with the shape of one image, such as (1, 28, 28) for MNIST."
        ) from error
    finally:
        net.train(was_training)


def model_size_bytes(net: nn.Module, storage: str = "dense") -> int:
    """Size in bytes of the model file, really written (to memory) and counted.

    Storage formats (see ``pruning.storage`` for the exact layout):

    * ``"dense"``: every weight as float32, masks folded in (not ``weight_orig`` + mask).
    * ``"sparse"``: non-zero weights as float32 plus their positions as relative indices of
      1-8 bits (zero runs bridged by filler entries), as in Han et al.'s Deep Compression.
    * ``"int8"``: weights as int8 with one float32 scale per output channel.
    * ``"sparse-int8"``: both: int8 non-zero values plus relative indices.

    Biases stay float32 in every format. ``pruning.load_compressed`` reads the file back.

    Example:
        >>> from pruneedu import models
        >>> model_size_bytes(models.lenet_300_100(seed=0)) // 1000
        1066
    """
    check_model(net, "model_size_bytes")
    check_choice(storage, "storage", STORAGES)
    return save_compressed(net, io.BytesIO(), storage)


def latency_ms(
    net: nn.Module,
    batch_size: int = 256,
    repeats: int = 7,
    input_shape: tuple[int, ...] = (1, 28, 28),
    num_threads: int = 1,
    min_run_time: float = 0.05,
) -> float:
    """Median time in milliseconds of one forward pass over a batch, in eval mode.

    Uses ``torch.utils.benchmark``: a warm-up, then ``repeats`` blocks of at least
    ``min_run_time`` seconds each; the median over blocks is returned. The thread count is
    fixed (default 1) so that runs compare fairly on a shared laptop.

    Example:
        >>> from pruneedu import models
        >>> latency_ms(models.lenet_300_100(seed=0), batch_size=1, repeats=3) > 0
        True
    """
    from torch.utils import benchmark

    check_model(net, "latency_ms")
    for label, value, example in (
        ("batch_size", batch_size, "256"),
        ("repeats", repeats, "7"),
        ("num_threads", num_threads, "1"),
    ):
        check_int(value, label, minimum=1, example=example)
    check_number(min_run_time, "min_run_time", example="0.05 (seconds)")
    if not min_run_time > 0:
        raise ValueError(f"min_run_time={min_run_time} must be above 0 seconds; use e.g. 0.05.")
    inputs = _example_batch(net, batch_size, input_shape, "latency_ms")
    _run_once(net, inputs[:1], "latency_ms")  # a wrong input_shape fails here, in one sentence
    was_training = net.training
    net.eval()
    timer = benchmark.Timer(
        stmt="net(x)", globals={"net": net, "x": inputs}, num_threads=num_threads
    )
    try:
        # Gradients off for the whole measurement, so only the model itself is timed.
        with torch.inference_mode():
            timer.timeit(10)  # warm-up: first calls allocate buffers and pick kernels
            medians = [
                timer.blocked_autorange(min_run_time=min_run_time).median for _ in range(repeats)
            ]
    finally:
        net.train(was_training)
    return statistics.median(medians) * 1000.0
