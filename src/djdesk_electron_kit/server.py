"""waitress on ``127.0.0.1:0``: bind first, announce the port, then serve.

Creating the server binds and listens, so the OS-chosen port is known (and
connections already queue in the backlog) before the READY line is printed: the
shell can connect the moment it reads the line.

Stopping is thread-safe: :meth:`Server.stop` asks waitress's own event loop (through
its trigger pipe) to close every socket, after which :meth:`Server.serve` returns.
"""

from __future__ import annotations

import contextlib
from typing import Any

from djdesk_electron_kit.runtime import LOOPBACK

# Seconds in-flight requests get to finish after the sockets close.
DRAIN_SECONDS = 5.0


class Server:
    def __init__(self, app: Any, *, port: int = 0, threads: int = 4) -> None:
        from waitress.server import create_server

        self._map: dict[int, Any] = {}
        self._stopping = False
        self._server = create_server(
            app,
            map=self._map,
            host=LOOPBACK,
            port=port,
            threads=threads,
            ident="djdesk",
            clear_untrusted_proxy_headers=True,
            expose_tracebacks=False,
        )

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    def serve(self) -> None:
        """Run the event loop until :meth:`stop`; then let in-flight requests finish."""
        try:
            self._server.run()
        finally:
            self._server.task_dispatcher.shutdown(timeout=DRAIN_SECONDS)

    def stop(self) -> None:
        """Ask the event loop to close every socket; safe from any thread, once or more."""
        if self._stopping:
            return
        self._stopping = True
        with contextlib.suppress(OSError):
            self._server.trigger.pull_trigger(self._close_all)

    def _close_all(self) -> None:
        from waitress import wasyncore

        wasyncore.close_all(self._map)
