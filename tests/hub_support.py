"""JupyterHub on loopback for tests/test_hub.py and benchmarks/bench_hub.py.

:func:`running_hub` starts the real ``deploy/jupyterhub_config.py`` (DummyAuthenticator,
SimpleLocalProcessSpawner, configurable-http-proxy) on free 127.0.0.1 ports, with one extra
service, the driver, whose token may create learners, start their servers and issue each
learner a token of their own. Every learner then talks to their own Jupyter server through
the hub's proxy, as a browser would: the REST API for files and sessions, and a kernel client
over the kernel's websocket (:class:`KernelSession`).

Everything it starts carries a marker in its environment; on the way out the hub is asked to
stop (it stops the servers and the proxy), and whatever still carries the marker is killed, so
nothing outlives a failed run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUB_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
MARKER = "PRUNEEDU_HUB_RUN"
DRIVER_SCOPES = ["admin:users", "admin:servers", "admin:server_state", "tokens",
                 "access:servers"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_hub_reason() -> str | None:
    """Why a hub cannot start here (in words), or None when everything it needs is present."""
    try:
        import jupyterhub  # noqa: F401
        import nbgitpuller  # noqa: F401
        import psutil  # noqa: F401
        import websocket  # noqa: F401
    except ImportError as error:
        return (f"HUB TESTS NOT RUN: the Python package {error.name!r} is missing; "
                "pip install -e '.[dev]' installs it.")
    if shutil.which("configurable-http-proxy") is None:
        return ("HUB TESTS NOT RUN: configurable-http-proxy is not on PATH; install it with "
                "npm install -g configurable-http-proxy.")
    if shutil.which("git") is None:
        return "HUB TESTS NOT RUN: git is missing (nbgitpuller needs it); apt-get install git."
    return None


class HubError(RuntimeError):
    """The hub or a learner's server did not do what was asked; the message has the log tail."""


@dataclass
class Hub:
    url: str
    workdir: Path
    homes: Path
    driver_token: str
    process: subprocess.Popen
    log_path: Path
    marker: str
    tokens: dict[str, str] = field(default_factory=dict)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def request(self, method: str, path: str, token: str | None = None, timeout: float = 30,
                **kwargs):
        import requests

        headers = {"Authorization": f"token {token or self.driver_token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=timeout,
                                **kwargs)

    def start_server(self, user: str, timeout: float = 180) -> None:
        """Create ``user`` if needed and start their server; wait until it answers."""
        self.request("POST", f"/hub/api/users/{user}")  # 201, or 409 when it exists
        answer = self.request("POST", f"/hub/api/users/{user}/server")
        if answer.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"starting {user}'s server: {answer.status_code} {answer.text}\n"
                           + self.log_tail())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.request("GET", f"/hub/api/users/{user}").json()["servers"].get("")
            if server and server.get("ready"):
                return
            if self.process.poll() is not None:
                raise HubError("the hub exited while a server was starting:\n" + self.log_tail())
            time.sleep(0.5)
        raise HubError(f"{user}'s server was not ready within {timeout} s:\n" + self.log_tail())

    def user_token(self, user: str) -> str:
        """A token that acts as ``user`` and nothing more (what signing in gives a browser)."""
        if user not in self.tokens:
            answer = self.request("POST", f"/hub/api/users/{user}/tokens",
                                  json={"note": "pruneedu hub driver", "expires_in": 3600})
            answer.raise_for_status()
            self.tokens[user] = answer.json()["token"]
        return self.tokens[user]

    def server_pid(self, user: str) -> int:
        server = self.request("GET", f"/hub/api/users/{user}").json()["servers"][""]
        return int(server["state"]["pid"])

    def user_api(self, user: str, method: str, path: str, timeout: float = 60, **kwargs):
        """Call ``user``'s Jupyter server REST API through the proxy, as that user."""
        return self.request(method, f"/user/{user}/api/{path}", token=self.user_token(user),
                            timeout=timeout, **kwargs)

    def git_pull(self, user: str, repo: str, target: str, branch: str = "main",
                 timeout: float = 120) -> list[dict]:
        """Follow an nbgitpuller link for ``user`` (its event stream); returns the events."""
        query = urllib.parse.urlencode({"repo": repo, "branch": branch, "targetpath": target})
        events = []
        answer = self.request("GET", f"/user/{user}/git-pull/api?{query}",
                              token=self.user_token(user), timeout=timeout, stream=True)
        with answer:
            answer.raise_for_status()
            for line in answer.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    events.append(json.loads(line[len("data: "):]))
                    if events[-1].get("phase") in ("finished", "error"):
                        break
        return events


