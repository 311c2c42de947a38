"""A tiny HTTP server on 127.0.0.1 in a thread, for the loopback fakes of the tests.

``Running`` starts and stops it (``with`` works too) and gives its ``url``; the request
handler reaches the fake through ``self.server.owner``. Nothing leaves the machine.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], owner: Any) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.owner = owner

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-reply (its read timeout, an app closing its clients) is
        expected in these tests: no traceback on the test's stderr."""


class Running:
    """Start/stop a LoopbackServer with ``handler`` in a thread; ``url`` once started."""

    handler: type[BaseHTTPRequestHandler]

    def start(self) -> str:
        self._server = LoopbackServer(self.handler, self)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Any:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
