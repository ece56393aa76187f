"""How long the code exercises take: a learner's instant check(), and the grader on one
learner's full set.

Table 1: ``check(exercise_id, solution)`` per exercise, as a learner runs it in a notebook
(inputs and outputs cross the wire codec as in the grader). The course promises under 2 s. Wall
time on a machine shared with other jobs is inflated by their load, so the table also gives the
process's CPU time (all its threads), which the load hardly changes, and judges by it.

Table 2: grading one learner's twelve functions (public and hidden tests, reference solutions)
side by side in this process: run in this process without any sandbox (the baseline: the
tests themselves), in one ``unsafe-none`` sandbox, and in one ``bwrap`` sandbox; then the
capstone file in its own sandbox. The ratio column is against the unsandboxed run of the
same work, so a loaded machine slows both alike.

    .venv/bin/python benchmarks/bench_exercises.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tables import print_table, verdict  # noqa: E402

from pruneedu.exercises import check, load_exercises  # noqa: E402
from pruneedu.exercises.learner import run_function  # noqa: E402
from pruneedu.grading.capstone import encode_file, grade_capstone  # noqa: E402
from pruneedu.grading.codegrade import grade_learner_code  # noqa: E402
from pruneedu.grading.sandbox import isolation_modes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHECK_LIMIT_S = 2.0
CAPSTONE_FILE = ROOT / "tests" / "fixtures" / "capstone" / "passing.pedu"


def solution(exercise):
    spec = importlib.util.spec_from_file_location(f"_bench_{exercise.folder.name}",
                                                  exercise.solution_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, exercise.function)


def seconds(action, repeats: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        action()
        times.append(clock() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing (median)")
    args = parser.parse_args()
    exercises = load_exercises(ROOT / "exercises")
    functions = [e for e in exercises.values() if e.kind == "function"]
    solutions = {e.id: solution(e) for e in functions}

    rows, all_fast = [], True
    for exercise in functions:
        with contextlib.redirect_stdout(io.StringIO()):
            check(exercise.id, solutions[exercise.id])  # first call loads the tests
            took = seconds(lambda e=exercise: check(e.id, solutions[e.id]), args.repeats)
            cpu = seconds(lambda e=exercise: check(e.id, solutions[e.id]), args.repeats,
                          time.process_time)
        all_fast &= cpu < CHECK_LIMIT_S
        rows.append([exercise.id, exercise.lesson, len(exercise.public_cases()),
                     f"{took * 1000:.0f}", f"{cpu * 1000:.0f}", verdict(cpu < CHECK_LIMIT_S)])
    print("Table 1: check() per exercise (median of "
          f"{args.repeats}), limit {CHECK_LIMIT_S:g} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores\n")
    print_table(["exercise", "lesson", "public tests", "wall ms", "CPU ms", "CPU under 2 s"],
                rows, "lrrrrl")

    work = [(e, e.solution_path.read_text()) for e in functions]
    tests = sum(len(e.public_cases()) + len(e.hidden_cases()) for e in functions)

    def in_process() -> None:
        for exercise in functions:
            run_function(exercise, solutions[exercise.id],
                         exercise.public_cases() + exercise.hidden_cases())

    baseline = seconds(in_process, args.repeats)
    rows = [["no sandbox (baseline)", f"{baseline:.2f}", "1.0", "-"]]
    modes = isolation_modes()
    for mode in ("unsafe-none", "bwrap"):
        if modes[mode]:
            rows.append([f"one {mode} sandbox", "not available here", "-", modes[mode]])
            continue
        results = {}

        def graded(mode=mode, results=results) -> None:
            results.update(grade_learner_code(work, hide=[ROOT / "exercises"], isolation=mode))

        took = seconds(graded, args.repeats)
        full = all(r.score == r.max_score for r in results.values())
        rows.append([f"one {mode} sandbox", f"{took:.2f}", f"{took / baseline:.1f}",
                     verdict(full)])
    capstone = encode_file(CAPSTONE_FILE.read_bytes())
    mode = "bwrap" if not modes["bwrap"] else "unsafe-none"
    outcome = {}
    took = seconds(lambda: outcome.update(r=grade_capstone(exercises["capstone"], capstone,
                                                           isolation=mode)), args.repeats)
    rows.append([f"capstone file, own {mode} sandbox", f"{took:.2f}", f"{took / baseline:.1f}",
                 verdict(outcome["r"].score == outcome["r"].max_score)])
    print(f"\nTable 2: grading one learner's {len(functions)} functions ({tests} tests) and the "
          f"capstone (median of {args.repeats})\n")
    print_table(["how", "seconds", "x baseline", "full marks"], rows, "lrrl")
    sys.exit(0 if all_fast else 1)


if __name__ == "__main__":
    main()
