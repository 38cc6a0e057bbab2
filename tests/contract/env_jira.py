"""The Jira adapter on a fresh FakeJira (Cloud), for the shared contract suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from syncd.model import Status
from syncd.trackers.jira.adapter import JiraTracker
from syncd.trackers.jira.config import JiraConfig
from tests.contract.env import ContractEnv, fast_settings
from tests.fakes.jira import EMAIL, TOKEN, FakeJira


def make_config(fake: FakeJira, **overrides: Any) -> JiraConfig:
    """A config pointing at `fake`, with tiny waits so tests stay fast."""
    own = {
        "url": fake.url,
        "project": fake.key,
        "deployment": "cloud" if fake.cloud else "datacenter",
        "email": EMAIL if fake.cloud else None,
        "search_lag": 0.0,
    }
    return JiraConfig(**fast_settings(TOKEN, own, overrides))


def make_env(tmp_path: Path) -> Iterator[ContractEnv]:
    fake = FakeJira(cloud=True)
    fake.start()
    config = make_config(fake)

    def set_status(ticket_id: str, status: Status, reason: str | None) -> None:
        if reason:
            fake.comment(ticket_id, reason)
        if status is Status.OPEN:
            fake.transition(ticket_id, "To Do")
        elif status is Status.IN_PROGRESS:
            fake.transition(ticket_id, "In Progress")
        elif status is Status.DONE:
            fake.transition(ticket_id, "Done")
        else:
            fake.transition(ticket_id, "Done", resolution="Won't Do")

    try:
        yield ContractEnv(
            kind="jira",
            fake=fake,
            tracker=JiraTracker("jira-test", config),
            set_status=set_status,
            add_label=fake.add_label,
            ticket_count=fake.ticket_count,
            new_tracker=lambda pacer=None, **over: JiraTracker(
                "jira-test", make_config(fake, **over), pacer=pacer
            ),
            seed=fake.seed_issues,
            body=lambda ticket_id: str(fake.issue(ticket_id)["fields"]["description"] or ""),
            comments=lambda ticket_id: [c["body"] for c in fake.comments[ticket_id]],
            delete=fake.delete,
            live=("[~accountid:", "{code}", "[click|", "\nh1."),
            move=lambda ticket_id: fake.move(ticket_id, "ENG"),
        )
    finally:
        fake.stop()
