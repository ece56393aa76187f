"""The bubblewrap command line that isolates one sandbox, and the check that it works here.

Inside, the process sees only what is listed here, read-only: ``/usr`` (with the ``/bin``,
``/lib*`` links), ``/etc/ld.so.cache`` and ``/etc/alternatives`` (the links Debian uses to
pick shared libraries such as BLAS), the Python installation (``sys.base_prefix``), the
site-packages folders, and the runner's own files under :data:`RUNNER_ROOT`. An installed
``pruneedu`` package in any of those folders is covered by an empty folder. ``/tmp`` is a
private tmpfs of :data:`SCRATCH_MB` (the working folder, ``HOME`` and ``TMPDIR``); ``/proc``
is its own PID namespace's, with the files that describe the kernel's memory masked;
``/dev`` holds only :data:`DEVICES` (no pseudo-terminals), read-only. Nothing else of the
host exists for it: not the course, the keys, the submissions, the output, the teacher's
home.

Namespaces: PID, mount, network (loopback only), IPC, UTS and cgroup, and who it runs as on
the host:

- a grader that is not root: a user namespace, uid/gid :data:`SANDBOX_UID` inside mapped to the
  grader's own uid outside, no capabilities, no further user namespaces; the runner is the
  PID namespace's pid 1 (``--as-pid-1``): bubblewrap's own init would share its uid and could
  be rewritten by it through ``/proc/1/mem``;
- a grader that is root: no user namespace (it would make the sandbox root to the kernel, and
  the kernel exempts root from ``RLIMIT_NPROC`` and lets it read root-only files); the runner
  starts with only ``CAP_SETUID``, ``CAP_SETGID`` and ``CAP_SETPCAP`` and, before anything
  else, empties its capability bounding set and becomes a uid of its own (:func:`host_uid`,
  from :data:`HOST_UID_BASE`) that owns no file, with no capability and no supplementary
  group. bubblewrap's init stays its pid 1 (uid 0 without capabilities, out of the runner's
  reach) and ties the sandbox to the grader: the runner's own death signal would come from a
  process of another uid, which the kernel does not let through.

``--die-with-parent`` ties it to the grader, ``--new-session`` keeps it off the teacher's
terminal, ``--info-fd`` tells the grader the runner's pid (so it can kill it directly), and a
seccomp filter (:mod:`pruneedu.grading.seccomp`) is loaded before the runner starts.

Example:
    >>> reason = unavailable_reason()   # doctest: +SKIP
    >>> reason                          # doctest: +SKIP
    ''
"""

from __future__ import annotations

import fcntl
import functools
import itertools
import os
import secrets
import shutil
import site
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

from pruneedu.grading import seccomp

RUNNER_ROOT = "/opt/pruneedu"
DEVICES = ("null", "zero", "full", "random", "urandom")  # all of /dev a sandbox gets
SCRATCH_MB = 64
SANDBOX_UID = 10001
# A root grader's sandboxes run as uids from here up: one per sandbox (RLIMIT_NPROC counts per
# uid, so two sandboxes side by side must not share one), far above any account's uid.
HOST_UID_BASE = 2_000_000_000
HOST_UID_SPAN = 2**26
_HOST_UIDS = itertools.count()
# Root graders on one machine (`grade` and `feedback` side by side, a pool of workers) draw
# sandbox uids from one counter, so two live sandboxes never share a uid (and its thread cap).
UID_COUNTER = Path("/run/pruneedu-sandbox-uids")
_FALLBACK_BASES: dict[int, int] = {}
PACKAGE = Path(__file__).resolve().parents[1]  # the pruneedu package folder
RUNNER_FILES = ("__init__.py", "wire.py", "sandbox_runner/__init__.py",
                "sandbox_runner/runner.py", "sandbox_runner/guards.py")
