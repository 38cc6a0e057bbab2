"""`records.paths` that finds no review is a configuration error (exit 2) for every command
that reads the reviews — a cron job must not stay green on a typo — and the service logs it
and keeps running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.system.conftest import SYNCD, Run, write

TYPO = """
timezone: Europe/Berlin
records:
  paths: ["review/**/*.md"]
"""


@pytest.fixture
def typo(project: Path) -> Path:
    """The conftest project (reviews in reviews/) with a config that says review/."""
    write(project / "syncd.yaml", TYPO)
    return project


@pytest.mark.parametrize(
    "command",
    [("config", "validate"), ("lint",), ("check",), ("status",), ("digest",), ("sync",)],
    ids=" ".join,
)
def test_an_empty_glob_exits_2_naming_file_line_glob_and_fix(
    run: Run, typo: Path, command: tuple[str, ...]
) -> None:
    result = run(*command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    err = result.stderr
    assert 'records.paths ("review/**/*.md", syncd.yaml:3) matches no review file' in err
    assert "there is no review/ in the current folder (did you mean reviews/?)" in err
    assert "what to do: make records.paths (syncd.yaml:3) match" in err
    assert "Traceback" not in err
    assert not (typo / ".syncd").exists()  # nothing ran: no store was created


def test_files_all_excluded_say_so(run: Run, project: Path) -> None:
    write(project / "syncd.yaml", 'records:\n  paths: ["reviews/*template*.md"]\n')
    write(project / "reviews/postmortem-template.md", "# Template\n")
    result = run("check")
    assert result.returncode == 2
    assert '"reviews/*template*.md" matches 1 file, it is excluded by records.exclude' in (
        result.stderr
    )


def test_the_default_glob_is_named_as_the_default(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "syncd.yaml", "timezone: UTC\n")
    result = run("check")
    assert result.returncode == 2
    assert 'records.paths ("reviews/**/*.md", not set in syncd.yaml, so the default applies)' in (
        result.stderr
    )


def test_lint_on_given_files_needs_no_glob(run: Run, typo: Path) -> None:
    result = run("lint", "reviews/2026-11-10-dns.md")
    assert result.returncode == 0, result.stderr


def test_config_validate_counts_the_reviews_found(run: Run, project: Path) -> None:
    result = run("config", "validate")
    assert result.returncode == 0, result.stderr
    assert "records.paths finds 2 review files" in result.stdout


def test_the_service_logs_an_empty_glob_and_keeps_running(typo: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNCD_")}
    proc = subprocess.Popen(
        [str(SYNCD), "run", "--log-format", "json"],
        cwd=typo,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        events = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            events.append(json.loads(line))
            if events[-1]["event"] == "pass_finished":
                break
        names = [e["event"] for e in events]
        assert names[0] == "records_match_nothing", names
        assert "syncd.yaml:3" in events[0]["error"]
        assert "pass_finished" in names
        assert proc.poll() is None  # still running
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
