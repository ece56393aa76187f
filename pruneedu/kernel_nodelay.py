"""Send kernel messages to the browser at once: a Jupyter server setting for hubs and labs.

Jupyter server leaves Nagle's algorithm on for kernel websockets. A kernel answers a slider
move with several small messages (busy, widget updates, idle); with Nagle on, the later ones
wait for the browser's delayed acknowledgement of the first, about 40 ms on Linux, which is
most of a slider move's time (benchmarks/bench_hub.py measured it). Turning it off costs a
few more packets and nothing else.

Use it by starting the server with
``--ServerApp.kernel_websocket_connection_class=pruneedu.kernel_nodelay.NoDelayKernelConnection``
(deploy/jupyterhub_config.py and the TLJH and Zero to JupyterHub files do). This module
imports jupyter_server, so only the Jupyter server loads it.

Example:
    >>> from pruneedu.kernel_nodelay import SERVER_ARG
    >>> SERVER_ARG.split("=")[1]
    'pruneedu.kernel_nodelay.NoDelayKernelConnection'
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

SERVER_ARG = ("--ServerApp.kernel_websocket_connection_class="
              "pruneedu.kernel_nodelay.NoDelayKernelConnection")


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """The standard kernel websocket connection with TCP_NODELAY set on the socket."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()
