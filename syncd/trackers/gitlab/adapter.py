"""GitLab adapter (python-gitlab). Settings: gitlab_config.py.

The pure half (issue JSON → TicketState, drafts, refs, cursor format) is gitlab_map.py.
Retries are ours, not python-gitlab's: its 429 sleep has no cap and its transient-error retry
resends POSTs (gitlab/client.py `http_request`, tracker-apis.md §2.3), so every call passes
`obey_rate_limit=False, retry_transient_errors=False` and goes through a calls.Caller.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import gitlab
from gitlab.exceptions import GitlabError
from gitlab.v4.objects import Project

from syncd.errors import TrackerError
from syncd.model import TicketRef
from syncd.trackers.gitlab import mapping as m
from syncd.trackers.gitlab.config import GitLabConfig
from syncd.trackers.http.calls import Caller, Refusal
from syncd.trackers.http.paging import OverlapCursor, advance, unseen
from syncd.trackers.protocol import (
    Listing,
    Outcome,
    TicketChange,
    TicketDraft,
    TicketState,
    extract_marker,
)

# The Date header has 1 s resolution and is stamped after the query ran; app servers and the
# database may disagree by a few seconds. Issues in the overlap come back and are de-duplicated.
OVERLAP = timedelta(seconds=60)
MARKER_LOOKBACK = timedelta(minutes=5)
NOTES_PAGE = 100
_NO_LIBRARY_RETRY: dict[str, Any] = {"obey_rate_limit": False, "retry_transient_errors": False}


class GitLabTracker:
    """One GitLab project, through python-gitlab with library retries off."""

    kind: ClassVar[str] = "gitlab"

    def __init__(self, name: str, config: GitLabConfig) -> None:
        self.name = name
        self.config = config
        self._url = config.url.rstrip("/")
        self._client: gitlab.Gitlab | None = None  # built on first use (reads the token)
        self._path: str | None = None if config.project.isdigit() else config.project
        self._user_ids: dict[str, int | None] = {}
        self._calls = Caller(
            f"GitLab tracker {name!r}",
            max_wait=config.max_wait,
            min_write_interval=config.min_write_interval,
            errors=(GitlabError,),
            refusal=self._refusal,
            failure=self._error,
        )

    # -- protocol ---------------------------------------------------------------------------------
    def parse_ref(self, ref: TicketRef) -> str | None:
        """The iid if `ref` points at an issue of this project (never a merge request)."""
        return m.parse_ref(ref, self._url, self._path)

    def list_changed(self, cursor: str | None) -> Listing:
        """Issues updated since the cursor's watermark (all states); None lists every issue."""
        start = self._calls.requests
        self._calls.dates.clear()
        prev = OverlapCursor.decode(cursor, m.CURSOR) if cursor else None
        query: dict[str, Any] = {"order_by": "updated_at", "sort": "asc"}
        if prev is not None:
            query["updated_after"] = m.format_time(prev.watermark)
        rows = self._calls.read("list issues", lambda: self._list(query))
        tickets = tuple(self._state(r) for r in unseen(rows, prev, m.CURSOR))
        if self._calls.dates:
            watermark = min(self._calls.dates) - OVERLAP
        elif rows:
            watermark = max(m.parse_time(r["updated_at"]) for r in rows) - OVERLAP
        else:
            watermark = prev.watermark if prev else datetime.now(UTC) - OVERLAP
        return Listing(
            tickets=tickets,
            cursor=advance(rows, prev, watermark, m.CURSOR).encode(m.CURSOR),
            requests=self._calls.requests - start,
            not_modified=prev is not None and not tickets,
        )

    def fetch(self, ids: Sequence[str]) -> list[TicketState]:
        """Current state of these issues: one `iids[]` listing per 100 ids."""
        iids = sorted({int(i) for i in ids if i.isdigit()})
        rows: list[dict[str, Any]] = []
        for n in range(0, len(iids), 100):
            batch = iids[n : n + 100]
            rows += self._calls.read("fetch issues", functools.partial(self._list, {"iids": batch}))
        return [self._state(r) for r in rows]

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The issue carrying `marker`, via the (consistent, DB-backed) project issue list."""
        query = {
            "order_by": "updated_at",
            "sort": "asc",
            "updated_after": m.format_time(since - MARKER_LOOKBACK),
        }
        rows = self._calls.read("look for a ticket by marker", lambda: self._list(query))
        hits = [r for r in rows if extract_marker(r.get("description")) == marker]
        return self._state(min(hits, key=lambda r: r["iid"])) if hits else None

    def create(self, draft: TicketDraft) -> TicketState:
        """One POST, never resent: a lost answer raises and recovery goes through the marker."""
        fields = m.create_fields(draft, self.config.labels, self._user_id_list(draft.assignees))
        issue = self._calls.write(
            "create a ticket", lambda: self._project.issues.create(fields, **_NO_LIBRARY_RETRY)
        )
        return self._state(issue.asdict())

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """PUT only the fields that differ from the issue as it is now."""
        issue = self._get(ticket_id)
        data: dict[str, Any] = {}
        if change.title is not None and change.title != issue.get("title"):
            data["title"] = change.title
        if change.assignees is not None:
            wanted = self._user_id_list(change.assignees)
            if sorted(wanted) != sorted(a["id"] for a in issue.get("assignees") or ()):
                data["assignee_ids"] = wanted
        if change.due is not None and change.due.isoformat() != issue.get("due_date"):
            data["due_date"] = change.due.isoformat()
        elif change.due is None and change.clear_due and issue.get("due_date"):
            data["due_date"] = None
        if change.close_not_planned and issue["state"] == "opened":
            data["state_event"] = "close"
            if self.config.wont_do_labels:
                data["add_labels"] = self.config.wont_do_labels[0]
        if not data:
            return Outcome.NOOP
        self._calls.write("update a ticket", lambda: self._put(ticket_id, data))
        return Outcome.UPDATED

    def set_label(self, ticket_id: str, label: str, present: bool) -> Outcome:
        """add_labels / remove_labels; GitLab creates a label that does not exist yet."""
        labels = {lb.casefold() for lb in self._get(ticket_id).get("labels") or ()}
        if (label.casefold() in labels) == present:
            return Outcome.NOOP
        data = {"add_labels" if present else "remove_labels": label}
        self._calls.write("change a label", lambda: self._put(ticket_id, data))
        return Outcome.UPDATED

    def comment(self, ticket_id: str, body: str) -> Outcome:
        """POST one note (never resent), tagged so it is never read back as a close reason."""
        notes = self._project.issues.get(int(ticket_id), lazy=True).notes
        data = {"body": f"{body.rstrip()}\n\n{m.OWN_NOTE}"}
        self._calls.write("comment", lambda: notes.create(data, **_NO_LIBRARY_RETRY))
        return Outcome.CREATED

    def has_comment(self, ticket_id: str, text: str, since: datetime) -> bool:
        """Newest notes first, until one is older than `since` (less a clock-skew margin)."""
        notes = self._project.issues.get(int(ticket_id), lazy=True).notes
        cut = since.astimezone(UTC) - MARKER_LOOKBACK

        def newest(page: int) -> list[Any]:
            return list(
                notes.list(
                    sort="desc",
                    order_by="created_at",
                    per_page=NOTES_PAGE,
                    page=page,
                    get_all=False,
                    **_NO_LIBRARY_RETRY,
                )
            )

        page = 1
        while True:
            rows = self._calls.read("look for a reminder", functools.partial(newest, page))
            for row in rows:
                if text in (row.body or ""):
                    return True
                if m.parse_time(row.created_at) < cut:
                    return False
            if len(rows) < NOTES_PAGE:
                return False
            page += 1

    # -- requests ---------------------------------------------------------------------------------
    @property
    def _gl(self) -> gitlab.Gitlab:
        if self._client is None:
            self._client = gitlab.Gitlab(
                self._url,
                private_token=self.config.secret_for(f"GitLab tracker {self.name!r}"),
                per_page=100,
                retry_transient_errors=False,
                timeout=self.config.timeout,
            )
            # Every response passes this hook: request counts, the server clock, Retry-After.
            self._client.session.hooks["response"].append(self._calls.observe)
        return self._client

    @property
    def _project(self) -> Project:
        return self._gl.projects.get(self.config.project, lazy=True)  # lazy: no request

    def _list(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Every page of one listing, de-duplicated on id (python-gitlab#2979).

        An issue updated while we paginate by updated_at moves to the end: it shows up twice and
        the issue that slid onto the page already read is skipped. So a repeat means "list again".
        """
        found: dict[int, dict[str, Any]] = {}
        for _ in range(2):
            ids: set[int] = set()
            repeated = False
            for row in self._pages(query):
                repeated = repeated or row["id"] in ids
                ids.add(row["id"])
                old = found.get(row["id"])
                if old is None or m.parse_time(row["updated_at"]) >= m.parse_time(
                    old["updated_at"]
                ):
                    found[row["id"]] = row
            if not repeated:
                break
        return list(found.values())

    def _pages(self, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        # iterator=True: without it python-gitlab returns page 1 only (python-gitlab#534).
        for issue in self._project.issues.list(iterator=True, **query, **_NO_LIBRARY_RETRY):
            row = issue.asdict()
            if self._path is None:
                self._path = m.project_path(row.get("web_url"), self._url, "") or None
            yield row

    def _get(self, ticket_id: str) -> dict[str, Any]:
        iid = int(ticket_id)
        issue = self._calls.read(
            "read a ticket", lambda: self._project.issues.get(iid, **_NO_LIBRARY_RETRY)
        )
        return issue.asdict()

    def _put(self, ticket_id: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._project.issues.update(int(ticket_id), data, **_NO_LIBRARY_RETRY)

    def _state(self, issue: dict[str, Any]) -> TicketState:
        reason = None
        if m.needs_reason(issue, self.config):
            notes = self._project.issues.get(issue["iid"], lazy=True).notes
            rows = self._calls.read(
                "read the close reason",
                lambda: notes.list(
                    sort="desc",
                    order_by="created_at",
                    per_page=20,
                    get_all=False,
                    **_NO_LIBRARY_RETRY,
                ),
            )
            reason = m.reason_from_notes(n.asdict() for n in rows)
        return m.ticket_state(self.name, self.config, issue, reason)

    def _user_id_list(self, names: Sequence[str]) -> list[int]:
        """Numeric ids pass through; user names are looked up once each (unknown ones skipped)."""
        ids: list[int] = []
        for raw in names:
            name = raw.strip().removeprefix("@")
            if name.isdigit():
                ids.append(int(name))
                continue
            if name not in self._user_ids:
                lookup = functools.partial(
                    self._gl.users.list, username=name, get_all=False, **_NO_LIBRARY_RETRY
                )
                users = list(self._calls.read("look up a user", lookup))
                self._user_ids[name] = int(users[0].asdict()["id"]) if users else None
            if (uid := self._user_ids[name]) is not None:
                ids.append(int(uid))
        return ids

    def _refusal(self, exc: Exception, write: bool) -> Refusal:
        """A 429 is refused (nothing written); GitLab names the wait in the hooked headers."""
        code = exc.response_code if isinstance(exc, GitlabError) else None
        if code == 429:
            wait = m.rate_limit_seconds(self._calls.headers, datetime.now(UTC))
            return Refusal(429, throttled=True, retry_after=wait)
        return Refusal(code if code is not None else 0)

    def _error(self, what: str, code: int | None, write: bool) -> TrackerError:
        where = f"GitLab tracker {self.name!r} ({self._url}, project {self.config.project})"
        return TrackerError(f"{where}: could not {what}: {m.failure_hint(code, write)}.")
