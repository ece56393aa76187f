"""The capstone has no hidden test cases: the grader measures the model file handed in."""

CASES = []
