"""A loopback HTTP receiver for webhook tests: records every request, answers as scripted."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str = ""
    hits: list[Hit] = field(default_factory=list)
    # Answers for the next requests, in order: (status, body, headers); then `default`.
    script: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    default: tuple[int, str, dict[str, str]] = (200, "ok", {})
    delay: float = 0.0  # seconds before answering
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int, body: str = "", **headers: str) -> None:
        with self.lock:
            self.script.append((status, body, headers))


@contextmanager
def receiver(path: str = "/services/T000/B000/XXXXSECRET") -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with state.lock:
                state.hits.append(
                    Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status, text, headers = state.script.pop(0) if state.script else state.default
            payload = text.encode()
            if state.delay:
                time.sleep(state.delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
