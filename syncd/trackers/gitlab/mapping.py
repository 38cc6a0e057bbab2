"""Pure GitLab mapping: issue JSON → TicketState, drafts → request fields, refs, cursor format.

No I/O here; syncd.trackers.gitlab.adapter does the requests and calls these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from syncd.model import Status, TicketRef
from syncd.trackers import marking
from syncd.trackers.http.calls import retry_after_seconds
from syncd.trackers.http.paging import CursorFormat
from syncd.trackers.protocol import CloseAs, CommentNote, TicketDraft, TicketState
from syncd.trackers.render import markdown_body, markdown_comment
from syncd.trackers.shared import Current, Diff, unique_labels
from syncd.trackers.text import markdown_title, parse_time, plain_title

if TYPE_CHECKING:
    from syncd.trackers.gitlab.config import GitLabConfig

_ISSUE_PATH = re.compile(r"(?P<path>.+?)(?:/-)?/issues/(?P<iid>\d+)/?")
_SHORT_REF = re.compile(r"(?P<path>[\w.-]+(?:/[\w.-]+)+)#(?P<iid>\d+)")
# GitLab's system note on a moved issue (SystemNotes::IssuablesService#noteable_moved).
_MOVED_TO = re.compile(r"^moved to (?P<path>[\w.-]+(?:/[\w.-]+)+)#(?P<iid>\d+)$")


def format_time(dt: datetime) -> str:
    """`2026-06-01T12:00:00.123Z`: UTC, because python-gitlab str()s a datetime with a space."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def rate_limit_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds a 429 asks for (lower-case `headers`): Retry-After, else RateLimit-Reset; None
    when neither is sent, as GitLab.com sometimes does (gitlab-org/gitlab#365728)."""
    after = retry_after_seconds(headers.get("retry-after"), now)
    if after is None and (reset := headers.get("ratelimit-reset", "")).isdigit():
        after = max(0.0, int(reset) - now.timestamp())
    return after


def failure_hint(code: int | None, write: bool) -> str:
    """What went wrong and what to check; `code` None: no answer, 0: an unreadable answer."""
    if code == 401:
        hint = "the token was rejected (401); check that it is valid, not expired, and has the"
        hint += " `api` scope"
    elif code == 403:
        hint = "permission denied (403); the token needs the `api` scope and the Planner or"
        hint += " Developer role"
    elif code == 404:
        hint = "not found (404); check `project` (path or id) and that the token's user can see it"
    elif code is None:
        hint = "no answer (connection failed or timed out); check `url` and the network"
    elif code == 0:
        hint = "GitLab's answer could not be read; check that `url` is the GitLab instance"
    else:
        hint = f"GitLab answered {code}"
    if write and (code is None or code == 0 or code >= 500):
        hint += "; the write may have happened, so syncd checks for it by marker before retrying"
    return hint


def _has_any(labels: Iterable[str], wanted: Iterable[str]) -> bool:
    folded = {w.casefold() for w in wanted}
    return any(label.casefold() in folded for label in labels)


def map_status(state: str, labels: Sequence[str], config: GitLabConfig) -> Status:
    """DESIGN §5: GitLab REST has no close reason, so labels carry in-progress and won't-do."""
    if state == "closed":
        if _has_any(labels, config.wont_do_labels):
            return Status.DEPRIORITIZED
        return Status.DONE
    if _has_any(labels, config.in_progress_labels):
        return Status.IN_PROGRESS
    return Status.OPEN


def needs_reason(issue: Mapping[str, Any], config: GitLabConfig) -> bool:
    """Only deprioritized issues cost the extra notes request for their reason."""
    return map_status(issue["state"], issue.get("labels") or (), config) is Status.DEPRIORITIZED


def reason_from_notes(notes: Iterable[Mapping[str, Any]]) -> str | None:
    """The first line of the newest note a person wrote (notes come newest first)."""
    return marking.first_reason((str(n.get("body") or ""), bool(n.get("system"))) for n in notes)


def moved_to(notes: Iterable[Mapping[str, Any]]) -> tuple[str, int] | None:
    """(project path, iid) from the system note GitLab leaves on a moved issue."""
    for note in notes:
        found = _MOVED_TO.match(str(note.get("body") or "").strip())
        if note.get("system") and found:
            return found["path"], int(found["iid"])
    return None


def project_path(web_url: str | None, base_url: str, fallback: str) -> str:
    """`group/sub/project` from an issue's web_url (works when `project` is a numeric id)."""
    base = base_url.rstrip("/")
    if web_url and web_url.startswith(base + "/"):
        found = _ISSUE_PATH.fullmatch(web_url[len(base) + 1 :])
        if found:
            return found.group("path")
    return fallback


def ticket_state(
    tracker: str,
    config: GitLabConfig,
    issue: Mapping[str, Any],
    reason: str | None = None,
    moved_from: str | None = None,
    own_path: str | None = None,
) -> TicketState:
    """One issue as returned by `GET /projects/:id/issues` mapped to syncd's vocabulary.

    An issue of another project than `own_path` (this one's was moved there) has the id
    `path#iid`; `moved_from` is the id it was asked for."""
    labels = tuple(issue.get("labels") or ())
    status = map_status(issue["state"], labels, config)
    closed_at = issue.get("closed_at")
    path = project_path(issue.get("web_url"), config.url, config.project)
    here = own_path is None or path.casefold() == own_path.casefold()
    return TicketState(
        tracker=tracker,
        id=str(issue["iid"]) if here else f"{path}#{issue['iid']}",
        project=config.project if here else path,
        key=f"{path}#{issue['iid']}",
        url=str(issue.get("web_url") or ""),
        status=status,
        updated=parse_time(issue["updated_at"]),
        title=plain_title(str(issue.get("title") or "")),
        reason=reason if status is Status.DEPRIORITIZED else None,
        labels=frozenset(labels),
        closed_on=parse_time(closed_at).date()
        if closed_at and issue["state"] == "closed"
        else None,
        marker=marking.extract_marker(issue.get("description")),
        assignees=tuple(a["username"] for a in issue.get("assignees") or () if "username" in a),
        due=date.fromisoformat(issue["due_date"]) if issue.get("due_date") else None,
        moved_from=moved_from,
    )


def current(issue: Mapping[str, Any]) -> Current:
    """The issue as the update diff needs it."""
    return Current(
        title=plain_title(str(issue.get("title") or "")),
        assignees=tuple(a["username"] for a in issue.get("assignees") or () if "username" in a),
        due=date.fromisoformat(issue["due_date"]) if issue.get("due_date") else None,
        labels=frozenset(issue.get("labels") or ()),
        is_open=issue["state"] == "opened",
    )


def create_fields(
    draft: TicketDraft, config: GitLabConfig, assignee_ids: Sequence[int]
) -> dict[str, Any]:
    """The body of `POST /projects/:id/issues`: review text inert, the marker in syncd's
    block, labels (configured, the draft's, `doing` when created in progress)."""
    progress = config.in_progress_labels[:1] if draft.status is Status.IN_PROGRESS else ()
    fields: dict[str, Any] = {
        "title": markdown_title(draft.title, gitlab=True),
        "description": markdown_body(draft.body, draft.marker, gitlab=True),
        "labels": unique_labels((*config.labels, *draft.labels, *progress)),
    }
    if assignee_ids:
        fields["assignee_ids"] = list(assignee_ids)
    if draft.due is not None:
        fields["due_date"] = draft.due.isoformat()
    return fields


def put_fields(
    diff: Diff, config: GitLabConfig, assignee_ids: Sequence[int] | None
) -> dict[str, Any]:
    """The body of `PUT /projects/:id/issues/:iid` for a Diff (labels added and removed in
    the same request; GitLab has no close reason, so not planned adds the won't-do label)."""
    data: dict[str, Any] = {}
    if diff.title is not None:
        data["title"] = markdown_title(diff.title, gitlab=True)
    if assignee_ids is not None:
        data["assignee_ids"] = list(assignee_ids)
    if diff.due is not None:
        data["due_date"] = diff.due.isoformat()
    add = list(diff.add_labels)
    if diff.close is not None:
        data["state_event"] = "close"
        if diff.close is CloseAs.NOT_PLANNED and config.wont_do_labels:
            add.append(config.wont_do_labels[0])
    if add:
        data["add_labels"] = ",".join(unique_labels(add))
    if diff.remove_labels:
        data["remove_labels"] = ",".join(diff.remove_labels)
    return data


def comment_body(note: CommentNote) -> str:
    return markdown_comment(note, gitlab=True)


def duplicate_note(key: str) -> CommentNote:
    """The note on an issue syncd closes as a duplicate of `key` (syncd's own words)."""
    return CommentNote(f"Closed by syncd as a duplicate of {key}: one action item, one ticket.")


def parse_ref(ref: TicketRef, base_url: str, path: str | None) -> str | None:
    """The iid if `ref` names an issue of this project: its URL, `group/proj#N`, or bare `#N`.

    Merge-request URLs (`/-/merge_requests/N`) and other projects' issues are not ours.
    """
    if ref.url:
        url = urlsplit(ref.url.strip())
        base = urlsplit(base_url.rstrip("/"))
        if (url.scheme, url.netloc.casefold()) != (base.scheme, base.netloc.casefold()):
            return None
        prefix = base.path.rstrip("/") + "/"
        if not url.path.casefold().startswith(prefix.casefold()):
            return None
        found = _ISSUE_PATH.fullmatch(url.path[len(prefix) :])
        if found and path and found.group("path").casefold() == path.casefold():
            return found.group("iid")
        return None
    if ref.repo is not None and ref.number is not None:
        same = path is not None and ref.repo.casefold() == path.casefold()
        return str(ref.number) if same else None
    if ref.number is not None and ref.key is None:
        return str(ref.number)
    if ref.raw:
        found = _SHORT_REF.fullmatch(ref.raw.strip())
        if found and path and found.group("path").casefold() == path.casefold():
            return found.group("iid")
    return None


# Listing cursor (paging.OverlapCursor): `updated_after` is inclusive, so issues at or after the
# watermark come back next time and their (id, updated_at) keeps them from being reported twice.
CURSOR = CursorFormat(
    version=lambda row: (str(row["id"]), str(row["updated_at"])),
    parse_time=parse_time,
    write_after=format_time,
    read_after=parse_time,
    numeric_ids=True,
)
