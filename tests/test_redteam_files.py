"""Red team, files: with the audit hook switched off, the learner's code still cannot read the
keys, tests, submissions, the course, the output or the teacher's home, cannot write outside
its scratch folder, and cannot unmount or remount its way out (issue 9)."""

from __future__ import annotations

import os

import pytest
from redteam_support import (
    COURSE,
    DISARM,
    NUMPY_DISARM,
    SECRET,
    SECRET_DIR,
    SECRET_WORDS,
    attack,
    mode,
    require_bwrap,
    texts,
)
from redteam_support import unsafe_none_cannot_stop as cannot_stop

__all__ = ["mode"]  # the fixture


def test_the_disarm_payload_really_switches_the_audit_hook_off(mode):
    # Without it, the attacks below would only prove that the hook works.
    run = attack(DISARM + "import ctypes\ndef f(x):\n    ctypes.CDLL(None)\n    return 'on'\n",
                 mode)
    assert run.outcomes[0].value == "on", run.error


def test_a_hook_emptied_through_numpy_memory_writes_leaves_the_kernel_layers(mode, request):
    cannot_stop(mode, "past the audit hook the code reads what the teacher can", request)
    code = NUMPY_DISARM + (f"def f(x):\n    return [DISARMED, open({str(SECRET)!r}).read()]\n")
    run = attack(code, mode, time_limit_s=60)
    assert SECRET_WORDS not in texts(run)
    assert "FileNotFoundError" in run.outcomes[0].error  # not the hook's PermissionError


@pytest.mark.parametrize("target", ["secret", "quiz-key", "submission", "pyproject", "git"])
def test_reading_keys_tests_submissions_and_the_course_fails_past_the_hook(mode, target,
                                                                          request, tmp_path):
    cannot_stop(mode, "past the audit hook the code reads what the teacher can", request)
    fixtures = COURSE / "tests" / "fixtures" / "class"
    path = {"secret": SECRET, "quiz-key": fixtures / "quizzes" / "demo-quiz.yaml",
            "submission": fixtures / "submissions" / "ada.zero-fraction.py",
            "pyproject": COURSE / "pyproject.toml", "git": COURSE / ".git"}[target]
    if target == "git" and path.is_file():  # a worktree: .git is a file naming the real one
        path = path.read_text().split("gitdir:", 1)[1].strip()
        path = os.path.join(path, "HEAD")
    elif target == "git":
        path = path / "HEAD"
    run = attack(DISARM + f"def f(x):\n    return open({str(path)!r}, 'rb').read()"
                 ".decode('latin-1')\n", mode, hide=[SECRET_DIR, fixtures])
    assert not run.outcomes[0].ok
    assert "FileNotFoundError" in run.outcomes[0].error


def test_unmounting_what_covers_the_hidden_tests_does_not_reveal_them(mode, request):
    # Issue 9's first finding: root in its own user namespace unmounted the empty tmpfs that
    # covered the exercises, then read the hidden tests.
    cannot_stop(mode, "past the audit hook the code reads what the teacher can", request)
    code = DISARM + ("import ctypes\ndef f(x):\n    libc = ctypes.CDLL(None, use_errno=True)\n"
                     f"    libc.umount2({str(SECRET_DIR).encode()!r}, 2)\n"
                     f"    return open({str(SECRET)!r}).read()\n")
    run = attack(code, mode)
    assert SECRET_WORDS not in texts(run)
    assert not run.outcomes[0].ok


def test_listing_the_course_and_the_teachers_home_shows_nothing_of_them(mode, request):
    cannot_stop(mode, "past the audit hook the code lists what the teacher can", request)
    home = os.path.expanduser("~")
    code = DISARM + ("import os\ndef f(x):\n    found = []\n"
                     f"    for folder in ({str(COURSE)!r}, {home!r}):\n"
                     "        try:\n            found += os.listdir(folder)\n"
                     "        except OSError:\n            pass\n    return sorted(found)\n")
    run = attack(code, mode)
    listed = set(run.outcomes[0].value)
    assert listed <= {".venv", ".pyenv"}  # only the mount points leading to Python itself
    assert not listed & {"pyproject.toml", "exercises", "tests", ".git", "quizzes"}


def test_the_output_folder_and_its_gradebook_cannot_be_written(mode, request, tmp_path):
    cannot_stop(mode, "past the audit hook the code writes where the teacher can", request)
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("Student,ID,Total\nada,ada,10\n")
    code = DISARM + (f"def f(x):\n    open({str(gradebook)!r}, 'a').write('mallory,mallory,99\\n')"
                     "\n    return 'written'\n")
    run = attack(code, mode, hide=[SECRET_DIR, tmp_path])
    assert run.outcomes[0].value != "written"
    assert gradebook.read_text() == "Student,ID,Total\nada,ada,10\n"


def test_python_and_its_packages_are_read_only_even_past_the_hook(mode, request):
    # A planted .pth or module would run later in the teacher's own Python.
    import numpy

    site = os.path.dirname(os.path.dirname(numpy.__file__))
    if os.access(site, os.W_OK):
        cannot_stop(mode, "past the audit hook the code writes where the teacher can", request)
    code = DISARM + ("import os\ndef f(x):\n    done = []\n"
                     f"    for folder in ({site!r}, '/usr/lib'):\n        try:\n"
                     "            open(os.path.join(folder, 'zz-planted.pth'), 'w').write('x')\n"
                     "            done.append(folder)\n        except OSError:\n"
                     "            pass\n    return done\n")
    try:
        run = attack(code, mode)
        assert run.outcomes[0].ok and run.outcomes[0].value == [], run.error
    finally:
        for folder in (site, "/usr/lib"):
            if os.path.exists(os.path.join(folder, "zz-planted.pth")):
                os.unlink(os.path.join(folder, "zz-planted.pth"))


