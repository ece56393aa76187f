"""Red team round rt2: hand-ins, notebooks, the extraction of one function, the capstone and the
wire, attacked as a learner handing in files would.

Each numbered test reproduced a weakness found in this round and asserts the SAFE behaviour;
they were strict xfails while the weaknesses existed and pass since the fixes (branch f2; where
a fix chose another safe behaviour than the red team's test assumed, the test says so). The
tests under "Attacks that held" are attacks the grader already stopped, kept as
representative checks. Most weaknesses live in the grader's own process, before or after a
sandbox, and need no bubblewrap; finding 15 (the page cache that sandboxes share) runs under
bubblewrap and skips loudly where it cannot.
"""

from __future__ import annotations

import ast
import base64
import io
import json
import shutil
import struct
import time
from pathlib import Path

import numpy as np
import pytest
from redteam_support import (
    COVERT_CLEAR,
    COVERT_COMMON,
    COVERT_READ,
    COVERT_SEND,
    shared_cold_file,
)

from pruneedu import wire
from pruneedu.cli import main
from pruneedu.exercises import extract, run_case
from pruneedu.exercises.extract import extract_function
from pruneedu.grading import sandbox
from pruneedu.grading.classgrade import GradingSetup, grade_class
from pruneedu.grading.material import load_material
from pruneedu.grading.submissions import discover

FIXTURE = Path(__file__).parent / "fixtures" / "class"
COURSE = Path(__file__).resolve().parents[1]


def _fixture_material():
    return load_material(FIXTURE / "quizzes", FIXTURE / "exercises")


def _class_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """A submissions folder holding ada's honest quiz file and the attacker's ``files``."""
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(FIXTURE / "submissions" / "ada.demo-quiz.responses.json", folder)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _grade_cli(folder: Path, tmp_path: Path) -> tuple[int, Path]:
    out = tmp_path / "out" / "gradebook.csv"  # --out is the folder the files go in
    status = main(["grade", str(folder), "--out", str(out.parent), "--no-progress",
                   "--quizzes", str(FIXTURE / "quizzes"),
                   "--exercises", str(FIXTURE / "exercises")])
    return status, out


def _handin(learner: str, **parts) -> str:
    data = {"format": "pruneedu-handin", "format_version": 1, "learner_id": learner,
            "created_at": "2026-11-21T10:00:00+00:00", "exercises": {}, "responses": {}}
    data.update(parts)
    return json.dumps(data)


# --- 1. One notebook stops the whole class's grading (TypeError in discovery) -----------------
# Claim (command.py): exit 1 = "something was rejected; the rest was graded and the files were
# still written". notebook_source() joins a cell's "source" list with "".join(...); a list
# holding a number raises TypeError, which neither handin.add() (OSError only), discover(),
# grade_class() nor the CLI (OSError, ValueError) catches: `pruneedu grade` dies with a
# traceback and writes no gradebook for anyone. A 60-byte .ipynb is enough.
def test_a_notebook_with_a_non_text_cell_is_a_reject_not_a_failed_class(tmp_path):
    notebook = {"cells": [{"cell_type": "code", "source": ["x = 1\n", 2]}]}
    folder = _class_with(tmp_path, {"mallory.04-lab.ipynb": json.dumps(notebook)})
    status, out = _grade_cli(folder, tmp_path)
    assert status == 1
    graded = json.loads(out.with_name("gradebook.json").read_text())
    assert "ada" in graded["learners"]


# --- 2. One hand-in stops the whole class's grading (a lone surrogate in a responses file) ----
# A hand-in's embedded responses file is JSON text; "\ud800" is valid JSON and becomes a lone
# surrogate, which _add_embedded_responses() writes with copy.write_text(encoding="utf-8"):
# UnicodeEncodeError (a ValueError) escapes discover() and `pruneedu grade` exits 2, "the
# output is not to be used", with no gradebook written for the class.
def test_a_handin_with_a_lone_surrogate_is_a_reject_not_a_failed_class(tmp_path):
    text = _handin("mallory", responses={"demo-quiz.responses.json": "\ud800"})
    folder = _class_with(tmp_path, {"mallory.handin.json": text})
    status, out = _grade_cli(folder, tmp_path)
    assert status == 1
    graded = json.loads(out.with_name("gradebook.json").read_text())
    assert "ada" in graded["learners"]


