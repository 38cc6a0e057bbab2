"""One loopback tracker fake (GitHub, GitLab, Jira Cloud or Jira Data Center) as `syncd sync`
sees it: the YAML block that configures it, the environment with its token, and levers that
act on its tickets as a person in the tracker's UI would. System tests use these to run the
same end-to-end scenarios against every tracker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.base import FakeServer
from tests.fakes.github import FakeGitHub
from tests.fakes.gitlab import TOKEN as GITLAB_TOKEN
from tests.fakes.gitlab import FakeGitLab
from tests.fakes.jira import EMAIL, FakeJira
from tests.fakes.jira import TOKEN as JIRA_TOKEN

# The owners directory every scenario uses: one identity per tracker kind.
OWNER_IDS = {
    "github": "priya-gh",
    "gitlab": "priya-gl",
    "jira-cloud": "5b10ac8d82e05b22cc7d4ef5",
    "jira-dc": "priya.k",
}


@dataclass
class Ticket:
    """A ticket as the fake holds it, in one shape for every kind."""

    id: str  # the id the fake's levers take (GitHub/GitLab number, Jira issue id)
    ref: str  # what the review shows: acme/ops#1, grp/sub/proj#1, OPS-1
    title: str
    body: str
    labels: list[str]
    due: str | None
    assignees: list[str]
    closed: bool


@dataclass
class TrackerEnv:
    """One started fake, named `name` in syncd.yaml."""

    kind: str  # github, gitlab, jira-cloud or jira-dc
    name: str
    fake: FakeServer
    env: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)  # extra keys for its yaml entry

    # -- configuration ---------------------------------------------------------------------
    def yaml(self) -> str:
        """This tracker's entry under `trackers:` (indented by 2), with fast timeouts."""
        token_var = f"TOKEN_{self.name.upper().replace('-', '_')}"
        lines = [f"{self.name}:"]
        fields: dict[str, Any] = {}
        if isinstance(self.fake, FakeGitHub):
            fields = {"kind": "github", "url": self.fake.api, "repo": self.fake.repo}
        elif isinstance(self.fake, FakeGitLab):
            fields = {"kind": "gitlab", "url": self.fake.url, "project": self.fake.path}
        elif isinstance(self.fake, FakeJira):
            fields = {"kind": "jira", "url": self.fake.url, "project": self.fake.key}
            if self.fake.cloud:
                fields |= {"deployment": "cloud", "email": EMAIL}
            else:
                fields["deployment"] = "datacenter"
            fields["search_lag"] = 0
        fields |= {"token": f"${{{token_var}}}", "timeout": 2, "max_wait": 0.5}
        fields |= {"min_write_interval": 0, **self.options}
        lines += [f"  {k}: {_scalar(v)}" for k, v in fields.items()]
        self.env[token_var] = self._token()
        return "\n".join("  " + line for line in lines)

    @property
    def owner_key(self) -> str:
        """The `owners.<person>` key for this tracker's kind."""
        return self.kind.split("-")[0]

    def _token(self) -> str:
        if isinstance(self.fake, FakeGitHub):
            return self.fake.token
        return GITLAB_TOKEN if isinstance(self.fake, FakeGitLab) else JIRA_TOKEN

    # -- inspection ------------------------------------------------------------------------
    def tickets(self) -> list[Ticket]:
        fake = self.fake
        with fake.lock:
            if isinstance(fake, FakeGitHub):
                return [
                    _github_ticket(i)
                    for _, i in sorted(fake.issues.items())
                    if "pull_request" not in i
                ]
            if isinstance(fake, FakeGitLab):
                return [_gitlab_ticket(fake.path, i) for _, i in sorted(fake.issues.items())]
            assert isinstance(fake, FakeJira)
            return [
                _jira_ticket(i, fake.properties.get(i["id"], {}))
                for _, i in sorted(fake.issues.items(), key=_by_int)
            ]

    def ticket(self, title_start: str) -> Ticket:
        found = [t for t in self.tickets() if t.title.startswith(title_start)]
        assert len(found) == 1, (title_start, [t.title for t in self.tickets()])
        return found[0]

    def comments_posted(self, ticket: Ticket) -> int:
        """Comments (notes) syncd posted on `ticket`."""
        if isinstance(self.fake, FakeGitHub):
            return self.fake.count("POST", rf"/issues/{ticket.id}/comments$")
        if isinstance(self.fake, FakeGitLab):
            return self.fake.count("POST", rf"/issues/{ticket.id}/notes$")
        key = ticket.ref
        return self.fake.count("POST", rf"/issue/({ticket.id}|{re.escape(key)})/comment$")

    def creates(self) -> int:
        """Create requests syncd sent (answered or not)."""
        if isinstance(self.fake, FakeGitHub):
            return self.fake.count("POST", r"/issues$")
        if isinstance(self.fake, FakeGitLab):
            return self.fake.count("POST", r"/issues$")
        return self.fake.count("POST", r"/rest/api/2/issue$")

    @property
    def link(self) -> str:
        """A regex for this tracker's Markdown link in a review suffix."""
        if isinstance(self.fake, FakeGitHub):
            return rf"\[{re.escape(self.fake.repo)}#\d+\]"
        if isinstance(self.fake, FakeGitLab):
            return rf"\[{re.escape(self.fake.path)}#\d+\]"
        assert isinstance(self.fake, FakeJira)
        return rf"\[{self.fake.key}-\d+\]"

    # -- levers: a person closes tickets in the UI -----------------------------------------
    def close_done(self, ticket: Ticket) -> None:
        fake = self.fake
        if isinstance(fake, FakeGitHub):
            fake.close(int(ticket.id), reason="completed")
        elif isinstance(fake, FakeGitLab):
            fake.close(int(ticket.id))
        else:
            assert isinstance(fake, FakeJira)
            fake.transition(ticket.id, "Done", resolution="Done")

    def close_wont_do(self, ticket: Ticket, comment: str) -> None:
        fake = self.fake
        if isinstance(fake, FakeGitHub):
            fake.close(int(ticket.id), reason="not_planned", comment=comment)
        elif isinstance(fake, FakeGitLab):
            fake.close(int(ticket.id), wont_do_label="won't do", note=comment)
        else:
            assert isinstance(fake, FakeJira)
            fake.comment(ticket.id, comment)
            fake.transition(ticket.id, "Done", resolution="Won't Do")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _by_int(pair: tuple[str, Any]) -> int:
    return int(pair[0])


