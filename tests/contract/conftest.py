"""Runs the shared contract suite against every adapter, each on its own loopback fake."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract.env import ContractEnv

KINDS = ("github", "gitlab", "jira")


@pytest.fixture(params=KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ContractEnv]:
    module = importlib.import_module(f"tests.contract.env_{request.param}")
    yield from module.make_env(tmp_path)
