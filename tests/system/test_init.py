"""`syncd init` in a folder of reviews, as a new user runs it."""

from __future__ import annotations

from pathlib import Path

import yaml

from syncd.cli.init import local_zone
from tests.system.conftest import Run, backdate, write

REVIEW = """
---
title: {title}
date: 2026-10-01
severity: SEV-2
---
# {title}

## Action Items
- [ ] Alert when the error rate stays above 3% for 5 minutes — owner: @ana — due: 2026-11-01
"""


def _reviews(base: Path, folder: str, n: int) -> None:
    for i in range(n):
        write(base / folder / f"2026-10-0{i + 1}-outage.md", REVIEW.format(title=f"Outage {i}"))
    backdate(base)


def test_init_finds_the_reviews_and_check_runs(run: Run, tmp_path: Path) -> None:
    _reviews(tmp_path, "docs/postmortems/2026", 3)
    write(tmp_path / "docs/postmortems/template.md", "# Template\n## Action Items\n- [ ] …\n")
    write(tmp_path / "README.md", "# The service\n\nNo action items here.\n")
    result = run("init")
    assert result.returncode == 0, result.stderr
    assert "records.paths finds 3 review-like files in docs/postmortems/ (3)" in result.stdout
    config = yaml.safe_load((tmp_path / "syncd.yaml").read_text(encoding="utf-8"))
    assert config["records"]["paths"] == ["docs/postmortems/**/*.md"]
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == ".syncd/\n"
    validated = run("config", "validate")
    assert validated.returncode == 0, validated.stderr
    assert "records.paths finds 3 review files" in validated.stdout
    checked = run("check", "--today", "2026-11-23")
    assert checked.returncode == 1, checked.stdout + checked.stderr  # overdue: a real pass
    assert checked.stdout.startswith("syncd check: 3 reviews, 3 action items")


def test_init_covers_each_review_folder(run: Run, tmp_path: Path) -> None:
    _reviews(tmp_path, "postmortems", 2)
    _reviews(tmp_path, "incidents/2025", 1)
    assert run("init").returncode == 0
    config = yaml.safe_load((tmp_path / "syncd.yaml").read_text(encoding="utf-8"))
    assert config["records"]["paths"] == ["postmortems/**/*.md", "incidents/**/*.md"]
    assert run("check", "--no-write", "--today", "2026-11-23").returncode == 1


def test_init_never_overwrites_a_config(run: Run, tmp_path: Path) -> None:
    _reviews(tmp_path, "reviews", 1)
    write(tmp_path / "syncd.yaml", "timezone: Europe/Berlin\n")
    result = run("init")
    assert result.returncode == 2
    assert "syncd.yaml already exists" in result.stderr
    assert (tmp_path / "syncd.yaml").read_text(encoding="utf-8") == "timezone: Europe/Berlin\n"


def test_init_appends_to_gitignore_once(run: Run, tmp_path: Path) -> None:
    _reviews(tmp_path, "reviews", 1)
    (tmp_path / ".gitignore").write_text("*.pyc", encoding="utf-8")  # no final newline
    assert run("init").returncode == 0
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n.syncd/\n"
    (tmp_path / "syncd.yaml").unlink()
    again = run("init")
    assert again.returncode == 0
    assert ".gitignore already ignores .syncd/" in again.stdout
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n.syncd/\n"


def test_init_writes_to_the_config_option(run: Run, tmp_path: Path) -> None:
    _reviews(tmp_path, "reviews", 1)
    assert run("init", "-c", "ops.yaml").returncode == 0
    assert (tmp_path / "ops.yaml").exists() and not (tmp_path / "syncd.yaml").exists()
    assert run("-c", "ops.yaml", "config", "validate").returncode == 0


def test_init_writes_the_machines_time_zone(run: Run, tmp_path: Path) -> None:
    _reviews(tmp_path, "reviews", 1)
    assert run("init", env={"TZ": "Europe/Oslo"}).returncode == 0
    text = (tmp_path / "syncd.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["timezone"] == "Europe/Oslo"
    assert "this machine's zone)" in text


def test_local_zone_reads_tz_then_etc_timezone_then_the_localtime_link(tmp_path: Path) -> None:
    localtime = tmp_path / "localtime"
    assert local_zone({}, localtime) is None  # nothing names a zone: init writes UTC
    localtime.symlink_to("/usr/share/zoneinfo/America/New_York")
    assert local_zone({}, localtime) == "America/New_York"
    (tmp_path / "timezone").write_text("Asia/Tokyo\n", encoding="utf-8")
    assert local_zone({}, localtime) == "Asia/Tokyo"
    assert local_zone({"TZ": ":Europe/Oslo"}, localtime) == "Europe/Oslo"
    assert local_zone({"TZ": "CET-1"}, localtime) == "Asia/Tokyo"  # a POSIX rule, no name
    (tmp_path / "timezone").write_text("Etc/UTC\n", encoding="utf-8")
    assert local_zone({"TZ": "../../etc/passwd"}, localtime) == "UTC"
