"""The commands' views of the tracker side, against the loopback GitHub fake: `status` agrees
with `check` (from the store, no request), orphaned tickets, an unreachable tracker reported
once, `sync --dry-run` without a reachable tracker, and `sync --format json`."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.system.conftest import Run, backdate, write

TODAY = "2026-11-23"
REVIEW = "reviews/2026-05-02-checkout-outage.md"


@pytest.fixture
def synced(project: Path, github: FakeGitHub) -> Path:
    """The records-only project of conftest with a GitHub tracker on the fake."""
    write(
        project / "syncd.yaml",
        f"""
        timezone: Europe/Berlin
        records:
          paths: ["reviews/**/*.md"]
        trackers:
          gh:
            kind: github
            url: {github.api}
            repo: {github.repo}
            token: ${{GH_TOKEN}}
            timeout: 2
            max_wait: 0.5
            min_write_interval: 0
        """,
    )
    return project


def _sync(run: Run, github: FakeGitHub, *args: str) -> subprocess.CompletedProcess[str]:
    return run("sync", "--today", TODAY, *args, env=_env(github))


def _env(github: FakeGitHub) -> dict[str, str]:
    return {"GH_TOKEN": github.token}


def _number(project: Path, text: str) -> int:
    review = (project / REVIEW).read_text(encoding="utf-8")
    found = re.search(re.escape(text) + r".*?\[acme/ops#(\d+)\]", review)
    assert found, review
    return int(found.group(1))


def test_status_agrees_with_check_on_a_ticket_closed_as_not_planned(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    assert _sync(run, github).returncode == 0
    number = _number(synced, "Alert when")
    github.close(number, reason="not_planned", comment="Replaced by the managed alerting")
    assert _sync(run, github).returncode == 0
    github.reset_log()
    status = json.loads(
        run("status", "--format", "json", "--today", TODAY, env=_env(github)).stdout
    )
    assert github.requests == []  # status reads the store, never the tracker
    check = run("check", "--no-write", "--format", "json", "--today", TODAY, env=_env(github))
    checked = json.loads(check.stdout)
    alert = next(i for i in status if i["description"].startswith("Alert when"))
    assert alert["status"] == "deprioritized"
    assert alert["reason"] == "Replaced by the managed alerting"
    assert alert["ticket"] is None  # no reference written by a person; syncd's suffix is not one
    assert alert["link"] == {
        "tracker": "gh",
        "id": str(number),
        "key": f"acme/ops#{number}",
        "url": f"{github.url}/acme/ops/issues/{number}",
        "status": "deprioritized",
    }
    assert checked["status"]["deprioritized"] == 1
    # every item check lists is in status with the same status, reason and link
    by_key = {i["key"]: i for i in status}
    for items in checked["flags"].values():
        for item in items:
            mine = by_key[item["key"]]
            assert (mine["status"], mine["reason"], mine["link"]) == (
                item["status"],
                item["reason"],
                item["link"],
            )
    unlinked = next(i for i in status if i["description"].startswith("Pin the"))
    assert unlinked["link"] is None  # finished before syncd saw it: no ticket


def test_a_ticket_whose_item_left_its_review_is_an_orphaned_row(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    assert _sync(run, github).returncode == 0
    number = _number(synced, "Add a runbook entry")
    review = synced / REVIEW
    lines = review.read_text(encoding="utf-8").splitlines(keepends=True)
    review.write_text("".join(ln for ln in lines if "Add a runbook entry" not in ln))
    backdate(synced / "reviews")
    assert _sync(run, github).returncode == 0  # reported, left open (on_removed: report)
    rows = json.loads(
        run(
            "status", "--flag", "orphaned", "--format", "json", "--today", TODAY, env=_env(github)
        ).stdout
    )
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["flags"] == ["orphaned"]
    assert row["review"] == REVIEW
    assert row["line"] == 0
    assert row["status"] == "open"
    assert row["description"].startswith("Add a runbook entry")
    assert row["link"]["key"] == f"acme/ops#{number}"
    table = run("status", "--today", TODAY, env=_env(github)).stdout
    assert f"{REVIEW}:0" in table and "orphaned" in table
    assert "and 1 orphaned ticket" in table
    # once the ticket is closed it is no longer an orphan
    github.close(number)
    assert _sync(run, github).returncode == 0
    rows = json.loads(
        run(
            "status", "--flag", "orphaned", "--format", "json", "--today", TODAY, env=_env(github)
        ).stdout
    )
    assert rows == []


def test_an_unreachable_tracker_is_reported_once(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    assert _sync(run, github).returncode == 0
    github.stop()
    result = run("check", "--no-write", "--today", TODAY, env=_env(github))
    assert result.returncode == 3
    both = result.stdout + result.stderr
    assert both.count("no answer from") == 1, both
    assert "gh: FAILED this pass, its items were left unchanged" in result.stdout
    assert result.stdout.rstrip().endswith("(exit 3)")
    assert "The pass did not complete" in result.stdout


def test_dry_run_without_a_reachable_tracker_shows_unverified_calls_and_exits_3(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    assert _sync(run, github).returncode == 0
    review = synced / REVIEW
    with review.open("a", encoding="utf-8") as f:
        f.write("- [ ] Page on payment-provider timeouts — owner: @priya — due: 2026-12-20\n")
    backdate(synced / "reviews")
    before = review.read_bytes()
    github.stop()
    result = _sync(run, github, "--dry-run")
    assert result.returncode == 3, result.stdout + result.stderr
    out = result.stdout
    assert re.search(
        r"gh: not reachable \(.*no answer from .*\): the calls below assume no ticket "
        r"changed since the last pass",
        out,
    ), out
    assert "Would call (unverified: see above):" in out
    assert "create ticket 'Page on payment-provider timeouts'" in out
    assert "Dry run unverified: gh could not be read" in out
    assert review.read_bytes() == before
    doc = json.loads(_sync(run, github, "--dry-run", "--format", "json").stdout)
    assert doc["dry_run"] is True and doc["exit_code"] == 3
    assert doc["trackers"]["gh"]["ok"] is False
    assert doc["trackers"]["gh"]["verified"] is False
    assert "no answer from" in doc["trackers"]["gh"]["error"]
    assert any("Page on payment-provider" in c for c in doc["tickets"]["calls"])


def test_sync_json_has_the_check_shape_and_the_tracker_section(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    result = _sync(run, github, "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    check_keys = {"today", "reviews", "items", "status", "flags", "lint", "written"}
    assert check_keys <= set(doc)
    gh = doc["trackers"]["gh"]
    assert gh["ok"] is True and gh["error"] is None and gh["requests"] >= 1
    assert gh["writes"] >= 3
    created = doc["tickets"]["created"]
    assert len(created) == 3
    assert {"item", "tracker", "id", "key", "url", "status"} <= set(created[0])
    assert doc["tickets"]["failed"] == [] and doc["tickets"]["calls"] == []
    assert doc["exit_code"] == 0 and doc["dry_run"] is False
