"""Hidden tests of amounts_for_budget: the grader runs them; learners never see this file."""

from public_tests import AMOUNTS, SCAN, SIZES, check_amounts

from pruneedu.exercises import TestCase

NOISY = {"conv1": [0.98, 0.97, 0.985, 0.96], "conv2": [0.98, 0.975, 0.97, 0.95],
         "fc1": [0.985, 0.98, 0.98, 0.975], "fc2": [0.97, 0.96, 0.94, 0.9]}
LENET5 = {"conv1": 500, "conv2": 25000, "fc1": 400000, "fc2": 5000}
UNSORTED = [0.9, 0.5, 0.95, 0.8]

CASES = [
    TestCase("hidden-noisy-scan-largest-tolerated", (LENET5, AMOUNTS, NOISY, 0.97, 60000),
             check_amounts),
    TestCase("hidden-unsorted-amounts",
             (SIZES, UNSORTED, {k: [v[2], v[0], v[3], v[1]] for k, v in SCAN.items()}, 0.93,
              40000), check_amounts),
    TestCase("hidden-budget-exactly-met", (SIZES, AMOUNTS, SCAN, 0.93, 11760 + 6000 + 500),
             check_amounts),
    TestCase("hidden-budget-one-short", (SIZES, AMOUNTS, SCAN, 0.93, 11760 + 6000 + 499),
             check_amounts),
    TestCase("hidden-every-layer-at-floor", (SIZES, AMOUNTS, SCAN, 0.5, 20000), check_amounts),
    TestCase("hidden-strict-floor", (LENET5, AMOUNTS, NOISY, 0.98, 500000), check_amounts),
]
