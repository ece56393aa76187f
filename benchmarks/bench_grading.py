"""How long `pruneedu grade` takes for a class of 500 quiz submissions.

Generates 500 synthetic responses files (seeded: 125 learners x 4 banks of the course, or as
many banks as exist) in a temporary folder, then times grading them end to end twice: in this
process (`grade.run`, which also writes the gradebook) and through the command line
(`python -m pruneedu grade`, which adds interpreter start-up). Prints a Markdown table against
the goal of under 10 s on a 2-core laptop CPU. Run: `.venv/bin/python benchmarks/bench_grading.py`.
"""

from __future__ import annotations

import os
import random
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

SUBMISSIONS = 500
GOAL_S = 10.0


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
        exact = key["value"] if "value" in key else key["min"]
        return exact if right else exact + 1000
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
    code = grade.run(args)
    return time.perf_counter() - start, code


def time_cli(folder: Path, out: Path, quizzes: Path) -> tuple[float, int]:
    command = [sys.executable, "-m", "pruneedu", "grade", str(folder), "--out", str(out),
               "--quizzes", str(quizzes), "--exercises", str(folder / "no-exercises"),
               "--no-progress"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def main() -> int:
    quizzes = paths.quizzes_dir()
    banks = load_banks(quizzes)
    if not banks:
        print(f"No quiz banks in {quizzes}; nothing to benchmark.")
        return 1
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
    print(f"\nGrading {SUBMISSIONS} synthetic submissions ({len(banks)} banks), "
          f"{os.cpu_count()} CPU cores\n")
    rows = [[name, f"{seconds:.2f}", f"{1000 * seconds / SUBMISSIONS:.1f}", code,
             f"< {GOAL_S:g} s on 2 cores", verdict(seconds < GOAL_S and code == 0)]
            for name, seconds, code in runs]
    print_table(["run", "seconds", "per submission (ms)", "exit", "goal", "result"], rows,
                "lrrrll")
    print(f"\nBoth runs wrote the same gradebook: {'yes' if same else 'NO'}")
    return 0 if same and all(row[-1] == "PASS" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
