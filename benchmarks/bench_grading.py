"""How long `pruneedu grade` takes for a class, and how much memory the grader needs.

1. **Quiz-only class**: 500 synthetic responses files (seeded: 125 learners x 4 banks of the
   course) graded end to end in this process (`grade.run`, which also writes the gradebook)
   and through the command line (`python -m pruneedu grade`, which adds interpreter start-up).
   Goal: under 10 s on a 2-core laptop CPU.
2. **Code class**: 120 learners x 10 code exercises of the course (their reference solutions,
   stubs and solutions broken to raise, mixed by a seed) under the real isolation
   (bubblewrap), with `--jobs 2` side by side with `--jobs 1` (today's sequential grading):
   seconds, the ratio, and whether both wrote the same gradebook bytes. Goal: `--jobs 2` under
   5 minutes on 2 cores.
3. **What isolation costs per submission**: the same few learners graded with `--jobs 1`
   under bubblewrap and with `--unsafe-no-isolation`, interleaved in this process.
4. **Grader memory**: peak RSS of the grader process alone (its own `ru_maxrss`, not its
   sandboxes') for the class at 30 and at 120 learners, `--jobs 2`: it must not grow with the
   class beyond the gradebook itself.

Run: `.venv/bin/python benchmarks/bench_grading.py` (20-40 minutes on 2 busy cores), or
`--quick` (20 learners, memory at 10 vs 40: about 10 minutes; the code goal is scaled).
`--skip-code` runs only the quiz table.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tables import print_table, verdict

from pruneedu import paths, quiz
from pruneedu.cli import build_parser
from pruneedu.grading import grade
from pruneedu.grading.material import load_banks
from pruneedu.grading.sandbox import isolation_modes

SUBMISSIONS = 500
GOAL_S = 10.0
CODE_LEARNERS, CODE_EXERCISES, CODE_GOAL_S, JOBS = 120, 10, 300.0, 2
MEMORY_SIZES = (30, 120)
# Runs one grading command and writes its wall time and the grader's own peak RSS (not its
# sandboxes': RUSAGE_SELF counts this process and its threads only) to a JSON file.
MEASURED = """
import json, resource, sys, time
from pruneedu.cli import main
start = time.perf_counter()
code = main(sys.argv[2:])
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as handle:
    json.dump({"seconds": wall, "exit": code,
               "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, handle)
"""


def random_answer(question: quiz.Question, rng: random.Random) -> object:
    """A plausible answer: right about half the time, otherwise a valid wrong one."""
    right = rng.random() < 0.5
    key = question.answer
    if question.type == "single":
        return key if right else rng.choice([c.id for c in question.choices])
    if question.type == "multiple":
        return list(key) if right else rng.sample([c.id for c in question.choices], 2)
    if question.type == "truefalse":
        return key if right else rng.random() < 0.5
    if question.type == "numeric":
        # A key drawn per learner from a formula is not known here: any number is valid.
        exact = key.get("value", key.get("min", 0.0))
        return exact if right else exact + 1000
    if question.type == "written":
        return "A written answer that waits for a person's score."
    if question.type == "text":
        return key["accept"][0] if right else "no idea"
    definitions = list(key["pairs"].values())
    if not right:
        rng.shuffle(definitions)
    return dict(zip(key["pairs"], definitions, strict=True))


def make_class(folder: Path, banks: dict[str, quiz.Bank], count: int, seed: int = 0) -> None:
    """Write ``count`` responses files spread over the banks."""
    rng = random.Random(seed)
    ids = sorted(banks)
    for index in range(count):
        bank = banks[ids[index % len(ids)]]
        learner = f"learner{index // len(ids):04d}"
        data = quiz.new_responses(bank.id, quiz.content_hash(bank), learner, "graded")
        for question in bank.questions:
            quiz.record_answer(data, question.id, random_answer(question, rng))
        quiz.save_responses(folder / f"{learner}.{bank.id}.responses.json", data)


def time_in_process(folder: Path, out: Path, quizzes: Path) -> tuple[float, int]:
    args = build_parser().parse_args(["grade", str(folder), "--out", str(out), "--quizzes",
                                      str(quizzes), "--exercises", str(folder / "no-exercises"),
                                      "--no-progress"])
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # 500 files' reject lines
        code = grade.run(args)
    return time.perf_counter() - start, code


def time_cli(folder: Path, out: Path, quizzes: Path) -> tuple[float, int]:
    command = [sys.executable, "-m", "pruneedu", "grade", str(folder), "--out", str(out),
               "--quizzes", str(quizzes), "--exercises", str(folder / "no-exercises"),
               "--no-progress"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def quiz_table() -> bool:
    quizzes = paths.quizzes_dir()
    banks = load_banks(quizzes)
    if not banks:
        print(f"No quiz banks in {quizzes}; nothing to benchmark.")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        (folder / "no-exercises").mkdir()
        make_class(folder, banks, SUBMISSIONS)
        runs = [("in process (grade.run)", *time_in_process(folder, Path(tmp) / "a", quizzes)),
                ("command line (python -m pruneedu grade)",
                 *time_cli(folder, Path(tmp) / "b", quizzes))]
        same = all((Path(tmp) / "a" / name).read_bytes() == (Path(tmp) / "b" / name).read_bytes()
                   for name in ("gradebook.csv", "gradebook.json", "rejects.csv"))
    print(f"\n### Quiz-only grading: {SUBMISSIONS} synthetic submissions ({len(banks)} banks)\n")
    rows = [[name, f"{seconds:.2f}", f"{1000 * seconds / SUBMISSIONS:.1f}", code,
             f"< {GOAL_S:g} s on 2 cores", verdict(seconds < GOAL_S and code in (0, 1))]
            for name, seconds, code in runs]
    print_table(["run", "seconds", "per submission (ms)", "exit", "goal", "result"], rows,
                "lrrrll")
    print(f"\nBoth runs wrote the same gradebook: {'yes' if same else 'NO'}. Exit status 1 "
          "means some answers were rejected: the synthetic files answer every question of a "
          "bank, also those not drawn for that learner, and leave notebook-recorded values "
          "out.")
    return same and all(row[-1] == "PASS" for row in rows)


def code_exercises(count: int) -> list[Path]:
    """``count`` function exercises of the course (every numpy one first, then torch ones)."""
    folders = [f for f in sorted((paths.course_root() / "exercises").iterdir())
               if (f / "solution.py").exists() and (f / "stub.py").exists()
               and "kind: capstone" not in (f / "exercise.yaml").read_text()]
    numpy_first = sorted(folders, key=lambda f: "array_type: numpy" not in
                         (f / "exercise.yaml").read_text())
    return numpy_first[:count]


def _broken(solution: str) -> str:
    """The solution with its first ``return`` replaced by an error: a learner's crash."""
    return re.sub(r"^(\s+)return\b.*$", r"\1raise ValueError('not finished')", solution,
                  count=1, flags=re.MULTILINE)


def make_code_class(folder: Path, exercises: list[Path], learners: int, seed: int = 0) -> None:
    """``learners`` x ``exercises`` code files: 70% solutions, 20% stubs, 10% crashing."""
    rng = random.Random(seed)
    texts = {e.name: ((e / "solution.py").read_text(), (e / "stub.py").read_text(),
                      _broken((e / "solution.py").read_text())) for e in exercises}
    for index in range(learners):
        for exercise in exercises:
            solution, stub, broken = texts[exercise.name]
            draw = rng.random()
            code = solution if draw < 0.7 else stub if draw < 0.9 else broken
            (folder / f"learner{index:04d}.{exercise.name}.py").write_text(code)


def measured_grade(folder: Path, out: Path, jobs: int, extra: tuple[str, ...] = ()) -> dict:
    """Grade ``folder`` in a fresh Python: its seconds, exit status and peak RSS (MB)."""
    report = out.parent / f"{out.name}.json"
    command = [sys.executable, "-c", MEASURED, str(report), "grade", str(folder), "--out",
               str(out), "--quizzes", str(folder / "no-quizzes"), "--no-progress", "--jobs",
               str(jobs), *extra]
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    return json.loads(report.read_text())


def _same_files(a: Path, b: Path) -> bool:
    return all((a / n).read_bytes() == (b / n).read_bytes()
               for n in ("gradebook.csv", "gradebook.json", "rejects.csv"))


def code_tables(learners: int, memory_sizes: tuple[int, ...], overhead_learners: int,
                repeats: int) -> bool:
    if isolation_modes()["bwrap"]:
        print(f"\nSKIPPED the code tables: bubblewrap cannot run here "
              f"({isolation_modes()['bwrap']}).")
        return False
    exercises = code_exercises(CODE_EXERCISES)
    numpy_count = sum("array_type: numpy" in (e / "exercise.yaml").read_text()
                      for e in exercises)
    goal = CODE_GOAL_S * learners / CODE_LEARNERS
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "class"
        folder.mkdir()
        (folder / "no-quizzes").mkdir()
        make_code_class(folder, exercises, learners)
        submissions = learners * len(exercises)
        print(f"\n### Code class: {learners} learners x {len(exercises)} exercises "
              f"({numpy_count} numpy, {len(exercises) - numpy_count} torch), bubblewrap, "
              f"{os.cpu_count()} CPU cores\n")
        parallel = measured_grade(folder, root / "parallel", JOBS)
        serial = measured_grade(folder, root / "serial", 1)
        same = _same_files(root / "parallel", root / "serial")
        rows = []
        for name, run in ((f"--jobs {JOBS}", parallel), ("--jobs 1 (baseline)", serial)):
            rows.append([name, f"{run['seconds']:.1f}",
                         f"{1000 * run['seconds'] / submissions:.0f}",
                         f"{serial['seconds'] / run['seconds']:.2f}x", run["exit"],
                         f"{run['peak_rss_mb']:.0f}"])
        passed = parallel["seconds"] < goal and same
        rows[0] += [f"< {goal:.0f} s", verdict(passed)]
        rows[1] += ["", ""]
        print_table(["run", "seconds", "per submission (ms)", "speed-up vs --jobs 1", "exit",
                     "grader peak RSS (MB)", "goal", "result"], rows, "lrrrrrll")
        print(f"\nBoth wrote the same gradebook bytes: {'yes' if same else 'NO'}")
        ok &= passed

        few = root / "few"
        few.mkdir()
        (few / "no-quizzes").mkdir()
        make_code_class(few, exercises, overhead_learners, seed=1)
        times: dict[str, list[float]] = {"bwrap": [], "unsafe-none": []}
        for repeat in range(repeats):
            for mode, extra in (("bwrap", ()), ("unsafe-none", ("--unsafe-no-isolation",))):
                run = measured_grade(few, root / f"few-{mode}-{repeat}", 1, extra)
                times[mode].append(run["seconds"])
        per = {mode: 1000 * statistics.median(t) / (overhead_learners * len(exercises))
               for mode, t in times.items()}
        print(f"\n### Per submission, with and without isolation ({overhead_learners} learners "
              f"x {len(exercises)} exercises, --jobs 1, median of {repeats}, interleaved)\n")
        print_table(["isolation", "per submission (ms)", "per learner (s)", "vs unsafe-none"],
                    [[mode, f"{ms:.0f}", f"{ms * len(exercises) / 1000:.2f}",
                      f"{ms / per['unsafe-none']:.2f}x"] for mode, ms in per.items()], "lrrr")
        print(f"\nIsolation adds {per['bwrap'] - per['unsafe-none']:.0f} ms a submission "
              f"({(per['bwrap'] - per['unsafe-none']) * len(exercises):.0f} ms a learner's "
              "sandbox).")

        print(f"\n### Grader memory by class size (--jobs {JOBS}, bubblewrap)\n")
        memory = {}
        for size in memory_sizes:
            if size == learners:
                memory[size] = parallel
                continue
            sized = root / f"class-{size}"
            sized.mkdir()
            (sized / "no-quizzes").mkdir()
            make_code_class(sized, exercises, size)
            memory[size] = measured_grade(sized, root / f"memory-{size}", JOBS)
        small, large = min(memory_sizes), max(memory_sizes)
        growth = memory[large]["peak_rss_mb"] - memory[small]["peak_rss_mb"]
        per_learner_kb = 1024 * growth / (large - small)
        # Bounded: what each extra learner adds stays far below what holding decoded outputs
        # would (a torch exercise's outputs are tens of KB to MB a learner).
        bounded = per_learner_kb < 200
        print_table(["learners", "grader peak RSS (MB)", "seconds"],
                    [[size, f"{memory[size]['peak_rss_mb']:.0f}", f"{memory[size]['seconds']:.1f}"]
                     for size in memory_sizes], "rrr")
        print(f"\nFrom {small} to {large} learners the grader grew by {growth:.1f} MB, "
              f"{per_learner_kb:.0f} KB a learner (the gradebook's rows and the handed-in "
              f"texts kept for identical-code flags); goal < 200 KB a learner: "
              f"{verdict(bounded)}")
        ok &= bounded
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a class of 20 (memory at 10 vs 40): minutes, not a quarter hour")
    parser.add_argument("--skip-code", action="store_true", help="only the quiz-only table")
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} CPU cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    ok = quiz_table()
    if not args.skip_code:
        if args.quick:
            ok &= code_tables(20, (10, 40), overhead_learners=2, repeats=1)
        else:
            ok &= code_tables(CODE_LEARNERS, MEMORY_SIZES, overhead_learners=5, repeats=3)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
