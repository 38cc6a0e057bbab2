"""One driver per tracker fake for the soak: its config, how to read its tickets back, and
how a person changes a ticket in the tracker's UI.

Ticket states are read from the fake's own data with the tracker's documented meaning
(tracker-apis.md), not through syncd's adapters, so the soak judges syncd independently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from syncd.model import Status
from tests.fakes.base import FakeServer, Request
from tests.fakes.github import FakeGitHub
from tests.fakes.gitlab import TOKEN as GITLAB_TOKEN
from tests.fakes.gitlab import FakeGitLab
from tests.fakes.jira import EMAIL as JIRA_EMAIL
from tests.fakes.jira import TOKEN as JIRA_TOKEN
from tests.fakes.jira import FakeJira

_MARKER = re.compile(r"syncd:item=(\S+?) -->")
WONT_DO = "Won't Do"


@dataclass(frozen=True)
class Ticket:
    """A ticket as the fake holds it, in syncd's vocabulary."""

    id: str  # the fake's key for it: issue number / iid / Jira id
    url: str  # the web URL syncd writes into the review
    marker: str | None
    status: Status
    title: str
    due: date | None


@dataclass
class Driver:
    """A started fake plus what the soak needs to know and do to it."""

    kind: str
    fake: FakeServer
    config: str  # the tracker's YAML block (under `trackers: t:`)
    env: dict[str, str]
    timeout: float  # the client's timeout; a "timeout" fault stalls a little longer
    is_create: Callable[[Request], bool]
    tickets: Callable[[], list[Ticket]]
    close: Callable[[str, str | None], None]  # (ticket id, reason: None = done)
    reopen: Callable[[str], None]
    start: Callable[[str], None]  # a person starts work on it
    reasons: dict[str, str] = field(default_factory=dict)  # ticket id → why it was dropped


def _marker(text: str | None) -> str | None:
    found = _MARKER.search(text or "")
    return found.group(1) if found else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def github() -> Driver:
    fake = FakeGitHub()
    fake.start()
    fake.rate_limit = fake.rate_remaining = 10**9  # the long soak must not hit the hour limit

    def tickets() -> list[Ticket]:
        with fake.lock:
            issues = [dict(i) for i in fake.issues.values() if "pull_request" not in i]
        return [_github_ticket(i) for i in issues]

    def close(ticket_id: str, reason: str | None) -> None:
        why = "completed" if reason is None else "not_planned"
        fake.close(int(ticket_id), reason=why, comment=reason)

    def reopen(ticket_id: str) -> None:
        fake.reopen(int(ticket_id))
        fake.remove_label(int(ticket_id), "in progress")

    return Driver(
        kind="github",
        fake=fake,
        config=f"""
    kind: github
    url: {fake.api}
    repo: {fake.repo}
    token: ${{TRACKER_TOKEN}}
    timeout: 1
    max_wait: 1
    min_write_interval: 0
    creates_per_minute: 600  # the long soak packs hours of creates and comments into minutes
    creates_per_hour: 100000
""",
        env={"TRACKER_TOKEN": fake.token},
        timeout=1.0,
        is_create=lambda r: r.method == "POST" and r.path.endswith(f"/repos/{fake.repo}/issues"),
        tickets=tickets,
        close=close,
        reopen=reopen,
        start=lambda ticket_id: fake.add_label(int(ticket_id), "in progress"),
    )


def _github_ticket(issue: dict[str, Any]) -> Ticket:
    labels = {x["name"] for x in issue["labels"]}
    if issue["state"] == "open":
        status = Status.IN_PROGRESS if "in progress" in labels else Status.OPEN
    elif issue["state_reason"] == "not_planned":
        status = Status.DEPRIORITIZED
    else:
        status = Status.DONE
    return Ticket(
        str(issue["number"]),
        issue["html_url"],
        _marker(issue["body"]),
        status,
        issue["title"],
        None,  # GitHub issues have no due date
    )


Clock = Callable[[], datetime]


