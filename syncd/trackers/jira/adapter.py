"""Jira adapter (jira). Settings: jira_config.py.

The pure half (issue JSON → TicketState, drafts, refs, JQL, cursor format) is jira_map.py.
Retries are ours, not the library's: `ResilientSession` resends every verb, POST included, on
ConnectionError/429/503 (tracker-apis.md §3.4), so the client runs with `max_retries=0` and every
call goes through a calls.Caller (reads retried, writes never resent unless refused with 429).

The client is built with `get_server_info=False` and `deploymentType` set from `deployment`:
that saves the serverInfo call, and without it every `@cloud_api` method (enhanced_search_issues
included) silently returns None (tracker-apis.md §3.2).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests
from jira import JIRA, JIRAError

from syncd.errors import TrackerError
from syncd.model import TicketRef
from syncd.trackers.http.calls import Caller, Refusal
from syncd.trackers.http.paging import OverlapCursor, advance, unseen
from syncd.trackers.jira import mapping as m
from syncd.trackers.jira.config import JiraConfig
from syncd.trackers.protocol import (
    Listing,
    Outcome,
    TicketChange,
    TicketDraft,
    TicketState,
    extract_marker,
)

PAGE = 100  # search/jql serves at most 100 issues with fields per page
# JQL time bounds have minute granularity; search lags writes. Both are covered by re-reading
# a window and de-duplicating on (id, updated).
OVERLAP = timedelta(minutes=5)


class JiraTracker:
    """One Jira project, through the `jira` library with its retries off."""

    kind: ClassVar[str] = "jira"

    def __init__(self, name: str, config: JiraConfig) -> None:
        self.name = name
        self.config = config
        self._url = config.url.rstrip("/")
        self._cloud = config.deployment == "cloud"
        self._client: JIRA | None = None  # built on first use: the constructor makes no request
        self._ids: dict[str, str] = {}  # issue key → id, for parse_ref (which may not do I/O)
        self._calls = Caller(
            f"Jira tracker {name!r}",
            max_wait=config.max_wait,
            min_write_interval=config.min_write_interval,
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
        now = self._calls.server_now or datetime.now(UTC)
        top = m.newest(rows)
        overlap = OVERLAP + timedelta(seconds=self.config.search_lag)
        watermark = (min(top, now) if top else now) - overlap
        return Listing(
            tickets=tickets,
            cursor=advance(rows, prev, watermark, m.CURSOR).encode(m.CURSOR),
            requests=self._calls.requests - start,
            not_modified=prev is not None and not tickets,
        )

    def fetch(self, ids: Sequence[str]) -> list[TicketState]:
        """One GET per issue (ids or `key:OPS-12`); issues that are gone are left out."""
        found: list[TicketState] = []
        for ticket_id in dict.fromkeys(ids):
            raw = self._get_issue(ticket_id, missing_ok=True)
            if raw is not None:
                found.append(self._state(raw))
        return found

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The issue labelled `syncd-<hash of marker>`, as search shows it now.

        Search is eventually consistent: a None here may only mean "not indexed yet"; the
        caller waits `search_lag` before concluding that nothing was created.
        """
        rows = self._search(
            "look for a ticket by marker", m.marker_jql(self.config.project, marker)
        )
        hits = [
            r
            for r in rows
            if extract_marker(r["fields"].get("description")) in (marker, None)
            and m.marker_label(marker) in (r["fields"].get("labels") or ())
        ]
        return self._state(min(hits, key=lambda r: int(r["id"]))) if hits else None

    def create(self, draft: TicketDraft) -> TicketState:
        """One POST /issue, never resent: a lost answer raises and recovery uses the marker."""
        fields = m.create_fields(draft, self.config)
        client = self._jira()
        issue = self._calls.write(
            "create a ticket", lambda: client.create_issue(fields=fields, prefetch=False)
        )
        self._ids[str(issue.key)] = str(issue.id)
        now = self._calls.server_now or datetime.now(UTC)
        return m.created_state(self.name, self.config, draft, fields, issue.raw, now=now)

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """PUT only the fields that differ; close_not_planned goes through a transition."""
        raw = self._get_issue(ticket_id)
        assert raw is not None
        issue_id, current = str(raw["id"]), raw.get("fields") or {}
        data: dict[str, Any] = {}
        if change.title is not None and change.title != current.get("summary"):
            data["summary"] = change.title
        if change.assignees is not None:
            wanted = change.assignees[0] if change.assignees else None
            have = m.ticket_state(self.name, self.config, raw).assignees
            if have[:1] != change.assignees[:1]:
                data["assignee"] = m.user_field(wanted, self._cloud) if wanted else None
        if change.due is not None and change.due.isoformat() != current.get("duedate"):
            data["duedate"] = change.due.isoformat()
        elif change.due is None and change.clear_due and current.get("duedate"):
            data["duedate"] = None
        outcome = Outcome.NOOP
        if data:
            self._calls.write("update a ticket", lambda: self._put(issue_id, {"fields": data}))
            outcome = Outcome.UPDATED
        category = ((current.get("status") or {}).get("statusCategory") or {}).get("key")
        if change.close_not_planned and category != "done":
            self._close_not_planned(issue_id, str(raw["key"]))
            outcome = Outcome.UPDATED
        return outcome

    def set_label(self, ticket_id: str, label: str, present: bool) -> Outcome:
        """PUT `update.labels` add/remove; Jira labels have no spaces, so they become '-'."""
        label = m.label_text(label)
        raw = self._get_issue(ticket_id)
        assert raw is not None
        labels = set((raw.get("fields") or {}).get("labels") or ())
        if (label in labels) == present:
            return Outcome.NOOP
        body = {"update": {"labels": [{"add" if present else "remove": label}]}}
        self._calls.write("change a label", lambda: self._put(str(raw["id"]), body))
        return Outcome.UPDATED

    def comment(self, ticket_id: str, body: str) -> Outcome:
        """POST one comment (never resent), tagged so it is never read back as a reason."""
        client = self._jira()
        issue = self._issue_ref(ticket_id)
        text = f"{body.rstrip()}\n\n{m.OWN_NOTE}"
        self._calls.write("comment", lambda: client.add_comment(issue, text))
        return Outcome.CREATED

    def has_comment(self, ticket_id: str, text: str, since: datetime) -> bool:
        """Newest comments first, until one is older than `since` (less a clock-skew margin)."""
        client = self._jira()
        path = f"issue/{ticket_id}/comment"
        cut = since.astimezone(UTC) - OVERLAP
        start = 0
        while True:
            params = {"orderBy": "-created", "maxResults": PAGE, "startAt": start}
            page = self._calls.read(
                "look for a reminder", functools.partial(client._get_json, path, params=params)
            )
            rows = page.get("comments") or []
            for row in rows:
                if text in str(row.get("body") or ""):
                    return True
                if m.parse_time(row["created"]) < cut:
                    return False
            start += len(rows)
            if not rows or start >= int(page.get("total") or 0):
                return False

    # -- requests ---------------------------------------------------------------------------------
    def _jira(self) -> JIRA:
        if self._client is None:
            token = self.config.secret_for(f"Jira tracker {self.name!r}")
            if not token:
                raise TrackerError(
                    f"Jira tracker {self.name!r}: no API token; set `token` or `token_file`."
                )
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

    def _search(self, what: str, jql: str) -> list[dict[str, Any]]:
        """Every page: nextPageToken on Cloud (never startAt), startAt/total on Data Center."""
        client = self._jira()
        found: dict[str, dict[str, Any]] = {}
        token: str | None = None
        start = 0
        while True:
            if self._cloud:
                call = functools.partial(
                    client.enhanced_search_issues,
                    jql,
                    nextPageToken=token,
                    maxResults=PAGE,
                    fields=list(m.FIELDS),
                    json_result=True,
                )
            else:
                call = functools.partial(
                    client.search_issues,
                    jql,
                    startAt=start,
                    maxResults=PAGE,
                    fields=list(m.FIELDS),
                    json_result=True,
                )
            page = self._calls.read(what, call)
            assert isinstance(page, dict), "the jira client lost its deployment type"
            issues = page.get("issues") or []
            for row in issues:
                old = found.get(row["id"])
                if old is None or old["fields"]["updated"] <= row["fields"]["updated"]:
                    found[row["id"]] = row
                self._ids[row["key"]] = row["id"]
            if self._cloud:
                token = page.get("nextPageToken")
                if not token or page.get("isLast"):
                    break
            else:
                start += len(issues)
                if not issues or start >= int(page.get("total", 0)):
                    break
        return list(found.values())

    def _issue_ref(self, ticket_id: str) -> str:
        return ticket_id.removeprefix(m.KEY_ID_PREFIX)

    def _get_issue(self, ticket_id: str, missing_ok: bool = False) -> dict[str, Any] | None:
        client = self._jira()
        ref = self._issue_ref(ticket_id)
        try:
            issue = self._calls.read(
                "read a ticket", lambda: client.issue(ref, fields=",".join(m.FIELDS))
            )
        except _MissingError:
            if missing_ok:
                return None
            raise
        raw: dict[str, Any] = issue.raw
        self._ids[str(raw["key"])] = str(raw["id"])
        return raw

    def _put(self, issue_id: str, body: dict[str, Any]) -> requests.Response:
        client = self._jira()
        return client._session.put(client._get_url(f"issue/{issue_id}"), data=json.dumps(body))

    def _close_not_planned(self, issue_id: str, key: str) -> None:
        client = self._jira()
        rows: list[dict[str, Any]] = self._calls.read(
            "read transitions", lambda: client.transitions(issue_id)
        )
        wanted = self.config.close_transition
        tid = m.close_transition_id(rows, wanted)
        if tid is None:
            which = f"named {wanted!r} " if wanted else ""
            raise TrackerError(
                f"Jira tracker {self.name!r}: {key} has no transition {which}to a done status"
                " for this account; set `close_transition` or close it by hand."
            )
        resolution = {"resolution": {"name": self.config.wont_do_resolution}}

        def close() -> None:
            try:
                client.transition_issue(issue_id, tid, fields=resolution)
            except JIRAError as exc:
                if exc.status_code != 400:
                    raise
                # The resolution is not on the transition screen; Jira then sets its own.
                client.transition_issue(issue_id, tid)

        self._calls.write("close a ticket as not planned", close)

    def _state(self, issue: dict[str, Any]) -> TicketState:
        reason = None
        if m.needs_reason(issue, self.config):
            client = self._jira()
            path = f"issue/{issue['id']}/comment"
            params = {"orderBy": "-created", "maxResults": 20}
            page = self._calls.read(
                "read the close reason", lambda: client._get_json(path, params=params)
            )
            reason = m.reason_from_comments(page.get("comments") or ())
        return m.ticket_state(self.name, self.config, issue, reason)

    def _refusal(self, exc: Exception, write: bool) -> Refusal:
        """429 is refused (nothing written); so is a 503 with Retry-After, trusted for reads."""
        code = exc.status_code if isinstance(exc, JIRAError) else None
        headers = self._calls.headers
        if isinstance(exc, JIRAError) and exc.response is not None:
            headers = {k.lower(): v for k, v in exc.response.headers.items()}
        after = m.rate_limit_seconds(headers, datetime.now(UTC))
        throttled = code == 429 or (code == 503 and after is not None and not write)
        return Refusal(code, throttled=throttled, retry_after=after)

    def _failure(self, what: str, code: int | None, write: bool) -> TrackerError:
        where = f"Jira tracker {self.name!r} ({self._url}, project {self.config.project})"
        message = f"{where}: could not {what}: {m.failure_hint(code, write, self._cloud)}."
        return _MissingError(message) if code == 404 and not write else TrackerError(message)


class _MissingError(TrackerError):
    """404 on a read: the issue is gone or hidden from this account."""