# --- 3. The extraction blanks the wrong lines (str.splitlines vs Python's line ends) ----------
# extract._blank_all_but() splits the source with str.splitlines(), which also breaks at \x0b,
# \x0c, \x1c-\x1e, \x85, U+2028 and U+2029; Python's tokenizer (and so every ast lineno) breaks
# only at \n, \r\n and \r. After one such character (in a comment or a string) every later
# statement's blanking lands one row too high. An honest learner whose comment holds a U+2028
# (pasted from a web page or PDF) and whose function is followed by a short top-level line
# (`w=1`, a bare `mask` to display it) gets the function's last line moved to the top level:
# the file still parses, so the fallback does not rescue it, and the grader runs a function
# that returns None (with `return` outside any function: a load error). Correct code, 0 points.
HONEST_WITH_LINE_SEPARATOR = (
    "def zero_fraction(weights):\n"
    "    # the share of zeros\u2028(see lesson 1)\n"
    "    zeros = (weights == 0).sum()\n"
    "    return float(zeros) / weights.size\n"
    "w=1\n")


def test_a_line_separator_in_a_comment_does_not_change_the_graded_function():
    extracted = extract_function(HONEST_WITH_LINE_SEPARATOR, "zero_fraction")
    assert extracted.problem == ""
    namespace: dict = {}
    exec(compile(extracted.code, "submission.py", "exec"), namespace)  # our own text, not hostile
    assert namespace["zero_fraction"](np.array([0.0, 1.0, 0.0, 2.0])) == 0.5


# --- 4. The same misalignment crashes the class (UnicodeDecodeError) ---------------------------
# The blanking works on UTF-8 bytes, trusting that "a statement starts and ends on character
# boundaries". On a row one too high that no longer holds: the blanked range cuts a multi-byte
# character and row.decode("utf-8") raises UnicodeDecodeError out of extract_function(), out of
# grade_learner_code() and grade_class(): `pruneedu grade` exits 2 and nobody is graded. The
# file is 60 bytes of valid Python.
SPLIT_A_CHARACTER = '#\x0c\ndef zero_fraction(w):\n    return 0.0\n\n"ééé"\nyy = 1\n'


def test_a_file_that_cuts_a_character_in_the_blanking_fails_only_itself(tmp_path):
    extract_function(SPLIT_A_CHARACTER, "zero_fraction")  # must not raise
    folder = _class_with(tmp_path, {"mallory.zero-fraction.py": SPLIT_A_CHARACTER})
    # The code itself is harmless (returns 0.0), so the opt-out mode is safe to use here and
    # the test does not depend on bubblewrap.
    grades = grade_class(folder, _fixture_material(), progress=False,
                         setup=GradingSetup(time_limit_s=5, isolation="unsafe-none"))
    assert "ada" in grades.learners and "mallory" in grades.learners


# --- 5. The fallback of the extraction is unguarded (RecursionError) ---------------------------
# When the blanked text does not parse, extract_function() falls back to ast.unparse() of the
# kept statements, outside any try. ast.parse accepts expressions ~2,000 deep that ast.unparse
# cannot print (RecursionError from about 500). A kept constant `D = 0+0+...` (600 terms) plus
# any way to make the blanking fail (here the form feed of finding 4) raises RecursionError, not
# even a ValueError: `pruneedu grade` dies with a traceback and exit status 1, which the docs
# say means "the rest was graded and the files were written".
DEEP_KEPT_CONSTANT = ("#\x0c\ndef zero_fraction(w):\n    return 0.0 * D\ny = 1\nD = 0"
                      + "+0" * 600 + "\n")


def test_an_expression_too_deep_to_unparse_fails_only_its_own_file(tmp_path):
    extracted = extract_function(DEEP_KEPT_CONSTANT, "zero_fraction")  # must not raise
    assert extracted.code or extracted.problem
    folder = _class_with(tmp_path, {"mallory.zero-fraction.py": DEEP_KEPT_CONSTANT})
    grades = grade_class(folder, _fixture_material(), progress=False,
                         setup=GradingSetup(time_limit_s=5, isolation="unsafe-none"))
    assert "ada" in grades.learners and "mallory" in grades.learners


