"""JupyterHub for a PruneEdu class on one machine: the configuration our tests really run.

Run it from an empty folder (the hub keeps its database and cookie secret there), with the
Python environment that has the course installed:

    mkdir hub-state && cd hub-state
    /path/to/.venv/bin/jupyterhub -f /path/to/deploy/jupyterhub_config.py

then open http://127.0.0.1:8000 and sign in with any name. This is a trial set-up, for an
instructor trying the course on a hub and for tests/test_hub.py and benchmarks/bench_hub.py:
it listens on 127.0.0.1 only, any name signs in (DummyAuthenticator) and every learner's
server runs as the same system user (SimpleLocalProcessSpawner), so learners are not
protected from each other. For a real class use The Littlest JupyterHub
(deploy/tljh/pruneedu.py) or Zero to JupyterHub (deploy/z2jh/values.yaml), which keep the
PruneEdu settings below and add real sign-in and one system user (or container) per learner.

What PruneEdu needs from any hub, and how this file gives it:
- the course installed once for everyone: each learner's server runs with this same Python
  (``sys.executable``), where ``pruneedu``, JupyterLab and nbgitpuller are installed;
- a separate ``PRUNEEDU_HOME`` per learner, for their answers, flashcards and saved id;
- the learner id from ``JUPYTERHUB_USER``, which every spawner sets: nothing to configure;
- one thread per kernel (``OMP_NUM_THREADS=1``): with many learners on few cores, torch's
  default of one thread per core makes kernels fight for them (benchmarks/bench_hub.py);
- kernel messages sent at once (``pruneedu.kernel_nodelay``), about 40 ms off every
  slider move.

Environment variables (all optional) adjust it without editing:
``PRUNEEDU_HUB_PORT`` (8000), ``PRUNEEDU_HUB_API_PORT`` (8081),
``PRUNEEDU_HUB_PROXY_API_PORT`` (8001), ``PRUNEEDU_HUB_HOMES`` (learners' home folders;
``./homes``), ``PRUNEEDU_HUB_USERS`` (comma-separated names allowed to sign in; anyone if
unset), ``PRUNEEDU_HUB_THREADS`` (threads per kernel, 1; 0 leaves torch's default),
``PRUNEEDU_HUB_NODELAY`` (1; 0 leaves Jupyter's default, for comparisons only).
"""

import os
import sys

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

# Loopback only: the spawner below gives learners no protection from each other.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("PRUNEEDU_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("PRUNEEDU_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{int(os.environ.get('PRUNEEDU_HUB_PROXY_API_PORT', '8001'))}")
c.Spawner.ip = "127.0.0.1"

c.JupyterHub.authenticator_class = "dummy"
allowed = [name.strip() for name in os.environ.get("PRUNEEDU_HUB_USERS", "").split(",")]
if any(allowed):
    c.Authenticator.allowed_users = {name for name in allowed if name}
else:
    c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"
homes = os.path.abspath(os.environ.get("PRUNEEDU_HUB_HOMES", "homes"))
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(homes, "{username}")
# The course is installed once, in the environment that runs the hub; every server uses it.
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120  # a busy 2-core laptop may need a while for the first servers
c.Spawner.http_timeout = 120
c.Spawner.args = []
if os.environ.get("PRUNEEDU_HUB_NODELAY", "1") != "0":  # 0 only to measure the difference
    # Kernel messages leave at once instead of waiting ~40 ms for TCP acknowledgements.
    c.Spawner.args.append("--ServerApp.kernel_websocket_connection_class="
                          "pruneedu.kernel_nodelay.NoDelayKernelConnection")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")  # containers and CI run everything as root


def pruneedu_home(spawner) -> str:
    """Each learner's answers, flashcards and saved id, inside their own home folder."""
    return os.path.join(spawner.home_dir, "pruneedu")


c.Spawner.environment = {"PRUNEEDU_HOME": pruneedu_home}
threads = os.environ.get("PRUNEEDU_HUB_THREADS", "1")
if threads != "0":  # 0 leaves torch's default, one thread per core (for comparisons)
    c.Spawner.environment["OMP_NUM_THREADS"] = threads
