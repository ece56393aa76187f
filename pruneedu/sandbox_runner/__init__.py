"""The inside of the grading sandbox: the only code of ours the learner's code runs beside.

The grader (:mod:`pruneedu.grading.sandbox`) mounts just this package, :mod:`pruneedu.wire`
(and, for torch exercises, :mod:`pruneedu.models`, :mod:`pruneedu.argcheck` and
:mod:`pruneedu.wire_torch`) into the
sandbox, so nothing here may import :mod:`pruneedu.grading` or read course files: keys, tests,
banks and the grader's own code are not there to import. ``python -I -S -B`` runs
:func:`pruneedu.sandbox_runner.runner.main`.
"""
