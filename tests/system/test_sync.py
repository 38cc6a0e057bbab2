"""`syncd sync` as a real subprocess against the loopback GitHub fake (PyGithub over HTTP):
linking, mirroring, idempotence, request counts, and crashes at every step boundary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fakes.base import Faults
from tests.fakes.github import FakeGitHub
from tests.system.conftest import Run, backdate, write

TODAY = "2026-11-23"
REVIEW = "reviews/2026-05-02-checkout-outage.md"


@pytest.fixture
def synced(project: Path, github: FakeGitHub) -> Path:
    """The records-only project of conftest, now with a GitHub tracker on the fake."""
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
        owners:
          "@priya": {{github: priya-gh}}
        """,
    )
    return project


def _sync(run: Run, github: FakeGitHub, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return run("sync", "--today", TODAY, *args, env={"GH_TOKEN": github.token, **(env or {})})


def _issues(github: FakeGitHub) -> list[dict[str, object]]:
    return [github.issue(n) for n in range(1, github.ticket_count() + 1)]


def test_sync_creates_one_ticket_per_open_item_and_links_the_review(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    result = _sync(run, github)
    assert result.returncode == 0, result.stdout + result.stderr
    # three open items (the [x] one is finished work: no ticket)
    assert github.ticket_count() == 3
    text = (synced / REVIEW).read_text(encoding="utf-8")
    links = re.findall(r"· \[acme/ops#(\d+)\]\(http[^)]+\) open", text)
    assert len(links) == 2
    assert "syncd:item=" in str(_issues(github)[0]["body"])


def test_second_sync_creates_nothing_and_writes_nothing(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    assert _sync(run, github).returncode == 0
    before = (synced / REVIEW).read_bytes()
    posts = github.count("POST", r"/issues$")
    again = _sync(run, github)
    assert again.returncode == 0, again.stdout + again.stderr
    assert github.ticket_count() == 3
    assert github.count("POST", r"/issues$") == posts
    assert (synced / REVIEW).read_bytes() == before


def test_idle_pass_costs_one_request(run: Run, synced: Path, github: FakeGitHub) -> None:
    assert _sync(run, github).returncode == 0
    assert _sync(run, github).returncode == 0  # settles labels / reminders
    backdate(synced / "reviews")
    github.reset_log()
    assert _sync(run, github).returncode == 0
    assert len(github.requests) <= 1, [(r.method, r.path) for r in github.requests]


def test_closed_ticket_is_mirrored_into_the_review(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    assert _sync(run, github).returncode == 0
    text = (synced / REVIEW).read_text(encoding="utf-8")
    number = int(re.search(r"Alert when.*?\[acme/ops#(\d+)\]", text).group(1))  # type: ignore[union-attr]
    github.close(number, reason="not_planned", comment="Replaced by the managed alerting")
    assert _sync(run, github).returncode == 0
    text = (synced / REVIEW).read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "Alert when" in ln)
    assert "won't do: Replaced by the managed alerting" in line
    github.reopen(number)
    github.close(number, reason="completed")
    assert _sync(run, github).returncode == 0
    line = next(ln for ln in (synced / REVIEW).read_text().splitlines() if "Alert when" in ln)
    assert line.startswith("- [x] ")
    assert " done " in line


def test_overdue_item_gets_label_and_exactly_one_reminder(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    for _ in range(3):
        assert _sync(run, github).returncode == 0
    alert = next(i for i in _issues(github) if str(i["title"]).startswith("Alert when"))
    assert "overdue" in [lb["name"] for lb in alert["labels"]]  # type: ignore[union-attr]
    comments = github.count("POST", rf"/issues/{alert['number']}/comments$")
    assert comments == 1


@pytest.mark.parametrize("failpoint", ["before_comment", "after_comment"])
def test_crash_around_a_reminder_yields_exactly_one_reminder(
    run: Run, synced: Path, github: FakeGitHub, failpoint: str
) -> None:
    assert _sync(run, github).returncode == 0  # files the tickets; pass 2 reminds
    crashed = _sync(run, github, env={"SYNCD_FAILPOINT": failpoint})
    assert crashed.returncode == -9, crashed.stdout + crashed.stderr
    for _ in range(2):
        result = _sync(run, github)
        assert result.returncode == 0, result.stdout + result.stderr
    alert = next(i for i in _issues(github) if str(i["title"]).startswith("Alert when"))
    assert github.count("POST", rf"/issues/{alert['number']}/comments$") == 1


def test_dry_run_changes_nothing(run: Run, synced: Path, github: FakeGitHub) -> None:
    before = (synced / REVIEW).read_bytes()
    result = _sync(run, github, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "create ticket" in result.stdout
    assert github.ticket_count() == 0
    assert (synced / REVIEW).read_bytes() == before


def test_unreachable_tracker_changes_nothing_and_exits_3(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    before = (synced / REVIEW).read_bytes()
    github.stop()
    result = _sync(run, github)
    assert result.returncode == 3
    assert "FAILED" in result.stdout
    assert (synced / REVIEW).read_bytes() == before
    github.start()  # fixture teardown stops it again


@pytest.mark.parametrize(
    "failpoint", ["before_create", "after_create", "after_link", "after_review"]
)
def test_crash_at_each_step_boundary_yields_exactly_one_ticket_per_item(
    run: Run, synced: Path, github: FakeGitHub, failpoint: str
) -> None:
    crashed = _sync(run, github, env={"SYNCD_FAILPOINT": failpoint})
    assert crashed.returncode == -9, crashed.stdout + crashed.stderr
    for _ in range(2):
        result = _sync(run, github)
        assert result.returncode == 0, result.stdout + result.stderr
    titles = [str(i["title"]) for i in _issues(github)]
    assert len(titles) == len(set(titles)) == 3
    text = (synced / REVIEW).read_text(encoding="utf-8")
    assert len(re.findall(r"\[acme/ops#\d+\]", text)) == 2


def test_deleted_store_never_duplicates(run: Run, synced: Path, github: FakeGitHub) -> None:
    crashed = _sync(run, github, env={"SYNCD_FAILPOINT": "after_create"})
    assert crashed.returncode == -9
    for db in (synced / ".syncd").glob("state.db*"):
        db.unlink()
    assert _sync(run, github).returncode == 0
    titles = [str(i["title"]) for i in _issues(github)]
    assert len(titles) == len(set(titles)) == 3


def test_failed_tracker_write_exits_3_and_the_next_pass_completes(
    run: Run, synced: Path, github: FakeGitHub
) -> None:
    github.set_faults(Faults(rate=1.0, kinds=("5xx",), only_methods=("POST",)))
    failed = _sync(run, github)
    assert failed.returncode == 3, failed.stdout + failed.stderr
    assert github.ticket_count() == 0
    github.set_faults(Faults())
    again = _sync(run, github)
    assert again.returncode == 0, again.stdout + again.stderr
    assert github.ticket_count() == 3