# --- 6. A classmate's hand-in replaces a learner's code ---------------------------------------
# A hand-in's learner is its self-declared learner_id, and code carries no time stamp: of two
# code submissions for one learner and exercise the LAST FILE NAME wins (_keep_last_code).
# mallory uploads "zz.handin.json" with "learner_id": "ada" and a function that always fails:
# it is graded as ada's, and ada's own hand-in becomes the "duplicate" reject. DESIGN.md:
# "conflicts are reported, never silently resolved"; here the attacker chooses the resolution.
# (Quiz answers have the same weakness through a far-future updated_at; that one is documented
# in submissions.py. The fix probably belongs with the roster/identity work.)
def test_a_handin_naming_another_learner_does_not_replace_their_code(tmp_path):
    # Fixed in attribution (not discovery, which only lists files): code for one learner in
    # several files, one of which does not carry the id in its name, is a conflict.
    from pruneedu.grading.attribution import attribute

    honest = "def zero_fraction(weights):\n    return float((weights == 0).mean())\n"
    sabotage = "def zero_fraction(weights):\n    return -1.0\n"
    folder = _class_with(tmp_path, {
        "ada.handin.json": _handin("ada", exercises={"zero-fraction": {
            "function": "zero_fraction", "source": honest}}),
        "zz.handin.json": _handin("ada", exercises={"zero-fraction": {
            "function": "zero_fraction", "source": sabotage}})})
    zz = folder / "zz.handin.json"
    zz.touch()
    import os
    os.utime(zz, (time.time() + 3600,) * 2)  # mallory's file is the later one, by file time
    found = discover(folder, _fixture_material())
    kept, rejects, conflicts = attribute(found.submissions, roster=None)
    graded_for_ada = [a.submission for a in kept
                      if a.learner_id == "ada" and a.submission.item_id == "zero-fraction"]
    assert all(c.code == honest for c in graded_for_ada), [c.name for c in graded_for_ada]
    assert [(c.kind, c.learner_id, c.item) for c in conflicts] == [
        ("several-files", "ada", "zero-fraction")]
    assert "zz.handin.json" in conflicts[0].files
    # Two files both named for ada are a conflict too since round 7: a classmate can name a
    # file ada.zero_fraction.py or ada.04-lab.ipynb as well (tests/test_redteam_rt7b.py).
    (folder / "zz.handin.json").unlink()
    (folder / "ada.zero-fraction.py").write_text(honest)
    kept, rejects, conflicts = attribute(discover(folder, _fixture_material()).submissions, None)
    assert [(c.kind, c.learner_id) for c in conflicts] == [("several-files", "ada")]
    assert not [a for a in kept if a.submission.item_id == "zero-fraction"]


# --- 7. The capstone is measured on digits every learner holds ---------------------------------
# grading/capstone.py: by default "the test digits are the bundled test split (1,000 digits,
# the one data.load_mnist().test gives learners' notebooks)"; exercises/capstone.py says the
# grader measures "on test digits the learner never chose with". Nothing stops a learner from
# choosing with them: fine-tune on mnist.test, or pick the seed/amount that scores best on it.
# The course's issue asks for exactly this default (the bundled split; full MNIST's official
# test set when the instructor has it), so the fix keeps it and makes it loud: the grade
# report warns and gradebook.json records which digits measured the capstone, and the
# official test set is used whenever PRUNEEDU_CAPSTONE_MNIST names it.
def test_the_capstone_grading_says_when_learners_hold_its_test_digits(tmp_path, monkeypatch,
                                                                      capsys):
    from pruneedu import data
    from pruneedu.grading import capstone

    monkeypatch.delenv(capstone.ENV_FULL_MNIST, raising=False)
    graded_images, _ = capstone.test_digits()
    held = data.load_mnist_arrays().test[0]
    assert np.array_equal(graded_images, held)  # the default: digits learners hold ...
    assert capstone.measured_on()["held_by_learners"] is True  # ... and it says so
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "ada.capstone.pedu").write_bytes(b"PEDU\x01\x00\x00")
    out = tmp_path / "out"
    status = main(["grade", str(folder), "--out", str(out), "--no-progress",
                   "--unsafe-no-isolation"])
    assert status == 0
    printed = capsys.readouterr()
    assert "WARNING: the capstone was measured on the bundled test digits" in printed.err
    assert capstone.ENV_FULL_MNIST in printed.err
    measured = json.loads((out / "gradebook.json").read_text())["capstone_test_data"]
    assert measured["held_by_learners"] is True and measured["source"] == "bundled test split"

    # With the official test set named, that is what the grader loads, and nothing warns.
    official = tmp_path / "mnist"
    asked = []

    def official_arrays(source="bundled", root=None, **options):
        asked.append((source, root))
        images = np.zeros((10, 28, 28), np.uint8)
        return type("Arrays", (), {"test": (images, np.arange(10, dtype=np.int64))})()

    monkeypatch.setenv(capstone.ENV_FULL_MNIST, str(official))
    monkeypatch.setattr(data, "load_mnist_arrays", official_arrays)
    capstone.test_digits.cache_clear()
    try:
        images, labels = capstone.test_digits()
    finally:
        capstone.test_digits.cache_clear()
    assert asked == [("full", str(official))] and len(labels) == 10
    assert capstone.measured_on() == {"source": "full MNIST test set", "folder": str(official),
                                    "held_by_learners": False, "warning": ""}


