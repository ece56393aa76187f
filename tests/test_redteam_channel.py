"""Red team, the channel: whatever the learner's code sends back, the grader neither crashes,
nor allocates gigabytes, nor accepts NaN where a number is checked, nor passes on child text
that could carry hidden inputs or terminal tricks (issue 9)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from redteam_support import COURSE, attack, mode

from pruneedu.grading import learner_texts, sandbox

__all__ = ["mode"]

FORGE = """
import os, time
def _forge(payload):
    for fd in range(3, 30):
        try:
            os.write(fd, payload)
        except OSError:
            pass
"""


@pytest.mark.parametrize("reply", [
    b'{"n": 2, "ok": true, "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"n": 2, "ok": true, "value": {"$array": {"dtype": "(4000,4000,4000)u1", "shape": [1],'
    b' "data": "AA=="}}}',
    b'{"n": 2, "ok": true, "value": {"$array": {"dtype": "<f8", "shape": [100000, 100000, 1000],'
    b' "data": "AA=="}}}',
    b'{"n": 2, "ok": true, "value": {"__ndarray__": [1], "dtype": "O", "shape": [1]}}',
    # Found in our second round: no elements, but numpy refused the shape and the grader
    # crashed on its ValueError.
    b'{"n": 2, "ok": true, "value": {"$array": {"dtype": "<f8", "shape": [0, 1099511627776,'
    b' 1099511627776], "data": ""}}}',
    b'{"n": 2, "ok": true, "value": ' + b"1" * 5000 + b"}",
    b'{"n": 2, "ok": true, "value": ["' + b"x" * 2_000_000 + b'"]}',
    b'not json at all',
])
def test_a_forged_reply_is_the_submissions_failure_not_the_graders(mode, reply):
    payload = reply + b"\n"
    code = FORGE + f"def f(x):\n    _forge({payload!r})\n    time.sleep(0.5)\n    return 1\n"
    run = attack(code, mode)
    assert not run.outcomes[0].ok
    assert ("cannot read" in run.outcomes[0].error or "cannot be accepted" in
            run.outcomes[0].error)


def test_a_forged_verdict_is_only_a_value(mode):
    # The channel carries values, never verdicts: a reply claiming to have passed is just data.
    code = FORGE + ("def f(x):\n    _forge(b'{\"n\": 2, \"ok\": true, \"value\": "
                    "{\"$dict\": [[\"passed\", true], [\"score\", 5]]}}\\n')\n"
                    "    time.sleep(0.5)\n    return 0\n")
    run = attack(code, mode)
    assert run.outcomes[0].value == {"passed": True, "score": 5}
    assert not hasattr(run.outcomes[0], "passed")


def test_answering_ahead_or_out_of_order_ends_the_run(mode):
    code = FORGE + ("def f(x):\n    _forge(b'{\"n\": 2, \"ok\": true, \"value\": 1}\\n"
                    "{\"n\": 3, \"ok\": true, \"value\": 2}\\n')\n    time.sleep(0.5)\n"
                    "    return 0\n")
    run = attack(code, mode, calls=[(1,), (2,), (3,)])
    assert run.outcomes[0].value == 1
    assert not run.outcomes[2].ok or run.outcomes[2].value == 2  # its own answer, forged early


@pytest.mark.parametrize("result, message", [
    ("'x' * 40_000_000", "more output"),
    ("__import__('numpy').zeros(5_000_000)", "more output"),
    ("[0] * 3_000_000", "items"),
    ("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
     "nested"),
])
def test_huge_or_deep_results_are_refused(mode, result, message):
    run = attack(f"def f(x):\n    return {result}\n", mode, memory_limit_mb=1024)
    assert not run.outcomes[0].ok
    assert message in run.outcomes[0].error or message in run.error


def test_many_medium_results_hit_the_sessions_cap(mode):
    # 12 MB each is under the per-result cap; six of them are over the run's.
    run = attack("def f(x):\n    return __import__('numpy').ones(1_500_000)\n", mode,
                 calls=[(i,) for i in range(6)], memory_limit_mb=1024, time_limit_s=120)
    assert run.outcomes[0].ok
    assert "more output" in run.error
    assert not run.outcomes[-1].ok


GRADER_MEMORY = """
import resource, sys
sys.path.insert(0, {course!r})
from pruneedu.grading.sandbox import run_calls
code = ("import os\\ndef f(x):\\n    payload = b'{{\\"n\\": 2, \\"ok\\": true, \\"value\\": ['"
        " + b'1,' * 7_000_000 + b'1]}}\\\\n'\\n"
        "    for fd in range(3, 30):\\n        try:\\n            os.write(fd, payload)\\n"
        "        except OSError:\\n            pass\\n    import time\\n    time.sleep(1)\\n")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
