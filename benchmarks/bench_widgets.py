"""How fast do the explorers answer a slider move? p50/p95 per widget against a 100 ms goal.

Each widget is built once on the shipped models and the bundled digits, then its slider is
moved N times to random other stops. A move is timed from setting ``slider.value`` (what the
kernel does when the browser reports a move) until every readout and figure has been updated:
the observers run synchronously, so that is when the assignment returns. Sending the new
state back to the browser is not included.

Run: ``.venv/bin/python benchmarks/bench_widgets.py [--moves N]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable

from tables import print_table, verdict

from pruneedu import data, models, widgets
from pruneedu.seeding import seed_everything

GOAL_MS = 100.0


def time_moves(slider, moves: int, rng: random.Random) -> list[float]:
    """Milliseconds per slider move to a random stop other than the current one."""
    stops = [value for _, value in slider.options] if hasattr(slider, "options") else list(
        range(slider.min, slider.max + 1))
    timings = []
    for _ in range(moves):
        target = rng.choice([s for s in stops if s != slider.value])
        start = time.perf_counter()
        slider.value = target
        timings.append((time.perf_counter() - start) * 1000.0)
    return timings


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60, help="slider moves per widget")
    args = parser.parse_args(argv)
    seed_everything(0)
    mnist = data.load_mnist()
    mlp, lenet5 = models.pretrained("lenet-300-100"), models.pretrained("lenet-5")
    builders: dict[str, Callable[[], object]] = {
        "DigitBrowser": lambda: widgets.DigitBrowser(mnist.test),
        "PruningExplorer": lambda: widgets.PruningExplorer(mlp, mnist),
        "WeightVsNodeExplorer": lambda: widgets.WeightVsNodeExplorer(mlp, mnist),
        "ChannelExplorer": lambda: widgets.ChannelExplorer(lenet5, mnist),
    }
    rng = random.Random(0)
    rows = []
    for name, build in builders.items():
        start = time.perf_counter()
        widget = build()
        build_s = time.perf_counter() - start
        timings = time_moves(widget.slider, args.moves, rng)
        p95 = percentile(timings, 95)
        rows.append([name, f"{build_s:.1f}", f"{statistics.median(timings):.1f}", f"{p95:.1f}",
                     f"{max(timings):.1f}", verdict(p95 < GOAL_MS)])
    print(f"Slider move -> updated readouts and figures, {args.moves} moves per widget "
          f"(goal: p95 < {GOAL_MS:.0f} ms)\n")
    print_table(["widget", "build (s)", "p50 (ms)", "p95 (ms)", "max (ms)", "result"], rows,
                "lrrrrl")
    return 0 if all(row[-1] == "PASS" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