# --- 8. Child text is cleaned character by character before it is cut --------------------------
# sandbox.clean_text() walks every character of a child's error text (unicodedata.category per
# character) and only then cuts it to 300. The runner caps its own messages at 2,000 characters,
# but the learner's code may write replies to the channel itself (documented), up to 16 MB each
# and 64 MB a sandbox, restarted per failing job: 16 MB of "error" costs the grader about 5 s
# of CPU per reply (measured here on the shared machine), outside every deadline (the deadline
# covers receiving, not cleaning) — minutes per hostile learner, repeated at every regrade.
def test_cleaning_a_huge_child_error_inspects_only_what_is_kept(monkeypatch):
    inspected = 0
    category = sandbox.unicodedata.category

    def counting(char):
        nonlocal inspected
        inspected += 1
        return category(char)

    monkeypatch.setattr(sandbox.unicodedata, "category", counting)
    cleaned = sandbox.clean_text("x" * 1_000_000)
    assert len(cleaned) <= sandbox.MAX_ERROR_CHARS
    assert inspected <= 20 * sandbox.MAX_ERROR_CHARS, inspected


# --- 9. One notebook export is parsed dozens of times, outside any deadline -------------------
# handin._add_notebook() parses a notebook (or its .py export) three times, and then every
# exercise it defines is graded from the WHOLE text: extract_function() parses it twice more
# per exercise. A 1 MB export defining the 12 course functions is parsed ~27 times in the
# grader's own process (each parse of 1 MB: about 600 MB of AST and 5 s on the shared machine),
# minutes of grader time per hostile file, with no time or memory limit. Safe: a text is parsed
# a small, fixed number of times however many exercises it defines.
def test_a_notebook_export_is_parsed_a_fixed_number_of_times(tmp_path, monkeypatch):
    material = load_material()
    functions = sorted(e.function for e in material.exercises.values() if e.kind == "function")
    text = "".join(f"def {name}(*args):\n    return None\n" for name in functions)
    text += "filler = 0\n" * 2000
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "mallory.04-lab.py").write_text(text)
    parses = 0
    real_parse = ast.parse

    def counting(source, *args, **kwargs):
        nonlocal parses
        if isinstance(source, str) and len(source) >= len(text) // 2:
            parses += 1
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(extract.ast, "parse", counting)
    found = discover(folder, material)
    assert len(found.code) == len(functions)
    for submission in found.code:  # what grade_learner_code does before any sandbox starts
        extract_function(submission.code, material.exercises[submission.item_id].function)
    assert parses <= 4, f"{parses} full parses of one {len(text):,}-character file"


def test_a_text_past_the_extraction_caps_is_refused_before_parsing(monkeypatch):
    """The fix's caps: more characters, lines or top-level statements than any notebook of the
    course is a one-sentence problem, and the longest of them is never parsed."""
    monkeypatch.setattr(extract.ast, "parse", lambda *a, **k: pytest.fail("parsed"))
    honest = "def zero_fraction(weights):\n    return 0.0\n"
    for padding, cap in [("#" * extract.MAX_SOURCE_CHARS, "characters"),
                         ("\r" * (extract.MAX_SOURCE_LINES + 1), "lines")]:
        problem = extract_function(honest + padding, "zero_fraction").problem
        assert cap in problem and "hand in only" in problem
    monkeypatch.undo()
    many = honest + "x = 0\n" * extract.MAX_STATEMENTS
    assert "top-level statements" in extract_function(many, "zero_fraction").problem
    assert extract_function(honest + "x = 0\n" * 100, "zero_fraction").code.startswith(honest)


