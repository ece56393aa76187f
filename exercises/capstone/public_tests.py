"""The capstone has no test cases: check("capstone", capstone_model) measures your model's
file size and validation accuracy against the budget instead."""

CASES = []
