"""What a learner is told about a run of their code: one of a few fixed texts, never its words.

Anything a learner's code prints, raises, returns or exits with may carry bits of hidden test
inputs, whatever order the grader calls it in: code given a hidden input can leave them in
host state that outlives its sandbox and its grading run (which pages of a shared file are
cached: red-team rounds 2 and 4), and code loaded later, by the same learner in the next
``pruneedu feedback`` or by a classmate, can read them back in a public call and put them in
its error or its result. So feedback never quotes the code: for each test the grader picks
one of the texts below from facts it observed itself (the call was answered, raised, ran past
the limit the grader enforces, or the process ended). A learner's code can steer only which
of these texts a public test shows, a handful of choices per test, the same kind of signal as
the pass/fail verdict every autograder reports; hidden tests are reported as a count.

The full texts (cleaned, cut) stay with the instructor: ``error`` in the gradebook's JSON.
A learner sees the details where no hidden input exists: the exercise's check in their own
notebook runs the same public inputs and shows the message, the expected and the actual value.
"""

from __future__ import annotations

WRONG_RESULT = "it returned a wrong result"
NOT_ACCEPTED = ("it returned a value the grader does not accept (another kind than the "
                "exercise asks for, too big, or not a finite number)")
RAISED = "it raised an exception"
LOAD_FAILED = "running your file raised an exception before the function could be called"
ENDED = ("its process ended without a readable answer (a crash, a memory or file-size limit, "
         "or output the grader cannot read)")
SEE_NOTEBOOK = ("The public tests use the same inputs as the exercise's check in your "
                "notebook: run it there to see the message and the values.")


def timed_out(limit_s: float) -> str:
    """The text for a run the grader ended at the exercise's own limit (a number it chose)."""
    return f"it ran past the exercise's time limit of {limit_s:g} s"


def fixed_texts(limit_s: float) -> frozenset[str]:
    """Every text a learner can be shown about a run of code whose limit is ``limit_s``."""
    return frozenset({WRONG_RESULT, NOT_ACCEPTED, RAISED, LOAD_FAILED, ENDED,
                      timed_out(limit_s)})
