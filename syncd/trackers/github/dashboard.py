"""The digest's one GitHub issue, rewritten in place each period (Renovate's dependency
dashboard; digest-and-service reference §6). Lives here because only tracker modules import
PyGithub; syncd/channels/tracker_issue.py calls it.

Found again by the hidden marker line under the channel's first label (a consistent list
endpoint; GitHub search lags), so a lost create response cannot make a second issue: the next
attempt finds the first. Unchanged title and body: no request beyond the listing, and a body
edit notifies nobody (isaacs/github#310). A person closed it: left closed unless `reopen`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import requests
from github import Auth, Github, GithubException

from syncd.channels.base import ChannelError, ChannelSkipped
from syncd.trackers.github.config import GitHubConfig


def _client(config: GitHubConfig) -> Github:
    token = config.secret_for(f"GitHub tracker for repo {config.repo}")
    return Github(
        auth=Auth.Token(token) if token else None,
        base_url=config.url.rstrip("/"),
        timeout=max(1, math.ceil(config.timeout)),
        user_agent="syncd",
        per_page=100,
        retry=None,  # no resend of a POST that may have created the issue
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,
    )


def ensure_dashboard(
    config: GitHubConfig,
    marker: str,
    title: str,
    body: str,
    labels: Sequence[str],
    *,
    reopen: bool,
) -> str:
    """Create, update or leave the marked issue; returns what was done."""
    where = f"GitHub {config.repo}"
    try:
        repo = _client(config).get_repo(config.repo)  # lazy client: no request yet
        found = [
            issue
            for issue in repo.get_issues(state="all", labels=[labels[0]], direction="asc")
            if (issue.body or "").startswith(marker) and issue.pull_request is None
        ]
        if not found:
            created = repo.create_issue(title=title, body=body, labels=list(labels))
            return f"created issue #{created.number}"
        issue = next((i for i in found if i.state == "open"), found[0])
        closed = issue.state == "closed"
        if closed and not reopen:
            raise ChannelSkipped(
                f"issue #{issue.number} was closed; left closed (set `reopen: true` to reopen it)"
            )
        if not closed and issue.title == title and issue.body == body:
            return f"issue #{issue.number} unchanged"
        if closed:
            issue.edit(title=title, body=body, state="open")
            return f"reopened and updated issue #{issue.number}"
        issue.edit(title=title, body=body)
        return f"updated issue #{issue.number}"
    except GithubException as exc:
        permanent = exc.status in (401, 403, 404, 410, 422)
        message = exc.data.get("message") if isinstance(exc.data, dict) else None
        raise ChannelError(
            f"{where}: HTTP {exc.status} {message or ''}".rstrip(), permanent=permanent
        ) from None
    except requests.RequestException as exc:
        raise ChannelError(f"{where}: request failed ({type(exc).__name__})") from None
