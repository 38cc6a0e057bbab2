"""`syncd lint --fail-on warning|error` and `lint.fail_on`: what makes lint exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.system.conftest import Run, write

# Two warnings (no owner, no due date), no error.
WARNED = """
# Review
## Action Items
- [ ] Alert when the checkout 5xx rate stays above 3% for 5 minutes
"""
# Only an info-level problem (an item-like line outside the section).
INFO_ONLY = """
# Review
- [ ] Alert when the queue is older than 15 minutes — owner: @ana — due: 2026-12-01
## Action Items
- [ ] Cap consumer retries at 5 per message — owner: @ben — due: 2026-12-01
"""


@pytest.mark.parametrize(
    ("args", "config", "code"),
    [
        ((), None, 0),  # default: only errors fail
        (("--fail-on", "error"), None, 0),
        (("--fail-on", "warning"), None, 1),
        ((), "lint:\n  fail_on: warning\n", 1),
        (("--fail-on", "error"), "lint:\n  fail_on: warning\n", 0),  # the flag wins
    ],
)
def test_warnings_fail_only_when_asked(
    run: Run, tmp_path: Path, args: tuple[str, ...], config: str | None, code: int
) -> None:
    write(tmp_path / "r.md", WARNED)
    if config is not None:
        write(tmp_path / "syncd.yaml", config)
    result = run("lint", *args, "r.md")
    assert result.returncode == code, result.stdout + result.stderr
    assert "warning SYN101" in result.stdout


def test_info_never_fails(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.md", INFO_ONLY)
    result = run("lint", "--fail-on", "warning", "r.md")
    assert "info SYN109" in result.stdout, result.stdout
    assert result.returncode == 0


def test_fail_on_is_validated_in_the_config(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "syncd.yaml", "lint:\n  fail_on: info\n")
    result = run("config", "validate")
    assert result.returncode == 2
    assert "syncd.yaml:2 lint.fail_on" in result.stderr
