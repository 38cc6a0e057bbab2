"""A loopback git smart-HTTP server that wants a token: `git http-backend` behind Basic auth.

Serves the bare repositories under `root` at `http://127.0.0.1:PORT/<name>.git`, running
git's own CGI program per request, so clone, fetch and push are the real protocol. A request
without the right `Authorization: Basic base64(user:token)` gets 401 and a challenge, as
GitHub and GitLab answer; `seen` keeps every request's path and auth header for the tests.
"""

from __future__ import annotations

import base64
import os
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # with the query
    authorization: str | None


class GitHttpServer:
    """start()/stop(); `url_of(name)`; accepts `user:token` only."""

    def __init__(self, root: Path, token: str, user: str | None = None) -> None:
        self.root = root
        self.token = token
        self.user = user  # None: any user name with the right token
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    def url_of(self, name: str) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/{name}"

    def start(self) -> GitHttpServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._serve(self)

            do_POST = do_GET

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def _allowed(self, header: str | None) -> str | None:
        if not header or not header.startswith("Basic "):
            return None
        try:
            user, _, token = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None
        if token != self.token or not user or (self.user is not None and user != self.user):
            return None
        return user

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        auth = h.headers.get("Authorization")
        with self._lock:
            self.seen.append(Seen(h.command, h.path, auth))
        body = _read_body(h)
        user = self._allowed(auth)
        if user is None:
            payload = b"Authentication required\n"
            h.send_response(401)
            h.send_header("WWW-Authenticate", 'Basic realm="git"')
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        split = urlsplit(h.path)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "REQUEST_METHOD": h.command,
            "PATH_INFO": split.path,
            "QUERY_STRING": split.query,
            "CONTENT_TYPE": h.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": user,  # enables receive-pack (push)
            "REMOTE_ADDR": "127.0.0.1",
        }
        for name in ("Content-Encoding", "Git-Protocol"):
            if h.headers.get(name):
                env["HTTP_" + name.upper().replace("-", "_")] = h.headers[name]
        done = subprocess.run(
            ["git", "http-backend"],
            check=False,
            input=body,
            env=env,
            capture_output=True,
            timeout=60,
        )
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = done.stdout.partition(b"\n\n")
        status = 200
        headers: list[tuple[str, str]] = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        h.send_response(status)
        for name, value in headers:
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)


def _read_body(h: BaseHTTPRequestHandler) -> bytes:
    if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                h.rfile.readline()
                return b"".join(chunks)
            chunks.append(h.rfile.read(size))
            h.rfile.readline()
    length = int(h.headers.get("Content-Length") or 0)
    return h.rfile.read(length) if length else b""
