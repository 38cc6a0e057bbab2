"""GitHub adapter (PyGithub). Settings: github_config.py; pure mapping: github_map.py.

The adapter talks through PyGithub's `Requester` with raw JSON: that is the only way to send
a conditional list request and see the 304 (PaginatedList turns it into an empty list,
tracker-apis.md §1.4), and it keeps the mapping functions pure. PyGithub still does the
auth, the base URL (GHES), timeouts and the GET-only retries. Pacing is ours (pacing.py):
writes spaced, issues and comments kept under the content-creation windows, and waits that
GitHub asked for honoured by every adapter of the same account.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import requests
from github import Auth, Github

from syncd.errors import RateLimited, TrackerError
from syncd.model import TicketRef
from syncd.trackers.github import mapping as gm
from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.http import pacing
from syncd.trackers.http.calls import get_only_retry
from syncd.trackers.http.pacing import Pacer, Why, Window
from syncd.trackers.protocol import (
    Listing,
    Outcome,
    TicketChange,
    TicketDraft,
    TicketState,
)

OVERLAP = timedelta(seconds=120)  # re-read this much before the last listing's server time
MARKER_LOOKBACK = timedelta(minutes=5)  # find_by_marker: tolerate clock skew around `since`
RATE_LIMIT_ATTEMPTS = 3
_LIST = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 100}


class GitHubTracker:
    """One GitHub repository behind the Tracker protocol."""

    kind: ClassVar[str] = "github"

    def __init__(self, name: str, config: GitHubConfig, *, pacer: Pacer | None = None) -> None:
        """`pacer`: by default the one shared by every tracker of this host and token."""
        self.name = name
        self.config = config
        self._sent = [0]  # HTTP requests sent, library resends included
        self._client: Github | None = None
        self._pacer = pacer
        self._repo_path = f"/repos/{config.repo}"
        self._windows = (
            Window(config.creates_per_minute, 60.0),
            Window(config.creates_per_hour, 3600.0),
        )

    # -- the protocol ------------------------------------------------------------------------
    def parse_ref(self, ref: TicketRef) -> str | None:
        """The issue number if `ref` names an issue of this repository (no I/O)."""
        return gm.parse_ref(ref, self.config)

    def list_changed(self, cursor: str | None) -> Listing:
        """Issues changed since `cursor`: one conditional GET (304) when nothing changed."""
        start = self._sent[0]
        prior = gm.Cursor.decode(cursor) if cursor else None
        ask = {"If-None-Match": prior.etag} if prior and prior.etag else {}
        status, headers, first = self._request("GET", f"{self._repo_path}/issues", _LIST, ask)
        if status == 304 and prior is not None:
            return Listing((), cursor, self._sent[0] - start, not_modified=True)
        watermark = (gm.server_time(headers) or datetime.now(UTC)) - OVERLAP
        found: dict[int, Mapping[str, Any]] = {}
        seen: set[str] = set()
        for issue in self._pages(headers, first, stop_before=prior.watermark if prior else None):
            key = gm.seen_key(issue)
            if gm.parse_time(issue["updated_at"]) >= watermark:
                seen.add(key)
            if gm.is_pull_request(issue) or issue["number"] in found:
                continue
            if prior is None or key not in prior.seen:
                found[issue["number"]] = issue
        tickets = tuple(self._ticket(issue) for issue in found.values())
        after = gm.Cursor(headers.get("etag"), watermark, frozenset(seen))
        return Listing(tickets, after.encode(), self._sent[0] - start)

    def fetch(self, ids: Sequence[str]) -> list[TicketState]:
        """Current state of these issues; deleted, missing and pull-request numbers are left out."""
        states: list[TicketState] = []
        repo_checked = False
        for ticket_id in ids:
            if not ticket_id.isdigit():
                continue
            path = f"{self._repo_path}/issues/{ticket_id}"
            status, _, issue = self._request("GET", path, allow=(404, 410))
            if status == 404 and not repo_checked:
                # GitHub answers 404 for a missing repository too; never call its issues gone.
                self._request("GET", self._repo_path)
                repo_checked = True
            if status == 200 and not gm.is_pull_request(issue):
                states.append(self._ticket(issue))
        return states

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The oldest issue created since `since` whose body carries `marker` (list, not search)."""
        # The list endpoint is consistent; search lags and has its own low quota (§1.3).
        cut = gm.as_utc(since) - MARKER_LOOKBACK
        params = {**_LIST, "sort": "created", "since": gm.format_time(cut)}
        _, headers, first = self._request("GET", f"{self._repo_path}/issues", params)
        hits = [
            issue
            for issue in self._pages(headers, first, stop_before=cut, field="created_at")
            if not gm.is_pull_request(issue) and gm.marker_of(issue.get("body")) == marker
        ]
        return self._ticket(min(hits, key=lambda i: int(i["number"]))) if hits else None

    def create(self, draft: TicketDraft) -> TicketState:
        """One POST, never resent; a lost answer raises TrackerError (recover by marker)."""
        body = gm.create_fields(draft, self.config)
        path = f"{self._repo_path}/issues"
        _, _, issue = self._request("POST", path, body=body, write=True, creates=True)
        return self._ticket(issue)

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """Read the issue, then PATCH only what differs; `due` does not exist on GitHub."""
        if not any(
            (change.title is not None, change.assignees is not None, change.close_not_planned)
        ):
            return Outcome.NOOP
        path = f"{self._repo_path}/issues/{ticket_id}"
        _, _, issue = self._request("GET", path)
        fields = gm.change_fields(change, issue)
        if not fields:
            return Outcome.NOOP
        self._request("PATCH", path, body=fields, write=True)
        return Outcome.UPDATED

    def set_label(self, ticket_id: str, label: str, present: bool) -> Outcome:
        """Add or remove one label; NOOP when the issue already is that way."""
        path = f"{self._repo_path}/issues/{ticket_id}"
        if present:
            _, _, issue = self._request("GET", path)
            if label.casefold() in {x.casefold() for x in gm.label_names(issue)}:
                return Outcome.NOOP
            self._request("POST", f"{path}/labels", body={"labels": [label]}, write=True)
            return Outcome.UPDATED
        gone = f"{path}/labels/{quote(label, safe='')}"
        status, _, data = self._request("DELETE", gone, write=True, allow=(404,))
        if status == 404:
            if "label does not exist" in gm.message(data).casefold():
                return Outcome.NOOP
            raise TrackerError(f"{self._who}: issue #{ticket_id} not found (404).")
        return Outcome.UPDATED

    def comment(self, ticket_id: str, body: str) -> Outcome:
        """Add one comment, tagged so it is never mistaken for a person's close reason."""
        text = f"{body.rstrip()}\n\n{gm.COMMENT_MARKER}"
        path = f"{self._repo_path}/issues/{ticket_id}/comments"
        self._request("POST", path, body={"body": text}, write=True, creates=True)
        return Outcome.CREATED

    def has_comment(self, ticket_id: str, text: str, since: datetime) -> bool:
        """GitHub lists an issue's comments oldest first; `since` keeps it to the recent ones."""
        path = f"{self._repo_path}/issues/{ticket_id}/comments"
        cut = gm.format_time(gm.as_utc(since) - MARKER_LOOKBACK)
        _, headers, notes = self._request("GET", path, {"per_page": 100, "since": cut})
        while True:
            if any(text in (note.get("body") or "") for note in notes or []):
                return True
            following = gm.links(headers).get("next")
            if following is None:
                return False
            _, headers, notes = self._request("GET", following)

    # -- internals ---------------------------------------------------------------------------
    @property
    def _who(self) -> str:
        return f"GitHub tracker '{self.name}' ({self.config.repo})"

    @property
    def _github(self) -> Github:
        if self._client is None:
            token = self.config.secret_for(self._who)
            if self._pacer is None:
                self._pacer = pacing.shared(self.config.url, token)
            self._client = Github(
                auth=Auth.Token(token) if token else None,
                base_url=self.config.url.rstrip("/"),
                # PyGithub asserts an int timeout (MainClass.Github.__init__).
                timeout=max(1, math.ceil(self.config.timeout)),
                user_agent="syncd",
                per_page=100,
                # PyGithub's default GithubRetry also resends POST on 5xx and read errors,
                # which can duplicate an issue (tracker-apis.md §1.5).
                retry=get_only_retry(self._sent),
                seconds_between_requests=None,
                seconds_between_writes=None,  # the Pacer spaces writes
                lazy=True,
            )
        return self._client

    def _ticket(self, issue: Mapping[str, Any]) -> TicketState:
        reason = self._close_reason(issue) if gm.needs_reason(issue, self.config) else None
        return gm.to_ticket(self.name, self.config, issue, reason)

    def _close_reason(self, issue: Mapping[str, Any]) -> str | None:
        path = f"{self._repo_path}/issues/{issue['number']}/comments"
        _, headers, notes = self._request("GET", path, {"per_page": 100})
        last = gm.links(headers).get("last")
        if last is not None:  # comments come oldest first; the reason is on the last page
            _, _, notes = self._request("GET", last)
        return gm.reason_from_comments(notes or [])

    def _pages(
        self,
        headers: Mapping[str, str],
        first: list[Mapping[str, Any]],
        stop_before: datetime | None,
        field: str = "updated_at",
    ) -> Iterator[Mapping[str, Any]]:
        """Issues of every page, newest first, until one is older than `stop_before`."""
        page = first
        while True:
            for issue in page:
                if stop_before is not None and gm.parse_time(issue[field]) < stop_before:
                    return
                yield issue
            following = gm.links(headers).get("next")
            if following is None:
                return
            _, headers, page = self._request("GET", following)

    def _request(
        self,
        verb: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        body: Any = None,
        write: bool = False,
        creates: bool = False,
        allow: tuple[int, ...] = (),
    ) -> tuple[int, dict[str, str], Any]:
        """One call: (status, lower-case headers, JSON), paced; waits at most max_wait."""
        requester = self._github.requester
        assert self._pacer is not None  # set with the client
        pacer, waited = self._pacer, 0.0
        for attempt in range(1, RATE_LIMIT_ATTEMPTS + 1):
            delay = pacer.delay(
                write=write,
                creates=creates,
                interval=self.config.min_write_interval,
                windows=self._windows,
            )
            if delay.why is not Why.INTERVAL:  # write spacing is always paid, as before
                if waited + delay.seconds > self.config.max_wait:
                    raise RateLimited(self._too_long(delay.seconds, delay.why), delay.seconds)
                waited += delay.seconds
            pacer.pause(delay.seconds)
            pacer.sending(creates=creates)
            self._sent[0] += 1
            try:
                status, got, text = requester.requestJson(
                    verb,
                    path,
                    parameters=dict(params or {}),
                    headers=dict(headers or {}),
                    input=body,
                )
            except (requests.RequestException, RuntimeError) as exc:
                raise TrackerError(self._unreachable(exc, write)) from None
            finally:
                if write:
                    pacer.wrote()
            try:
                data = json.loads(text) if text else None
            except ValueError:  # e.g. a proxy's HTML error page
                data = None
            if status < 400 or status in allow:
                pacer.answered()
                return status, got, data
            wait = gm.rate_limit_wait(status, got, gm.message(data), time.time())
            if wait is None:
                raise TrackerError(
                    gm.refusal(
                        self._who, self.config.url, status, data, call=f"{verb} {path}", write=write
                    )
                )
            # Every request of this account waits it out, in this pass and the next ones. A
            # 403/429 rate limit means the request was refused, so resending a write is safe.
            wait = pacer.hold(wait, guessed=gm.wait_is_guessed(got))
            if waited + wait > self.config.max_wait or attempt == RATE_LIMIT_ATTEMPTS:
                raise RateLimited(self._too_long(wait, Why.HOLD), wait)
        raise AssertionError("unreachable")

    def _too_long(self, wait: float, why: Why) -> str:
        limit = f"max_wait {self.config.max_wait:g} s"
        if why is Why.WINDOW:
            pace = f"{self.config.creates_per_minute}/min, {self.config.creates_per_hour}/h"
            return (
                f"{self._who}: creating more now would exceed GitHub's content-creation pace "
                f"({pace}); the next slot is {wait:.0f} s away ({limit}), so the rest is "
                "created next pass."
            )
        return (
            f"{self._who}: rate limited; GitHub asks to wait {wait:.0f} s ({limit}), "
            "so this resumes next pass."
        )

    def _unreachable(self, exc: Exception, write: bool) -> str:
        maybe = " The write may or may not have been applied." if write else ""
        return (
            f"{self._who}: no answer from {self.config.url} ({type(exc).__name__}); "
            f"check `url` and the network.{maybe}"
        )
