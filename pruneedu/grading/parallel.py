"""Running several learners' sandboxes at once (``--jobs N``), with the results in class order.

Each learner's code still runs in ONE sandbox of its own (:func:`grade_learner_code`); this
module only keeps up to ``jobs`` of those sandboxes busy at a time and hands the results back
in the order the learners were given, so ``--jobs 4`` writes the same gradebook bytes as
``--jobs 1``.

Why threads: a sandbox spends its life in the kernel (bubblewrap, the child's Python, ``poll``
on its channel); the grader's share of each learner is decoding a few replies and running the
checkers, so one process with N threads keeps N sandboxes busy. Forking from threads is safe
here because the sandbox starts with :class:`subprocess.Popen` without ``preexec_fn`` (the
child runs no Python between ``fork`` and ``exec``; ``close_fds`` keeps one sandbox's channel
out of another's), which is the only thing that made threads unsafe before. Worker processes
would pay an import of the grader each and would have to ship every result back through
pickling; a single-threaded poll loop over N sandboxes would rewrite the sandbox's
request/reply code, which the red-team suites pin down, as a state machine.

Stopping: an exception in the grader (Ctrl-C arrives in the main thread, a sandbox that
cannot start arrives from a worker) sets a stop event that every sandbox's channel wait checks
at least every 0.1 s (:func:`pruneedu.grading.sandbox.run_jobs`'s ``stop``); each worker then
closes its sandbox in its own ``finally`` (killing its pid 1 and bubblewrap, removing its
scratch) and the exception goes on only after every worker has finished. Memory: at most
``jobs`` learners are in flight and at most ``jobs`` finished learners wait for an earlier one,
and what they hold is their scores and test names, never the decoded outputs.

Example:
    >>> list(run_learners([], material=None, setup=None, hide=()))
    []
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING

from pruneedu.grading.codegrade import ExerciseResult, grade_learner_code

if TYPE_CHECKING:
    from pruneedu.exercises import Exercise, TestCase
    from pruneedu.grading.attribution import Attributed
    from pruneedu.grading.classgrade import GradingSetup
    from pruneedu.grading.material import Material


def run_learners(work: Sequence[list[Attributed]], material: Material, setup: GradingSetup,
                 hide: tuple[Path, ...]
                 ) -> Iterator[tuple[list[Attributed], dict[str, ExerciseResult]]]:
    """Grade each learner's code (one list of items per learner), ``setup.jobs`` sandboxes at
    a time; yields ``(items, results by exercise id)`` in the order of ``work``."""
    if not work:
        return
    stop = threading.Event()
    # Each exercise's test modules load once, here in the calling thread: loading hidden tests
    # swaps sys.modules["public_tests"], which two threads must never do at once.
    exercises = {exercise_id: _Loaded(material.exercises[exercise_id])
                 for exercise_id in sorted({i.submission.item_id for items in work
                                            for i in items})}

    def grade(items: list[Attributed]) -> dict[str, ExerciseResult]:
        return grade_learner_code(
            [(exercises[i.submission.item_id], i.submission.code) for i in items],
            hide=hide, time_limit_s=setup.time_limit_s, isolation=setup.isolation, stop=stop)

    if setup.jobs <= 1:
        for items in work:
            yield items, grade(items)
        return
    pool = ThreadPoolExecutor(max_workers=setup.jobs, thread_name_prefix="pruneedu-sandbox")
    pending: deque[tuple[list[Attributed], Future]] = deque()
    upcoming = iter(work)
    try:
        for items in upcoming:
            pending.append((items, pool.submit(grade, items)))
            if len(pending) < setup.jobs:
                continue
            yield _first_in_order(pending)
        while pending:
            yield _first_in_order(pending)
    finally:
        # Normal end: nothing left. Ctrl-C, a failed sandbox or a consumer that stopped early:
        # stop every sandbox, and return (or raise) only once none is left running.
        stop.set()
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=True)


class _Loaded:
    """An exercise whose test cases were loaded once (the checkers are shared, read only)."""

    def __init__(self, exercise: Exercise) -> None:
        self._exercise = exercise
        self._public = self._hidden = None
        if exercise.kind != "capstone":
            self._public, self._hidden = exercise.public_cases(), exercise.hidden_cases()

    def __getattr__(self, name: str) -> object:
        return getattr(self._exercise, name)

    def public_cases(self) -> list[TestCase]:
        return self._exercise.public_cases() if self._public is None else list(self._public)

    def hidden_cases(self) -> list[TestCase]:
        return self._exercise.hidden_cases() if self._hidden is None else list(self._hidden)


def _first_in_order(pending: deque[tuple[list[Attributed], Future]]
                    ) -> tuple[list[Attributed], dict[str, ExerciseResult]]:
    """The oldest learner's results, once its sandbox is done; a failure of any later one is
    raised at once rather than after the oldest learner's (maybe long) run."""
    items, head = pending[0]
    while not head.done():
        wait([f for _, f in pending if not f.done()], return_when=FIRST_COMPLETED)
        for _, future in pending:
            if future.done() and future.exception() is not None:
                future.result()
    pending.popleft()
    return items, head.result()
