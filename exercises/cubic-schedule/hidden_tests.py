"""Hidden tests of cubic_schedule: the grader runs them; learners never see this file."""

from public_tests import check_schedule

from pruneedu.exercises import TestCase

CASES = [
    TestCase("hidden-ten-rounds", (0.98, 10), check_schedule),
    TestCase("hidden-initial-and-final", (0.75, 4, 0.25), check_schedule),
    TestCase("hidden-equal-amounts", (0.5, 3, 0.5), check_schedule),
    TestCase("hidden-two-rounds", (0.6, 2), check_schedule),
]
