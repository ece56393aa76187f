"""The instructor's side of the course: release, grade, feedback and item statistics.

``pruneedu release`` writes learner copies without keys, ``pruneedu grade`` re-grades a folder
of submissions into an LMS gradebook, ``pruneedu feedback`` writes one file per learner and
``pruneedu stats`` analyses each question. Nothing here imports torch: code exercises run in a
separate, sandboxed Python process (see :mod:`pruneedu.grading.sandbox`).
"""
