"""GitLab merge requests for `records.repo.delivery: pull_request` (python-gitlab, raw JSON).

The syncd.repo.pulls.PullRequests protocol over `/projects/:id/merge_requests`, with the
library's own retries off (its 429 sleep has no cap; tracker-apis.md §2.3). GitLab refuses a
second open MR for the same source and target branch (409 "Another open merge request already
exists"), which `open` turns into the existing one. MRs are created with
`remove_source_branch` so a merged request leaves no syncd branch behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import gitlab
import requests

from syncd.errors import TrackerError
from syncd.repo.pulls import PullRequest

_NO_RETRY: dict[str, Any] = {"obey_rate_limit": False, "retry_transient_errors": False}


class GitLabMerges:
    """Merge requests of one GitLab project (path `group/sub/name`)."""

    def __init__(self, url: str, project: str, token: str | None, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.project = project
        self._token = token
        self._timeout = timeout
        self._client: gitlab.Gitlab | None = None
        self._base = f"/projects/{quote(project, safe='')}/merge_requests"

    def find_open(self, head: str, base: str) -> PullRequest | None:
        """The oldest opened MR from `head` into `base`."""
        query = {"state": "opened", "source_branch": head, "target_branch": base}
        rows = self._call("GET", self._base, query=query) or []
        rows = [r for r in rows if r.get("source_branch") == head]
        return to_pull(min(rows, key=lambda r: int(r["iid"]))) if rows else None

    def open(self, head: str, base: str, title: str, body: str) -> PullRequest:
        """Create the MR; when GitLab says one is open already, return that one, updated."""
        data = {
            "source_branch": head,
            "target_branch": base,
            "title": title,
            "description": body,
            "remove_source_branch": True,
        }
        try:
            return to_pull(self._call("POST", self._base, data=data))
        except _AlreadyExists:
            existing = self.find_open(head, base)
            if existing is None:
                raise TrackerError(
                    f"GitLab ({self.project}) says a merge request from {head} exists but "
                    "lists none open; retrying next pass"
                ) from None
            return self.update(existing.number, title, body)

    def update(self, number: int, title: str, body: str) -> PullRequest:
        """PUT title and description."""
        data = {"title": title, "description": body}
        return to_pull(self._call("PUT", f"{self._base}/{number}", data=data))

    def close(self, number: int) -> PullRequest:
        """PUT state_event=close."""
        return to_pull(self._call("PUT", f"{self._base}/{number}", data={"state_event": "close"}))

    @property
    def _gl(self) -> gitlab.Gitlab:
        if self._client is None:
            self._client = gitlab.Gitlab(
                self.url,
                private_token=self._token,
                retry_transient_errors=False,
                timeout=self._timeout,
            )
        return self._client

    def _call(
        self,
        verb: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            if verb == "GET":
                return self._gl.http_get(path, query_data=dict(query or {}), **_NO_RETRY)
            if verb == "POST":
                return self._gl.http_post(path, post_data=dict(data or {}), **_NO_RETRY)
            return self._gl.http_put(path, post_data=dict(data or {}), **_NO_RETRY)
        except gitlab.exceptions.GitlabHttpError as exc:
            message = str(exc.error_message or "")
            if exc.response_code == 409 and "already exists" in message:
                raise _AlreadyExists from None
            raise TrackerError(
                f"GitLab ({self.project}) refused `{verb} {path}`: {exc.response_code} {message}"
            ) from None
        except (gitlab.exceptions.GitlabError, requests.RequestException) as exc:
            raise TrackerError(
                f"GitLab ({self.url}) did not answer `{verb} {path}` ({type(exc).__name__})"
            ) from None


class _AlreadyExists(Exception):
    """409: an open merge request for this source branch exists."""


def to_pull(row: Mapping[str, Any]) -> PullRequest:
    """An MR as JSON → PullRequest (`number` is the project-scoped iid)."""
    return PullRequest(
        number=int(row["iid"]),
        url=str(row.get("web_url") or ""),
        title=str(row.get("title") or ""),
        body=str(row.get("description") or ""),
    )
