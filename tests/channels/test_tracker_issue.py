"""The digest issue in GitHub and GitLab, against the loopback fakes with the real client
libraries: one issue per digest, rewritten in place, found by its marker, left closed when a
person closed it, never mentioning anyone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from syncd.channels.base import ChannelError, ChannelSkipped, Outgoing
from syncd.channels.config import TrackerIssueChannel
from syncd.channels.tracker_issue import send_tracker_issue
from syncd.digest.render import Renderer, RenderOptions
from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.gitlab.config import GitLabConfig
from tests.contract.env import fast_settings
from tests.contract.env_gitlab import make_config
from tests.digest_world import digest, weekly
from tests.fakes.base import Faults
from tests.fakes.github import FakeGitHub
from tests.fakes.gitlab import FakeGitLab
from tests.unit.test_digest_render import hostile_digest

NOW = datetime(2026, 6, 8, 7, 0, 5, tzinfo=UTC)
CHANNEL = TrackerIssueChannel(tracker="ops")


def outgoing(config: Any, tmp_path: Path, d: Any = None) -> Outgoing:
    return Outgoing(
        digest=d or digest(),
        renderer=Renderer(),
        options=RenderOptions(zone="Europe/Berlin"),
        delivery_id="weekly/2026-06-08T09:00/tracker_issue:abc",
        now=NOW,
        base_dir=tmp_path,
        trackers={"ops": config},
    )


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, GitHubConfig]]:
    with FakeGitHub() as fake:
        assert isinstance(fake, FakeGitHub)
        settings = fast_settings(fake.token, {"url": fake.api, "repo": fake.repo}, {})
        yield fake, GitHubConfig.model_validate(settings)


@pytest.fixture
def gitlab_fake() -> Iterator[tuple[FakeGitLab, GitLabConfig]]:
    fake = FakeGitLab()
    fake.start()
    try:
        yield fake, make_config(fake)
    finally:
        fake.stop()


def test_github_one_issue_is_created_then_rewritten_in_place(
    github: tuple[FakeGitHub, GitHubConfig], tmp_path: Path
) -> None:
    fake, config = github
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path)) == "created issue #1"
    issue = fake.issue(1)
    assert issue["title"] == "Open actions digest: weekly"
    assert issue["body"].startswith("<!-- syncd:digest:weekly v1 -->\n# Open actions: weekly")
    assert [label["name"] for label in issue["labels"]] == ["syncd-digest"]
    # The same period again: nothing to write.
    fake.reset_log()
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path)) == "issue #1 unchanged"
    assert fake.count("PATCH") == fake.count("POST") == 0
    # Next week: the same issue, new body; never a second issue.
    next_week = replace(digest(), period=replace(weekly(), label="2026-W24"))
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path, next_week)) == (
        "updated issue #1"
    )
    assert "2026-W24" in fake.issue(1)["body"]
    assert fake.ticket_count() == 1


def test_github_a_lost_create_response_is_found_by_its_marker(
    github: tuple[FakeGitHub, GitHubConfig], tmp_path: Path
) -> None:
    fake, config = github
    # The issue is created, the answer never arrives.
    fake.set_faults(Faults(rate=1.0, kinds=("lost",), only_methods=("POST",)))
    with pytest.raises(ChannelError, match="request failed"):
        send_tracker_issue(CHANNEL, outgoing(config, tmp_path))
    fake.set_faults(Faults())
    assert fake.ticket_count() == 1
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path)) == "issue #1 unchanged"
    assert fake.ticket_count() == 1


def test_github_an_issue_a_person_closed_stays_closed_unless_reopen(
    github: tuple[FakeGitHub, GitHubConfig], tmp_path: Path
) -> None:
    fake, config = github
    send_tracker_issue(CHANNEL, outgoing(config, tmp_path))
    fake.close(1, reason="not_planned")
    with pytest.raises(ChannelSkipped, match="was closed; left closed"):
        send_tracker_issue(CHANNEL, outgoing(config, tmp_path))
    assert fake.issue(1)["state"] == "closed"
    reopening = TrackerIssueChannel(tracker="ops", reopen=True)
    assert send_tracker_issue(reopening, outgoing(config, tmp_path)) == (
        "reopened and updated issue #1"
    )
    assert fake.issue(1)["state"] == "open"


def test_github_other_issues_with_the_label_are_not_touched(
    github: tuple[FakeGitHub, GitHubConfig], tmp_path: Path
) -> None:
    fake, config = github
    fake.seed_issues(2, labels=("syncd-digest",), body="a person's issue")
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path)) == "created issue #3"
    assert fake.issue(1)["body"] == "a person's issue"


def test_github_body_mentions_and_references_nobody(
    github: tuple[FakeGitHub, GitHubConfig], tmp_path: Path
) -> None:
    fake, config = github
    send_tracker_issue(CHANNEL, outgoing(config, tmp_path, hostile_digest()))
    body = re.sub(r"`[^`]*`", "", fake.issue(1)["body"])
    assert re.search(r"(?<![\w<])[@#]\w", body) is None
    assert "<script>" not in body


def test_github_bad_credentials_are_a_permanent_failure(
    github: tuple[FakeGitHub, GitHubConfig], tmp_path: Path
) -> None:
    _, config = github
    wrong = config.model_copy(update={"token": SecretStr("nope")})
    with pytest.raises(ChannelError, match="HTTP 401") as caught:
        send_tracker_issue(CHANNEL, outgoing(wrong, tmp_path))
    assert caught.value.permanent


def test_gitlab_one_issue_is_created_then_rewritten_in_place(
    gitlab_fake: tuple[FakeGitLab, GitLabConfig], tmp_path: Path
) -> None:
    fake, config = gitlab_fake
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path)) == "created issue #1"
    issue = fake.issue(1)
    assert issue["description"].startswith("<!-- syncd:digest:weekly v1 -->")
    assert issue["labels"] == ["syncd-digest"]
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path)) == "issue #1 unchanged"
    next_week = replace(digest(), period=replace(weekly(), label="2026-W24"))
    assert send_tracker_issue(CHANNEL, outgoing(config, tmp_path, next_week)) == (
        "updated issue #1"
    )
    assert "2026-W24" in fake.issue(1)["description"]
    assert fake.issue_count() == 1


def test_gitlab_a_closed_issue_is_left_closed_unless_reopen(
    gitlab_fake: tuple[FakeGitLab, GitLabConfig], tmp_path: Path
) -> None:
    fake, config = gitlab_fake
    send_tracker_issue(CHANNEL, outgoing(config, tmp_path))
    fake.close(1)
    with pytest.raises(ChannelSkipped):
        send_tracker_issue(CHANNEL, outgoing(config, tmp_path))
    reopening = TrackerIssueChannel(tracker="ops", reopen=True)
    assert send_tracker_issue(reopening, outgoing(config, tmp_path)).startswith("reopened")
    assert fake.issue(1)["state"] == "opened"


def test_jira_is_refused_with_the_reason(tmp_path: Path) -> None:
    from syncd.trackers.jira.config import JiraConfig

    jira = JiraConfig(url="https://acme.atlassian.net", project="OPS", email="a@b.c", token="t")  # type: ignore[arg-type]
    with pytest.raises(ChannelError, match="notifies every watcher"):
        send_tracker_issue(CHANNEL, outgoing(jira, tmp_path))


def test_the_digest_issue_through_the_ledger_week_after_week(
    github: tuple[FakeGitHub, GitHubConfig], tmp_path: Path
) -> None:
    from syncd.clock import Clock
    from syncd.config.load import load_config
    from syncd.digest.deliver import send_due_digests
    from syncd.store.database import Store
    from tests.digest_world import ZONE, world

    fake, _ = github
    (tmp_path / "syncd.yaml").write_text(
        f"""
timezone: Europe/Berlin
store: {{url: "sqlite:///state.db"}}
trackers:
  ops: {{kind: github, url: "{fake.api}", repo: {fake.repo}, token: {fake.token}}}
digests:
  weekly:
    channels:
      - tracker_issue: {{tracker: ops}}
"""
    )
    loaded = load_config(tmp_path / "syncd.yaml", {})
    now = [datetime(2026, 6, 8, 9, 5, tzinfo=ZONE)]
    clock = Clock(ZONE, lambda: now[0])
    with Store.open(loaded.store_url()) as store:
        first = send_due_digests(loaded, store, world(), clock)
        assert [(r.outcome, r.reason) for r in first.results] == [("sent", "created issue #1")]
        fake.close(1, reason="not_planned")
        now[0] = datetime(2026, 6, 15, 9, 5, tzinfo=ZONE)
        (closed,) = send_due_digests(loaded, store, world(), clock).results
        assert closed.outcome == "skipped" and "left closed" in closed.reason
        now[0] = datetime(2026, 6, 15, 10, 5, tzinfo=ZONE)
        (again,) = send_due_digests(loaded, store, world(), clock).results
        assert again.reason == "already sent this period"  # not retried every pass
    assert fake.ticket_count() == 1
