"""Mistakes learners make in cubic_schedule (never released)."""

LESSON_TRAPS = {"counts_from_zero", "linear_steps", "ignores_initial_amount",
                "one_round_too_many"}


def counts_from_zero(amount, rounds, initial_amount=0.0):
    """Runs t from 0 to rounds - 1: the first round prunes nothing, the last falls short."""
    return [amount + (initial_amount - amount) * (1 - t / rounds) ** 3 for t in range(rounds)]


def linear_steps(amount, rounds, initial_amount=0.0):
    """Equal steps instead of the cubic curve."""
    return [initial_amount + (amount - initial_amount) * t / rounds
            for t in range(1, rounds + 1)]


def ignores_initial_amount(amount, rounds, initial_amount=0.0):
    """Always starts from 0."""
    return [amount - amount * (1 - t / rounds) ** 3 for t in range(1, rounds + 1)]


def one_round_too_many(amount, rounds, initial_amount=0.0):
    """Includes round 0, the starting point."""
    return [amount + (initial_amount - amount) * (1 - t / rounds) ** 3
            for t in range(rounds + 1)]


def cube_in_the_wrong_place(amount, rounds, initial_amount=0.0):
    """Cubes t / rounds instead of 1 - t / rounds."""
    return [initial_amount + (amount - initial_amount) * (t / rounds) ** 3
            for t in range(1, rounds + 1)]
