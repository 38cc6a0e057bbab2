"""GitLab adapter (python-gitlab). Settings: config.py; pure mapping: mapping.py.

Retries are syncd's, not python-gitlab's: its 429 sleep has no cap and its transient-error
retry resends POSTs (gitlab/client.py `http_request`, tracker-apis.md §2.3), so every call
passes `obey_rate_limit=False, retry_transient_errors=False` and goes through a calls.Caller,
which also sees every response (a session hook) and refuses a non-JSON one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import gitlab
from gitlab.exceptions import GitlabError

from syncd.errors import TicketGone, TrackerError
from syncd.model import TicketRef
from syncd.trackers import marking
from syncd.trackers.gitlab import mapping as m
from syncd.trackers.gitlab.config import GitLabConfig
from syncd.trackers.http import answers
from syncd.trackers.http.calls import Caller, Refusal
from syncd.trackers.http.pacing import Pacer
from syncd.trackers.http.paging import OverlapCursor, advance, unseen
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

# The Date header has 1 s resolution and is stamped after the query ran; app servers and the
# database may disagree by a few seconds. Issues in the overlap come back and are de-duplicated.
OVERLAP = timedelta(seconds=60)
MARKER_LOOKBACK = timedelta(minutes=5)
NOTES_PAGE = 100
MOVES_FOLLOWED = 3  # an issue moved again and again is followed this many hops
_NO_LIBRARY_RETRY: dict[str, Any] = {"obey_rate_limit": False, "retry_transient_errors": False}
_UNKNOWN_FOR = 3600.0  # seconds a user name GitLab did not know stays unknown


class GitLabTracker:
    """One GitLab project, through python-gitlab with library retries off."""

    def __init__(self, name: str, config: GitLabConfig, *, pacer: Pacer | None = None) -> None:
        self.name = name
        self.config = config
        self.traits = Traits(kind="gitlab", supports_due_date=True)
        # GitLab.com may send a 429 without any header (gitlab-org/gitlab#365728): 1, 2, 4 s.
        self.pacer = pacer or Pacer(interval=config.min_write_interval, first_guess=1.0)
        self._url = config.url.rstrip("/")
        self._who = f"GitLab tracker {name!r}"
        self._client: gitlab.Gitlab | None = None  # built on first use (reads the token)
        self._path: str | None = None if config.project.isdigit() else config.project
        # user name → id; a name GitLab did not know is asked again after _UNKNOWN_FOR (the
        # service keeps its adapter: a person added to GitLab later gets assigned).
        self._user_ids: dict[str, int | None] = {}
        self._unknown_since: dict[str, float] = {}
        self._missing = False  # the last refusal was a 404 for an issue, not the project
        self._calls = Caller(
            self._who,
            pacer=self.pacer,
            max_wait=config.max_wait,
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
            watermark = max(parse_time(r["updated_at"]) for r in rows) - OVERLAP
        else:
            now = self.pacer.instant()
            watermark = prev.watermark if prev else now - OVERLAP
        return Listing(
            tickets=tickets,
            cursor=advance(rows, prev, watermark, m.CURSOR).encode(m.CURSOR),
            requests=self._calls.requests - start,
            not_modified=prev is not None and not tickets,
        )

    def fetch(self, ids: Sequence[str]) -> Fetched:
        """Current state of these issues: one `iids[]` listing per 100 own ids; a moved issue
        is followed to where it went; an id the project no longer lists is `gone`."""
        own = sorted({int(i) for i in ids if i.isdigit()})
        rows: list[dict[str, Any]] = []
        for n in range(0, len(own), 100):
            batch = own[n : n + 100]
            rows += self._calls.read("fetch issues", functools.partial(self._list, {"iids": batch}))
        states: list[TicketState] = []
        listed = {str(r["iid"]) for r in rows}
        for row in rows:
            states.append(self._followed(row) if row.get("moved_to_id") else self._state(row))
        gone = {str(i) for i in own} - listed
        for ticket_id in dict.fromkeys(i for i in ids if "#" in i):
            try:
                states.append(self._state(self._get(ticket_id)))
            except TicketGone:
                gone.add(ticket_id)
        return Fetched(tuple(states), frozenset(gone))

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The issue carrying `marker`, via the (consistent, DB-backed) project issue list."""
        query = {
            "order_by": "updated_at",
            "sort": "asc",
            "updated_after": m.format_time(since - MARKER_LOOKBACK),
        }
        rows = self._calls.read("look for a ticket by marker", lambda: self._list(query))
        hits = [r for r in rows if marking.extract_marker(r.get("description")) == marker]
        return self._state(min(hits, key=lambda r: r["iid"])) if hits else None

    def create(self, draft: TicketDraft) -> TicketState:
        """One POST, never resent: a lost answer raises and recovery goes through the marker."""
        fields = m.create_fields(draft, self.config, self._user_id_list(draft.assignees))
        issue = self._calls.write(
            "create a ticket",
            lambda: self._project().issues.create(fields, **_NO_LIBRARY_RETRY),
            creates=True,
        )
        return self._state(self._row(issue.asdict()))

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """PUT only what differs from the issue as it is now (one request for fields, labels
        and closing); a duplicate also gets a note naming the ticket it duplicates."""
        if not wants_read(change, supports_due=True):
            return Outcome.NOOP
        issue = self._get(ticket_id)
        wanted = diff(change, m.current(issue), supports_due=True)
        if not wanted:
            return Outcome.NOOP
        ids = self._user_id_list(wanted.assignees) if wanted.assignees is not None else None
        data = m.put_fields(wanted, self.config, ids)
        self._calls.write("update a ticket", lambda: self._put(ticket_id, data))
        if wanted.close is CloseAs.DUPLICATE and wanted.duplicate_of is not None:
            original = self._get(wanted.duplicate_of)
            path = m.project_path(original.get("web_url"), self._url, self.config.project)
            self.comment(ticket_id, m.duplicate_note(f"{path}#{original['iid']}"))
        return Outcome.UPDATED

    def comment(self, ticket_id: str, note: CommentNote) -> Outcome:
        """POST one note (never resent), tagged so it is never read back as a close reason."""
        if not note.text.strip():
            return Outcome.NOOP
        notes = self._issue_api(ticket_id).notes
        data = {"body": m.comment_body(note)}
        self._write_on(
            ticket_id, "comment", lambda: notes.create(data, **_NO_LIBRARY_RETRY), creates=True
        )
        return Outcome.CREATED

    def has_comment(self, ticket_id: str, tag: str, since: datetime) -> bool:
        """Newest notes first, until one is older than `since` (less a clock-skew margin)."""
        cut = as_utc(since) - MARKER_LOOKBACK

        def page(number: int) -> list[dict[str, Any]]:
            return self._notes(ticket_id, per_page=NOTES_PAGE, page=number)

        return newest_first(
            page,
            size=NOTES_PAGE,
            matches=lambda row: tag in str(row.get("body") or ""),
            older=lambda row: parse_time(row["created_at"]) < cut,
        )

    # -- requests ---------------------------------------------------------------------------------
    @property
    def _gl(self) -> gitlab.Gitlab:
        if self._client is None:
            self._client = gitlab.Gitlab(
                self._url,
                private_token=self.config.secret_for(self._who),
                per_page=100,
                retry_transient_errors=False,
                timeout=self.config.timeout,
            )
            # Every response passes this hook: request counts, the server clock, Retry-After,
            # and the content-type check (an HTML page used to end in `KeyError: 0`).
            self._client.session.hooks["response"].append(self._calls.observe)
        return self._client

    def _project(self, path: str | None = None) -> Any:
        return self._gl.projects.get(path or self.config.project, lazy=True)  # lazy: no request

    def _issue_api(self, ticket_id: str) -> Any:
        path, iid = self._where(ticket_id)
        return self._project(path).issues.get(iid, lazy=True)

    def _where(self, ticket_id: str) -> tuple[str | None, int]:
        """(project path or None for this project, iid) of a ticket id."""
        path, _, iid = ticket_id.rpartition("#")
        if not iid.isdigit():
            raise TrackerError(f"{self._who}: {ticket_id!r} is not a GitLab issue id.")
        return (path or None), int(iid)

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
                if old is None or parse_time(row["updated_at"]) >= parse_time(old["updated_at"]):
                    found[row["id"]] = row
            if not repeated:
                break
        return list(found.values())

    def _pages(self, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        # iterator=True: without it python-gitlab returns page 1 only (python-gitlab#534).
        for issue in self._project().issues.list(iterator=True, **query, **_NO_LIBRARY_RETRY):
            row = self._row(issue.asdict())
            if self._path is None:
                self._path = m.project_path(row.get("web_url"), self._url, "") or None
            yield row

    def _row(self, data: Any) -> dict[str, Any]:
        return answers.expect_object(self._who, "an issue", data, key="iid")

    def _get(self, ticket_id: str) -> dict[str, Any]:
        """One issue; a 404 while the project answers is TicketGone."""
        path, iid = self._where(ticket_id)
        issues = self._project(path).issues
        issue = self._read_on(
            ticket_id, "read a ticket", lambda: issues.get(iid, **_NO_LIBRARY_RETRY)
        )
        return self._row(issue.asdict())

    def _notes(self, ticket_id: str, **query: Any) -> list[dict[str, Any]]:
        notes = self._issue_api(ticket_id).notes
        rows = self._read_on(
            ticket_id,
            "read notes",
            lambda: notes.list(
                sort="desc", order_by="created_at", get_all=False, **query, **_NO_LIBRARY_RETRY
            ),
        )
        return [answers.expect_object(self._who, "a note", n.asdict(), key="body") for n in rows]

    def _put(self, ticket_id: str, data: dict[str, Any]) -> Any:
        path, iid = self._where(ticket_id)
        return self._project(path).issues.update(iid, data, **_NO_LIBRARY_RETRY)

    def _read_on(self, ticket_id: str, what: str, fn: Any) -> Any:
        try:
            return self._calls.read(what, fn)
        except _IssueMissing:
            raise self._gone(ticket_id) from None

    def _write_on(self, ticket_id: str, what: str, fn: Any, *, creates: bool = False) -> Any:
        try:
            return self._calls.write(what, fn, creates=creates)
        except _IssueMissing:
            raise self._gone(ticket_id) from None

    def _gone(self, ticket_id: str) -> TicketGone:
        return TicketGone(
            f"{self._who}: issue {ticket_id} was deleted or is no longer visible (404).",
            self.name,
            ticket_id,
        )

    def _followed(self, row: dict[str, Any]) -> TicketState:
        """A moved issue's new home (GitLab shows the old one closed with `moved_to_id`)."""
        asked, current = str(row["iid"]), row
        for _ in range(MOVES_FOLLOWED):
            if not current.get("moved_to_id"):
                break
            ticket = m.ticket_state(self.name, self.config, current, own_path=self._path).id
            target = m.moved_to(self._notes(ticket, per_page=20))
            if target is None:
                break
            current = self._get(f"{target[0]}#{target[1]}")
        if current is row:
            return self._state(row)
        return self._state(current, moved_from=asked)

    def _state(self, issue: dict[str, Any], moved_from: str | None = None) -> TicketState:
        state = m.ticket_state(self.name, self.config, issue, None, moved_from, self._path)
        if m.needs_reason(issue, self.config):
            reason = m.reason_from_notes(self._notes(state.id, per_page=20))
            state = m.ticket_state(self.name, self.config, issue, reason, moved_from, self._path)
        return state

    def _user_id_list(self, names: Sequence[str]) -> list[int]:
        """Numeric ids pass through; user names are looked up once each (unknown ones skipped)."""
        ids: list[int] = []
        for raw in names:
            name = raw.strip().removeprefix("@")
            if name.isdigit():
                ids.append(int(name))
                continue
            now = self.pacer.now()
            if name not in self._user_ids or (
                self._user_ids[name] is None
                and now - self._unknown_since.get(name, now) >= _UNKNOWN_FOR
            ):
                lookup = functools.partial(
                    self._gl.users.list, username=name, get_all=False, **_NO_LIBRARY_RETRY
                )
                users = list(self._calls.read("look up a user", lookup))
                self._user_ids[name] = int(users[0].asdict()["id"]) if users else None
                if not users:
                    self._unknown_since[name] = now
            if (uid := self._user_ids[name]) is not None:
                ids.append(int(uid))
        return ids

    def _refusal(self, exc: Exception, write: bool) -> Refusal:
        """A 429 is refused (nothing written); GitLab names the wait in the hooked headers."""
        code = exc.response_code if isinstance(exc, GitlabError) else None
        if code == 429:
            now = self.pacer.instant()
            wait = m.rate_limit_seconds(self._calls.headers, now)
            return Refusal(429, throttled=True, retry_after=wait)
        message = str(exc.error_message if isinstance(exc, GitlabError) else "")
        self._missing = code == 404 and "project" not in message.casefold()
        return Refusal(code if code is not None else 0)

    def _error(self, what: str, code: int | None, write: bool) -> TrackerError:
        where = f"{self._who} ({self.config.public_url}, project {self.config.project})"
        message = f"{where}: could not {what}: {m.failure_hint(code, write)}."
        if code == 404 and self._missing:
            return _IssueMissing(message)
        return TrackerError(message)


class _IssueMissing(TrackerError):
    """404 for an issue while its project answers: the adapter turns it into TicketGone."""
