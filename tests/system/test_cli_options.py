"""Global options before or after the subcommand, and what a command logs by default."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.system.conftest import SYNCD, Run

TODAY = "2026-11-23"
COMMANDS = [
    ("check",),
    ("sync",),
    ("status",),
    ("lint",),
    ("digest",),
    ("run",),
    ("config", "validate"),
    ("config", "schema"),
]


def _elsewhere(project: Path) -> None:
    """The project's config under another name, so only --config finds it."""
    (project / "syncd.yaml").rename(project / "other.yaml")


@pytest.mark.parametrize("flag", ["--config", "-c"])
@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_config_option_before_or_after_the_subcommand(
    run: Run, project: Path, flag: str, after: bool
) -> None:
    _elsewhere(project)
    command = ["status", "--format", "json", "--today", TODAY]
    args = [*command, flag, "other.yaml"] if after else [flag, "other.yaml", *command]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 4


def test_config_validate_takes_the_config_after_it(run: Run, project: Path) -> None:
    _elsewhere(project)
    result = run("config", "validate", "-c", "other.yaml")
    assert result.returncode == 0, result.stderr
    assert "other.yaml: valid" in result.stdout


def test_log_options_after_the_subcommand(run: Run, project: Path) -> None:
    result = run(
        "check", "--no-write", "--today", TODAY, "--log-level", "info", "--log-format", "json"
    )
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert "pass_finished" in [e["event"] for e in events], result.stderr


def test_the_option_given_last_wins(run: Run, project: Path) -> None:
    _elsewhere(project)
    result = run("-c", "missing.yaml", "status", "-c", "other.yaml", "--today", TODAY)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_lists_the_global_options(run: Run, command: tuple[str, ...]) -> None:
    helped = run(*command, "--help")
    assert helped.returncode == 0, helped.stderr
    for option in ("-c, --config", "--log-level", "--log-format"):
        assert option in helped.stdout, (command, helped.stdout)


def test_a_command_logs_nothing_at_the_default_level(run: Run, project: Path) -> None:
    result = run("check", "--today", TODAY)
    assert result.returncode == 1
    assert result.stderr == ""


def test_on_a_terminal_the_report_comes_first(project: Path) -> None:
    """stdout and stderr on one terminal, as a person runs it: the first line is the report's."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNCD_")}
    proc = subprocess.Popen(
        [str(SYNCD), "check", "--today", TODAY],
        cwd=project,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**env, "COLUMNS": "200"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 1
    screen = b"".join(chunks).decode()
    assert screen.startswith("syncd check: 2 reviews"), screen
    assert "pass_finished" not in screen
