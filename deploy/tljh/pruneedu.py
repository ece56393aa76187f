"""PruneEdu settings for The Littlest JupyterHub (TLJH). NOT RUN IN OUR TESTS: see below.

Copy this file to ``/opt/tljh/config/jupyterhub_config.d/pruneedu.py`` and run
``sudo tljh-config reload hub``. TLJH loads every ``*.py`` in that folder after its own
configuration, so only what PruneEdu needs is set here; sign-in, HTTPS, users, memory and CPU
limits and idle culling stay with ``tljh-config`` (docs/jupyterhub.md has the commands).

Before that, install the course once for all learners into TLJH's shared user environment:

    sudo /opt/tljh/user/bin/python -m pip install <the course package> nbgitpuller

What it sets, and why:
- ``PRUNEEDU_HOME``: each learner's answers, flashcards and saved id in ``~/pruneedu`` of
  their own system user (TLJH names it ``jupyter-<hub name>``), visible in JupyterLab's file
  browser so they can download their responses file to hand it in;
- ``OMP_NUM_THREADS=1``: with many kernels on few cores, torch's one thread per core makes
  kernels fight over them (benchmarks/bench_hub.py measured it);
- kernel messages sent at once (``pruneedu.kernel_nodelay``): it takes about 40 ms off
  every slider move;
- JupyterLab as the start page.
The learner id needs nothing: TLJH's spawner sets ``JUPYTERHUB_USER`` for every server.

We cannot run TLJH here (it installs system users and systemd units on a dedicated server),
so this file is checked only for what it sets, not run. What we do run is
``deploy/jupyterhub_config.py``, the same settings with a simple local spawner
(tests/test_hub.py). Check the result on your hub: open a terminal in JupyterLab and run
``echo $JUPYTERHUB_USER $PRUNEEDU_HOME``.
"""

import os

from tljh.normalize import generate_system_username  # TLJH's own name mapping

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file


def pruneedu_home(spawner) -> str:
    """``~/pruneedu`` of the learner's system user, the way TLJH names that user."""
    system_user = generate_system_username("jupyter-" + spawner.user.name)
    return os.path.join("/home", system_user, "pruneedu")


# .update() and .append() add to TLJH's own settings instead of replacing them.
c.Spawner.environment.update({"PRUNEEDU_HOME": pruneedu_home, "OMP_NUM_THREADS": "1"})
# Kernel messages leave at once instead of waiting ~40 ms for TCP acknowledgements.
c.Spawner.args.append("--ServerApp.kernel_websocket_connection_class="
                      "pruneedu.kernel_nodelay.NoDelayKernelConnection")
c.Spawner.default_url = "/lab"
