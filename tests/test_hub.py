"""A class on JupyterHub: two learners, one hub, answers in separate homes under their own ids.

Starts the real ``deploy/jupyterhub_config.py`` on 127.0.0.1 (random free ports,
DummyAuthenticator, SimpleLocalProcessSpawner, configurable-http-proxy), gives each learner
the released course through an nbgitpuller link to a local ``file://`` git repository, runs
notebook 00-welcome for each through the hub (REST API + a kernel client over the hub's
websocket), has each save graded quiz answers, then grades the two handed-in files. Every
process the hub started is stopped at the end, and the test checks that none is left.

Needs the ``jupyterhub``, ``nbgitpuller``, ``psutil`` and ``websocket-client`` packages
(``.[dev]``), ``configurable-http-proxy`` (npm) and git; without them it is skipped with a
warning, and with ``PRUNEEDU_REQUIRE_HUB=1`` (set by ``.ci/run``) it fails instead.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser_support import skip_loudly
from hub_support import (
    REPO,
    KernelSession,
    missing_hub_reason,
    processes_with_marker,
    running_hub,
)

from pruneedu.kernel_nodelay import SERVER_ARG

LEARNERS = ("alice", "bob")
COURSE = "course"  # the folder nbgitpuller clones into, in each learner's home
QUESTION = "intro-what-is-pruning"  # a single-choice question of the 01-introduction bank


@pytest.fixture(scope="module")
def hub_tools():
    reason = missing_hub_reason()
    if reason:
        skip_loudly(reason, "PRUNEEDU_REQUIRE_HUB")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=PruneEdu", "-c", "user.email=course@example.org",
                    *args], cwd=cwd, check=True, capture_output=True)


def released_course_repo(folder: Path) -> Path:
    """The student course as an instructor publishes it: ``pruneedu release`` into a git repo.

    While the release holds no notebooks yet, the course's notebooks are added beside it.
    """
    subprocess.run([sys.executable, "-m", "pruneedu", "release", str(folder)], check=True,
                   capture_output=True)
    if not any(folder.rglob("00-welcome.ipynb")):
        shutil.copytree(REPO / "notebooks", folder / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-q", "-m", "Course release", cwd=folder)
    return folder


def learner_session(hub, user: str, notebook: Path, bank: Path, choice: str) -> dict:
    """What a learner does: follow the link, run notebook 00, answer a graded question."""
    hub.start_server(user)
    events = hub.git_pull(user, f"file://{hub.workdir / 'course-repo'}", COURSE)
    assert events and events[-1]["phase"] == "finished", events
    session = KernelSession(hub, user, f"{COURSE}/{notebook.as_posix()}")
    try:
        content = hub.user_api(user, "GET", f"contents/{COURSE}/{notebook.as_posix()}").json()
        results = session.run_notebook(content["content"])
        errors = [r.error for r in results if r.error]
        answered = session.execute(
            "import json, os\n"
            "from pruneedu import identity, quiz\n"
            f"view = quiz.show(os.path.expanduser('~/{COURSE}/{bank.as_posix()}'), "
            "mode='graded')\n"
            f"view.questions[{QUESTION!r}].controls['answer'].value = {choice!r}\n"
            "print(json.dumps({'source': identity.lookup().source, 'path': str(view.path),"
            " 'learner': view.learner_id, 'home': os.environ['PRUNEEDU_HOME']}))")
        assert not answered.error, answered.error
        return {"cells": len(results), "errors": errors,
                "kernel": json.loads(answered.text.strip().splitlines()[-1])}
    finally:
        session.close()


@pytest.mark.hub
def test_two_learners_on_one_hub_keep_their_answers_apart(tmp_path, hub_tools):
    released_course_repo(tmp_path / "hub" / "course-repo")
    notebook = next((tmp_path / "hub" / "course-repo").rglob("00-welcome.ipynb"))
    notebook = notebook.relative_to(tmp_path / "hub" / "course-repo")
    bank = Path("quizzes") / "01-introduction.yaml"
    released = (tmp_path / "hub" / "course-repo" / bank).read_text()
    assert f"id: {QUESTION}" in released
    choices = {"alice": "a", "bob": "b"}

    with running_hub(tmp_path / "hub", list(LEARNERS)) as hub:
        marker = hub.marker
        signed_in = sign_in(hub, "alice")
        assert signed_in == 200
        assert sign_in(hub, "mallory") == 403  # not on the class list
        with ThreadPoolExecutor(len(LEARNERS)) as pool:
            futures = {user: pool.submit(learner_session, hub, user, notebook, bank,
                                         choices[user]) for user in LEARNERS}
            runs = {user: future.result(timeout=600) for user, future in futures.items()}
        # Everything the hub started carries the marker: the final check below means something.
        running = set(processes_with_marker(marker))
        assert {hub.process.pid, *(hub.server_pid(user) for user in LEARNERS)} <= running
        # A learner's token opens their own server only.
        assert hub.user_api("alice", "GET", "status").status_code == 200
        other = hub.request("GET", "/user/bob/api/status", token=hub.user_token("alice"))
        assert other.status_code in (403, 404)
        homes = hub.homes

    for user in LEARNERS:
        run = runs[user]
        assert run["errors"] == [], f"{user}: notebook 00 failed: {run['errors']}"
        assert run["cells"] >= 5
        assert run["kernel"]["source"] == "JUPYTERHUB_USER"
        assert run["kernel"]["learner"] == user
        home = homes / user / "pruneedu"
        assert Path(run["kernel"]["home"]) == home
        saved = json.loads((home / "responses" / "01-introduction.responses.json").read_text())
        assert (saved["learner_id"], saved["mode"]) == (user, "graded")
        assert saved["answers"][QUESTION]["value"] == choices[user]
        assert (homes / user / COURSE / notebook).exists()  # nbgitpuller's copy
    assert {p.name for p in homes.iterdir()} == set(LEARNERS)

    # The instructor collects both files and grades them: two learners, two rows.
    submissions = tmp_path / "submissions"
    for user in LEARNERS:
        (submissions / user).mkdir(parents=True)
        shutil.copy(homes / user / "pruneedu" / "responses" / "01-introduction.responses.json",
                    submissions / user)
    grades = tmp_path / "grades"
    graded = subprocess.run([sys.executable, "-m", "pruneedu", "grade", str(submissions),
                             "--out", str(grades), "--no-progress"],
                            capture_output=True, text=True)
    assert graded.returncode == 0, graded.stderr
    with (grades / "gradebook.csv").open(newline="") as stream:
        ids = {value for row in csv.reader(stream) for value in row}
    assert set(LEARNERS) <= ids

    assert processes_with_marker(marker) == [], "hub processes outlived the test"


def sign_in(hub, user: str) -> int:
    """Sign in through the hub's login form, as a browser does; the status of the result."""
    import requests

    with requests.Session() as browser:
        browser.get(f"{hub.url}/hub/login", timeout=30)
        answer = browser.post(f"{hub.url}/hub/login", timeout=30, allow_redirects=False,
                              data={"username": user, "password": "any",
                                    "_xsrf": browser.cookies.get("_xsrf", "")})
        if answer.status_code == 302:
            home = browser.get(f"{hub.url}/hub/home", timeout=30, allow_redirects=False)
            return home.status_code
        return answer.status_code


