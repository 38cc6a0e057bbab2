"""System tests run the installed `syncd` command as a real subprocess in temporary dirs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub

SYNCD = Path(sys.executable).with_name("syncd")
REPO = Path(__file__).resolve().parents[2]

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    assert SYNCD.exists(), f"the syncd command is not installed next to {sys.executable}"

    def _run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("SYNCD_")}
        full_env.update(env or {})
        return subprocess.run(
            [str(SYNCD), *args],
            cwd=cwd or tmp_path,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return _run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A records-only project: syncd.yaml plus two small reviews."""
    write(
        tmp_path / "syncd.yaml",
        """
        timezone: Europe/Berlin
        records:
          paths: ["reviews/**/*.md"]
        """,
    )
    write(
        tmp_path / "reviews/2026-05-02-checkout-outage.md",
        """
        ---
        title: Checkout outage
        date: 2026-05-02
        severity: SEV-2
        ---
        # Checkout outage

        ## Action Items
        - [ ] Alert when checkout 5xx rate stays above 3% for 5 minutes — owner: @priya — due: 2026-06-04 — type: prevent
        - [x] Pin the payments base image to a digest — owner: @sam — due: 2026-05-20
        - [ ] Add a runbook entry for the payment-provider failover — owner: @lee — due: 2026-12-15
        """,
    )
    write(
        tmp_path / "reviews/2026-11-10-dns.md",
        """
        ---
        title: Internal DNS resolution failures
        date: 2026-11-10
        severity: SEV-3
        ---
        # Internal DNS resolution failures

        ## Action items
        - [ ] Cap resolver cache TTL at 300 s on the edge nodes — owner: @dana — due: 2026-11-28
        """,
    )
    backdate(tmp_path / "reviews")
    return tmp_path


def backdate(folder: Path, seconds: float = 60) -> None:
    """Make files look written a minute ago, so the parse cache may keep them."""
    past = time.time() - seconds
    for path in folder.rglob("*.md"):
        os.utime(path, (past, past))


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of the repository's config.example.yaml and examples/ in a temp dir."""
    shutil.copy(REPO / "config.example.yaml", tmp_path / "config.example.yaml")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """The loopback GitHub fake (real PyGithub over HTTP), for one test."""
    fake = FakeGitHub()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