def _driver_config(workdir: Path, token: str, marker: str) -> Path:
    """A config that loads the deployed one unchanged, then adds only the driver service."""
    path = workdir / "test_jupyterhub_config.py"
    path.write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(HUB_CONFIG)!r})  # noqa: F821\n"
        f"c.JupyterHub.services = [{{'name': 'driver', 'api_token': {token!r}}}]\n"
        f"c.JupyterHub.load_roles = [{{'name': 'driver', 'scopes': {DRIVER_SCOPES!r}, "
        "'services': ['driver']}]\n"
        # Servers and kernels carry the marker too, so cleanup can find every one of them.
        f"c.Spawner.environment[{MARKER!r}] = {marker!r}\n"
    )
    return path


@contextmanager
def running_hub(workdir: Path, users: list[str], threads: int = 1, nodelay: bool = True,
                start_timeout: float = 90) -> Iterator[Hub]:
    """Start JupyterHub on 127.0.0.1 with ``users`` allowed; stop everything on the way out."""
    import requests

    workdir.mkdir(parents=True, exist_ok=True)
    homes = workdir / "homes"
    token = uuid.uuid4().hex
    marker = uuid.uuid4().hex
    ports = {"PRUNEEDU_HUB_PORT": free_port(), "PRUNEEDU_HUB_API_PORT": free_port(),
             "PRUNEEDU_HUB_PROXY_API_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "PRUNEEDU_HUB_HOMES": str(homes), "PRUNEEDU_HUB_USERS": ",".join(users),
           "PRUNEEDU_HUB_THREADS": str(threads), "PRUNEEDU_HUB_NODELAY": str(int(nodelay)),
           MARKER: marker}
    for variable in ("PRUNEEDU_HOME", "PRUNEEDU_LEARNER", "JUPYTERHUB_USER"):
        env.pop(variable, None)  # the learners' own come from the hub, nothing else
    config = _driver_config(workdir, token, marker)
    log_path = workdir / "jupyterhub.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=workdir, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{ports['PRUNEEDU_HUB_PORT']}", workdir, homes, token, process,
              log_path, marker)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise HubError("JupyterHub exited while starting:\n" + hub.log_tail())
            try:
                if hub.request("GET", "/hub/api/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise HubError(f"JupyterHub did not answer within {start_timeout} s:\n"
                               + hub.log_tail())
            time.sleep(0.5)
        yield hub
    finally:
        stop_everything(process, marker)


def stop_everything(process: subprocess.Popen, marker: str, grace: float = 30) -> list[int]:
    """Ask the hub to stop (it stops servers and proxy), then kill what carries ``marker``.

    Returns the process ids that had to be killed (empty when the hub cleaned up itself).
    """
    import psutil

    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    leftovers = []
    for candidate in psutil.process_iter():
        try:
            if candidate.environ().get(MARKER) == marker:
                leftovers.append(candidate)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    for candidate in leftovers:
        try:
            candidate.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(leftovers, timeout=10)
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    return [candidate.pid for candidate in leftovers]