# -- the deployment files themselves (no hub needed) -------------------------------------------

def load_config(path: Path):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(path.name, str(path.parent)).load_config()


class FakeSpawner:
    def __init__(self, name: str, home_dir: str = "") -> None:
        self.user = type("User", (), {"name": name})()
        self.home_dir = home_dir


def test_the_tested_config_listens_on_loopback_and_gives_each_learner_a_home(monkeypatch):
    monkeypatch.setenv("PRUNEEDU_HUB_USERS", "ada, ben")
    config = load_config(REPO / "deploy" / "jupyterhub_config.py")
    assert (config.JupyterHub.ip, config.JupyterHub.hub_ip, config.Spawner.ip) == (
        "127.0.0.1", "127.0.0.1", "127.0.0.1")
    assert config.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert config.Authenticator.allowed_users == {"ada", "ben"}
    environment = config.Spawner.environment
    assert environment["PRUNEEDU_HOME"](FakeSpawner("ada", "/srv/homes/ada")) == (
        "/srv/homes/ada/pruneedu")
    assert environment["OMP_NUM_THREADS"] == "1"
    assert "PRUNEEDU_LEARNER" not in environment  # the id comes from JUPYTERHUB_USER
    assert SERVER_ARG in config.Spawner.args


def test_the_tljh_file_sets_the_same_for_tljhs_system_users(monkeypatch):
    import types

    normalize = types.ModuleType("tljh.normalize")
    normalize.generate_system_username = lambda name: name[:32]  # TLJH hashes longer names
    monkeypatch.setitem(sys.modules, "tljh", types.ModuleType("tljh"))
    monkeypatch.setitem(sys.modules, "tljh.normalize", normalize)
    config = load_config(REPO / "deploy" / "tljh" / "pruneedu.py")
    environment = config.Spawner.environment.get_value({"KEEP": "tljh's own"})
    assert environment["KEEP"] == "tljh's own"  # added to TLJH's settings, not replacing them
    assert environment["PRUNEEDU_HOME"](FakeSpawner("ada")) == "/home/jupyter-ada/pruneedu"
    assert environment["OMP_NUM_THREADS"] == "1"
    assert config.Spawner.args.get_value(["--tljh"]) == ["--tljh", SERVER_ARG]


def test_the_z2jh_values_set_the_same_environment():
    import yaml

    values = yaml.safe_load((REPO / "deploy" / "z2jh" / "values.yaml").read_text())
    assert values["singleuser"]["extraEnv"] == {"PRUNEEDU_HOME": "/home/jovyan/pruneedu",
                                                "OMP_NUM_THREADS": "1"}
    assert values["cull"]["enabled"] is True
    assert values["hub"]["config"]["KubeSpawner"]["args"] == [SERVER_ARG]


def test_kernel_messages_leave_without_waiting_for_acknowledgements(monkeypatch):
    from jupyter_server.services.kernels.connection.channels import (
        ZMQChannelsWebsocketConnection,
    )

    from pruneedu.kernel_nodelay import NoDelayKernelConnection

    calls = []
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect",
                        lambda self: calls.append("connect") or "connected")
    connection = NoDelayKernelConnection()
    handler = type("Handler", (), {"set_nodelay": lambda self, on: calls.append(on)})()
    connection._trait_values["websocket_handler"] = handler  # a real one needs a live socket
    assert connection.connect() == "connected"
    assert calls == [True, "connect"]  # before the connection starts sending