@pytest.mark.parametrize("syscall", [
    "libc.umount2(b'/usr', 2)",
    "libc.mount(b'none', b'/usr', None, 32 | 4096, None)",  # MS_REMOUNT | MS_BIND, read-write
    "libc.mount(b'none', b'/mnt', b'tmpfs', 0, None)",
    "libc.unshare(0x10000000 | 0x00020000)",  # CLONE_NEWUSER | CLONE_NEWNS: root again
    "libc.chroot(b'/tmp')",
])
def test_unmounting_remounting_and_new_namespaces_are_refused(mode, syscall):
    code = DISARM + ("import ctypes\ndef f(x):\n    libc = ctypes.CDLL(None, use_errno=True)\n"
                     f"    return [{syscall}, ctypes.get_errno()]\n")
    run = attack(code, mode)
    assert run.outcomes[0].ok, run.error
    status, error = run.outcomes[0].value
    assert status == -1 and error == 1  # EPERM


def test_the_sandbox_runs_without_privileges(mode):
    code = ("import os\ndef f(x):\n    status = open('/proc/self/status').read()\n"
            "    caps = [l.split()[1] for l in status.splitlines() if l.startswith('Cap')]\n"
            "    seccomp = [l.split()[1] for l in status.splitlines()\n"
            "               if l.startswith('Seccomp:')]\n"
            "    return [os.getuid(), os.getgid(), caps, seccomp]\n")
    uid, gid, caps, seccomp_mode = attack(code, mode).outcomes[0].value
    assert seccomp_mode == ["2"]  # a filter is loaded in both modes on Linux
    if mode == "bwrap":
        assert uid != 0 and gid != 0
        assert set(caps) == {"0000000000000000"}


def test_the_graders_environment_and_command_line_are_out_of_reach(mode, request):
    cannot_stop(mode, "the grader's /proc entries are readable by the same user", request)
    with open("/proc/self/environ", "rb") as handle:  # what /proc shows of this grader
        environ = [e.decode("latin-1") for e in handle.read().split(b"\0") if b"=" in e]
    with open("/proc/self/cmdline", "rb") as handle:
        cmdline = handle.read().decode("latin-1")
    code = DISARM + ("import os\ndef f(grader):\n    found = []\n"
                     "    for pid in [grader, os.getppid(), 1] + [p for p in os.listdir('/proc')"
                     " if p.isdigit()]:\n"
                     "        for what in ('environ', 'cmdline'):\n            try:\n"
                     "                found.append(open(f'/proc/{pid}/{what}', 'rb').read()"
                     ".decode('latin-1'))\n            except OSError:\n                pass\n"
                     "    return found\n")
    run = attack(code, mode, calls=[(os.getpid(),)])
    assert run.outcomes[0].ok, run.error
    seen = "\n".join(run.outcomes[0].value)
    assert cmdline not in seen
    leaked = [e for e in environ if not e.startswith(("PATH=", "HOME=", "LANG=")) and e in seen]
    assert leaked == []


def test_the_childs_environment_holds_nothing_of_the_graders(mode, monkeypatch):
    monkeypatch.setenv("PRUNEEDU_REVIEW_TOKEN", "do-not-leak-4711")
    run = attack("import os\ndef f(x):\n    return dict(os.environ)\n", mode)
    assert run.outcomes[0].ok
    assert "PRUNEEDU_REVIEW_TOKEN" not in run.outcomes[0].value
    assert "PRUNEEDU_HOME" not in run.outcomes[0].value


def test_the_secret_words_are_really_in_the_secret_file():
    # Guards the tests above against passing because they look for the wrong thing.
    assert SECRET_WORDS in SECRET.read_text()


def test_kernel_settings_are_read_only_even_to_a_grader_running_as_root():
    # Found by our own red-team round: with the grader as root, the sandbox's user is uid 0 to
    # the kernel, and bubblewrap had left /proc/sys writable here (vm.swappiness was written).
    # Under unsafe-none, root's code can write them: that mode is not run here on purpose.
    require_bwrap()
    code = DISARM + ("def f(x):\n    done = []\n"
                     "    for name in ('vm/swappiness', 'kernel/hostname',\n"
                     "                 'kernel/core_pattern'):\n"
                     "        path = '/proc/sys/' + name\n        try:\n"
                     "            value = open(path).read()\n"
                     "            with open(path, 'w') as out:\n                out.write(value)\n"
                     "            done.append(name)\n        except OSError:\n            pass\n"
                     "    for name in ('sysrq-trigger', 'kcore', 'kallsyms', 'keys', 'kmsg'):\n"
                     "        try:\n            if open('/proc/' + name, 'rb').read(64):\n"
                     "                done.append(name)\n        except OSError:\n"
                     "            pass\n    return done\n")
    run = attack(code, "bwrap")
    assert run.outcomes[0].ok and run.outcomes[0].value == [], run.outcomes[0]
