"""The digest's one GitLab issue, rewritten in place each period (see the GitHub twin,
syncd/trackers/github/dashboard.py). Only tracker modules import python-gitlab.

GitLab adds a "changed the description" note on edits but emails nobody for them, and an
edit notifies only users it newly @mentions (gitlab-foss MR !5800): the body mentions nobody.
Library retries are off so a create is never resent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gitlab
import requests
from gitlab.exceptions import GitlabError

from syncd.channels.base import ChannelError, ChannelSkipped
from syncd.trackers.gitlab.config import GitLabConfig

_NO_RETRY: dict[str, Any] = {"obey_rate_limit": False, "retry_transient_errors": False}


def ensure_dashboard(
    config: GitLabConfig,
    marker: str,
    title: str,
    body: str,
    labels: Sequence[str],
    *,
    reopen: bool,
) -> str:
    """Create, update or leave the marked issue; returns what was done."""
    where = f"GitLab {config.project}"
    try:
        client = gitlab.Gitlab(
            config.url.rstrip("/"),
            private_token=config.secret_for(f"GitLab tracker for project {config.project}"),
            per_page=100,
            retry_transient_errors=False,
            timeout=config.timeout,
        )
        project = client.projects.get(config.project, lazy=True)
        listed = project.issues.list(
            labels=[labels[0]],
            state="all",
            order_by="created_at",
            sort="asc",
            iterator=True,
            **_NO_RETRY,
        )
        found = [i for i in listed if (i.description or "").startswith(marker)]
        if not found:
            created = project.issues.create(
                {"title": title, "description": body, "labels": ",".join(labels)}, **_NO_RETRY
            )
            return f"created issue #{created.iid}"
        issue = next((i for i in found if i.state == "opened"), found[0])
        closed = issue.state == "closed"
        if closed and not reopen:
            raise ChannelSkipped(
                f"issue #{issue.iid} was closed; left closed (set `reopen: true` to reopen it)"
            )
        if not closed and issue.title == title and issue.description == body:
            return f"issue #{issue.iid} unchanged"
        changes: dict[str, Any] = {"title": title, "description": body}
        if closed:
            changes["state_event"] = "reopen"
        project.issues.update(issue.iid, changes, **_NO_RETRY)
        return f"{'reopened and updated' if closed else 'updated'} issue #{issue.iid}"
    except GitlabError as exc:
        code = exc.response_code or 0
        permanent = code in (400, 401, 403, 404, 410, 422)
        raise ChannelError(
            f"{where}: HTTP {code} {exc.error_message}", permanent=permanent
        ) from None
    except requests.RequestException as exc:
        raise ChannelError(f"{where}: request failed ({type(exc).__name__})") from None