# --- Attacks that held --------------------------------------------------------------------

def test_nothing_in_a_handin_or_notebook_runs_in_the_graders_process(tmp_path):
    """Discovery and extraction only read text: code at module level, in decorators, default
    arguments and class bodies of a hand-in or notebook never runs outside the sandbox."""
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').write('x')"
    source = (f"import os\n{payload}\n"
              f"def deco(f):\n    {payload}\n    return f\n"
              f"class Helper:\n    {payload}\n"
              f"@deco\ndef zero_fraction(weights, _=({payload})):\n    return Helper\n")
    notebook = {"cells": [{"cell_type": "code", "source": source}]}
    folder = _class_with(tmp_path, {
        "mallory.handin.json": _handin("mallory", exercises={"zero-fraction": {
            "function": "zero_fraction", "source": source}}),
        "mallory.01-introduction.ipynb": json.dumps(notebook),
        "mallory.zero-fraction.py": source})
    material = _fixture_material()
    found = discover(folder, material)
    assert {c.learner_id for c in found.code} == {"mallory"}
    for submission in found.code:
        extract_function(submission.code, "zero_fraction")
    assert not marker.exists()


def test_a_mask_of_non_canonical_booleans_gains_nothing():
    """The wire rebuilds bool arrays from raw bytes, so a reply can hold True as 0x02 or 0xff.
    The checkers' `~mask`, `mask.sum()` and `np.isin` see them as True (numpy 2 inverts
    booleans logically), so such a mask scores exactly as its canonical twin."""
    from pruneedu.exercises import load_exercise

    exercise = load_exercise("magnitude-mask")
    for case in exercise.public_cases():
        weights, amount = case.args
        order = np.argsort(np.abs(weights).reshape(-1), kind="stable")
        keep = np.ones(weights.size, dtype=np.uint8)
        keep[order[: round(amount * weights.size)]] = 0
        for raw in (keep, 1 - keep):  # the right mask, and the opposite one
            odd = np.where(raw == 1, 0xFF, 0).astype(np.uint8).reshape(weights.shape)
            encoded = {"$array": {"dtype": "|b1", "shape": list(weights.shape),
                                  "data": base64.b64encode(odd.tobytes()).decode()}}
            canonical = run_case(case, raw.astype(bool).reshape(weights.shape), "array")
            hostile = run_case(case, wire.decode(encoded), "array")
            assert hostile.passed == canonical.passed, case.name
        assert run_case(case, keep.astype(bool).reshape(weights.shape), "array").passed


def test_a_capstone_file_of_many_empty_or_huge_tensors_is_refused_cheaply():
    """Thousands of zero-element tensors with 4-billion-wide dimensions, or 255 dimensions:
    the torch-free reader refuses (or the probe does), allocating nothing."""
    from pruneedu.pruning.fileformat import read_arrays

    parts = [b"PEDU", struct.pack("<BH", 1, 4000)]
    for index in range(4000):
        name = f"t{index}".encode()
        parts += [struct.pack("<B", len(name)), name, struct.pack("<BB", 0, 3),
                  struct.pack("<3I", 0, 2**32 - 1, 2**32 - 1)]
    many = b"".join(parts)
    assert len(many) < 4_000_000
    deep = b"PEDU" + struct.pack("<BH", 1, 1) + struct.pack("<B", 1) + b"w" \
        + struct.pack("<BB", 0, 255) + struct.pack("<255I", *([1] * 254 + [0]))
    for content in (many, deep):
        started = time.process_time()
        try:
            arrays = read_arrays(io.BytesIO(content), max_elements=2_000_000)
        except ValueError:
            arrays = {}
        assert time.process_time() - started < 5
        assert sum(a.size for a in arrays.values()) == 0


# --- 10. check() passes what the grader refuses: the course library inside a function --------
# The learner's check() runs the function in the notebook's own Python, where every module of
# pruneedu imports; the sandbox mounts only the runner's files (pruneedu/__init__, wire,
# models, wire_torch, argcheck, pruning/fileformat), so `from pruneedu import metrics` (or
# pruning, data, training...) inside or beside a graded function is an ImportError there. An
# honest learner who reuses a course helper is told "All public tests pass" and scores 0.
# Safe: check() and the grader agree (check refuses such imports too, or the grader allows
# the course's torch-free helpers).
USES_THE_COURSE_LIBRARY = '''from pruneedu import metrics


def zero_fraction(weights):
    assert callable(metrics.sparsity)  # the learner checks against the course's own helper
    return float((weights == 0).sum()) / weights.size
'''


