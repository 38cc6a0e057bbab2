"""GitHub pull requests for `records.repo.delivery: pull_request` (PyGithub, raw JSON).

The syncd.repo.pulls.PullRequests protocol over `/repos/{owner}/{repo}/pulls`. Nothing is
resent by the library (retry=None, as in the adapter): a lost answer to a create is found by
the next pass's `find_open`, and GitHub itself refuses a second open PR for the same head branch
(422 "A pull request already exists"), which `open` turns into the existing one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import requests
from github import Auth, Github, GithubException

from syncd.errors import TrackerError
from syncd.repo.pulls import PullRequest


class GitHubPulls:
    """Pull requests of one GitHub repository (`owner/name`)."""

    def __init__(self, api_url: str, repo: str, token: str | None, timeout: float) -> None:
        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self.owner = repo.split("/", 1)[0]
        self._token = token
        self._timeout = timeout
        self._client: Github | None = None

    def find_open(self, head: str, base: str) -> PullRequest | None:
        """The oldest open PR from `head` into `base` (one page: there is at most one)."""
        params = {"state": "open", "head": f"{self.owner}:{head}", "base": base, "per_page": 100}
        found = self._call("GET", "/pulls", params=params)
        rows = [row for row in found or [] if row.get("head", {}).get("ref") == head]
        return to_pull(min(rows, key=lambda r: int(r["number"]))) if rows else None

    def open(self, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open the PR; when GitHub says one exists already, return that one."""
        data = {
            "title": title,
            "body": body,
            "head": head,
            "base": base,
            "maintainer_can_modify": False,
        }
        try:
            return to_pull(self._call("POST", "/pulls", body=data))
        except _AlreadyExists:
            existing = self.find_open(head, base)
            if existing is None:
                raise TrackerError(
                    f"GitHub ({self.repo}) says a pull request from {head} exists but lists "
                    "none open; retrying next pass"
                ) from None
            return self.update(existing.number, title, body)

    def update(self, number: int, title: str, body: str) -> PullRequest:
        """PATCH title and body."""
        return to_pull(self._call("PATCH", f"/pulls/{number}", body={"title": title, "body": body}))

    def close(self, number: int) -> PullRequest:
        """PATCH state closed (not merged)."""
        return to_pull(self._call("PATCH", f"/pulls/{number}", body={"state": "closed"}))

    @property
    def _github(self) -> Github:
        if self._client is None:
            self._client = Github(
                auth=Auth.Token(self._token) if self._token else None,
                base_url=self.api_url,
                timeout=max(1, math.ceil(self._timeout)),  # PyGithub asserts an int
                user_agent="syncd",
                retry=None,  # a failed read fails this delivery; the next pass retries
                # At most two writes a pass: PyGithub's default 1 s spacing only slows a pass.
                seconds_between_requests=None,
                seconds_between_writes=None,
                lazy=True,
            )
        return self._client

    def _call(
        self, verb: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> Any:
        url = f"/repos/{self.repo}{path}"
        try:
            _, data = self._github.requester.requestJsonAndCheck(
                verb, url, parameters=dict(params or {}), input=body
            )
        except GithubException as exc:
            message = str((exc.data or {}).get("message", "")) if isinstance(exc.data, dict) else ""
            errors = str(exc.data.get("errors", "")) if isinstance(exc.data, dict) else ""
            if exc.status == 422 and "already exists" in (message + errors):
                raise _AlreadyExists from None
            raise TrackerError(
                f"GitHub ({self.repo}) refused `{verb} {path}`: {exc.status} {message}".rstrip()
            ) from None
        except (requests.RequestException, RuntimeError) as exc:
            raise TrackerError(
                f"GitHub ({self.api_url}) did not answer `{verb} {path}` ({type(exc).__name__})"
            ) from None
        return data


class _AlreadyExists(Exception):
    """422: an open pull request for this head branch exists."""


def to_pull(row: Mapping[str, Any]) -> PullRequest:
    """A PR as JSON → PullRequest."""
    return PullRequest(
        number=int(row["number"]),
        url=str(row.get("html_url") or ""),
        title=str(row.get("title") or ""),
        body=str(row.get("body") or ""),
    )
