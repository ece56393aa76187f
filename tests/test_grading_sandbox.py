"""The sandbox API: values in and out, one sandbox per learner with per-exercise deadlines and
restarts, light imports, safe concurrent use, and grading that refuses where isolation is
missing. The attacks live in tests/test_redteam_*.py."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from redteam_support import SECRET_DIR, attack, mode, require_bwrap

from pruneedu import models, wire
from pruneedu.grading import bwrap, sandbox
from pruneedu.grading.sandbox import Job, run_calls, run_jobs

__all__ = ["mode"]


def test_outputs_come_back_decoded(mode):
    run = run_calls("def f(x, k):\n    return x * k\n", "f",
                    [(np.array([1.0, 2.0], dtype=np.float32), 3), (2, 5)], isolation=mode)
    assert run.error == "" and run.isolation == mode
    assert run.outcomes[0].value.tolist() == [3.0, 6.0]
    assert run.outcomes[0].value.dtype == np.float32
    assert run.outcomes[1].value == 10


def test_one_sandbox_serves_a_learners_exercises_and_restarts_after_a_hang(mode):
    counter = "import builtins\ndef f(x):\n    builtins.n = getattr(builtins, 'n', 0) + 1\n" \
              "    return builtins.n\n"
    jobs = [Job(counter, "f", [(0,)]),
            Job("def f(x):\n    while True:\n        pass\n", "f", [(0,), (1,)],
                time_limit_s=1),
            Job("import os\ndef f(x):\n    os._exit(9)\n", "f", [(0,)]),
            Job(counter, "f", [(0,), (1,)], hidden_from=1)]
    start = time.monotonic()
    runs = run_jobs(jobs, isolation=mode)
    assert time.monotonic() - start < 30
    assert runs[0].outcomes[0].value == 1  # shared process: the counter starts at 1 ...
    assert "timed out" in runs[1].error and not any(o.ok for o in runs[1].outcomes)
    assert "exited with status 9" in runs[2].error or "stopped" in runs[2].error
    # ... and after two restarts the last job runs in a fresh process: its counter restarts.
    assert [o.value for o in runs[3].outcomes] == [1, 2]


def test_each_exercise_has_its_own_deadline(mode):
    slow = "import time\ndef f(x):\n    time.sleep(0.6)\n    return x\n"
    jobs = [Job(slow, "f", [(1,), (2,)], time_limit_s=1),
            Job(slow, "f", [(1,)], time_limit_s=3)]
    runs = run_jobs(jobs, isolation=mode)
    assert "timed out" in runs[0].error and runs[0].outcomes[0].ok
    assert runs[1].error == "" and runs[1].outcomes[0].value == 1


def test_numpy_exercises_do_not_import_torch_and_torch_exercises_get_tensors(mode):
    probe = "import sys\ndef f(x):\n    return [type(x).__module__, 'torch' in sys.modules]\n"
    numpy_run = run_calls(probe, "f", [(np.ones(2),)], isolation=mode, returns="any")
    assert numpy_run.outcomes[0].value == ["numpy", False]
    torch_run = run_calls(probe, "f", [(np.ones(2),)], array_type="torch", isolation=mode,
                          returns="any")
    assert torch_run.outcomes[0].value == ["torch", True]


def test_networks_cross_in_and_out(mode):
    state = {k: v.numpy() for k, v in models.lenet_300_100(seed=0).state_dict().items()}
    code = ("import torch\ndef f(net):\n    small = torch.nn.Linear(784, 10)\n"
            "    small.weight.data = net.fc1.weight.data[:10].clone()\n    return small\n")
    run = run_calls(code, "f", [(wire.ModelSpec("lenet_300_100", state),)],
                    array_type="torch", isolation=mode)
    assert run.outcomes[0].ok, run.outcomes[0].error
    description = run.outcomes[0].value
    assert description.class_name == "Linear" and description.layer("").shapes["weight"] == (10,
                                                                                           784)
    assert np.array_equal(description.state["weight"], state["fc1.weight"][:10])


def test_load_failures_and_crashes_become_reasons(mode):
    run = attack("def f(x):\n    return 1 / 0\n", mode)
    assert "ZeroDivisionError" in run.outcomes[0].error and "line 2" in run.outcomes[0].error
    run = attack("import os\nos._exit(3)\n", mode)
    assert run.error.startswith("the process exited with status 3 while loading")
    run = attack("def f(x)\n    return 1\n", mode)
    assert run.error.startswith("the code could not be loaded: SyntaxError")
    run = attack("def g(x):\n    return 1\n", mode)
    assert "no function named f" in run.error


def test_printing_and_reading_input_do_not_break_the_protocol(mode):
    run = attack("print('{\"n\": 2, \"ok\": true, \"value\": 99}')\ndef f(x):\n"
                 "    print('noise')\n    assert input.__name__ and __import__('sys').stdin.read()"
                 " == ''\n    return x + 1\n", mode)
    assert run.outcomes[0].ok and run.outcomes[0].value == 2


def test_scratch_files_in_the_working_folder_are_allowed(mode):
    run = attack("import tempfile\ndef f(x):\n    open('scratch.txt', 'w').write('7')\n"
                 "    with tempfile.NamedTemporaryFile('w') as t:\n        t.write('x')\n"
                 "    return int(open('scratch.txt').read()) + x\n", mode)
    assert run.outcomes[0].ok and run.outcomes[0].value == 8


def test_the_memory_limit_leaves_room_for_honest_code(mode):
    run = attack("def f(x):\n    return len(bytearray(100 * 1024 ** 2))\n", mode,
                 memory_limit_mb=256)
    assert run.outcomes[0].ok and run.outcomes[0].value == 100 * 1024 ** 2
    run = attack("def f(x):\n    return len(bytearray(400 * 1024 ** 2))\n", mode,
                 memory_limit_mb=256)
    assert "MemoryError" in run.outcomes[0].error


def test_several_threads_can_grade_at_once(mode):
    results = {}

    def grade(learner: int) -> None:
        run = run_calls("def f(x):\n    return x * 2\n", "f", [(learner,)], isolation=mode)
        results[learner] = run.outcomes[0].value

    threads = [threading.Thread(target=grade, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == {0: 0, 1: 2, 2: 4, 3: 6}


def test_grading_refuses_without_isolation_and_says_what_to_do(monkeypatch):
    monkeypatch.setattr(bwrap, "unavailable_reason",
                        lambda: "bubblewrap is not installed; install it (apt install bubblewrap)")
    assert sandbox.isolation_modes()["bwrap"].startswith("bubblewrap is not installed")
    with pytest.raises(sandbox.IsolationUnavailable) as refused:
        run_calls("def f(x):\n    return x\n", "f", [(1,)])
    message = str(refused.value)
    assert "apt install bubblewrap" in message and "--unsafe-no-isolation" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    run = run_calls("def f(x):\n    return x\n", "f", [(1,)], isolation="unsafe-none")
    assert run.outcomes[0].value == 1 and run.isolation == "unsafe-none"
    with pytest.raises(ValueError, match="unknown isolation"):
        run_calls("def f(x):\n    return x\n", "f", [(1,)], isolation="docker")


def test_the_probe_names_a_missing_bwrap(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert "bubblewrap is not installed" in bwrap.unavailable_reason.__wrapped__()


def test_the_probe_names_a_missing_libseccomp(monkeypatch):
    from pruneedu.grading import seccomp

    monkeypatch.setattr(seccomp, "available", lambda: "libseccomp is not installed")
    if bwrap.unavailable_reason.__wrapped__() == "":
        pytest.fail("bwrap mode must not work without its seccomp filter")


def test_a_folder_that_must_stay_hidden_inside_a_mount_stops_grading():
    require_bwrap()
    inside_python = bwrap.site_folders()[0]
    with pytest.raises(sandbox.SandboxError, match="would show"):
        run_calls("def f(x):\n    return x\n", "f", [(1,)], hide=[inside_python])


def test_a_sandbox_that_cannot_start_is_a_setup_error(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(sandbox.SandboxError, match="could not start"):
        run_calls("def f(x):\n    return x\n", "f", [(1,)], isolation="unsafe-none",
                  hide=[SECRET_DIR])


def test_clean_text_removes_what_could_forge_a_line():
    assert sandbox.clean_text("a\u202eb\u200bc\x1b[31md\r\ne\u2028f") == "abc[31md  e f"
    assert len(sandbox.clean_text("x" * 1000, limit=50)) == 50


GRADE_WITHOUT_BWRAP = """
import sys
from pruneedu.grading import bwrap
bwrap.unavailable_reason = lambda: "bubblewrap is not installed; install it"
from pruneedu.grading import shared_host
shared_host.refusal = lambda *args, **kwargs: ""  # a subprocess: conftest.py's rule by hand
from pruneedu.cli import main
sys.exit(main(['grade', {submissions!r}, '--out', {out!r}, '--quizzes', {quizzes!r},
               '--exercises', {exercises!r}, '--no-progress'{extra}]))
