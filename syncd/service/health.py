"""`/healthz`, `/livez` and `/metrics` over HTTP, on a small threaded WSGI server of the
service's own.

prometheus-client's own server answers metrics on every path, so a 20-line dispatcher puts
`/healthz` (is the service doing its job: readiness, alerts) and `/livez` (is the process
alive: a liveness probe) beside it (digest-and-service.md §9). The server runs in a daemon
thread and is shut down with the service.
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
from syncd.service.leader import Standing
from syncd.service.metrics import Metrics

_log = log.get("syncd.service")

StartResponse = Callable[..., Any]

LIVENESS_LIMIT = 30.0  # /livez: 503 once the main loop has not ticked for this long


@dataclass(frozen=True, slots=True)
class Health:
    """What /healthz or /livez answers: (healthy, one line of text)."""

    ok: bool
    text: str


def pass_health(
    interval: int,
    since: float,
    done: float | None,
    last_error: str | None,
    *,
    electing: bool,
) -> Health:
    """/healthz of the replica that runs passes: healthy while the last completed pass
    finished (`done` s ago; None: none since it started or became leader `since` s ago)
    within three intervals. With an election the text says "leader"."""
    role, bad = ("leader; ", "leader: ") if electing else ("", "")
    if done is None:
        if since <= 3 * interval:
            if electing:
                return Health(True, f"ok: leader for {since:.0f} s; no pass finished yet")
            return Health(True, f"ok: starting, no pass finished yet ({since:.0f} s)")
        start = "it became leader" if electing else "the start"
        return Health(False, f"{bad}no pass has finished in {since:.0f} s since {start}")
    if done <= 3 * interval:
        return Health(True, f"ok: {role}last pass finished {done:.0f} s ago")
    why = f"; last error: {last_error}" if last_error else ""
    return Health(
        False,
        f"{bad}the last pass finished {done:.0f} s ago, more than 3 intervals of {interval} s{why}",
    )


def standby_health(interval: int, standing: Standing) -> Health:
    """/healthz of a replica that does not lead: healthy (ready to take over) unless it could
    not reach the store for three intervals."""
    error, failing = standing.error, standing.failing_for
    if error is not None and failing is not None:
        if failing > 3 * interval:
            return Health(
                False,
                f"standby: cannot reach the store to elect a leader for {failing:.0f} s: {error}",
            )
        return Health(True, f"ok: standby; cannot reach the store yet: {error}")
    if standing.silent_for is not None:
        silent = standing.silent_for
        return Health(True, f"ok: standby; the lock connection has not answered for {silent:.0f} s")
    if not standing.decided:
        return Health(True, "ok: starting, electing a leader")
    who = f" ({standing.holder})" if standing.holder else ""
    return Health(True, f"ok: standby; leader is another replica{who}")


def liveness(tick: float | None, now: float, running: bool) -> Health:
    """/livez from the main loop's last tick (None: not running) and whether the scheduler and
    the election thread still run. Never about trackers or the store: restarting the process
    would not help those."""
    if tick is None:
        return Health(False, "the service is not running")
    if not running:
        return Health(False, "the scheduler or the leader election has stopped")
    age = now - tick
    if age > LIVENESS_LIMIT:
        return Health(False, f"the main loop last ticked {age:.0f} s ago")
    return Health(True, f"ok: alive, main loop ticked {age:.1f} s ago")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # a scrape every 15 s is not news; errors still reach the service's log


class HealthServer:
    """Serves /healthz (from `health()`), /livez (from `liveness()`) and /metrics (from
    `metrics`) until `close()`."""

    def __init__(
        self,
        address: tuple[str, int],
        health: Callable[[], Health],
        metrics: Metrics,
        liveness: Callable[[], Health],
    ):
        self._checks = {"/healthz": health, "/health": health, "/livez": liveness}
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
        check = self._checks.get(path)
        if check is not None:
            state = check()
            body = (state.text + "\n").encode()
            status = "200 OK" if state.ok else "503 Service Unavailable"
            start_response(
                status,
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        body = b"not found: try /healthz, /livez or /metrics\n"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]
