"""Hidden tests of lenet5_macs: the grader runs them; learners never see this file."""

from public_tests import check_macs

from pruneedu.exercises import TestCase

CASES = [
    TestCase("hidden-half-of-every-layer", (10, 25, 250), check_macs),
    TestCase("hidden-only-fc1-pruned", (20, 50, 100), check_macs),
    TestCase("hidden-wide", (64, 128, 1024), check_macs),
    TestCase("hidden-odd-widths", (7, 13, 33), check_macs),
]