TORCH_FILES = ("models.py", "wire_torch.py", "argcheck.py", "pruning/fileformat.py")
# /proc entries Docker masks or makes read-only in its containers, and the root-only files that
# map the kernel's memory. The sandbox's uid is never 0 to the kernel (see host_uid), so files
# that check only for uid 0 (/proc/sys/*, slabinfo) are closed anyway; these hold if it were.
PROC_MASKED = ("acpi", "asound", "kcore", "keys", "latency_stats", "timer_list", "timer_stats",
               "sched_debug", "scsi", "interrupts", "kallsyms", "kmsg", "slabinfo",
               "vmallocinfo", "pagetypeinfo", "kpageflags", "kpagecount", "kpagecgroup")
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


def host_uid() -> int | None:
    """The host uid for a new sandbox: None when the grader is not root (a user namespace maps
    :data:`SANDBOX_UID` to the grader's own uid), else a fresh one from :data:`HOST_UID_BASE`.

    Example:
        >>> host_uid() is None or host_uid() >= HOST_UID_BASE
        True
    """
    if os.geteuid() != 0:
        return None
    return HOST_UID_BASE + _next_slot() % HOST_UID_SPAN


def _next_slot() -> int:
    """The machine-wide next sandbox number (a counter file under ``/run``, locked while it is
    read and written); where that file cannot be used, a random start per grader process,
    which two graders share with a chance of about one in 60,000 per thousand sandboxes."""
    try:
        fd = os.open(UID_COUNTER, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError:
        base = _FALLBACK_BASES.setdefault(os.getpid(), secrets.randbelow(HOST_UID_SPAN))
        return base + next(_HOST_UIDS)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            slot = int(os.pread(fd, 32, 0).strip() or b"0")
        except ValueError:
            slot = secrets.randbelow(HOST_UID_SPAN)
        os.pwrite(fd, f"{(slot + 1) % HOST_UID_SPAN:<20}".encode(), 0)
        return slot
    finally:
        os.close(fd)  # also releases the lock


def command(python_argv: Sequence[str], seccomp_fd: int, torch: bool, info_fd: int | None = None,
            uid: int | None = None) -> list[str]:
    """The full ``bwrap ... python ...`` command line (``seccomp_fd`` and ``info_fd`` are
    passed to it; ``uid``: :func:`host_uid`, which the runner switches to when not None)."""
    argv = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--hostname", "sandbox", "--clearenv"]
    if uid is None:
        # bubblewrap's own pid 1 would run as the runner's uid, with none of its limits: the
        # runner could rewrite it through /proc/1/mem. So the runner is pid 1 itself.
        argv += ["--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID),
                 "--gid", str(SANDBOX_UID), "--cap-drop", "ALL", "--as-pid-1"]
    else:
        # Root: the runner drops to ``uid`` with these three, then has no capability at all.
        # bubblewrap's pid 1 stays (uid 0: out of the runner's reach) because it dies with the
        # grader; the runner could not, its death signal coming from a process of another uid.
        argv += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                 "--cap-add", "CAP_SETPCAP"]
    if info_fd is not None:
        argv += ["--info-fd", str(info_fd)]
    for key, value in ENVIRONMENT.items():
        argv += ["--setenv", key, value]
    mounts = _Mounts()
    mounts.bind("/usr", "/usr")
    for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(link):
            mounts.argv += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            mounts.bind(link, link)
    for path in ("/etc/ld.so.cache", "/etc/alternatives"):
        if os.path.exists(path):
            mounts.bind(path, path)
    for folder in read_only_folders():
        if folder != "/usr":
            mounts.bind(folder, folder)
    executable = python_executable()
    if not any(executable.startswith(f.rstrip("/") + "/") for f in read_only_folders()):
        mounts.bind(executable, executable)
        config = os.path.join(os.path.dirname(os.path.dirname(executable)), "pyvenv.cfg")
        if os.path.exists(config):
            mounts.bind(config, config)
    argv += mounts.argv
    for folder in _covered_packages():
        argv += ["--tmpfs", folder]
    mounts = _Mounts()
    for relative in runner_files(torch):
        mounts.bind(str(PACKAGE / relative), f"{RUNNER_ROOT}/pruneedu/{relative}")
    argv += mounts.argv
    argv += ["--proc", "/proc"]
    for name in PROC_READ_ONLY:
        if os.path.exists(f"/proc/{name}"):  # the sandbox's /proc has what the host's has
            argv += ["--ro-bind", f"/proc/{name}", f"/proc/{name}"]
    for name in PROC_MASKED:
        if os.path.isdir(f"/proc/{name}"):
            argv += ["--tmpfs", f"/proc/{name}", "--remount-ro", f"/proc/{name}"]
        elif os.path.exists(f"/proc/{name}"):
            argv += ["--ro-bind", "/dev/null", f"/proc/{name}"]
    # /dev by hand, not bubblewrap's --dev: that one mounts a devpts whose ptmx anyone may
    # open, and a pseudo-terminal lets code switch line disciplines (the kernel may load a
    # module for one) and hold ptys from the machine's one pool (red-team round 8).
    argv += ["--tmpfs", "/dev"]
    for device in DEVICES:
        argv += ["--dev-bind", f"/dev/{device}", f"/dev/{device}"]
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        argv += ["--symlink", target, f"/dev/{name}"]
    argv += ["--remount-ro", "/dev",
             "--size", str(SCRATCH_MB * 2**20), "--perms", "1777", "--tmpfs", "/tmp",
             "--remount-ro", "/", "--chdir", "/tmp", "--seccomp", str(seccomp_fd),
             "--", *python_argv]
    return argv


