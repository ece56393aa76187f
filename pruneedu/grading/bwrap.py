"""The bubblewrap command line that isolates one sandbox, and the check that it works here.

Inside, the process sees only what is listed here, read-only: ``/usr`` (with the ``/bin``,
``/lib*`` links), ``/etc/ld.so.cache``, the Python installation (``sys.base_prefix``), the
site-packages folders, and the runner's own files under :data:`RUNNER_ROOT`. An installed
``pruneedu`` package in any of those folders is covered by an empty folder. ``/tmp`` is a
private tmpfs of :data:`SCRATCH_MB` (the working folder, ``HOME`` and ``TMPDIR``); ``/proc``
is its own PID namespace's; ``/dev`` is bubblewrap's minimal read-only one. Nothing else of
the host exists for it: not the course, the keys, the submissions, the output, the teacher's
home.

Namespaces: user (uid/gid :data:`SANDBOX_UID`, no capabilities, no further user namespaces),
PID, mount, network (loopback only), IPC, UTS and cgroup. ``--die-with-parent`` ties it to
the grader, ``--new-session`` keeps it off the teacher's terminal, and a seccomp filter
(:mod:`pruneedu.grading.seccomp`) is loaded before the runner starts.

Example:
    >>> reason = unavailable_reason()   # doctest: +SKIP
    >>> reason                          # doctest: +SKIP
    ''
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

from pruneedu.grading import seccomp

RUNNER_ROOT = "/opt/pruneedu"
SCRATCH_MB = 64
SANDBOX_UID = 10001
PACKAGE = Path(__file__).resolve().parents[1]  # the pruneedu package folder
RUNNER_FILES = ("__init__.py", "wire.py", "sandbox_runner/__init__.py",
                "sandbox_runner/runner.py", "sandbox_runner/guards.py")
TORCH_FILES = ("models.py", "wire_torch.py", "argcheck.py")
# /proc entries Docker masks or makes read-only in its containers. They matter most when the
# grader runs as root: the sandbox's user then IS root on the host to the kernel (uid 0, with
# no capabilities), and files such as /proc/sys/* or /proc/sysrq-trigger check only that.
PROC_MASKED = ("acpi", "asound", "kcore", "keys", "latency_stats", "timer_list", "timer_stats",
               "sched_debug", "scsi", "interrupts", "kallsyms", "kmsg")
PROC_READ_ONLY = ("bus", "fs", "irq", "sys", "sysrq-trigger")
ENVIRONMENT = {"HOME": "/tmp", "TMPDIR": "/tmp", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


class ExposureError(RuntimeError):
    """A folder the sandbox must not see would be inside one of its mounts."""


def runner_files(torch: bool) -> list[str]:
    """Paths, relative to the ``pruneedu`` package, of the code the sandbox may import."""
    return list(RUNNER_FILES + (TORCH_FILES if torch else ()))


def python_executable() -> str:
    """The interpreter binary itself (a venv's ``python`` is usually a link to it)."""
    return os.path.realpath(sys.executable)


def site_folders() -> list[str]:
    """Folders of installed packages the sandbox imports numpy and torch from."""
    folders = [*site.getsitepackages(), sysconfig.get_paths()["purelib"],
               sysconfig.get_paths()["platlib"]]
    return sorted({os.path.realpath(f) for f in folders if os.path.isdir(f)})


def read_only_folders() -> list[str]:
    """Every host folder mounted read-only, broadest first."""
    folders = {"/usr", os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix),
               *site_folders()}
    keep = []
    for folder in sorted(folders, key=len):
        if not any(folder == k or folder.startswith(k.rstrip("/") + "/") for k in keep):
            keep.append(folder)
    return keep


def _covered_packages() -> list[str]:
    """Installed copies of ``pruneedu`` inside the mounts: the full course with its banks."""
    places = set(site_folders()) | {p for p in sys.path if p and os.path.isdir(p)}
    covered = []
    for place in sorted(places):
        candidate = os.path.join(os.path.realpath(place), "pruneedu")
        if os.path.isdir(candidate) and any(candidate.startswith(f.rstrip("/") + "/")
                                            for f in read_only_folders()):
            covered.append(candidate)
    return covered


def check_exposure(forbidden: Sequence[Path]) -> None:
    """ExposureError when a mount would show a forbidden folder or the teacher's home."""
    checks = [*forbidden, Path.home()]
    if (PACKAGE.parent / "pyproject.toml").is_file():
        checks.append(PACKAGE.parent)  # a source checkout: tests, .git, exercises
    for folder in checks:
        target = os.path.realpath(folder)
        for mount in read_only_folders():
            if target == mount or target.startswith(mount.rstrip("/") + "/"):
                if any(target == c or target.startswith(c + "/") for c in _covered_packages()):
                    continue
                raise ExposureError(
                    f"the sandbox would show {target} because it mounts {mount} (the Python "
                    "installation); keep keys, submissions and output outside it.")


