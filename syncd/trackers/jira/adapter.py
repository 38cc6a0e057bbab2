"""Jira adapter (jira). Settings: config.py; pure mapping: mapping.py, render.py.

Retries are syncd's, not the library's: `ResilientSession` resends every verb, POST included, on
ConnectionError/429/503 (tracker-apis.md §3.4), so the client runs with `max_retries=0` and every
call goes through a calls.Caller (reads retried, writes never resent unless refused with 429),
which also sees every response (a session hook) and refuses a non-JSON one: an HTML page used to
read as an empty search result, and recovery then filed a duplicate.

The client is built with `get_server_info=False` and `deploymentType` set from `deployment`:
that saves the serverInfo call, and without it every `@cloud_api` method (enhanced_search_issues
included) silently returns None (tracker-apis.md §3.2).

syncd's marks are issue and comment properties (mapping.PROPERTY), invisible in Jira's UI;
the text markers older versions wrote into descriptions and comments are still read.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from jira import JIRA, JIRAError

from syncd.errors import TicketGone, TrackerError
from syncd.model import Status, TicketRef
from syncd.trackers.http import answers
from syncd.trackers.http.calls import Caller, Refusal
from syncd.trackers.http.pacing import Pacer
from syncd.trackers.http.paging import OverlapCursor, advance, unseen
from syncd.trackers.jira import mapping as m
from syncd.trackers.jira import render
from syncd.trackers.jira.config import JiraConfig
from syncd.trackers.jira.search import PAGE, search_all
from syncd.trackers.protocol import (
    CloseAs,
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

# JQL time bounds have minute granularity; search lags writes. Both are covered by re-reading
# a window and de-duplicating on (id, updated).
OVERLAP = timedelta(minutes=5)


class JiraTracker:
    """One Jira project, through the `jira` library with its retries off."""

    def __init__(self, name: str, config: JiraConfig, *, pacer: Pacer | None = None) -> None:
        self.name = name
        self.config = config
        self.traits = Traits(kind="jira", supports_due_date=True, search_lag=config.search_lag)
        # jira's own backoff without Retry-After starts at 10 s (resilientsession.py).
        self.pacer = pacer or Pacer(interval=config.min_write_interval, first_guess=10.0)
        self._url = config.url.rstrip("/")
        self._cloud = config.deployment == "cloud"
        self._who = f"Jira tracker {name!r}"
        self._client: JIRA | None = None  # built on first use: the constructor makes no request
        self._ids: dict[str, str] = {}  # issue key → id, for parse_ref (which may not do I/O)
        self._calls = Caller(
            self._who,
            pacer=self.pacer,
            max_wait=config.max_wait,
            errors=(JIRAError,),
            refusal=self._refusal,
            failure=self._failure,
        )

    # -- protocol ---------------------------------------------------------------------------------
    def parse_ref(self, ref: TicketRef) -> str | None:
        """The issue id if known to this adapter, else `key:OPS-12` (fetch() resolves it)."""
        found = m.parse_ref(ref, self._url, self.config.project)
        if found is None:
            return None
        return self._ids.get(found.removeprefix(m.KEY_ID_PREFIX), found)

    def list_changed(self, cursor: str | None) -> Listing:
        """Issues updated since the cursor's watermark (all states); None lists every issue."""
        start = self._calls.requests
        prev = OverlapCursor.decode(cursor, m.CURSOR) if cursor else None
        jql = m.changed_jql(self.config.project, prev.watermark if prev else None)
        rows = self._search("list changed tickets", jql)
        tickets = tuple(self._state(r) for r in unseen(rows, prev, m.CURSOR))
        now = self._calls.server_now or self.pacer.instant()
        top = m.newest(rows)
        overlap = OVERLAP + timedelta(seconds=self.config.search_lag)
        watermark = (min(top, now) if top else now) - overlap
        return Listing(
            tickets=tickets,
            cursor=advance(rows, prev, watermark, m.CURSOR).encode(m.CURSOR),
            requests=self._calls.requests - start,
            not_modified=prev is not None and not tickets,
        )

    def fetch(self, ids: Sequence[str]) -> Fetched:
        """One GET per issue (ids or `key:OPS-12`); an issue moved to another project comes
        back with its new key; a 404 is `gone`."""
        found: list[TicketState] = []
        gone: set[str] = set()
        for ticket_id in dict.fromkeys(ids):
            try:
                raw = self._get_issue(ticket_id)
            except TicketGone:
                gone.add(ticket_id)
                continue
            moved = str(raw["key"]).rsplit("-", 1)[0] != self.config.project
            found.append(self._state(raw, moved_from=ticket_id if moved else None))
        return Fetched(tuple(found), frozenset(gone))

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The issue labelled `syncd-<hash of marker>` whose syncd property (or older text
        marker) names `marker`, as search shows it now.

        Search is eventually consistent: a None here may only mean "not indexed yet"; the
        caller waits `search_lag` before concluding that nothing was created.
        """
        rows = self._search(
            "look for a ticket by marker", m.marker_jql(self.config.project, marker)
        )
        hits = [
            r
            for r in rows
            if m.issue_marker(r) == marker
            and m.marker_label(marker) in ((r.get("fields") or {}).get("labels") or ())
        ]
        return self._state(min(hits, key=lambda r: int(r["id"]))) if hits else None

    def create(self, draft: TicketDraft) -> TicketState:
        """One POST /issue (fields and the marker property), never resent: a lost answer
        raises and recovery uses the marker. In progress: then one transition."""
        body = render.create_request(draft, self.config)
        answer = self._calls.write(
            "create a ticket", lambda: self._send("POST", "issue", body), creates=True
        )
        created = answers.expect_object(self._who, "the created issue", answer, key="id")
        issue_id = str(created["id"])
        self._ids[str(created["key"])] = issue_id
        now = self._calls.server_now or self.pacer.instant()
        state = m.created_state(self.name, self.config, draft, body["fields"], created, now=now)
        if draft.status is Status.IN_PROGRESS:
            self._transition(issue_id, str(created["key"]), "indeterminate", None, None)
            state = dataclasses.replace(state, status=Status.IN_PROGRESS)
        return state

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """One PUT for what differs (fields and labels); closing goes through a transition
        (with a duplicate: resolution Duplicate and an issue link to the original)."""
        if not wants_read(change, supports_due=True):
            return Outcome.NOOP
        raw = self._get_issue(ticket_id)
        issue_id, key = str(raw["id"]), str(raw["key"])
        wanted = diff(change, m.current(raw), supports_due=True, one_assignee=True)
        if not wanted:
            return Outcome.NOOP
        body = render.edit_body(wanted, self._cloud)
        if body:
            self._write_on(
                ticket_id, "update a ticket", lambda: self._send("PUT", f"issue/{issue_id}", body)
            )
        if wanted.close is CloseAs.NOT_PLANNED:
            self._transition(
                issue_id, key, "done", self.config.close_transition, self.config.wont_do_resolution
            )
        elif wanted.close is CloseAs.DUPLICATE:
            self._transition(
                issue_id,
                key,
                "done",
                self.config.close_transition,
                self.config.duplicate_resolution,
            )
            if wanted.duplicate_of is not None:
                original = self._get_issue(wanted.duplicate_of)
                link = render.duplicate_link(issue_id, str(original["id"]))
                self._calls.write(
                    "link the duplicate", lambda: self._send("POST", "issueLink", link)
                )
        return Outcome.UPDATED

    def comment(self, ticket_id: str, note: CommentNote) -> Outcome:
        """POST one comment with syncd's property (never resent): never read back as a
        reason, its reminder tag found by has_comment, neither visible in Jira."""
        if not note.text.strip():
            return Outcome.NOOP
        ref = self._issue_ref(ticket_id)
        body = {
            "body": render.wiki_comment(note, self._cloud),
            "properties": render.comment_properties(note),
        }
        self._write_on(
            ticket_id,
            "comment",
            lambda: self._send("POST", f"issue/{ref}/comment", body),
            creates=True,
        )
        return Outcome.CREATED

    def has_comment(self, ticket_id: str, tag: str, since: datetime) -> bool:
        """Newest comments first, until one is older than `since` (less a clock-skew margin)."""
        cut = as_utc(since) - OVERLAP

        def page(number: int) -> list[dict[str, Any]]:
            return self._comments(ticket_id, start=(number - 1) * PAGE, size=PAGE)

        return newest_first(
            page,
            size=PAGE,
            matches=lambda row: m.comment_has_tag(row, tag),
            older=lambda row: parse_time(row["created"]) < cut,
        )

    # -- requests ---------------------------------------------------------------------------------
    def _jira(self) -> JIRA:
        if self._client is None:
            token = self.config.secret_for(self._who)
            if not token:
                raise TrackerError(f"{self._who}: no API token; set `token` or `token_file`.")
            auth: dict[str, Any] = (
                {"basic_auth": (self.config.email or "", token)}
                if self._cloud
                else {"token_auth": token}
            )
            client = JIRA(
                server=self._url,
                options={"rest_api_version": "2", "check_update": False},
                get_server_info=False,
                max_retries=0,
                timeout=self.config.timeout,
                validate=False,
                **auth,
            )
            # Without serverInfo the library assumes Data Center and @cloud_api methods return
            # None (tracker-apis.md §3.2); the config says which one this is.
            setattr(client, "deploymentType", "Cloud" if self._cloud else "Server")  # noqa: B010
            # The library translates search field names through GET /field, fetched once per
            # client, i.e. once per pass: a second request in an idle pass. syncd names REST
            # field ids already, so seed the cache with them and the lookup never happens.
            client._fields_cache_value = {name: name for name in m.FIELDS}
            client._session.hooks["response"].append(self._calls.observe)
            self._client = client
        return self._client

    def _send(self, verb: str, path: str, body: Any) -> Any:
        """One raw request through the library's session (errors raised as JIRAError)."""
        client = self._jira()
        response = client._session.request(verb, client._get_url(path), data=json.dumps(body))
        return response.json() if response.content else None

    def _search(self, what: str, jql: str) -> list[dict[str, Any]]:
        """Every page of a JQL search (jira/search.py), learning each key's id on the way."""
        rows = search_all(
            self._jira(), jql, cloud=self._cloud, who=self._who, read=self._calls.read, what=what
        )
        self._ids.update((str(row["key"]), str(row["id"])) for row in rows)
        return rows

    def _issue_ref(self, ticket_id: str) -> str:
        return ticket_id.removeprefix(m.KEY_ID_PREFIX)

    def _get_issue(self, ticket_id: str) -> dict[str, Any]:
        """One issue with the syncd property; a 404 is TicketGone."""
        client = self._jira()
        path = f"issue/{self._issue_ref(ticket_id)}"
        params = {"fields": ",".join(m.FIELDS), "properties": m.PROPERTY}
        raw = self._read_on(
            ticket_id, "read a ticket", lambda: client._get_json(path, params=params)
        )
        issue = answers.expect_object(self._who, "an issue", raw, key="fields")
        self._ids[str(issue["key"])] = str(issue["id"])
        return issue

    def _comments(self, ticket_id: str, *, start: int, size: int) -> list[dict[str, Any]]:
        client = self._jira()
        path = f"issue/{self._issue_ref(ticket_id)}/comment"
        params = {
            "orderBy": "-created",
            "maxResults": size,
            "startAt": start,
            "expand": "properties",
        }
        page = self._read_on(
            ticket_id, "read comments", lambda: client._get_json(path, params=params)
        )
        rows = answers.expect_object(self._who, "a comment list", page, key="comments")["comments"]
        return answers.expect_list(self._who, "a comment list", rows, key="created")

    def _read_on(self, ticket_id: str, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return self._calls.read(what, fn)
        except _Missing:
            raise self._gone(ticket_id) from None

    def _write_on(
        self, ticket_id: str, what: str, fn: Callable[[], Any], *, creates: bool = False
    ) -> Any:
        try:
            return self._calls.write(what, fn, creates=creates)
        except _Missing:
            raise self._gone(ticket_id) from None

    def _gone(self, ticket_id: str) -> TicketGone:
        return TicketGone(
            f"{self._who}: issue {self._issue_ref(ticket_id)} was deleted or is no longer "
            "visible to this account (404).",
            self.name,
            ticket_id,
        )

    def _transition(
        self, issue_id: str, key: str, category: str, wanted: str | None, resolution: str | None
    ) -> None:
        client = self._jira()
        rows: list[dict[str, Any]] = self._calls.read(
            "read transitions", lambda: client.transitions(issue_id)
        )
        tid = m.transition_id(rows, wanted, category)
        if tid is None:
            which = f"named {wanted!r} " if wanted else ""
            to = "a done status" if category == "done" else "an in-progress status"
            raise TrackerError(
                f"{self._who}: {key} has no transition {which}to {to} for this account;"
                " set `close_transition` or change it by hand."
            )
        fields = {"resolution": {"name": resolution}} if resolution else None

        def move() -> None:
            try:
                client.transition_issue(issue_id, tid, fields=fields)
            except JIRAError as exc:
                if exc.status_code != 400 or fields is None:
                    raise
                # The resolution is not on the transition screen; Jira then sets its own.
                client.transition_issue(issue_id, tid)

        self._calls.write("move a ticket", move)

    def _state(self, issue: dict[str, Any], moved_from: str | None = None) -> TicketState:
        reason = None
        if m.needs_reason(issue, self.config):
            rows = self._comments(str(issue["id"]), start=0, size=20)
            reason = m.reason_from_comments(rows)
        return m.ticket_state(self.name, self.config, issue, reason, moved_from)

    def _refusal(self, exc: Exception, write: bool) -> Refusal:
        """429 is refused (nothing written); so is a 503 with Retry-After, trusted for reads."""
        code = exc.status_code if isinstance(exc, JIRAError) else None
        headers = self._calls.headers
        if isinstance(exc, JIRAError) and exc.response is not None:
            headers = {k.lower(): v for k, v in exc.response.headers.items()}
        after = m.rate_limit_seconds(headers, self.pacer.instant())
        throttled = code == 429 or (code == 503 and after is not None and not write)
        return Refusal(code, throttled=throttled, retry_after=after)

    def _failure(self, what: str, code: int | None, write: bool) -> TrackerError:
        where = f"{self._who} ({self.config.public_url}, project {self.config.project})"
        message = f"{where}: could not {what}: {m.failure_hint(code, write, self._cloud)}."
        return _Missing(message) if code == 404 else TrackerError(message)


class _Missing(TrackerError):
    """404 for an issue: the adapter turns it into TicketGone where a ticket was asked for."""
