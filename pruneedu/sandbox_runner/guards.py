"""Limits the runner puts on itself before any learner code runs.

Resource limits and seccomp hold for the whole process whatever its Python code does later;
the audit hook is a courtesy layer on top (clear messages for honest mistakes such as opening
a file outside the working folder), not a boundary: code that corrupts its own interpreter
can switch it off, and the kernel-enforced layers then still hold.
"""

from __future__ import annotations

import os
import resource
import sys

_BLOCKED_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "pty.spawn",
                   "sys._current_frames", "gc.get_objects", "gc.get_referrers",
                   "gc.get_referents", "ctypes.", "socket.", "urllib.Request", "webbrowser.open",
                   "os.putenv", "os.killpg", "os.chdir")
_PATH_EVENTS = ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                "os.link", "os.symlink", "os.truncate", "os.utime", "shutil.")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 1, 38, 22, 2
_PR_SET_DUMPABLE, _PR_CAPBSET_DROP, _CAPABILITY_VERSION_3 = 4, 24, 0x20080522


def become(uid: int) -> None:
    """Where the grader is root: switch to ``uid`` (and gid ``uid``), no supplementary groups,
    every capability gone (bounding and inheritable sets too). Leaving uid 0 also makes the
    kernel count ``RLIMIT_NPROC`` again. (The sandbox's pid 1, bubblewrap's, still ties it to
    the grader: the kernel clears this process's own death signal here.)"""
    ctypes, libc = _prctl()
    with open("/proc/sys/kernel/cap_last_cap") as handle:
        last = int(handle.read())
    for capability in range(last + 1):  # needs CAP_SETPCAP, which bubblewrap left for this
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "dropping the capability bounding set failed")
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # the kernel clears the permitted and effective sets here

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    empty = (ctypes.c_uint32 * 6)()  # two {effective, permitted, inheritable} words
    if libc.capset(ctypes.byref(Header(_CAPABILITY_VERSION_3, 0)), empty) != 0:
        raise OSError(ctypes.get_errno(), "clearing the inheritable capabilities failed")
    with open("/proc/self/status") as handle:
        caps = {line.split()[1] for line in handle if line.startswith("Cap")}
    if (os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid)
            or os.getgroups() or caps != {"0000000000000000"}):
        raise OSError(f"the sandbox could not become uid {uid} without capabilities")


def set_limits(file_mb: int, nproc: int | None) -> None:
    """Caps that need no knowledge of the imports: file size, core dumps, open files,
    processes (only inside a user namespace: elsewhere it would count the teacher's)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))
    if nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def tighten(memory_mb: int, cpu_s: int) -> None:
    """Address space: what the process maps now plus ``memory_mb``; CPU: used plus ``cpu_s``.
    Both soft and hard, so the learner's code cannot raise them again."""
    with open("/proc/self/statm") as handle:
        current = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = current + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = int(used.ru_utime + used.ru_stime) + 1 + cpu_s
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def _prctl():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                           ctypes.c_ulong]
    return ctypes, libc


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when the grader dies (bubblewrap does this where it is used)."""
    import signal

    _, libc = _prctl()
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the grader died before the line above
        os._exit(1)


def load_seccomp(programs: list[bytes]) -> None:
    """Install BPF programs compiled by the grader (libseccomp's export format), after making
    this process non-dumpable (no ``/proc/<pid>/mem`` for anyone but itself, no core): the
    programs refuse to undo it."""
    ctypes, libc = _prctl()
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_DUMPABLE failed")

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS failed")
    for program in programs:
        buffer = ctypes.create_string_buffer(program, len(program))
        fprog = Program(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
        if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0):
            raise OSError(ctypes.get_errno(), "loading the seccomp filter failed")


def _disarm_fork_exec() -> None:
    """``_posixsubprocess.fork_exec`` raises no audit event in Python 3.11: replace it."""
    import _posixsubprocess
    import types

    def refuse(*_args, **_kwargs):
        raise PermissionError("starting a process is not allowed while your code is graded.")

    stub = types.ModuleType("_posixsubprocess")
    stub.fork_exec = refuse
    for module in list(sys.modules.values()):
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if value is _posixsubprocess:
                setattr(module, name, stub)
            elif value is _posixsubprocess.fork_exec:
                setattr(module, name, refuse)
    sys.modules["_posixsubprocess"] = stub


def install_audit_hook(write_roots: tuple[str, ...], read_roots: tuple[str, ...]) -> None:
    """Refuse, with a clear message, processes, sockets, introspection and files outside the
    given folders. A courtesy layer: see the module docstring."""
    def inside(path: str, roots: tuple[str, ...]) -> bool:
        real = os.path.realpath(path)
        return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep)
                   for root in roots)

    _disarm_fork_exec()
    read_roots = read_roots + (f"/proc/{os.getpid()}",)

    def hook(event: str, args: tuple) -> None:
        if event.startswith(_BLOCKED_EVENTS):
            raise PermissionError(f"'{event}' is not allowed while your code is graded.")
        if event == "import" and args and args[0] == "_posixsubprocess":
            raise PermissionError("importing _posixsubprocess is not allowed here.")
        if event == "os.kill" and args and args[0] != os.getpid():
            raise PermissionError("your code may signal only its own process while it is graded.")
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None))[:3]
            if isinstance(path, int):
                return
            if not isinstance(path, (str, bytes)):
                raise PermissionError("open() needs a plain string path here.")
            path = os.fsdecode(path)
            writing = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & _WRITE_FLAGS)
            if not inside(path, write_roots if writing else write_roots + read_roots):
                raise PermissionError(f"your code may not open {path!r} while it is graded.")
            # A folder handle would let os.open(name, dir_fd=fd) act outside the folders.
            if os.path.isdir(path) and not inside(path, write_roots):
                raise PermissionError(f"your code may not open the folder {path!r} here.")
        elif event.startswith(_PATH_EVENTS):
            for arg in args:
                if isinstance(arg, (str, bytes)) and not inside(os.fsdecode(arg), write_roots):
                    raise PermissionError(f"'{event}' outside your folder is not allowed.")

    sys.addaudithook(hook)