def command(python_argv: Sequence[str], seccomp_fd: int, torch: bool) -> list[str]:
    """The full ``bwrap ... python ...`` command line (``seccomp_fd`` is passed to it)."""
    argv = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns",
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--cap-drop", "ALL",
            "--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv"]
    for key, value in ENVIRONMENT.items():
        argv += ["--setenv", key, value]
    argv += ["--ro-bind", "/usr", "/usr"]
    for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(link):
            argv += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            argv += ["--ro-bind", link, link]
    argv += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
             "--ro-bind-try", "/etc/alternatives", "/etc/alternatives"]
    for folder in read_only_folders():
        if folder != "/usr":
            argv += ["--ro-bind", folder, folder]
    executable = python_executable()
    if not any(executable.startswith(f.rstrip("/") + "/") for f in read_only_folders()):
        argv += ["--ro-bind", executable, executable]
        config = os.path.join(os.path.dirname(os.path.dirname(executable)), "pyvenv.cfg")
        argv += ["--ro-bind-try", config, config]
    for folder in _covered_packages():
        argv += ["--tmpfs", folder]
    for relative in runner_files(torch):
        argv += ["--ro-bind", str(PACKAGE / relative), f"{RUNNER_ROOT}/pruneedu/{relative}"]
    argv += ["--proc", "/proc"]
    for name in PROC_READ_ONLY:
        if os.path.exists(f"/proc/{name}"):  # the sandbox's /proc has what the host's has
            argv += ["--ro-bind", f"/proc/{name}", f"/proc/{name}"]
    for name in PROC_MASKED:
        if os.path.isdir(f"/proc/{name}"):
            argv += ["--tmpfs", f"/proc/{name}", "--remount-ro", f"/proc/{name}"]
        elif os.path.exists(f"/proc/{name}"):
            argv += ["--ro-bind", "/dev/null", f"/proc/{name}"]
    argv += ["--dev", "/dev", "--remount-ro", "/dev",
             "--size", str(SCRATCH_MB * 2**20), "--tmpfs", "/tmp", "--remount-ro", "/",
             "--chdir", "/tmp", "--seccomp", str(seccomp_fd), "--", *python_argv]
    return argv


def runner_argv(executable: str, root: str) -> list[str]:
    """``python -I -S -B -c <start the runner from root>``: no site, no env, no bytecode."""
    boot = (f"import sys; sys.path.insert(0, {root!r}); "
            "from pruneedu.sandbox_runner.runner import main; main()")
    return [executable, "-I", "-S", "-B", "-c", boot]


def seccomp_pipe() -> int:
    """A pipe's read end holding the base seccomp program, for ``--seccomp``."""
    program = seccomp.base_filter()
    read, write = os.pipe()
    try:
        os.write(write, program)  # far below a pipe's buffer: never blocks
    finally:
        os.close(write)
    return read


@functools.cache
def unavailable_reason() -> str:
    """Empty when bubblewrap isolation works here, else why not and what to do (a phrase)."""
    if not sys.platform.startswith("linux"):
        return (f"bubblewrap needs Linux and this is {sys.platform}; grade on a Linux machine "
                "or VM")
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed; install it (Debian/Ubuntu: apt install "
                "bubblewrap; Fedora: dnf install bubblewrap)")
    problem = seccomp.available()
    if problem:
        return problem
    fd = seccomp_pipe()
    try:
        probe = subprocess.run(
            command(runner_argv(python_executable(), RUNNER_ROOT)[:-1]
                    + [f"import sys; sys.path.insert(0, {RUNNER_ROOT!r}); "
                       "import pruneedu.sandbox_runner.runner, os; "
                       "assert os.getuid() != 0"], fd, torch=False),
            pass_fds=(fd,), capture_output=True, timeout=60, env={"PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as error:
        return f"bubblewrap could not be run ({type(error).__name__})"
    finally:
        os.close(fd)
    if probe.returncode == 0:
        return ""
    detail = probe.stderr.decode("utf-8", "replace").strip().splitlines()
    detail = detail[-1][:160] if detail else f"exit status {probe.returncode}"
    if "namespace" in detail or "uid map" in detail or "Operation not permitted" in detail:
        return (f"unprivileged user namespaces are switched off here ({detail}); allow them "
                "(sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04 "
                "kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for "
                "bwrap; in Docker, a seccomp profile that allows them)")
    return f"bubblewrap failed to start a test sandbox ({detail})"
