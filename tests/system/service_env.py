"""`syncd run` as a real subprocess, and what it serves: shared by the service system tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.system.conftest import SYNCD


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """A running `syncd run` and what it serves. `config` names the config file in `base`
    (replicas sharing one project each have their own, for their own `service.listen`)."""

    def __init__(
        self, base: Path, env: dict[str, str] | None = None, config: str = "syncd.yaml"
    ) -> None:
        text = (base / config).read_text(encoding="utf-8")
        self.port = int(re.search(r"listen: \"127\.0\.0\.1:(\d+)\"", text).group(1))  # type: ignore[union-attr]
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("SYNCD_")}
        full_env.update(env or {})
        log = base / Path(config).with_suffix(".log").name.replace("syncd.", "service.")
        self.err = open(log, "w+", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(SYNCD), "--config", config, "run"],
            cwd=base,
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=self.err,
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def metric(self, name: str) -> float:
        _, text = self.get("/metrics")
        found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
        return float(found.group(1)) if found else 0.0

    def wait_for(self, what: Callable[[], bool], within: float = 20.0) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()
            try:
                if what():
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        raise AssertionError(f"timed out; service log:\n{self.log()}")

    def passes(self, result: str = "ok") -> float:
        return self.metric(f'syncd_passes_total{{result="{result}"}}')

    def stop(self, within: float = 10.0) -> tuple[int, float]:
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=within + 5)
        return code, time.monotonic() - started

    def log(self) -> str:
        self.err.flush()
        return (Path(self.err.name)).read_text(encoding="utf-8")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.err.close()


@pytest.fixture
def start() -> Iterator[Callable[..., Service]]:
    started: list[Service] = []

    def _start(
        base: Path, env: dict[str, str] | None = None, config: str = "syncd.yaml"
    ) -> Service:
        started.append(Service(base, env, config))
        return started[-1]

    yield _start
    for service in started:
        service.close()
