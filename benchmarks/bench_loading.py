"""How fast does ``models.pretrained`` hand a learner a trained model? Against building one.

The baseline is what any notebook does anyway: build the same architecture with random
weights (``models.lenet_300_100()`` / ``models.lenet5()``). Both run interleaved in this
process, several times, and the table reports medians and their ratio. Goal: loading the
shipped weights takes under 1 s (a notebook cell that feels instant) and at most 3x the cost
of building the untrained model. This replaces a timed unit test: timings belong here.

Run: ``.venv/bin/python benchmarks/bench_loading.py [--repeats N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from tables import print_table, verdict

from pruneedu import models

GOAL_S = 1.0
GOAL_RATIO = 3.0
BUILDERS: dict[str, Callable[[], object]] = {
    "lenet-300-100": models.lenet_300_100,
    "lenet-5": models.lenet5,
}


def seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed calls of each kind")
    args = parser.parse_args(argv)
    rows = []
    for name, build in BUILDERS.items():
        models.pretrained(name)  # warm-up: the first call also reads the file from disk
        loads, builds = [], []
        for _ in range(args.repeats):  # interleaved, so machine load hits both alike
            loads.append(seconds(lambda name=name: models.pretrained(name)))
            builds.append(seconds(build))
        ratio = statistics.median(loads) / statistics.median(builds)
        passed = max(loads) < GOAL_S and ratio <= GOAL_RATIO
        rows.append([name, f"{statistics.median(loads) * 1000:.1f}",
                     f"{statistics.median(builds) * 1000:.1f}", f"{ratio:.2f}x",
                     f"{max(loads) * 1000:.1f}", verdict(passed)])
    print(f"models.pretrained(name) vs building the untrained model, median of {args.repeats} "
          f"(goal: every load < {GOAL_S:.0f} s and at most {GOAL_RATIO:.0f}x the build)\n")
    print_table(["model", "pretrained (ms)", "untrained build (ms)", "ratio",
                 "slowest load (ms)", "result"], rows, "lrrrrl")
    return 0 if all(row[-1] == "PASS" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
