"""How many learners can share one JupyterHub machine? Memory, notebook time, slider latency.

For each class size N (default 1, 5, 10, 20) the script starts JupyterHub on 127.0.0.1 with
``deploy/jupyterhub_config.py`` (DummyAuthenticator, SimpleLocalProcessSpawner), signs in N
simulated learners at once, and each learner, in its own thread:

1. starts their server and gets the course through an nbgitpuller link (a local git repo);
2. opens notebook 01-introduction through the Jupyter server API (a session, as JupyterLab
   does) and runs every code cell over the kernel's websocket;
3. moves the pruning explorer's slider ``--moves`` times: each move sends the ``comm_msg``
   "update" a browser sends when a slider is released, and is timed until the kernel is
   idle again, i.e. until every readout and the redrawn figure have been sent back. A learner
   waits ``--think`` seconds between moves, as people do. Afterwards the same number of moves
   is made inside the kernel (setting the slider there) and timed, to tell the explorer's own
   work from the trip through the proxy and websocket ("in-kernel" columns: wall time, and
   the kernel's CPU time, which hardly depends on other load), and an empty cell
   is run 15 times: its round trip is the hub's own overhead ("empty cell" column).

All learners start together (the start of a lesson, when everyone presses Run All) and move
their sliders at the same time. Reported per N: memory per learner (their server plus
kernel; RSS counts shared libraries in full for everyone, PSS splits them fairly, so PSS is
what adds up), the hub's own memory, CPU seconds per learner, time to run the notebook,
p50/p95 slider latency, and failures. The last columns are ratios to the baselines measured
in the same run: N=1, and Jupyter's and torch's defaults (``--settings stock``).

Loopback only, bounded (``--budget`` seconds in all, a timeout on every step, at most 40
learners), and every process it started is stopped at the end, also after a failure.

Run: ``.venv/bin/python benchmarks/bench_hub.py [--learners 1 5] [--moves 20]``
``--settings course stock`` also measures Jupyter's and torch's defaults side by side:
*course* is ``deploy/jupyterhub_config.py`` as shipped (one thread per kernel, kernel
websockets without Nagle's algorithm); *stock* has torch's default threads and Jupyter's
default websocket; *threads* and *nagle* change one of the two.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from hub_support import (  # noqa: E402 - tests/ is put on the path just above
    HubError,
    KernelSession,
    missing_hub_reason,
    running_hub,
)

GOAL_MS = 100.0
MAX_LEARNERS = 40
EMPTY_CELLS = 15
COURSE = "course"
# name: (OMP_NUM_THREADS per kernel, 0 = torch's default; TCP_NODELAY on kernel websockets)
SETTINGS = {"course": (1, True), "stock": (0, False), "threads": (0, True), "nagle": (1, False)}


@dataclass
class LearnerRun:
    user: str
    spawn_s: float = 0.0
    notebook_s: float = 0.0
    moves_ms: list[float] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    in_kernel_ms: float = float("nan")
    empty_ms: float = float("nan")
    move_cpu_ms: float = float("nan")
    error: str = ""
    cells: list[tuple[str, float]] = field(default_factory=list)


def make_course_repo(folder: Path) -> None:
    """The course as learners receive it: a git repo of the release plus the notebooks."""
    import shutil
    import subprocess

    subprocess.run([sys.executable, "-m", "pruneedu", "release", str(folder)], check=True,
                   capture_output=True)
    if not any(folder.rglob("01-introduction.ipynb")):
        shutil.copytree(REPO / "notebooks", folder / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "course"]):
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org",
                        *args], cwd=folder, check=True, capture_output=True)


def memory_of(server_pid: int) -> dict[str, float]:
    """RSS and PSS (MB) of a learner's server and of its kernels, and their CPU seconds."""
    import psutil

    found = {"server_rss": 0.0, "server_pss": 0.0, "kernel_rss": 0.0, "kernel_pss": 0.0,
             "kernel_peak": 0.0, "cpu": 0.0}
    root = psutil.Process(server_pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            info = process.memory_full_info()
            times = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        role = "server" if process.pid == server_pid else "kernel"
        found[f"{role}_rss"] += info.rss / 2**20
        found[f"{role}_pss"] += getattr(info, "pss", info.rss) / 2**20  # PSS: Linux only
        found["cpu"] += times.user + times.system
        if role == "kernel":
            found["kernel_peak"] += peak_rss_mb(process.pid)
    return found


def peak_rss_mb(pid: int) -> float:
    """The most resident memory the process ever held (Linux's VmHWM); 0 where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# Run in the learner's kernel after the moves: the same moves made in the kernel itself, to
# tell the explorer's own work (readouts, figure redraw) from the trip through the hub.
# CPU time (all the kernel's threads) is also printed: unlike wall time it hardly depends on
# what else the machine runs, so it is what the capacity estimate rests on.
IN_KERNEL_MOVES = """
import statistics as _s, time as _t
_ms, _cpu = [], []
for _i in range({moves}):
    _start, _start_cpu = _t.perf_counter(), _t.process_time()
    explorer.slider.index = (explorer.slider.index + 5) % len(explorer.slider.options)
    _ms.append((_t.perf_counter() - _start) * 1000)
    _cpu.append((_t.process_time() - _start_cpu) * 1000)
print(_s.median(_ms), _s.median(_cpu))
"""


def learner(hub, run: LearnerRun, repo: Path, args, ready: threading.Barrier,
            deadline: float) -> None:
    """Everything one simulated learner does; errors are recorded, never raised."""
    session = None
    try:
        start = time.monotonic()
        hub.start_server(run.user, timeout=max(10.0, deadline - time.monotonic()))
        run.spawn_s = time.monotonic() - start
        events = hub.git_pull(run.user, f"file://{repo}", COURSE)
        if not events or events[-1].get("phase") != "finished":
            raise HubError(f"nbgitpuller did not finish: {events[-1:]}")
        path = f"{COURSE}/notebooks/{args.notebook}.ipynb"
        session = KernelSession(hub, run.user, path)
        notebook = hub.user_api(run.user, "GET", f"contents/{path}").json()
        start = time.monotonic()
        results = session.run_notebook(notebook["content"], timeout_per_cell=300)
        run.notebook_s = time.monotonic() - start
        code_cells = [c for c in notebook["content"]["cells"] if c["cell_type"] == "code"]
        run.cells = [("".join(c["source"]).splitlines()[0][:40], r.seconds)
                     for c, r in zip(code_cells, results, strict=False)]
        failed = [r.error for r in results if r.error]
        if failed:
            raise HubError(f"the notebook failed: {failed[0].splitlines()[-1][:200]}")
        probe = session.execute("print(explorer.slider.model_id, len(explorer.slider.options))"
                                if args.moves else "")
        comm_id, stops = probe.text.split() if args.moves else ("", "0")
        rng = random.Random(run.user)
        index = 0
        ready.wait(timeout=max(1.0, deadline - time.monotonic()))
        for _ in range(args.moves):
            index = rng.choice([i for i in range(int(stops)) if i != index])
            moved = session.set_widget_state(comm_id, {"index": index})
            if moved.comm_updates == 0:
                raise HubError("a slider move changed no readout")
            run.moves_ms.append(moved.seconds * 1000.0)
            time.sleep(args.think * rng.uniform(0.5, 1.5))
        if args.moves:
            final = session.execute("print(explorer.slider.index)").text.strip()
            if final != str(index):
                raise HubError(f"the kernel's slider is at {final}, not at the last move {index}")
        run.memory = memory_of(hub.server_pid(run.user))
        # An empty cell costs the kernel nothing: its round trip is the hub's own overhead.
        run.empty_ms = statistics.median(session.execute("pass").seconds * 1000
                                         for _ in range(EMPTY_CELLS))
        if args.moves:
            local = session.execute(IN_KERNEL_MOVES.format(moves=args.moves))
            run.in_kernel_ms, run.move_cpu_ms = map(float, local.text.split())
    except Exception as error:  # one learner's failure is a result, not the end of the run
        run.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        try:
            ready.abort()
        except threading.BrokenBarrierError:
            pass
    finally:
        if session is not None:
            try:
                session.close()
            except Exception:  # the hub may already be gone; cleanup kills the rest
                pass


def run_class(size: int, setting: str, args, workdir: Path, deadline: float) -> dict:
    import psutil

    users = [f"learner{i:02d}" for i in range(1, size + 1)]
    repo = workdir / "course-repo"
    if not repo.exists():
        make_course_repo(repo)
    runs = [LearnerRun(user) for user in users]
    threads, nodelay = SETTINGS[setting]
    with running_hub(workdir / f"hub-{size}-{setting}", users, threads=threads,
                     nodelay=nodelay) as hub:
        ready = threading.Barrier(size, timeout=max(1.0, deadline - time.monotonic()))
        workers = [threading.Thread(target=learner, args=(hub, run, repo, args, ready, deadline),
                                    daemon=True) for run in runs]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=max(1.0, deadline - time.monotonic()))
        hub_process = psutil.Process(hub.process.pid)
        learner_pids = {hub.server_pid(r.user) for r in runs if not r.error}
        hub_pss = 0.0
        for process in [hub_process, *hub_process.children()]:  # hub and proxy, not servers
            if process.pid not in learner_pids:
                try:
                    info = process.memory_full_info()
                    hub_pss += getattr(info, "pss", info.rss) / 2**20
                except psutil.NoSuchProcess:
                    pass
    if any(worker.is_alive() for worker in workers):
        for run in runs:
            run.error = run.error or "TimeoutError: the run's --budget ran out"
    return {"size": size, "setting": setting, "runs": runs, "hub_mb": hub_pss}


def summarise(result: dict) -> dict:
    ok = [r for r in result["runs"] if not r.error]
    moves = sorted(m for r in ok for m in r.moves_ms)

    def mean(values):
        return statistics.fmean(values) if values else float("nan")

    def memory(key):
        return mean([r.memory[key] for r in ok])

    return {
        "size": result["size"], "setting": result["setting"],
        "rss": memory("server_rss") + memory("kernel_rss"),
        "pss": memory("server_pss") + memory("kernel_pss"),
        "server_pss": memory("server_pss"), "kernel_pss": memory("kernel_pss"),
        "hub": result["hub_mb"], "cpu": memory("cpu"),
        "in_kernel": statistics.median([r.in_kernel_ms for r in ok]) if ok else float("nan"),
        "empty": statistics.median([r.empty_ms for r in ok]) if ok else float("nan"),
        "move_cpu": statistics.median([r.move_cpu_ms for r in ok]) if ok else float("nan"),
        "peak": memory("kernel_peak"),
        "spawn": max([r.spawn_s for r in ok], default=float("nan")),
        "nb_p50": statistics.median([r.notebook_s for r in ok]) if ok else float("nan"),
        "nb_max": max([r.notebook_s for r in ok], default=float("nan")),
        "p50": statistics.median(moves) if moves else float("nan"),
        "p95": (statistics.quantiles(moves, n=100, method="inclusive")[94] if len(moves) > 1
                else moves[0] if moves else float("nan")),
        "moves": len(moves),
        "failures": [f"{r.user}: {r.error}" for r in result["runs"] if r.error],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[1, 5, 10, 20],
                        help="class sizes to measure (1 is the baseline and always runs first)")
    parser.add_argument("--moves", type=int, default=20,
                        help="slider moves per learner (0: only run the notebook)")
    parser.add_argument("--notebook", default="01-introduction",
                        help="the notebook each learner runs; moving a slider needs one "
                             "that defines `explorer` (01-introduction does)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a learner waits between moves")
    parser.add_argument("--settings", nargs="+", default=["course"], choices=list(SETTINGS),
                        help="hub settings to compare (see the top of this file)")
    parser.add_argument("--budget", type=float, default=1800,
                        help="seconds for the whole run; what is left unmeasured is reported")
    parser.add_argument("--show-cells", action="store_true",
                        help="also print seconds per notebook cell (first learner of each N)")
    args = parser.parse_args(argv)
    reason = missing_hub_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    sizes = sorted({1, *args.learners})
    if sizes[-1] > MAX_LEARNERS:
        parser.error(f"at most {MAX_LEARNERS} learners: the run must stay bounded")
    deadline = time.monotonic() + args.budget
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="pruneedu-bench-hub-") as folder:
        for size in sizes:
            for setting in args.settings:
                if time.monotonic() > deadline - 30:
                    print(f"budget spent: N={size} ({setting}) not measured", file=sys.stderr)
                    continue
                print(f"==> {size} learner(s), {setting} settings", file=sys.stderr, flush=True)
                result = run_class(size, setting, args, Path(folder), deadline)
                rows.append(summarise(result))
                if args.show_cells and result["runs"][0].cells:
                    for source, seconds in result["runs"][0].cells:
                        print(f"    {seconds:6.2f} s  {source}", file=sys.stderr)
    print_table(rows, args.notebook)
    # Other programs share the cores: the load says how far to trust the timings.
    print(f"\nLoad average (1 min) at start {load_before:.1f}, at end {os.getloadavg()[0]:.1f}, "
          f"on {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    return 1 if any(row["failures"] for row in rows) else 0


def print_table(rows: list[dict], notebook: str) -> None:
    print(f"\nJupyterHub on 127.0.0.1, {os.cpu_count()} CPU cores, notebook {notebook}, "
          f"slider moves timed from the browser's comm message to kernel idle "
          f"(goal: p95 < {GOAL_MS:.0f} ms)\n")
    columns = ["learners", "settings", "PSS / learner (MB): server + kernel",
               "RSS / learner (MB)", "kernel peak RSS (MB)", "hub + proxy (MB)",
               "CPU s / learner", "slowest spawn (s)", "notebook p50 / max (s)",
               "slider p50 (ms)", "slider p95 (ms)", "in-kernel p50 (ms)", "kernel CPU / move (ms)",
               "empty cell p50 (ms)",
               "moves", "failures",
               "notebook x N=1", "p95 x N=1", "p95 x stock", "result"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" if c in ("result", columns[2], columns[8]) else "---:"
                         for c in columns) + "|")
    base = {row["setting"]: row for row in rows if row["size"] == 1}
    stock = {row["size"]: row for row in rows if row["setting"] == "stock"}
    for row in rows:
        ref = base.get(row["setting"])
        verdict = ("FAIL" if row["failures"] or row["p95"] >= GOAL_MS
                   else "PASS" if row["moves"] else "-")
        cells = [row["size"], row["setting"],
                 f"{row['pss']:.0f}: {row['server_pss']:.0f} + {row['kernel_pss']:.0f}",
                 f"{row['rss']:.0f}", f"{row['peak']:.0f}", f"{row['hub']:.0f}",
                 f"{row['cpu']:.1f}", f"{row['spawn']:.1f}",
                 f"{row['nb_p50']:.1f} / {row['nb_max']:.1f}", f"{row['p50']:.0f}",
                 f"{row['p95']:.0f}", f"{row['in_kernel']:.0f}", f"{row['move_cpu']:.0f}",
                 f"{row['empty']:.0f}",
                 row["moves"],
                 len(row["failures"]),
                 f"{row['nb_p50'] / ref['nb_p50']:.2f}" if ref else "-",
                 f"{row['p95'] / ref['p95']:.2f}" if ref and row["moves"] else "-",
                 f"{row['p95'] / stock[row['size']]['p95']:.2f}"
                 if row["size"] in stock and row["moves"] else "-", verdict]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    for row in rows:
        for failure in row["failures"]:
            print(f"- N={row['size']}: {failure}")


if __name__ == "__main__":
    sys.exit(main())
