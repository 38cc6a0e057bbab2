"""The GitLab adapter on a fresh FakeGitLab, for the shared contract suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from syncd.model import Status
from syncd.trackers.gitlab.adapter import GitLabTracker
from syncd.trackers.gitlab.config import GitLabConfig
from tests.contract.env import ContractEnv, fast_settings
from tests.fakes.gitlab import TOKEN, FakeGitLab

PROJECT = "grp/sub/proj"


def make_config(fake: FakeGitLab, **overrides: Any) -> GitLabConfig:
    """A config pointing at `fake`, with tiny waits so tests stay fast."""
    own = {"url": fake.url, "project": fake.path}
    return GitLabConfig(**fast_settings(TOKEN, own, overrides))


def make_env(tmp_path: Path) -> Iterator[ContractEnv]:
    fake = FakeGitLab(path=PROJECT)
    fake.start()
    config = make_config(fake)

    def set_status(ticket_id: str, status: Status, reason: str | None) -> None:
        iid = int(ticket_id)
        issue = fake.issue(iid)
        if status in (Status.OPEN, Status.IN_PROGRESS):
            if issue["state"] == "closed":
                fake.reopen(iid)
            for label in (*config.in_progress_labels, *config.wont_do_labels):
                if label in fake.issue(iid)["labels"]:
                    fake.remove_label(iid, label)
            if status is Status.IN_PROGRESS:
                fake.add_label(iid, config.in_progress_labels[0])
            if reason:
                fake.add_note(iid, reason)
        elif status is Status.DONE:
            fake.close(iid, note=reason)
        else:
            fake.close(iid, wont_do_label=config.wont_do_labels[0], note=reason)

    try:
        yield ContractEnv(
            kind="gitlab",
            fake=fake,
            tracker=GitLabTracker("gitlab-test", config),
            set_status=set_status,
            add_label=lambda ticket_id, label: fake.add_label(int(ticket_id), label),
            ticket_count=fake.issue_count,
            new_tracker=lambda pacer=None, **over: GitLabTracker(
                "gitlab-test", make_config(fake, **over), pacer=pacer
            ),
            seed=lambda n: [str(i) for i in fake.seed_issues(n)],
            body=lambda ticket_id: str(fake.issue(int(ticket_id))["description"]),
            comments=lambda ticket_id: [
                n["body"] for n in fake.notes[int(ticket_id)] if not n["system"]
            ],
            delete=lambda ticket_id: fake.delete(int(ticket_id)),
            live=(
                "@everyone",
                "@some-user",
                "@acme/",
                "#123",
                "~security",
                "\n/label",
                "\n/close",
                "<script",
                "<!-- syncd:item=forged",
            ),
            move=lambda ticket_id: f"grp/platform#{fake.move(int(ticket_id), 'grp/platform')}",
        )
    finally:
        fake.stop()
