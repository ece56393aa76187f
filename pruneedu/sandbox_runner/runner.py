"""The sandbox's protocol loop: load learners' modules, call their functions, send values back.

Protocol (JSON lines; the grader writes one request and waits for its reply before the next):

1. config ``{"uid", "site": [...], "preload": ["numpy", "torch"], "memory_mb", "cpu_s",
   "file_mb", "nproc", "seccomp": [base64 BPF...], "parent_pid", "read_roots": [...]}`` ->
   ``{"ready": true}`` once the trusted imports are done and the limits are on;
2. ``{"n": 1, "load": JOB, "code": "...", "function": "f", "array_type": "numpy"}`` ->
   ``{"n": 1, "loaded": true}`` or ``{"n": 1, "loaded": false, "error": "..."}``;
3. ``{"n": 2, "call": JOB, "args": WIRE}`` -> ``{"n": 2, "ok": true, "value": WIRE}`` or
   ``{"n": 2, "ok": false, "error": "..."}`` (with ``"unsendable": true`` when the function
   returned a value the wire cannot carry).

The channel is one Unix socket (fds 0 and 1 when the runner starts), never a pipe: a pipe could
be reopened for writing through ``/proc/self/fd`` and jammed. ``uid`` is set where the grader
is root: the runner switches to it before anything else.

The replies carry only values and error texts: no expected value ever enters this process, and
the grader judges every output. The learner's code can write to the reply channel itself, so
the grader treats whatever arrives as that learner's own output, parsed within caps.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import sys
import traceback
import types

from pruneedu import wire
from pruneedu.sandbox_runner import guards

MAX_ERROR_CHARS = 2000


def _describe(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "MemoryError: the code used more memory than the limit allows"
    frames = traceback.extract_tb(error.__traceback__)
    where = next((f" (line {f.lineno})" for f in reversed(frames)
                  if f.filename == "submission.py"), "")
    try:
        message = str(error)
    except BaseException:  # a hostile __str__
        message = ""
    return f"{type(error).__name__}{where}: {message[:MAX_ERROR_CHARS]}"


class _Channel:
    def __init__(self) -> None:
        self.incoming = os.fdopen(os.dup(0), "rb")
        self.outgoing = os.fdopen(os.dup(1), "wb")
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # the learner's input() reads nothing, never a request
        os.close(null)
        os.dup2(2, 1)  # the learner's print() goes to stderr, away from the replies

    def receive(self) -> dict | None:
        line = self.incoming.readline()
        return json.loads(line) if line else None

    def send(self, message: dict) -> None:
        self.outgoing.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        self.outgoing.flush()


def _start(channel: _Channel) -> None:
    config = channel.receive()
    if config.get("uid") is not None:
        guards.become(int(config["uid"]))
    if config.get("parent_pid"):
        guards.die_with_parent(int(config["parent_pid"]))
    guards.set_limits(int(config["file_mb"]), config.get("nproc"))
    if config.get("seccomp"):
        guards.load_seccomp([base64.b64decode(p) for p in config["seccomp"]])
    sys.path.extend(config["site"])
    for name in config["preload"]:
        importlib.import_module(name)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    guards.tighten(int(config["memory_mb"]), int(config["cpu_s"]))
    workdir = os.path.realpath(os.getcwd())
    guards.install_audit_hook((workdir,), tuple(config["read_roots"]))


def _load(request: dict) -> tuple[types.ModuleType | None, str]:
    module = types.ModuleType("submission")
    module.__file__ = "submission.py"
    try:
        exec(compile(request["code"], "submission.py", "exec"), module.__dict__)
        function = getattr(module, request["function"], None)
        if not callable(function):
            raise NameError(f"the file defines no function named {request['function']}")
    except BaseException as error:  # whatever the module does, the grader gets a reason
        return None, _describe(error)
    return function, ""


def main() -> None:
    """Serve requests until the grader closes the channel."""
    channel = _Channel()
    _start(channel)
    channel.send({"ready": True})
    functions: dict = {}
    while (request := channel.receive()) is not None:
        number = request["n"]
        if "load" in request:
            function, error = _load(request)
            functions[request["load"]] = (function, request["array_type"])
            channel.send({"n": number, "loaded": function is not None, "error": error})
            continue
        function, array_type = functions[request["call"]]
        try:
            args = wire.to_runtime(wire.decode(request["args"], wire.TRUSTED), array_type)
            output = function(*args)
        except BaseException as error:
            reply = {"n": number, "ok": False, "error": _describe(error)}
        else:
            try:  # a value of a type the wire has no form for: returned, not raised
                reply = {"n": number, "ok": True, "value": wire.encode(output)}
            except BaseException as error:
                reply = {"n": number, "ok": False, "unsendable": True,
                         "error": "the result cannot be sent: " + _describe(error)}
        try:
            channel.send(reply)
        except (TypeError, ValueError) as error:
            channel.send({"n": number, "ok": False, "error": _describe(error)})


if __name__ == "__main__":
    main()
