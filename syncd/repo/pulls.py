"""The pull/merge request calls `delivery: pull_request` needs, as a small protocol.

The implementations live with the tracker adapters, the only code that imports PyGithub or
python-gitlab: syncd/trackers/github/pulls.py and syncd/trackers/gitlab/merges.py. They are
built from `records.repo.pull_request_tracker` (that tracker's API URL and token) or from the
repository's own URL and token, and imported only when a pass needs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel

from syncd.errors import ConfigError
from syncd.repo.config import RepoConfig
from syncd.repo.remote import api_url


@dataclass(frozen=True, slots=True)
class PullRequest:
    """One open pull request (GitHub) or merge request (GitLab): `number` is the iid."""

    number: int
    url: str
    title: str
    body: str


class PullRequests(Protocol):
    """Find, open, update and close syncd's one pull request of a repository."""

    def find_open(self, head: str, base: str) -> PullRequest | None:
        """The oldest open request from branch `head` into `base`, if any."""
        ...

    def open(self, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open a request; one that already exists for `head` is returned, not duplicated."""
        ...

    def update(self, number: int, title: str, body: str) -> PullRequest:
        """Rewrite the request's title and description in place."""
        ...

    def close(self, number: int) -> PullRequest:
        """Close the request without merging."""
        ...


def pull_requests_for(repo: RepoConfig, trackers: Mapping[str, BaseModel]) -> PullRequests:
    """The PR/MR client for `repo`: through `pull_request_tracker`, else the repo's own token.

    No request is made here. ConfigError when neither gives an API (the config model already
    refuses such files; this guards direct callers)."""
    from syncd.trackers.github.config import GitHubConfig
    from syncd.trackers.gitlab.config import GitLabConfig

    project = repo.project_path()
    if repo.pull_request_tracker is not None:
        tracker = trackers.get(repo.pull_request_tracker)
        who = f"tracker '{repo.pull_request_tracker}'"
        if isinstance(tracker, GitHubConfig):
            from syncd.trackers.github.pulls import GitHubPulls

            return GitHubPulls(tracker.url, project, tracker.secret_for(who), tracker.timeout)
        if isinstance(tracker, GitLabConfig):
            from syncd.trackers.gitlab.merges import GitLabMerges

            return GitLabMerges(tracker.url, project, tracker.secret_for(who), tracker.timeout)
        raise ConfigError(f"records.repo.pull_request_tracker: {who} is not a github/gitlab one")
    kind = repo.kind()
    base = repo.api_url or (api_url(repo.remote(), kind) if kind else None)
    if kind is None or base is None:
        raise ConfigError("records.repo: cannot tell where the pull request API is; set `host`")
    try:
        token = repo.secret()
    except OSError as exc:
        raise ConfigError(f"records.repo: cannot read `token_file` ({exc.strerror})") from None
    if kind == "github":
        from syncd.trackers.github.pulls import GitHubPulls

        return GitHubPulls(base, project, token, repo.timeout)
    from syncd.trackers.gitlab.merges import GitLabMerges

    return GitLabMerges(base, project, token, repo.timeout)