def processes_with_marker(marker: str) -> list[int]:
    """Ids of live processes started for the hub run with ``marker`` (for cleanup checks)."""
    import psutil

    found = []
    for candidate in psutil.process_iter():
        try:
            if candidate.environ().get(MARKER) == marker and candidate.status() != "zombie":
                found.append(candidate.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


@dataclass
class Execution:
    """What running one cell produced: text of streams and results, and any error."""

    text: str = ""
    error: str = ""
    comm_updates: int = 0
    seconds: float = 0.0


class KernelSession:
    """A notebook session on a learner's server and a kernel client over its websocket.

    Like JupyterLab, it opens a session for a notebook path (so the kernel starts in the
    notebook's folder), then speaks the Jupyter messaging protocol over
    ``/api/kernels/<id>/channels``. Widget comms are answered as a front end would: comm
    messages from the kernel are read (and counted), and :meth:`set_widget_state` sends an
    ``update`` the way the browser does when a learner moves a slider.
    """

    def __init__(self, hub: Hub, user: str, notebook_path: str, timeout: float = 120) -> None:
        import websocket

        self.hub, self.user = hub, user
        answer = hub.user_api(user, "POST", "sessions", json={
            "path": notebook_path, "name": Path(notebook_path).name, "type": "notebook",
            "kernel": {"name": "python3"}}, timeout=timeout)
        if answer.status_code != 201:
            raise HubError(f"{user}: could not open a session for {notebook_path}: "
                           f"{answer.status_code} {answer.text}")
        self.session_id = answer.json()["id"]
        self.kernel_id = answer.json()["kernel"]["id"]
        self.client_session = uuid.uuid4().hex
        ws_url = (hub.url.replace("http://", "ws://", 1)
                  + f"/user/{user}/api/kernels/{self.kernel_id}/channels"
                  + f"?session_id={self.client_session}")
        self.ws = websocket.create_connection(
            ws_url, header=[f"Authorization: token {hub.user_token(user)}"], timeout=timeout)

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.hub.user_api(self.user, "DELETE", f"sessions/{self.session_id}", timeout=30)

    def _send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": self.user,
                  "session": self.client_session, "version": "5.3",
                  "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self.ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {},
                                 "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def _receive(self, deadline: float) -> dict:
        from jupyter_server.services.kernels.connection.base import deserialize_binary_message

        self.ws.settimeout(max(0.1, deadline - time.monotonic()))
        frame = self.ws.recv()
        # Messages with binary buffers (widget images) come as binary frames.
        return deserialize_binary_message(frame) if isinstance(frame, bytes) else json.loads(frame)

    def _wait(self, msg_id: str, timeout: float, want_reply: bool) -> Execution:
        """Collect output until the kernel is idle after ``msg_id`` (and has replied)."""
        result = Execution()
        start = time.monotonic()
        deadline = start + timeout
        idle, replied = False, not want_reply
        while not (idle and replied):
            if time.monotonic() > deadline:
                raise HubError(f"{self.user}: the kernel did not finish within {timeout} s")
            message = self._receive(deadline)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
                if content.get("status") == "error" and not result.error:
                    result.error = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "stream":
                result.text += content.get("text", "")
            elif kind in ("execute_result", "display_data"):
                result.text += content.get("data", {}).get("text/plain", "") + "\n"
            elif kind == "error":
                result.error = "\n".join(content.get("traceback", [])) or content["ename"]
            elif kind == "comm_msg" and content.get("data", {}).get("method") == "update":
                result.comm_updates += 1
        result.seconds = time.monotonic() - start
        return result

    def execute(self, code: str, timeout: float = 120) -> Execution:
        """Run ``code`` as a notebook cell would; the result holds its output and any error."""
        msg_id = self._send("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        return self._wait(msg_id, timeout, want_reply=True)

    def set_widget_state(self, comm_id: str, state: dict, timeout: float = 60) -> Execution:
        """Send what the browser sends when a learner moves a control; wait for the kernel."""
        msg_id = self._send("comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": state, "buffer_paths": []}})
        return self._wait(msg_id, timeout, want_reply=False)

    def run_notebook(self, notebook: dict, timeout_per_cell: float = 120) -> list[Execution]:
        """Run every code cell in order; stop at the first error (like Run All)."""
        results = []
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            results.append(self.execute(source, timeout_per_cell))
            if results[-1].error:
                break
        return results
