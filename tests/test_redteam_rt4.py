"""Red team round rt4: a last, short round against ``pruneedu grade`` as a learner handing in code
would, aimed at what the earlier rounds did not try and at their fixes.

Numbered tests reproduce a weakness found in this round and assert the SAFE behaviour; they are
strict xfails until fixed. The tests under "Attacks that held" are new attacks the grader
already stops, kept as representative checks. None of them starts a sandbox: they attack the
grader's own process (attribution, the wire decoder, the declared return kinds, the checkers).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from pruneedu import wire
from pruneedu.exercises import load_exercises, run_case
from pruneedu.grading.attribution import attribute
from pruneedu.grading.material import load_material
from pruneedu.grading.submissions import discover

FIXTURE = Path(__file__).parent / "fixtures" / "class"
HONEST = "def zero_fraction(weights):\n    return float((weights == 0).mean())\n"
SABOTAGE = "def zero_fraction(weights):\n    return -1.0\n"


def _fixture_material():
    return load_material(FIXTURE / "quizzes", FIXTURE / "exercises")


def _handin(learner: str, source: str) -> str:
    return json.dumps({"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
                       "created_at": "2026-11-21T10:00:00+00:00", "responses": {},
                       "exercises": {"zero-fraction": {"function": "zero_fraction",
                                                       "source": source}}})


def _code_graded_for_ada(tmp_path: Path, files: dict[str, str], later: str) -> tuple[list, list]:
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(FIXTURE / "submissions" / "ada.demo-quiz.responses.json", folder)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    os.utime(folder / later, (time.time() + 3600,) * 2)  # the attacker's file is the later one
    kept, _rejects, conflicts = attribute(discover(folder, _fixture_material()).submissions,
                                          roster=None)
    graded = [a.submission.code for a in kept
              if a.learner_id == "ada" and a.submission.item_id == "zero-fraction"]
    return graded, conflicts


# --- 1. The rt2 finding 6 fix is bypassed by a file name that merely starts with "ada." --------
# attribution._split_unnamed_code counts a file as "named for" learner ada when its base name
# starts with "ada.". mallory hands in "ada.mallory.handin.json" (any *.handin.json is read; the
# learner comes from inside) declaring "learner_id": "ada" with a function that always fails.
# Both files now look "named for ada", so no several-files conflict is raised: _keep_latest
# keeps the later file by modification time and ada is graded on mallory's code, with ada's own
# hand-in listed as a plain "duplicate" reject. docs/grading-guarantees.md promises a conflict
# when a learner's code comes in several files, one of them not named for that learner.
# (Learner ids may hold inner dots, so "ada.<x>" is also the prefix of a real id "ada.x".)
def test_a_handin_named_with_the_learners_id_as_a_prefix_does_not_replace_their_code(tmp_path):
    graded, conflicts = _code_graded_for_ada(tmp_path, {
        "ada.handin.json": _handin("ada", HONEST),
        "ada.mallory.handin.json": _handin("ada", SABOTAGE)}, later="ada.mallory.handin.json")
    assert all(code == HONEST for code in graded), graded
    assert [(c.kind, c.learner_id) for c in conflicts] == [("several-files", "ada")]


# --- Attacks that held ---------------------------------------------------------------------

def test_a_handin_named_for_another_learner_id_still_is_a_conflict(tmp_path):
    # The rt2 fix itself, from a name that does not start with "ada.".
    graded, conflicts = _code_graded_for_ada(tmp_path, {
        "ada.handin.json": _handin("ada", HONEST),
        "adam.handin.json": _handin("ada", SABOTAGE)}, later="adam.handin.json")
    assert all(code == HONEST for code in graded)
    assert [(c.kind, c.learner_id) for c in conflicts] == [("several-files", "ada")]


# --- 2. Hidden inputs reach quoted text through the page cache across gradings -----------------
# rt2 finding 15's fix marks nothing quotable once hidden inputs reached ANY sandbox of a
# learner, but that memory lives in one run_jobs call, i.e. one grader process. The page cache
# outlives it. The instructor runs `pruneedu grade`, then `pruneedu feedback` (both run the
# code): in the first, the hidden call writes the hidden input's bits into which pages of a big
# shared file under /usr are cached; in the second, the learner's module load (before any
# hidden input, so quotable) times those pages and raises "read back <input>", which feedback
# shows. The same works across learners in ONE grading: learner A's sandbox sends after its
# hidden call, learner B's later sandbox reads in its load (hidden cases are the same for every
# learner). Measured here: the exact secret comes back in most tries, in about a second.
# Fix ideas: seccomp refuses posix_fadvise (fadvise64) and madvise's MADV_PAGEOUT / MADV_COLD /
# MADV_DONTNEED on file mappings, the eviction primitive; or load errors and public results are
# quoted only as a fixed text plus the exception type (no child-chosen message, no exit code).
# Fixed: nothing a learner's code writes, raises, returns or exits with reaches feedback; a
# learner is told one of the grader's fixed texts (pruneedu.grading.learner_texts), so a
# channel that outlives the run has nowhere to surface but the few verdicts per test.
def _evict_all(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        for i in range(40):  # every page the covert code uses: a fresh start for each try
            os.posix_fadvise(fd, i << 20, 4096, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def test_a_later_grading_cannot_quote_hidden_inputs_through_the_page_cache():
    from redteam_support import (
        COVERT_COMMON,
        COVERT_READ,
        COVERT_SEND,
        page_cache_file,
        shown_to_learner,
    )

    from pruneedu.grading import sandbox

    path = page_cache_file()
    # One learner's code both reads (at load) and sends (in a hidden call).
    code = (COVERT_COMMON + COVERT_READ + COVERT_SEND).format(path=path)
    leaked = []
    for secret in (173, 82, 201, 46, 99, 150):  # a timing channel: several tries
        _evict_all(path)
        for _grading in ("grade", "feedback"):  # two grader runs: two run_jobs calls
            run = sandbox.run_jobs([sandbox.Job(code, "f", [(-1,), (secret,)], hidden_from=1,
                                                time_limit_s=10)], isolation="bwrap")[0]
            # "read back" is raised only when the markers are warm, which only the hidden
            # call's traces make them after _evict_all; the learner sees only fixed texts.
            leaked += [text for text in shown_to_learner(run, 10) if "read back" in text]
        if leaked:
            break  # one exact read-back is the finding
    assert not leaked, leaked


# --- 3. An integer past 64 bits reaches the checker of an "integer" or "number" exercise -------
# docs/grading-guarantees.md: "a value of another kind (a list of strings, rows of different
# lengths, integers past 64 bits) fails its test before any checker runs". wire._shape applies
# the 64-bit range to arrays only; _is_kind("integer"/"number"/"data") takes any Python int,
# and JSON carries up to 4,300 digits. The shipped checkers then trip ("could not be checked
# (OverflowError ...)", caught by run_case), so nothing is gained today; a checker written to
# the documented promise (np.int64(output), a C extension) is the risk. Low severity.
# Fix idea: _is_kind checks _INTEGER_RANGE for ints in every kind, as _shape does.
@pytest.mark.parametrize("returns", ["integer", "number", "list of number", "data"])
def test_an_integer_past_64_bits_fails_before_the_checker(returns):
    huge = wire.loads("9" * 4300)  # what a reply may carry within wire.Limits
    value = [huge] if returns.startswith("list") else huge
    assert wire.check_returns(value, returns) != ""


def _empty_array(shape: list[int], dtype: str = "<f4") -> dict:
    return {"$array": {"dtype": dtype, "shape": shape, "data": ""}}


HOSTILE_REPLIES = {
    "int-of-4299-digits": 10**4299,
    "float-max": 1.7e308,
    "subnormal": 5e-324,
    "empty-array-of-huge-dims": _empty_array([0, 8_388_608, 8_388_608]),
    "empty-complex-array": _empty_array([0, 3], "<c16"),
    "dict-of-huge-ints": {"$dict": [["fc1", 10**4000], ["fc2", 10**4000], ["fc3", 10**4000]]},
    "list-of-huge-ints": [10**4000] * 3,
    "list-of-empty-arrays": [_empty_array([0, 8_388_608, 8_388_608])] * 3,
    "float16-max": wire.encode(np.full((300, 784), 65504, np.float16)),
    "uint64-max": wire.encode(np.full((300, 784), 2**64 - 1, np.uint64)),
    "complex": wire.encode(np.full((300, 784), 1 + 1j, np.complex128)),
    "int64-min": wire.encode(np.full(10, -(2**63), np.int64)),
    "mixed-sign-64-bit-list": [-1, 2**64 - 1],
}


def test_hostile_values_that_pass_the_wire_never_pass_or_crash_a_shipped_checker():
    # Every reply above gets through wire.decode within its caps; whatever the exercise
    # declares, a value of its kind must fail its checker quickly and with a short text.
    for exercise in load_exercises().values():
        limits = wire.Limits(allow_strings=wire.returns_strings(exercise.returns))
        cases = exercise.public_cases()[:2] + exercise.hidden_cases()[:1]
        for name, data in HOSTILE_REPLIES.items():
            try:
                value = wire.decode(data, limits)
            except wire.WireError:
                continue
            for case in cases:
                started = time.process_time()
                result = run_case(case, value, exercise.returns)  # never raises
                spent = time.process_time() - started
                where = f"{exercise.id}/{case.name} given {name}"
                assert not result.passed, where
                assert spent < 1.0, (where, spent)
                assert len(result.reason) < 1000 and len(result.got) < 400, where


def test_an_empty_array_of_huge_dimensions_is_cheap_to_decode_and_show():
    from pruneedu.exercises.compare import show

    with pytest.raises(wire.WireError):  # numpy refuses a shape whose size overflows
        wire.decode(_empty_array([0] + [8_388_608] * 31))
    value = wire.decode(_empty_array([0, 8_388_608, 8_388_608]))
    assert value.size == 0 and value.nbytes == 0
    assert len(show(value)) < 300
    assert wire.check_returns(value, "array") == ""  # an array, of no numbers: checkers judge it


def test_an_integer_too_long_for_python_is_a_wire_error_not_a_crash():
    with pytest.raises(wire.WireError):
        wire.loads("9" * 4301)  # past Python's int-string digit limit


# --- 4. Two sandboxes alive at once talk through inotify on the shared read-only files --------
# seccomp lets inotify_init1 and inotify_add_watch through, and every sandbox mounts the same
# host files (/usr, the Python installation). A sandbox that watches nine stdlib files no
# startup imports sees, exactly and at once, which of them ANOTHER sandbox opens. Two gradings
# side by side are a documented set-up (bwrap.py: "`grade` and `feedback` side by side, a pool
# of workers"): learner A's sandbox, given a hidden input, opens the files of its bits; learner
# B's sandbox, still in its PUBLIC call, returns them as its value, which B's feedback quotes as
# "got". Measured here: 2 of 2 secrets read back exactly, under bubblewrap, in about 2 s.
# Two learners' sandboxes are claimed not to be able to talk (test_redteam_processes).
# Fix idea: seccomp refuses inotify_init, inotify_init1 and fanotify_init (no exercise needs
# them); a quotable result should not be able to depend on other sandboxes at all.
INOTIFY_FILES = ["aifc", "chunk", "cgi", "cgitb", "colorsys", "crypt", "nntplib", "sndhdr",
                 "telnetlib"]
INOTIFY_COMMON = '''
import ctypes, os, struct, time
FILES = [{stdlib!r} + "/" + name + ".py" for name in {files!r}]
'''
INOTIFY_RECEIVER = '''
libc = ctypes.CDLL(None, use_errno=True)
_fd = libc.inotify_init1(0o4000)  # IN_NONBLOCK
_watch = {libc.inotify_add_watch(_fd, p.encode(), 0x20): i for i, p in enumerate(FILES)}

def f(x):
    seen, end = set(), time.monotonic() + 12
    while time.monotonic() < end and 8 not in seen:
        try:
            data = os.read(_fd, 4096)
        except (BlockingIOError, OSError):
            time.sleep(0.01)
            continue
        while data:
            wd, _mask, _cookie, size = struct.unpack_from("iIII", data)
            seen.add(_watch.get(wd, 9))
            data = data[16 + size:]
    return sum(1 << i for i in seen if i < 8)
'''
INOTIFY_SENDER = '''
def f(x):
    if x < 0:
        return 0  # the public call
    for i in range(8):
        if (x >> i) & 1:
            os.close(os.open(FILES[i], os.O_RDONLY))
    os.close(os.open(FILES[8], os.O_RDONLY))
    return 0
'''


def test_two_live_sandboxes_cannot_pass_a_hidden_input_through_inotify():
    import threading

    from redteam_support import DISARM, require_bwrap

    from pruneedu.grading import sandbox

    require_bwrap()
    stdlib = os.path.dirname(os.path.realpath(os.__file__))
    if not all(os.path.isfile(f"{stdlib}/{name}.py") for name in INOTIFY_FILES):
        pytest.skip("this Python lacks the stdlib files the test watches: test NOT run")
    common = DISARM + INOTIFY_COMMON.format(stdlib=stdlib, files=INOTIFY_FILES)
    leaked = []
    for secret, wait_s in ((173, 1.5), (82, 3.0), (201, 5.0)):  # slower machines: wait longer
        runs: dict[str, sandbox.SandboxRun] = {}

        def receive(runs: dict) -> None:
            runs["b"] = sandbox.run_calls(common + INOTIFY_RECEIVER, "f", [(0,)],
                                          time_limit_s=15, isolation="bwrap", returns="integer")

        learner_b = threading.Thread(target=receive, args=(runs,))
        learner_b.start()
        time.sleep(wait_s)  # learner B's sandbox is up and in its public call
        sandbox.run_calls(common + INOTIFY_SENDER, "f", [(-1,), (secret,)], hidden_from=1,
                          time_limit_s=10, isolation="bwrap", returns="integer")
        learner_b.join()
        leaked += [o.value for o in runs["b"].outcomes if o.ok and o.value]
        if leaked:
            break  # one exact read-back is the finding
    assert not leaked, leaked