def test_check_and_the_grader_agree_on_a_function_that_imports_the_course_library(capsys):
    # The fix makes check() refuse what the grader cannot run, saying what to do instead (the
    # sandbox stays without the course library: less code where learners' code runs).
    import linecache

    from pruneedu.exercises import check
    from pruneedu.grading.codegrade import grade_code

    # A notebook cell, as IPython runs one: its text is findable through linecache.
    cell = "<ipython-input-rt2-10>"
    linecache.cache[cell] = (len(USES_THE_COURSE_LIBRARY), None,
                             USES_THE_COURSE_LIBRARY.splitlines(True), cell)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(USES_THE_COURSE_LIBRARY, cell, "exec"), namespace)  # our own text
    report = check("zero-fraction", namespace["zero_fraction"], root=FIXTURE / "exercises")
    printed = capsys.readouterr().out
    exercise = _fixture_material().exercises["zero-fraction"]
    # Harmless code: the opt-out mode shows the same import failure without needing bwrap.
    result = grade_code(exercise, USES_THE_COURSE_LIBRARY, time_limit_s=10,
                        isolation="unsafe-none")
    assert report.all_passed == (result.score == result.max_score), (printed, result.error)
    assert not report.all_passed
    assert "uses the course library (pruneedu.metrics)" in printed
    assert "numpy or torch" in printed


# --- 11. Two gradings write different texts (unsafe-none) -------------------------------------
# grading-guarantees.md: "the random work folder of the unsafe mode is replaced by <work>, so
# two gradings write the same text". Only <scratch>/work is replaced; the runner's own copy
# lives in <scratch>/runner, and any error naming a runner file (an ImportError of pruneedu, a
# traceback through wire.py) carries the random folder: gradebook.json and feedback differ
# from one grading of the same class to the next. Safe: the whole scratch root is replaced.
def test_two_unsafe_none_gradings_write_the_same_error_text():
    from pruneedu.grading.codegrade import grade_code

    exercise = _fixture_material().exercises["zero-fraction"]
    first, second = (grade_code(exercise, USES_THE_COURSE_LIBRARY, time_limit_s=10,
                                isolation="unsafe-none") for _ in range(2))
    assert first.error and "pruneedu" in first.error
    assert first.error == second.error, (first.error, second.error)


# --- 12. Two graders side by side can hand one host uid to two sandboxes (root grader) --------
# bwrap.host_uid(): slot = (pid * 1024 + n-th sandbox of this grader) % 2**26. The 1,025th
# sandbox of the grader with pid P gets the uid of the FIRST sandbox of the grader with pid
# P + 1 (say `pruneedu grade` and `pruneedu feedback` started together, or two workers of one
# pool). The guarantees rely on a uid of its own per sandbox: RLIMIT_NPROC (64 threads) counts
# per uid, so one learner's thread bomb then starves another learner's sandbox, whose start
# fails (SandboxError: the whole class stops). Restarts after failures make 1,024 sandboxes
# reachable in one class. Safe: uids of two live graders never coincide.
def test_two_graders_never_hand_out_the_same_sandbox_uid(monkeypatch):
    import itertools

    from pruneedu.grading import bwrap

    monkeypatch.setattr(bwrap.os, "geteuid", lambda: 0)
    handed: dict[int, set[int]] = {}
    for pid in (4242, 4243):
        monkeypatch.setattr(bwrap.os, "getpid", lambda pid=pid: pid)
        monkeypatch.setattr(bwrap, "_HOST_UIDS", itertools.count())  # a fresh grader process
        handed[pid] = {bwrap.host_uid() for _ in range(1100)}
    assert not handed[4242] & handed[4243], len(handed[4242] & handed[4243])


