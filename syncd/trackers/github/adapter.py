"""GitHub adapter (PyGithub). Settings: config.py; pure mapping: mapping.py.

The adapter talks through PyGithub's `Requester` with raw JSON: that is the only way to send
a conditional list request and see the 304 (PaginatedList turns it into an empty list,
tracker-apis.md §1.4), and it keeps the mapping functions pure. PyGithub still does the
auth, the base URL (GHES), timeouts, and follows a transferred issue's 301. Retries and
pacing are syncd's (http/calls.py, http/pacing.py): PyGithub's own retry is off, because its
default GithubRetry resends POSTs (§1.5); issues and comments stay under the
content-creation windows, whose memory `pacer.state()` carries from one run to the next.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from github import Auth, Github

from syncd.errors import TicketGone, TrackerError
from syncd.model import TicketRef
from syncd.trackers import marking
from syncd.trackers.github import mapping as gm
from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.http import answers
from syncd.trackers.http.calls import Caller, Refusal
from syncd.trackers.http.pacing import Pacer, Window
from syncd.trackers.protocol import (
    CommentNote,
    Fetched,
    Listing,
    Outcome,
    TicketChange,
    TicketDraft,
    TicketState,
    Traits,
)
from syncd.trackers.shared import diff, newest_first, wants_read
from syncd.trackers.text import as_utc, parse_time

OVERLAP = timedelta(seconds=120)  # re-read this much before the last listing's server time
MARKER_LOOKBACK = timedelta(minutes=5)  # find_by_marker: tolerate clock skew around `since`
_LIST = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 100}


class _Refused(Exception):
    """An error status, handed to the Caller (which decides: wait, retry or fail)."""

    def __init__(self, verb: str, path: str, status: int, headers: dict[str, str], data: Any):
        super().__init__(status)
        self.verb, self.path, self.status, self.headers, self.data = (
            verb,
            path,
            status,
            headers,
            data,
        )


class GitHubTracker:
    """One GitHub repository behind the Tracker protocol."""

    def __init__(self, name: str, config: GitHubConfig, *, pacer: Pacer | None = None) -> None:
        """`pacer`: this tracker's own by default; tests pass one on a fake clock."""
        self.name = name
        self.config = config
        self.traits = Traits(kind="github", supports_due_date=False)
        self.pacer = pacer or Pacer(
            windows=(
                Window(config.creates_per_minute, 60.0),
                Window(config.creates_per_hour, 3600.0),
            ),
            interval=config.min_write_interval,
            first_guess=gm.SECONDARY_WAIT,
        )
        self._who = f"GitHub tracker '{name}' ({config.repo})"
        self._calls = Caller(
            self._who,
            pacer=self.pacer,
            max_wait=config.max_wait,
            errors=(_Refused,),
            refusal=self._refusal,
            failure=self._failure,
        )
        self._last: _Refused | None = None  # the refusal `failure` words
        self._client: Github | None = None
        self._repo_path = f"/repos/{config.repo}"

    # -- the protocol ------------------------------------------------------------------------
    def parse_ref(self, ref: TicketRef) -> str | None:
        """The issue number if `ref` names an issue of this repository (no I/O)."""
        return gm.parse_ref(ref, self.config)

    def list_changed(self, cursor: str | None) -> Listing:
        """Issues changed since `cursor`: one conditional GET (304) when nothing changed."""
        start = self._calls.requests
        prior = gm.Cursor.decode(cursor) if cursor else None
        ask = {"If-None-Match": prior.etag} if prior and prior.etag else {}
        status, headers, first = self._get(f"{self._repo_path}/issues", _LIST, ask)
        if status == 304 and prior is not None:
            return Listing((), cursor, self._calls.requests - start, not_modified=True)
        server = gm.server_time(headers) or self.pacer.instant()
        watermark = server - OVERLAP
        found: dict[int, Mapping[str, Any]] = {}
        seen: set[str] = set()
        for issue in self._pages(headers, first, stop_before=prior.watermark if prior else None):
            key = gm.seen_key(issue)
            if parse_time(issue["updated_at"]) >= watermark:
                seen.add(key)
            if gm.is_pull_request(issue) or issue["number"] in found:
                continue
            if prior is None or key not in prior.seen:
                found[issue["number"]] = issue
        tickets = tuple(self._ticket(issue) for issue in found.values())
        after = gm.Cursor(headers.get("etag"), watermark, frozenset(seen))
        return Listing(tickets, after.encode(), self._calls.requests - start)

    def fetch(self, ids: Sequence[str]) -> Fetched:
        """Current state of these issues, transferred ones followed (PyGithub follows the
        301); deleted ones (410, or 404 while the repository answers) are `gone`."""
        states: list[TicketState] = []
        gone: set[str] = set()
        repo_checked = False
        for ticket_id in dict.fromkeys(ids):
            path = gm.issue_path(ticket_id, self.config.repo)
            if path is None:
                continue
            status, _, issue = self._get(path, allow=(404, 410))
            if status == 404 and not repo_checked:
                # GitHub answers 404 for a missing repository too; never call its issues gone.
                self._get(self._repo_path)
                repo_checked = True
            if status in (404, 410):
                gone.add(ticket_id)
            elif not gm.is_pull_request(self._issue(issue)):
                states.append(self._ticket(issue, asked=ticket_id))
        return Fetched(tuple(states), frozenset(gone))

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The oldest issue created since `since` whose body carries `marker` (list, not search)."""
        # The list endpoint is consistent; search lags and has its own low quota (§1.3).
        cut = as_utc(since) - MARKER_LOOKBACK
        params = {**_LIST, "sort": "created", "since": gm.format_time(cut)}
        _, headers, first = self._get(f"{self._repo_path}/issues", params)
        hits = [
            issue
            for issue in self._pages(headers, first, stop_before=cut, field="created_at")
            if not gm.is_pull_request(issue) and marking.extract_marker(issue.get("body")) == marker
        ]
        return self._ticket(min(hits, key=lambda i: int(i["number"]))) if hits else None

    def create(self, draft: TicketDraft) -> TicketState:
        """One POST, never resent; a lost answer raises TrackerError (recover by marker)."""
        body = gm.create_fields(draft, self.config)
        path = f"{self._repo_path}/issues"
        _, _, issue = self._send("POST", path, body, what="create a ticket", creates=True)
        return self._ticket(issue)

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """Read the issue, then write only what differs; `due` does not exist on GitHub."""
        if not wants_read(change, supports_due=False):
            return Outcome.NOOP
        path = self._path(ticket_id)
        issue = self._issue(self._read_ticket(ticket_id, path))
        wanted = diff(change, gm.current(issue), supports_due=False)
        if not wanted:
            return Outcome.NOOP
        if wanted.add_labels:
            labels = {"labels": list(wanted.add_labels)}
            self._send("POST", f"{path}/labels", labels, what="add labels", ticket=ticket_id)
        for label in wanted.remove_labels:
            gone = f"{path}/labels/{quote(label, safe='')}"
            self._send("DELETE", gone, None, what="remove a label", ticket=ticket_id, allow=(404,))
        duplicate_of = None
        if wanted.duplicate_of is not None:
            original = self._issue(self._read_ticket(wanted.duplicate_of))
            duplicate_of = int(original["id"])
        fields = gm.patch_fields(wanted, duplicate_of)
        if fields:
            self._send("PATCH", path, fields, what="update a ticket", ticket=ticket_id)
        return Outcome.UPDATED

    def comment(self, ticket_id: str, note: CommentNote) -> Outcome:
        """Add one comment, tagged so it is never mistaken for a person's close reason."""
        if not note.text.strip():
            return Outcome.NOOP
        body = {"body": gm.comment_body(note)}
        path = f"{self._path(ticket_id)}/comments"
        self._send("POST", path, body, what="comment", creates=True, ticket=ticket_id)
        return Outcome.CREATED

    def has_comment(self, ticket_id: str, tag: str, since: datetime) -> bool:
        """GitHub lists an issue's comments oldest first; `since` keeps it to the recent ones."""
        path = f"{self._path(ticket_id)}/comments"
        cut = gm.format_time(as_utc(since) - MARKER_LOOKBACK)

        def page(number: int) -> list[Any]:
            params = {"per_page": 100, "since": cut, "page": number}
            status, _, notes = self._get(path, params, allow=(404, 410))
            if status in (404, 410):
                raise self._gone(ticket_id)
            return answers.expect_list(self._who, f"GET {path}", notes, key="body")

        return newest_first(
            page, size=100, matches=lambda n: tag in str(n.get("body") or ""), older=_never
        )

    # -- internals ---------------------------------------------------------------------------
    @property
    def _github(self) -> Github:
        if self._client is None:
            token = self.config.secret_for(self._who)
            self._client = Github(
                auth=Auth.Token(token) if token else None,
                base_url=self.config.url.rstrip("/"),
                # PyGithub asserts an int timeout (MainClass.Github.__init__).
                timeout=max(1, math.ceil(self.config.timeout)),
                user_agent="syncd",
                per_page=100,
                # No library retries at all: GithubRetry resends POST on 5xx and read errors,
                # which can duplicate an issue (tracker-apis.md §1.5). calls.Caller retries.
                retry=None,
                seconds_between_requests=None,
                seconds_between_writes=None,  # the Pacer spaces writes
                lazy=True,
            )
        return self._client

    def _path(self, ticket_id: str) -> str:
        path = gm.issue_path(ticket_id, self.config.repo)
        if path is None:
            raise TrackerError(f"{self._who}: {ticket_id!r} is not a GitHub issue id.")
        return path

    def _read_ticket(self, ticket_id: str, path: str | None = None) -> Any:
        status, _, issue = self._get(path or self._path(ticket_id), allow=(404, 410))
        if status in (404, 410):
            raise self._gone(ticket_id)
        return issue

    def _gone(self, ticket_id: str) -> TicketGone:
        return TicketGone(
            f"{self._who}: issue {ticket_id} was deleted or is no longer visible (404/410).",
            self.name,
            ticket_id,
        )

    def _issue(self, data: Any) -> Mapping[str, Any]:
        return answers.expect_object(self._who, "an issue", data, key="number")

    def _ticket(self, issue: Mapping[str, Any], asked: str | None = None) -> TicketState:
        issue = self._issue(issue)
        reason = self._close_reason(issue) if gm.needs_reason(issue, self.config) else None
        state = gm.to_ticket(self.name, self.config, issue, reason)
        if asked is not None and state.id != asked:
            return gm.to_ticket(self.name, self.config, issue, reason, moved_from=asked)
        return state

    def _close_reason(self, issue: Mapping[str, Any]) -> str | None:
        repo = gm.repo_of(issue, self.config.repo)
        path = f"/repos/{repo}/issues/{issue['number']}/comments"
        _, headers, notes = self._get(path, {"per_page": 100})
        last = gm.links(headers).get("last")
        if last is not None:  # comments come oldest first; the reason is on the last page
            _, _, notes = self._get(last)
        rows = answers.expect_list(self._who, f"GET {path}", notes, key="body")
        return gm.reason_from_comments(rows)

    def _pages(
        self,
        headers: Mapping[str, str],
        first: Any,
        stop_before: datetime | None,
        field: str = "updated_at",
    ) -> Iterator[Mapping[str, Any]]:
        """Issues of every page, newest first, until one is older than `stop_before`."""
        page = first
        while True:
            for issue in answers.expect_list(self._who, "an issue list", page, key="number"):
                if stop_before is not None and parse_time(issue[field]) < stop_before:
                    return
                yield issue
            following = gm.links(headers).get("next")
            if following is None:
                return
            _, headers, page = self._get(following)

    def _get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        allow: tuple[int, ...] = (),
    ) -> tuple[int, dict[str, str], Any]:
        what = f"read {path}"
        return self._calls.read(what, lambda: self._once("GET", path, params, headers, None, allow))

    def _send(
        self,
        verb: str,
        path: str,
        body: Any,
        *,
        what: str,
        creates: bool = False,
        ticket: str | None = None,
        allow: tuple[int, ...] = (),
    ) -> tuple[int, dict[str, str], Any]:
        """One write through the Caller; 410 (and 404 on the issue) is TicketGone."""
        try:
            return self._calls.write(
                what,
                lambda: self._once(verb, path, None, None, body, allow),
                creates=creates,
            )
        except TrackerError as exc:
            if ticket is not None and self._last is not None and self._last.status in (404, 410):
                raise self._gone(ticket) from exc
            raise

    def _once(
        self,
        verb: str,
        path: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        body: Any,
        allow: tuple[int, ...],
    ) -> tuple[int, dict[str, str], Any]:
        """One request: (status, lower-case headers, JSON); an error status is _Refused."""
        self._last = None
        try:
            status, got, text = self._github.requester.requestJson(
                verb, path, parameters=dict(params or {}), headers=dict(headers or {}), input=body
            )
        except RuntimeError as exc:  # PyGithub: a redirect to another host or scheme
            raise TrackerError(f"{self._who}: {exc}") from None
        self._calls.seen(verb, self.config.url.rstrip("/") + path, status, got, text or "")
        try:
            data = json.loads(text) if text else None
        except ValueError:
            raise answers.improper(
                self._who, verb, self.config.url + path, status, got.get("content-type", "")
            ) from None
        if status >= 400 and status not in allow:
            self._last = _Refused(verb, path, status, got, data)
            raise self._last
        return status, got, data

    def _refusal(self, exc: Exception, write: bool) -> Refusal:
        assert isinstance(exc, _Refused)
        limited, wait = gm.rate_limit_wait(
            exc.status, exc.headers, gm.message(exc.data), self.pacer.now()
        )
        return Refusal(exc.status, throttled=limited, retry_after=wait)

    def _failure(self, what: str, code: int | None, write: bool) -> TrackerError:
        refused = self._last
        if code is None or refused is None:
            maybe = " The write may or may not have been applied." if write else ""
            return TrackerError(
                f"{self._who}: no answer from {self.config.public_url} while trying to {what}; "
                f"check `url` and the network.{maybe}"
            )
        call = f"{refused.verb} {refused.path}"
        return TrackerError(
            gm.refusal(
                self._who, self.config.public_url, code, refused.data, call=call, write=write
            )
        )


def _never(row: Any) -> bool:
    return False