"""


@pytest.mark.parametrize("unsafe", [False, True])
def test_the_grade_command_refuses_code_without_isolation_unless_told(tmp_path, unsafe):
    fixture = Path(__file__).parent / "fixtures" / "class"
    out = tmp_path / "grades"
    script = GRADE_WITHOUT_BWRAP.format(
        submissions=str(fixture / "submissions"), out=str(out),
        quizzes=str(fixture / "quizzes"), exercises=str(fixture / "exercises"),
        extra=", '--unsafe-no-isolation'" if unsafe else "")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    if not unsafe:
        assert done.returncode == 2 and not out.exists()
        assert "needs bubblewrap isolation" in done.stderr
        assert "--unsafe-no-isolation" in done.stderr
        return
    assert done.returncode == 1, done.stderr  # graded; the fixture class has rejects
    assert "WARNING" in done.stderr and "without isolation" in done.stderr
    data = json.loads((out / "gradebook.json").read_text())
    assert data["isolation"] == "unsafe-none"
    assert data["learners"]["ada"]["items"]["zero-fraction"]["score"] == 2


def test_the_code_mounted_into_the_sandbox_imports_only_itself():
    # The sandbox sees only bwrap.runner_files(): a new `from pruneedu.x import` in one of them
    # (models.py gained argcheck once) must add x to the list, or torch exercises break.
    mounted = {name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
               for name in bwrap.runner_files(torch=True)}
    mounted = {f"pruneedu.{name}" if name != "__init__" else "pruneedu" for name in mounted}
    for relative in bwrap.runner_files(torch=True):
        tree = ast.parse((bwrap.PACKAGE / relative).read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                names = [n for n in names if n in mounted or n == node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith("pruneedu"):
                    assert name in mounted, f"{relative} imports {name}, not mounted"