class _Mounts:
    """Read-only binds, with every folder above a mount point made first by ``--dir`` (mode
    0755): bubblewrap makes missing parents 0700, which a sandbox uid of its own could not
    cross (``/root`` above a Python installed under it)."""

    def __init__(self) -> None:
        self.argv: list[str] = []
        self.made: set[str] = {"/"}
        self.mounted: list[str] = []

    def bind(self, source: str, destination: str) -> None:
        parts = destination.strip("/").split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/" + "/".join(parts[:depth])
            if folder in self.made or any(folder == m or folder.startswith(m + "/")
                                          for m in self.mounted):
                continue
            self.argv += ["--dir", folder]
            self.made.add(folder)
        self.argv += ["--ro-bind", source, destination]
        self.mounted.append(destination.rstrip("/"))


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


_UNREADABLE = 3
# Run in a test sandbox: the runner's own start (dropping to its uid where the grader is root)
# and numpy found and readable from there.
_PROBE = """import importlib.util, os, sys
sys.path.insert(0, {root!r})
from pruneedu.sandbox_runner import guards
UID = {uid!r}
if UID is not None:
    guards.become(UID)
import pruneedu.sandbox_runner.runner
assert os.getuid() != 0 and os.geteuid() != 0
sys.path.extend({site!r})
try:
    for folder in sys.path:
        if os.path.isdir(folder):
            os.listdir(folder)
    spec = importlib.util.find_spec("numpy")
    if spec is not None and spec.origin:
        open(spec.origin, "rb").close()
except PermissionError as error:
    sys.stderr.write(str(error))
    sys.exit(3)
"""


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
    uid = host_uid()
    fd = seccomp_pipe()
    try:
        probe = subprocess.run(
            command(runner_argv(python_executable(), RUNNER_ROOT)[:-1]
                    + [_PROBE.format(root=RUNNER_ROOT, uid=uid, site=site_folders())], fd,
                    torch=False, uid=uid),
            pass_fds=(fd,), capture_output=True, timeout=60, env={"PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as error:
        return f"bubblewrap could not be run ({type(error).__name__})"
    finally:
        os.close(fd)
    if probe.returncode == 0:
        return ""
    if probe.returncode == _UNREADABLE:
        return (f"the sandbox's own uid cannot read the Python installation or its packages "
                f"({probe.stderr.decode('utf-8', 'replace').strip()[:160]}); make them "
                "readable by every user (chmod -R o+rX), or grade as a user that is not root")
    detail = probe.stderr.decode("utf-8", "replace").strip().splitlines()
    detail = detail[-1][:160] if detail else f"exit status {probe.returncode}"
    if "namespace" in detail or "uid map" in detail or "Operation not permitted" in detail:
        return (f"unprivileged user namespaces are switched off here ({detail}); allow them "
                "(sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04 "
                "kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for "
                "bwrap; in Docker, a seccomp profile that allows them)")
    return f"bubblewrap failed to start a test sandbox ({detail})"
