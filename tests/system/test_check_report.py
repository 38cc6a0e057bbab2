"""The `syncd check` text report as a person reads it, and its JSON as scripts read it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.system.conftest import Run, backdate, write

TODAY = "2026-11-23"

# Keys `syncd check --format json` had before; scripts may rely on them (README).
CHECK_KEYS = {
    "today", "reviews", "items", "status", "flags", "lint", "written", "refused", "diffs",
    "failing", "exit_code",
}  # fmt: skip
ITEM_KEYS = {
    "review", "review_id", "line", "key", "description", "owner", "due", "due_implied",
    "type", "ticket", "status", "reason", "flags", "draft",
}  # fmt: skip


def _stale_review(project: Path) -> None:
    """An old SEV-2 review: one item overdue by its written date, one by the implied date
    and without an owner, both needing a decision."""
    write(
        project / "reviews/2026-03-01-queue.md",
        """
        ---
        title: Queue backlog
        date: 2026-03-01
        severity: SEV-2
        ---
        # Queue backlog
        ## Action items
        - [ ] Alert on queue depth above 10,000 for 5 minutes — owner: @ana — due: 2026-04-01
        - [ ] Cap consumer retries at 5 per message
        """,
    )
    backdate(project / "reviews")


def test_an_item_is_listed_once_under_its_most_urgent_problem(run: Run, project: Path) -> None:
    _stale_review(project)
    result = run("check", "--no-write", "--today", TODAY)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert out.count("Cap consumer retries at 5 per message") == 1, out
    line = next(ln for ln in out.splitlines() if "Cap consumer retries" in ln)
    assert line.endswith(
        "[no owner; due 2026-03-31 (implied by SEV-2), 237 days overdue; also: needs decision]"
    ), line
    overdue = out.split("Overdue (")[1].split("\n\n")[0]
    assert "Cap consumer retries" in overdue
    assert "Alert on queue depth" in overdue
    # the other flags' sections say how many were already listed above
    assert "No owner (" not in out or "listed above" in out.split("No owner (")[1]


def test_each_due_date_says_written_or_implied(run: Run, project: Path) -> None:
    _stale_review(project)
    out = run("check", "--no-write", "--today", TODAY).stdout
    written = next(ln for ln in out.splitlines() if "Alert on queue depth" in ln)
    assert "due 2026-04-01, 236 days overdue" in written
    assert "implied" not in written
    implied = next(ln for ln in out.splitlines() if "Cap consumer retries" in ln)
    assert "due 2026-03-31 (implied by SEV-2)" in implied


def test_counts_are_plural_only_when_they_should_be(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "syncd.yaml", 'records:\n  paths: ["reviews/*.md"]\n')
    write(
        tmp_path / "reviews/2026-11-01-one.md",
        """
        # One
        ## Action Items
        - [ ] Rotate the deploy token — owner: @x — due: 05-12-2026
        """,
    )
    result = run("check", "--no-write", "--today", TODAY)
    out = result.stdout
    assert out.startswith("syncd check: 1 review, 1 action item, as of 2026-11-23\n"), out
    assert "Lint: 1 error, 0 warnings" in out
    assert "(s)" not in out
    assert "Follow-through problems: 1 lint error (exit 1)" in out


def test_nothing_is_logged_before_the_report_by_default(run: Run, project: Path) -> None:
    result = run("check", "--today", TODAY)
    assert result.stderr == ""
    assert result.stdout.startswith("syncd check:")


def test_check_json_keeps_every_documented_key_and_adds_link(run: Run, project: Path) -> None:
    _stale_review(project)
    result = run("check", "--no-write", "--format", "json", "--today", TODAY)
    doc = json.loads(result.stdout)
    assert set(doc) >= CHECK_KEYS
    assert doc["trackers"] is None and doc["tickets"] is None  # records-only
    # an item still appears under every flag it has in the JSON (scripts count them so)
    overdue = {i["key"] for i in doc["flags"]["overdue"]}
    decision = {i["key"] for i in doc["flags"]["needs_decision"]}
    assert overdue & decision
    for item in doc["flags"]["overdue"]:
        assert set(item) >= ITEM_KEYS
        assert item["link"] is None
