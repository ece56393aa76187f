"""What isolation costs per sandbox, and what one learner's exercises cost in one sandbox.

Times, side by side and interleaved (median of ``--repeats``), the same work with no
isolation (a plain child Python: the ``unsafe-none`` mode's process) and under bubblewrap
(the ``bwrap`` mode), and prints the ratio:

1. start-up steps: the bare interpreter, then importing numpy, then torch;
2. whole sandboxes through :func:`pruneedu.grading.sandbox.run_jobs`: one exercise of 5 calls,
   one learner's 10 numpy exercises in ONE sandbox, the same 10 in ten sandboxes, and 10 torch
   exercises in one sandbox;
3. a projection for issue 13's class: 120 learners x 10 code exercises on 2 cores, one
   sandbox per learner, 2 sandboxes at a time, against the 5-minute goal.

Run: ``.venv/bin/python benchmarks/bench_sandbox.py`` (about a minute).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from tables import print_table, verdict

from pruneedu.grading import bwrap
from pruneedu.grading.sandbox import Job, isolation_modes, run_jobs

LEARNERS, EXERCISES, CORES, GOAL_S = 120, 10, 2, 300.0
EXERCISE = ("import numpy as np\ndef f(x):\n    w = np.asarray(x, dtype=float)\n"
            "    return (np.abs(w) > np.median(np.abs(w))).astype(bool)\n")
TORCH_EXERCISE = "import torch\ndef f(x):\n    return (x.abs() > x.abs().median())\n"


def _timed(action, isolated: bool) -> float:
    start = time.perf_counter()
    action(isolated)
    return time.perf_counter() - start


def _python(code: str, isolated: bool) -> None:
    argv = [bwrap.python_executable(), "-I", "-S", "-B", "-c",
            f"import sys; sys.path.extend({bwrap.site_folders()!r}); {code}"]
    if isolated:
        fd = bwrap.seccomp_pipe()
        try:
            subprocess.run(bwrap.command(argv, fd, torch=True, uid=bwrap.host_uid()),
                           pass_fds=(fd,), check=True, env={"PATH": "/usr/bin:/bin"})
        finally:
            os.close(fd)
    else:
        subprocess.run(argv, check=True, env=dict(bwrap.ENVIRONMENT))


def _jobs(count: int, torch: bool) -> list[Job]:
    import numpy as np

    calls = [(np.linspace(-1, 1, 300 * (i + 1)),) for i in range(5)]
    code = TORCH_EXERCISE if torch else EXERCISE
    return [Job(code, "f", calls, hidden_from=3, array_type="torch" if torch else "numpy")
            for _ in range(count)]


def _sandboxes(jobs: list[Job], mode: str, separate: bool) -> None:
    groups = [[job] for job in jobs] if separate else [jobs]
    for group in groups:
        runs = run_jobs(group, isolation=mode)
        assert all(o.ok for run in runs for o in run.outcomes), runs


def measure(repeats: int) -> list[tuple[str, float, float]]:
    rows = {
        "python start (-I -S)": lambda iso: _python("pass", iso),
        "python + import numpy": lambda iso: _python("import numpy", iso),
        "python + import torch": lambda iso: _python("import torch", iso),
        "sandbox: 1 numpy exercise, 5 calls": lambda iso: _sandboxes(
            _jobs(1, False), "bwrap" if iso else "unsafe-none", False),
        "1 learner, 10 numpy exercises, 1 sandbox": lambda iso: _sandboxes(
            _jobs(EXERCISES, False), "bwrap" if iso else "unsafe-none", False),
        "1 learner, 10 numpy exercises, 10 sandboxes": lambda iso: _sandboxes(
            _jobs(EXERCISES, False), "bwrap" if iso else "unsafe-none", True),
        "1 learner, 10 torch exercises, 1 sandbox": lambda iso: _sandboxes(
            _jobs(EXERCISES, True), "bwrap" if iso else "unsafe-none", False),
    }
    results = []
    for name, action in rows.items():
        action(False)  # warm the page cache for both
        plain, isolated = [], []
        for _ in range(repeats):
            plain.append(_timed(action, False))
            isolated.append(_timed(action, True))
        results.append((name, statistics.median(plain), statistics.median(isolated)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    reason = isolation_modes()["bwrap"]
    if reason:
        sys.exit(f"bubblewrap isolation is unavailable here, nothing to compare: {reason}")
    results = measure(args.repeats)
    print(f"## Sandbox overhead (median of {args.repeats}, interleaved; "
          f"{os.cpu_count()} CPUs, shared)\n")
    print_table(["step", "no isolation (s)", "bubblewrap (s)", "ratio"],
                [[name, f"{plain:.3f}", f"{isolated:.3f}", f"{isolated / plain:.2f}x"]
                 for name, plain, isolated in results], "lrrr")
    timings = {name: isolated for name, _, isolated in results}
    numpy_learner = timings["1 learner, 10 numpy exercises, 1 sandbox"]
    torch_learner = timings["1 learner, 10 torch exercises, 1 sandbox"]
    separate = timings["1 learner, 10 numpy exercises, 10 sandboxes"]
    print(f"\nOne sandbox for a learner's 10 exercises instead of ten: "
          f"{separate / numpy_learner:.1f}x faster.")
    for label, per_learner in (("numpy", numpy_learner), ("torch", torch_learner)):
        total = per_learner * LEARNERS / CORES
        print(f"Projected class ({LEARNERS} x {EXERCISES} {label} exercises, {CORES} sandboxes "
              f"at a time on {CORES} cores): {total:.0f} s; goal < {GOAL_S:.0f} s: "
              f"**{verdict(total < GOAL_S)}**")


if __name__ == "__main__":
    main()