# --- 13. The documented hub collection copies whatever a learner's link points to, as root ----
# docs/jupyterhub.md collects hand-ins with `sudo find "$home/pruneedu/responses" -maxdepth 1
# -name '*.responses.json' ... -exec cp {} submissions/...`. find matches symbolic links by
# name, and cp follows them, as root: a learner who makes `~/pruneedu/responses/x.responses.json`
# a link to any file (another learner's home, the instructor's keys, /etc/shadow) gets it copied
# into the submissions folder; a link to /dev/zero makes the collection fill the hub's disk, a
# link to a FIFO hangs it (neither is run here). The grader's own link check comes too late:
# the copy is a plain file. Safe: the collection copies only regular files (find -type f, or
# cp -P), so the link's target stays where it is.
def _collection_script(homes: Path, submissions: Path) -> str:
    text = (COURSE / "docs" / "jupyterhub.md").read_text(encoding="utf-8")
    block = text.split("## Collect and grade", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if not line.startswith("pruneedu grade")]
    script = "\n".join(lines).replace("/home/jupyter-*", f"{homes}/jupyter-*")
    return f"cd {submissions.parent}\n" + script.replace("sudo ", "")


def test_the_documented_hub_collection_never_copies_what_a_link_points_to(tmp_path):
    import subprocess

    secret = tmp_path / "instructor" / "key.yaml"
    secret.parent.mkdir()
    secret.write_text("answer: the instructor's key\n")
    responses = tmp_path / "homes" / "jupyter-mallory" / "pruneedu" / "responses"
    responses.mkdir(parents=True)
    (responses / "01-introduction.responses.json").symlink_to(secret)
    # eve links her whole pruneedu folder to a folder of the instructor's
    elsewhere = tmp_path / "instructor" / "course" / "responses"
    elsewhere.mkdir(parents=True)
    (elsewhere / "keys.responses.json").write_text("answer: the instructor's key, again\n")
    (tmp_path / "homes" / "jupyter-eve").mkdir()
    (tmp_path / "homes" / "jupyter-eve" / "pruneedu").symlink_to(elsewhere.parent)
    honest = tmp_path / "homes" / "jupyter-ada" / "pruneedu" / "responses"
    honest.mkdir(parents=True)
    (honest / "01-introduction.responses.json").write_text('{"learner_id": "ada"}')
    (honest / "01-introduction.practice.responses.json").write_text("practice")
    submissions = tmp_path / "work" / "submissions"
    submissions.parent.mkdir()
    script = _collection_script(tmp_path / "homes", submissions)
    assert "find" in script and "cp" in script  # the doc's command is really what runs
    subprocess.run(["bash", "-c", script], check=True, timeout=30)
    copied = {p.relative_to(submissions).as_posix(): p.read_text()
              for p in submissions.rglob("*") if p.is_file()}
    assert not any("instructor's key" in text for text in copied.values())
    assert copied == {"jupyter-ada/01-introduction.responses.json": '{"learner_id": "ada"}'}


# --- 14. The public model-file loader has no cap: a 40-byte file asks for 32 GB ----------------
# The grader's probe reads capstone files with read_arrays(max_elements=2,000,000), but the
# library's own pruning.load_compressed() (what an instructor would use to open a learner's
# capstone file and look at it, or a learner a classmate's) calls read_arrays() without a cap.
# A sparse tensor whose header says shape (2**31, 4) and holds ONE entry makes it allocate
# np.zeros(2**33) float32 (32 GB; lazily, so it may even succeed, until the array is used or a
# sparse-int8 scale multiplies all of it). Here np.zeros is wrapped so that such a request
# raises instead of allocating. Safe: a ValueError naming the problem, before any allocation.
def test_the_public_model_loader_refuses_a_decompression_bomb(monkeypatch):
    from pruneedu.pruning import fileformat, load_compressed

    requested = []
    real_zeros = fileformat.np.zeros

    def guarded_zeros(shape, *args, **kwargs):  # never really allocate what the file asks for
        requested.append(int(np.prod(shape)))
        if requested[-1] > 10**8:
            raise MemoryError(f"the file asked for {requested[-1]:,} numbers")
        return real_zeros(shape, *args, **kwargs)

    monkeypatch.setattr(fileformat.np, "zeros", guarded_zeros)
    header = b"PEDU" + struct.pack("<BH", 1, 1) + struct.pack("<B", 1) + b"w"
    bomb = header + struct.pack("<BB", 2, 2) + struct.pack("<2I", 2**31, 4) \
        + struct.pack("<BI", 1, 1) + struct.pack("<f", 1.0) + bytes(1)
    assert len(bomb) < 40
    with pytest.raises(ValueError):
        load_compressed(io.BytesIO(bomb))
    assert not [n for n in requested if n > 10**8], requested