def _github_ticket(issue: dict[str, Any]) -> Ticket:
    return Ticket(
        id=str(issue["number"]),
        ref=f"#{issue['number']}",
        title=str(issue["title"]),
        body=str(issue.get("body") or ""),
        labels=[str(lb["name"]) for lb in issue["labels"]],
        due=None,
        assignees=[str(a["login"]) for a in issue.get("assignees") or ()],
        closed=issue["state"] == "closed",
    )


def _gitlab_ticket(path: str, issue: dict[str, Any]) -> Ticket:
    return Ticket(
        id=str(issue["iid"]),
        ref=f"{path}#{issue['iid']}",
        title=str(issue["title"]),
        body=str(issue.get("description") or ""),
        labels=list(issue["labels"]),
        due=issue.get("due_date"),
        assignees=[str(a["username"]) for a in issue["assignees"]],
        closed=issue["state"] == "closed",
    )


def _jira_ticket(issue: dict[str, Any], properties: dict[str, Any]) -> Ticket:
    """Jira keeps syncd's marker in an (invisible) issue property: shown after the body here,
    so tests read a ticket's marker in one place whatever the tracker."""
    fields = issue["fields"]
    item = (properties.get("syncd") or {}).get("item")
    who = fields.get("assignee") or {}
    user = who.get("accountId") or who.get("name")
    return Ticket(
        id=str(issue["id"]),
        ref=str(issue["key"]),
        title=str(fields["summary"]),
        body=str(fields.get("description") or "")
        + (f"\n[property] syncd:item={item}" if item else ""),
        labels=list(fields["labels"]),
        due=fields.get("duedate"),
        assignees=[str(user)] if user else [],
        closed=fields["status"]["statusCategory"]["key"] == "done",
    )


def make_fake(kind: str) -> FakeServer:
    if kind == "github":
        return FakeGitHub()
    if kind == "gitlab":
        fake = FakeGitLab(path="grp/sub/proj")
        fake.add_user(OWNER_IDS["gitlab"])
        return fake
    return FakeJira(cloud=kind == "jira-cloud")


@contextmanager
def started(kind: str, name: str | None = None) -> Iterator[TrackerEnv]:
    """A fresh fake of `kind`, started for the duration of the block."""
    fake = make_fake(kind)
    fake.start()
    try:
        yield TrackerEnv(kind, name or kind, fake)
    finally:
        fake.stop()


def config_yaml(trackers: list[TrackerEnv], extra: str = "") -> str:
    """A syncd.yaml with these trackers, the conftest reviews, and `extra` top-level YAML."""
    head = 'timezone: Europe/Berlin\nrecords:\n  paths: ["reviews/**/*.md"]\ntrackers:\n'
    return head + "\n".join(t.yaml() for t in trackers) + "\n" + extra