def gitlab(now: Clock | None = None) -> Driver:
    fake = FakeGitLab(now=now)
    fake.start()
    fake.rate_limit = fake.remaining = 10**9

    def tickets() -> list[Ticket]:
        with fake.lock:
            issues = [dict(i) for i in fake.issues.values()]
        return [_gitlab_ticket(i) for i in issues]

    def close(ticket_id: str, reason: str | None) -> None:
        fake.close(int(ticket_id), wont_do_label="won't do" if reason else None, note=reason)

    def reopen(ticket_id: str) -> None:
        fake.reopen(int(ticket_id))
        for label in ("won't do", "doing"):
            fake.remove_label(int(ticket_id), label)

    return Driver(
        kind="gitlab",
        fake=fake,
        config=f"""
    kind: gitlab
    url: {fake.url}
    project: {fake.path}
    token: ${{TRACKER_TOKEN}}
    timeout: 0.5
    max_wait: 1
    min_write_interval: 0
""",
        env={"TRACKER_TOKEN": GITLAB_TOKEN},
        timeout=0.5,
        is_create=lambda r: (
            r.method == "POST" and bool(re.search(r"/projects/[^/]+/issues$", r.path))
        ),
        tickets=tickets,
        close=close,
        reopen=reopen,
        start=lambda ticket_id: fake.add_label(int(ticket_id), "doing"),
    )


def _gitlab_ticket(issue: dict[str, Any]) -> Ticket:
    labels = set(issue["labels"])
    if issue["state"] == "opened":
        doing = labels & {"doing", "workflow::in progress"}
        status = Status.IN_PROGRESS if doing else Status.OPEN
    elif labels & {"won't do", "wontfix"}:
        status = Status.DEPRIORITIZED
    else:
        status = Status.DONE
    return Ticket(
        str(issue["iid"]),
        issue["web_url"],
        _marker(issue["description"]),
        status,
        issue["title"],
        _date(issue["due_date"]),
    )


def jira(now: Clock | None = None) -> Driver:
    fake = FakeJira(cloud=True, now=now)
    fake.start()
    fake.rate_limit = fake.remaining = 10**9
    fake.search_lag = 0.3  # a new issue is searchable a little later, as on Jira Cloud

    def tickets() -> list[Ticket]:
        with fake.lock:
            issues = [
                dict(i, fields=dict(i["fields"]), properties=dict(fake.properties.get(i["id"], {})))
                for i in fake.issues.values()
            ]
        return [_jira_ticket(fake.url, i) for i in issues]

    def close(ticket_id: str, reason: str | None) -> None:
        if reason is not None:
            fake.comment(ticket_id, reason)
        fake.transition(ticket_id, "Done", resolution=WONT_DO if reason else None)

    return Driver(
        kind="jira",
        fake=fake,
        config=f"""
    kind: jira
    url: {fake.url}
    project: {fake.key}
    deployment: cloud
    email: {JIRA_EMAIL}
    token: ${{TRACKER_TOKEN}}
    timeout: 0.5
    max_wait: 1
    min_write_interval: 0
    search_lag: 1
""",
        env={"TRACKER_TOKEN": JIRA_TOKEN},
        timeout=0.5,
        is_create=lambda r: r.method == "POST" and r.path == "/rest/api/2/issue",
        tickets=tickets,
        close=close,
        reopen=lambda ticket_id: fake.transition(ticket_id, "To Do"),
        start=lambda ticket_id: fake.transition(ticket_id, "In Progress"),
    )


def _jira_ticket(site: str, issue: dict[str, Any]) -> Ticket:
    fields = issue["fields"]
    category = fields["status"]["statusCategory"]["key"]
    resolution = (fields.get("resolution") or {}).get("name")
    if category == "new":
        status = Status.OPEN
    elif category == "indeterminate":
        status = Status.IN_PROGRESS
    else:
        status = Status.DEPRIORITIZED if resolution == WONT_DO else Status.DONE
    return Ticket(
        issue["id"],
        f"{site}/browse/{issue['key']}",
        # syncd's marker is an issue property; older tickets carry it in the description
        (issue["properties"].get("syncd") or {}).get("item") or _marker(fields.get("description")),
        status,
        fields["summary"],
        _date(fields.get("duedate")),
    )


DRIVERS: dict[str, Callable[..., Driver]] = {"github": github, "gitlab": gitlab, "jira": jira}