# --- 15. Hidden inputs cross into a restarted sandbox through the page cache ------------------
# grading-guarantees.md: "A sandbox restarted after a failure starts with no hidden input seen",
# so an error of the restarted sandbox is quotable. But every sandbox reads the SAME host files
# (/usr, the Python installation) through one page cache. Exercise A, given a hidden input,
# writes its bits into that cache (posix_fadvise DONTNEED evicts a page of a big shared file,
# a read loads it: one bit per page) and exits. The grader restarts a sandbox for exercise B's
# hidden calls; B's module-level code times reads of the same pages, decodes the bits and
# raises them in its error. That load error comes from a process that never received a hidden
# input, so it is marked quotable and `pruneedu feedback` shows it to the learner. Measured
# here: 3 of 3 secrets read back exactly, about a second per run; hundreds of bits per restart
# are possible (more pages), up to one restart per exercise per grading. Fixed first by quoting
# nothing produced after hidden inputs reached ANY sandbox of this learner; since round 4 (the
# cache outlives a grading run) a learner is shown only the grader's fixed texts.
COVERT_SENDER = COVERT_COMMON + COVERT_CLEAR + COVERT_SEND
COVERT_RECEIVER = COVERT_COMMON + COVERT_READ + '''
def f(x):
    return 0
'''
_shared_cold_file = shared_cold_file  # test_redteam_rt5a imports it from here


def test_a_restarted_sandbox_cannot_quote_hidden_inputs_through_the_page_cache():
    from redteam_support import page_cache_file, shown_to_learner

    path = page_cache_file()
    leaked = []
    for secret in (173, 82):
        jobs = [sandbox.Job(COVERT_SENDER.format(path=path), "f", [(-1,), (secret,)],
                            hidden_from=1, time_limit_s=10),
                sandbox.Job(COVERT_RECEIVER.format(path=path), "f", [(-1,), (5,)],
                            hidden_from=1, time_limit_s=10)]
        runs = sandbox.run_jobs(jobs, isolation="bwrap")
        shown = [text for run in runs for text in shown_to_learner(run, 10)]
        # Any "read back" was written by code that saw the hidden call's traces (the markers
        # are warm only after it); on this machine the number is the secret itself.
        leaked += [text for text in shown if "read back" in text]
    assert not leaked, leaked


# --- 16. A capstone code file replaces the learner's capstone model file ----------------------
# Code files are named <learner-id>.<exercise-id>.py, and "capstone" is an exercise id, so a
# learner who hands in their capstone_model() code as ada.capstone.py beside ada.capstone.pedu
# has the PYTHON TEXT graded as the model file: "py" sorts after "pedu", the .py wins as the
# later name, the model file becomes the "duplicate", and the capstone scores 0 ("damaged
# base64"). Safe: a .py is never taken for the capstone's model file.
def test_a_capstone_code_file_never_replaces_the_model_file(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "ada.capstone.pedu").write_bytes(b"PEDU\x01\x00\x00")
    (folder / "ada.capstone.py").write_text("def capstone_model(mnist):\n    return None\n")
    found = discover(folder, load_material())
    capstone = [c for c in found.code if c.item_id == "capstone"]
    assert [c.name for c in capstone] == ["ada.capstone.pedu"], [c.name for c in capstone]


# --- README: "a crash or an endless loop scores zero for that exercise and the grader carries
# on", now that all of one learner's functions share one sandbox ------------------------------
@pytest.mark.parametrize("isolation", ["bwrap", "unsafe-none"])
def test_an_endless_loop_in_one_exercise_costs_only_that_exercise(isolation):
    from pruneedu.grading.codegrade import grade_learner_code

    if isolation == "bwrap":
        from redteam_support import require_bwrap

        require_bwrap()
    material = load_material()
    looping, correct = material.exercises["cubic-schedule"], material.exercises["lenet5-macs"]
    endless = f"def {looping.function}(*args):\n    while True:\n        pass\n"
    started = time.monotonic()
    results = grade_learner_code([(looping, endless),
                                  (correct, correct.solution_path.read_text())],
                                 time_limit_s=3, isolation=isolation)
    assert results[looping.id].score == 0 and "timed out" in results[looping.id].error
    assert results[correct.id].score == results[correct.id].max_score, results[correct.id]
    assert time.monotonic() - started < 60
