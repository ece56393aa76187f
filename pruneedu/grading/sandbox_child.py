"""The trusted bootstrap of the sandboxed process (``python -I -m pruneedu.grading.sandbox_child``).

It never runs in the grader itself. Order matters: first the trusted imports (numpy, torch when
the exercise uses it), then the guards, then the student's module, then one call per request.

Protocol: the parent writes JSON lines to stdin (first a config, then ``{"args": [...]}`` per
call); this process answers JSON lines on a private copy of the original stdout. The student's
``print`` output goes to stderr, so it cannot break the protocol. No expected value ever enters
this process: the parent judges every output.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback

# Events that would let student code leave the sandbox or look around the grader.
_BLOCKED_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "pty.spawn", "sys.settrace", "sys.setprofile",
                   "sys._getframe", "sys._current_frames", "gc.get_objects", "gc.get_referrers",
                   "gc.get_referents", "ctypes.", "socket.", "urllib.Request", "webbrowser.open",
                   "os.putenv", "os.killpg", "os.chdir")
_PATH_EVENTS = ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                "os.link", "os.symlink", "os.truncate", "os.utime", "shutil.")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


_STUBBED_MODULES = ("_posixsubprocess",)


def _refuse_process(*_args, **_kwargs):
    raise PermissionError("starting a process is not allowed while your code is graded.")


def _disarm_fork_exec() -> None:
    """Put a stub in place of ``_posixsubprocess`` wherever a module holds it or its
    ``fork_exec``: that function raises no audit event in Python 3.11."""
    import _posixsubprocess
    import types

    stub = types.ModuleType("_posixsubprocess")
    stub.fork_exec = _refuse_process
    for module in list(sys.modules.values()):
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if value is _posixsubprocess:
                setattr(module, name, stub)
            elif value is _posixsubprocess.fork_exec:
                setattr(module, name, _refuse_process)
    sys.modules["_posixsubprocess"] = stub


def _install_guards(workdir: str, read_roots: tuple[str, ...]) -> None:
    """Block the network, processes, and files outside ``workdir`` (reads: also ``read_roots``)."""
    import socket

    def refuse(*_args, **_kwargs):
        raise PermissionError("the network is switched off while your code is graded.")

    socket.socket = refuse  # type: ignore[misc, assignment]
    socket.create_connection = refuse  # type: ignore[assignment]

    def inside(path: str, roots: tuple[str, ...]) -> bool:
        real = os.path.realpath(path)
        return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep)
                   for root in roots)

    _disarm_fork_exec()
    write_roots = (workdir,)
    # Only this process's own /proc entries: /proc/<grader>/mem holds the keys it loaded.
    read_roots = tuple(r for r in read_roots if r != "/proc") + (f"/proc/{os.getpid()}",)

    def hook(event: str, args: tuple) -> None:
        if event.startswith(_BLOCKED_EVENTS):
            raise PermissionError(f"'{event}' is not allowed while your code is graded.")
        if event == "import" and args and args[0] in _STUBBED_MODULES:
            raise PermissionError(f"importing {args[0]} is not allowed while your code is graded.")
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
            # A folder handle would let os.open(name, dir_fd=fd) act outside the working folder
            # (this hook sees only the relative name, never the dir_fd), so none is handed out.
            if os.path.isdir(path) and not inside(path, write_roots):
                raise PermissionError(f"your code may not open the folder {path!r} here.")
        elif event.startswith(_PATH_EVENTS):
            for arg in args:
                if isinstance(arg, (str, bytes)) and not inside(os.fsdecode(arg), write_roots):
                    raise PermissionError(f"'{event}' outside your folder is not allowed.")

    sys.addaudithook(hook)


def _tighten_memory(extra_mb: int) -> None:
    """Limit the address space to the current size plus what the student's code may add."""
    import resource

    try:
        with open("/proc/self/statm") as handle:
            current = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 0  # no /proc: the limit counts the interpreter too
    limit = current + extra_mb * 1024 * 1024
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _describe(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "MemoryError: the code used more memory than the limit allows"
    frames = traceback.extract_tb(error.__traceback__)
    where = next((f" (line {f.lineno})" for f in reversed(frames)
                  if f.filename.endswith("submission.py")), "")
    return f"{type(error).__name__}: {error}{where}"[:500]


def main() -> None:
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the student's print() now goes to stderr, away from the protocol

    def send(message: dict) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    config = json.loads(sys.stdin.readline())
    import numpy  # noqa: F401  (trusted imports happen before the guards)

    if config["array_type"] == "torch":
        import torch

        torch.set_num_threads(1)
    from pruneedu.exercises import to_array_type
    from pruneedu.grading import wire

    _tighten_memory(int(config["memory_limit_mb"]))
    workdir = os.path.realpath(os.getcwd())
    _install_guards(workdir, tuple(os.path.realpath(root) for root in config["read_roots"]))
    send({"ready": True})
    try:
        spec = importlib.util.spec_from_file_location("submission", "submission.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        function = getattr(module, config["function"], None)
        if not callable(function):
            raise NameError(f"the file defines no function named {config['function']}")
    except BaseException as error:  # whatever the module does, the grader gets a reason
        send({"loaded": False, "error": _describe(error)})
        return
    send({"loaded": True})
    for line in sys.stdin:
        args = to_array_type(tuple(wire.decode(json.loads(line)["args"])), config["array_type"])
        try:
            send({"ok": True, "value": wire.encode(function(*args))})
        except BaseException as error:
            send({"ok": False, "error": _describe(error)})


if __name__ == "__main__":
    main()
