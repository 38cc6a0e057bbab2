"""`--soak-passes N` (or SYNCD_SOAK_PASSES=N): how many faulty passes the soak runs per tracker.

The option exists when pytest is pointed at this folder (`pytest tests/soak --soak-passes 500`);
the environment variable works from anywhere, e.g. with `make test`.
"""

from __future__ import annotations

import os

import pytest

DEFAULT_PASSES = 25


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak-passes",
        type=int,
        default=None,
        help=f"sync passes per tracker in tests/soak (default {DEFAULT_PASSES}; "
        "env SYNCD_SOAK_PASSES)",
    )


@pytest.fixture
def soak_passes(request: pytest.FixtureRequest) -> int:
    given = request.config.getoption("--soak-passes", default=None)
    if given is None:
        given = int(os.environ.get("SYNCD_SOAK_PASSES") or DEFAULT_PASSES)
    return int(given)