run = run_calls(code, "f", [(1,)], memory_limit_mb=1024, time_limit_s=20, isolation={mode!r})
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024, run.outcomes[0].ok)
"""


def test_a_submission_cannot_make_the_grader_allocate_gigabytes(mode):
    # 14 MB of "1," would become 7 million Python ints (hundreds of MB) if parsed.
    result = subprocess.run([sys.executable, "-c",
                             GRADER_MEMORY.format(course=str(COURSE), mode=mode)],
                            capture_output=True, text=True, timeout=120)
    grown_mb, ok = result.stdout.split()
    assert ok == "False"
    assert int(grown_mb) < 100, result.stdout


@pytest.mark.parametrize("result", [
    "float('nan')", "float('inf')", "-float('inf')", "1e999", "[1.0, float('nan')]",
    "__import__('numpy').array([1.0, __import__('numpy').nan])",
    "__import__('numpy').array([1 + 0j, complex('inf')])",
    "{'loss': float('nan')}",
])
def test_nan_and_infinity_are_refused_unless_the_exercise_allows_them(mode, result):
    code = f"def f(x):\n    return {result}\n"
    refused = attack(code, mode)
    assert not refused.outcomes[0].ok
    assert "NaN or infinity" in refused.outcomes[0].error
    allowed = attack(code, mode, allow_nonfinite=True)
    assert allowed.outcomes[0].ok


def test_nan_cannot_pass_a_tolerance_check():
    # What the issue found: abs(nan - expected) <= tol is False, but so is > tol, so a checker
    # written as "fail when the difference is too large" passed NaN. The grader never sees it.
    outcome = sandbox.CallOutcome(False, error="the result cannot be accepted: NaN")
    assert not outcome.ok


def test_child_text_is_cleaned_and_cut(mode):
    code = ("def f(x):\n    raise ValueError("
            "'\\x1b[2J\\x1b[1;1Hforged PASS\\r\\n\\u202eevil\\u2066'"
            " + 'y' * 10_000)\n")
    error = attack(code, mode).outcomes[0].error
    assert len(error) <= sandbox.MAX_ERROR_CHARS
    assert not any(ord(c) < 32 or c in "\u202e\u2066\x7f" for c in error)
    assert "ValueError" in error
    loading = attack("raise ValueError('\\x1b]0;title\\x07' + 'z' * 5000)\ndef f(x):\n    pass\n",
                     mode)
    assert len(loading.error) <= sandbox.MAX_ERROR_CHARS + 40
    assert "\x1b" not in loading.error and "\x07" not in loading.error


def test_a_learner_is_told_a_fixed_text_whatever_the_code_raised(mode):
    code = "def f(x):\n    raise ValueError(f'the input was {x!r}')\n"
    run = attack(code, mode, calls=[("public-input",), ("hidden-secret-input",)], hidden_from=1)
    public, hidden = run.outcomes
    assert not public.hidden and "public-input" in public.error  # for the instructor
    assert hidden.hidden and "hidden-secret-input" in hidden.error
    assert public.learner_text == hidden.learner_text == learner_texts.RAISED


def test_a_later_exercise_cannot_carry_hidden_inputs_into_public_results(mode):
    # One sandbox serves all of a learner's exercises: it runs every public call before the
    # first hidden one, so what the code saw in a hidden call cannot surface in a public result.
    stash = "import builtins\ndef f(x):\n    builtins.seen = getattr(builtins, 'seen', []) + [x]\n"
    leak = ("import builtins\ndef f(x):\n    raise ValueError(repr(getattr(builtins, 'seen', "
            "None)))\n")
    first = sandbox.Job(stash, "f", [("public-a",), ("hidden-secret",)], hidden_from=1)
    second = sandbox.Job(leak, "f", [("public-b",)])
    runs = sandbox.run_jobs([first, second], isolation=mode)
    assert "hidden-secret" not in runs[1].outcomes[0].error


def test_a_load_error_is_told_as_a_fixed_text(mode):
    job = sandbox.Job("import os\nraise ValueError(os.getcwd())\ndef f(x):\n    return x\n",
                      "f", [("a",), ("secret",)], hidden_from=1)
    run = sandbox.run_jobs([job], isolation=mode)[0]
    assert "ValueError" in run.error and run.learner_error == learner_texts.LOAD_FAILED
    assert [o.learner_text for o in run.outcomes] == [learner_texts.LOAD_FAILED] * 2


def test_errors_name_no_random_work_path(mode):
    code = "import os\ndef f(x):\n    raise OSError(os.getcwd())\n"
    first, second = attack(code, mode), attack(code, mode)
    assert first.outcomes[0].error == second.outcomes[0].error


def test_values_come_back_exact(mode):
    array = np.arange(12, dtype=np.int16).reshape(3, 4)
    run = attack("def f(x):\n    return (x * 2, {'k': [x.sum().item()]})\n", mode,
                 calls=[(array,)])
    doubled, extra = run.outcomes[0].value
    assert doubled.dtype == np.int16 and doubled.tolist() == (array * 2).tolist()
    assert extra == {"k": [66]}


def test_the_runner_cannot_import_the_graders_code(mode):
    code = textwrap.dedent("""
        def f(x):
            found = []
            for name in ("pruneedu.grading", "pruneedu.grading.sandbox", "pruneedu.quiz",
                         "pruneedu.exercises"):
                try:
                    __import__(name)
                    found.append(name)
                except ImportError:
                    pass
            return found
    """)
    run = attack(code, mode)
    assert run.outcomes[0].ok, run.error
    assert run.outcomes[0].value == []
