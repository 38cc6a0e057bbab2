"""`/healthz` and `/metrics` over HTTP, on a small threaded WSGI server of the service's own.

prometheus-client's own server answers metrics on every path, so a 20-line dispatcher puts
`/healthz` beside it (digest-and-service.md §9). The server runs in a daemon thread and is
shut down with the service.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

from syncd import log
from syncd.service.metrics import Metrics

_log = log.get("syncd.service")

StartResponse = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class Health:
    """What /healthz answers: (healthy, one line of text)."""

    ok: bool
    text: str


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # a scrape every 15 s is not news; errors still reach the service's log


class HealthServer:
    """Serves /healthz (from `health()`) and /metrics (from `metrics`) until `close()`."""

    def __init__(self, address: tuple[str, int], health: Callable[[], Health], metrics: Metrics):
        self._health = health
        self._metrics_app = make_wsgi_app(metrics.registry)
        self._server = make_server(
            address[0], address[1], self._app, server_class=_Server, handler_class=_QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="syncd-health", daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        _log.info("health_serving", address=f"{self._server.server_name}:{self.port}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return self._metrics_app(environ, start_response)  # type: ignore[no-any-return]
        if path in ("/healthz", "/health"):
            state = self._health()
            body = (state.text + "\n").encode()
            status = "200 OK" if state.ok else "503 Service Unavailable"
            start_response(
                status,
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        body = b"not found: try /healthz or /metrics\n"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]
