"""A stateful loopback HTTP server base for the tracker fakes, with fault injection.

Each fake (github.py, gitlab.py, jira.py) subclasses FakeServer, registers routes with
`@route("GET", r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/issues")`, and keeps its own state.
Handlers return `Response`; the base does logging, counting and fault injection, so the real
client libraries see real HTTP on 127.0.0.1.

Faults (see `Faults`): a fraction of requests answered 500/502/503, 429 with Retry-After,
a stall past the client's timeout, a dropped connection, and for writes "created, but the
response was lost" (the handler runs, then the connection is closed without an answer).
Scripted only (`fail_next`): "html" and "html502", a proxy's or SSO's HTML page answering
200 or 502 instead of the API.
`injected` counts the faults given; `before_request` lets a test act (edit a review, script
the next fault) while a client waits for an answer.
"""

from __future__ import annotations

import json
import random
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    match: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: Any = None  # JSON-serialisable, or bytes/str for raw bodies
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Faults:
    """Probabilities per request; `seed` makes a run repeatable."""

    rate: float = 0.0  # chance that a request gets one of the faults below
    kinds: tuple[str, ...] = ("5xx", "429", "timeout", "drop", "lost")
    retry_after: int = 1
    retry_afters: tuple[int, ...] = ()  # if given, each 429 picks one (mix "wait" and "defer")
    stall: float = 3.0  # seconds a "timeout" fault sleeps before closing the connection
    seed: int = 0
    only_methods: tuple[str, ...] = ()  # e.g. ("POST",); empty = all methods


Handler = Callable[..., Response]


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Mark a FakeServer method as the handler for `method` + path regex (full match)."""

    def mark(func: Handler) -> Handler:
        func._route = (method, re.compile(pattern))  # type: ignore[attr-defined]
        return func

    return mark


class FakeServer:
    """Base: start()/stop(), `url`, `requests` log, `faults`, thread-safe `lock`."""

    poll_interval = 0.5  # serve_forever's shutdown poll; stop() can take this long

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self.faults = Faults()
        self.scripted: list[str] = []  # fault kinds for the next requests, in order (fail_next)
        self.injected: Counter[str] = Counter()  # fault kind → times given
        self.before_request: Callable[[Request], None] | None = None  # runs before faults
        self._rng = random.Random(0)
        self._routes = [
            (attr._route, attr)
            for name in dir(self)
            if callable(attr := getattr(self, name, None)) and hasattr(attr, "_route")
        ]
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                server._dispatch(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(self.poll_interval,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # -- counting ----------------------------------------------------------------------------
    def reset_log(self) -> None:
        with self.lock:
            self.requests.clear()

    def count(self, method: str | None = None, path_regex: str | None = None) -> int:
        with self.lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method)
                and (path_regex is None or re.search(path_regex, r.path))
            )

    def fail_next(self, *kinds: str) -> None:
        """The next requests get these faults in order ("5xx", "timeout", "drop", "lost",
        "html", "html502")."""
        with self.lock:
            self.scripted.extend(kinds)

    def set_faults(self, faults: Faults) -> None:
        with self.lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)

    # -- dispatch ----------------------------------------------------------------------------
    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        split = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        req = Request(
            method=h.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in h.headers.items()},
            body=body,
        )
        with self.lock:
            self.requests.append(req)
        if self.before_request is not None:
            self.before_request(req)
        with self.lock:
            fault = self._pick_fault(req)
            if fault is not None:
                self.injected[fault] += 1
        if fault == "drop":
            self._drop(h)
            return
        if fault == "timeout":
            time.sleep(self.faults.stall)
            self._drop(h)
            return
        if fault == "5xx":
            self._send(h, Response(self._rng.choice([500, 502, 503]), {"message": "Server Error"}))
            return
        if fault in ("html", "html502"):
            page = "<!DOCTYPE html><html><body><h1>Sign in to continue</h1></body></html>"
            status = 200 if fault == "html" else 502
            self._send(h, Response(status, page, {"Content-Type": "text/html; charset=utf-8"}))
            return
        if fault == "429":
            self._send(
                h,
                Response(
                    429,
                    {"message": "Too Many Requests"},
                    {"Retry-After": str(self._retry_after())},
                ),
            )
            return
        response = self._handle(req)
        if fault == "lost" and req.method != "GET":
            self._drop(h)  # the write happened; the client never hears about it
            return
        self._send(h, response)

    def _pick_fault(self, req: Request) -> str | None:
        if self.scripted:
            return self.scripted.pop(0)
        f = self.faults
        if f.rate <= 0 or (f.only_methods and req.method not in f.only_methods):
            return None
        if self._rng.random() >= f.rate:
            return None
        kinds = [k for k in f.kinds if k != "lost" or req.method != "GET"]
        return self._rng.choice(kinds) if kinds else None

    def _retry_after(self) -> int:
        with self.lock:
            choices = self.faults.retry_afters
            return self._rng.choice(choices) if choices else self.faults.retry_after

    def _handle(self, req: Request) -> Response:
        for (method, pattern), handler in self._routes:
            if method != req.method:
                continue
            m = pattern.fullmatch(req.path)
            if m:
                req.match = m.groupdict()
                with self.lock:
                    return handler(req)
        return Response(404, {"message": "Not Found"})

    @staticmethod
    def _drop(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, h: BaseHTTPRequestHandler, resp: Response) -> None:
        if isinstance(resp.body, bytes):
            payload = resp.body
        elif isinstance(resp.body, str):
            payload = resp.body.encode()
        elif resp.body is None:
            payload = b""
        else:
            payload = json.dumps(resp.body).encode()
        h.send_response(resp.status)
        headers = {"Content-Type": "application/json; charset=utf-8", **resp.headers}
        for name, value in headers.items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        if h.command != "HEAD" and resp.status not in (204, 304):
            h.wfile.write(payload)
