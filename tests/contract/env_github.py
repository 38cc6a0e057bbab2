"""The GitHub adapter on a FakeGitHub, for the shared contract suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from syncd.model import Status
from syncd.trackers.github.adapter import GitHubTracker
from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.http.pacing import Pacer
from tests.contract.env import ContractEnv, fast_settings
from tests.fakes.github import FakeGitHub

IN_PROGRESS = "in progress"


def make_tracker(
    fake: FakeGitHub, *, pacer: Pacer | None = None, **overrides: object
) -> GitHubTracker:
    """An adapter on `fake` with tiny waits, so fault tests stay fast; `pacer` as given, else
    the adapter's own."""
    settings = fast_settings(fake.token, {"url": fake.api, "repo": fake.repo}, overrides)
    return GitHubTracker("gh", GitHubConfig.model_validate(settings), pacer=pacer)


def make_env(tmp_path: Path) -> Iterator[ContractEnv]:
    fake = FakeGitHub()
    fake.start()

    def set_status(ticket_id: str, status: Status, reason: str | None) -> None:
        number = int(ticket_id)
        if status in (Status.OPEN, Status.IN_PROGRESS):
            if fake.issue(number)["state"] == "closed":
                fake.reopen(number)
            if status is Status.IN_PROGRESS:
                fake.add_label(number, IN_PROGRESS)
            else:
                fake.remove_label(number, IN_PROGRESS)
            return
        why = "not_planned" if status is Status.DEPRIORITIZED else "completed"
        fake.close(number, reason=why, comment=reason)

    try:
        yield ContractEnv(
            kind="github",
            fake=fake,
            tracker=make_tracker(fake),
            set_status=set_status,
            add_label=lambda ticket_id, label: fake.add_label(int(ticket_id), label),
            ticket_count=fake.ticket_count,
            new_tracker=lambda **over: make_tracker(fake, **over),
            seed=lambda n: [str(i) for i in fake.seed_issues(n)],
            body=lambda ticket_id: str(fake.issue(int(ticket_id))["body"]),
            comments=lambda ticket_id: [c["body"] for c in fake.comments.get(int(ticket_id), [])],
            delete=lambda ticket_id: fake.delete(int(ticket_id)),
            live=("@everyone", "@some-user", "@acme/", "#123", "<script", "<!-- syncd:item=forged"),
            move=lambda ticket_id: (
                f"acme/platform#{fake.transfer(int(ticket_id), 'acme/platform')}"
            ),
        )
    finally:
        fake.stop()
