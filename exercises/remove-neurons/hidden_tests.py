"""Hidden tests of remove_neurons: the grader runs them; learners never see this file."""

from public_tests import check_model

from pruneedu.exercises import TestCase
from pruneedu.exercises.fixtures import lenet_300_100

CASES = [
    TestCase("hidden-fc1-keeps-one", (lenet_300_100(seed=11), "fc1", [17]), check_model),
    TestCase("hidden-fc2-keeps-the-last", (lenet_300_100(seed=12), "fc2", list(range(90, 100))),
             check_model),
    TestCase("hidden-fc1-keeps-half", (lenet_300_100(seed=13, zero_fraction=0.5), "fc1",
                                       list(range(1, 300, 2))), check_model),
    TestCase("hidden-fc2-biases", (lenet_300_100(seed=14), "fc2", [3, 50, 97]), check_model),
]
