"""Computing for widgets, which must answer a slider move within ~100 ms: one thread, and
quick latency readings.

Widgets compute on one thread. Their models are small, so a second thread gains little on a
quiet laptop, and it costs a lot on a busy one: a two-thread forward pass waits for both
threads to get the CPU, while the browser is still drawing the last move. On a shared 2-core
machine one evaluation of LeNet-300-100 on the test split took about 8 ms with one thread and
190 ms with two (``benchmarks/bench_widgets.py`` times every view this way).

``metrics.latency_ms`` is the careful measurement (warm-up, blocks of repeated runs, medians)
that the benchmarks use; it takes a few hundred milliseconds per model. A widget instead
times a handful of single forward passes, alternating between the models it compares so that
a busy moment of the machine slows them alike, and reports medians. The readings are noisier
by a few percent, which is why the readouts say "measured now" and the lessons quote the
benchmark.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import torch
from torch import nn

from pruneedu.metrics import _example_batch

Result = TypeVar("Result")


def one_thread(function: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``function`` with torch on one thread, then restore the thread count.

    Example:
        >>> @one_thread
        ... def threads():
        ...     return torch.get_num_threads()
        >>> threads()
        1
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return function(*args, **kwargs)
        finally:
            torch.set_num_threads(threads)

    return wrapper


def quick_latencies_ms(nets: Sequence[nn.Module], batch_size: int = 256, runs: int = 5,
                       warmup: int = 2, input_shape: tuple[int, ...] = (1, 28, 28)
                       ) -> list[float]:
    """Median milliseconds of ``runs`` forward passes over one batch for each of ``nets``,
    interleaved, on one thread.

    Example:
        >>> from pruneedu import models
        >>> a, b = quick_latencies_ms([models.lenet_300_100(seed=0)] * 2, batch_size=8)
        >>> a > 0 and b > 0
        True
    """
    batches = [_example_batch(net, batch_size, input_shape, "quick_latencies_ms")
               for net in nets]
    threads, modes = torch.get_num_threads(), [net.training for net in nets]
    torch.set_num_threads(1)  # as metrics.latency_ms: comparable on a shared laptop
    times: list[list[float]] = [[] for _ in nets]
    try:
        with torch.inference_mode():
            for net, batch in zip(nets, batches, strict=True):
                net.eval()
                for _ in range(warmup):
                    net(batch)
            for _ in range(runs):
                for net, batch, timings in zip(nets, batches, times, strict=True):
                    start = time.perf_counter()
                    net(batch)
                    timings.append((time.perf_counter() - start) * 1000.0)
    finally:
        torch.set_num_threads(threads)
        for net, mode in zip(nets, modes, strict=True):
            net.train(mode)
    return [statistics.median(timings) for timings in times]
