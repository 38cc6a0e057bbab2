"""Pure Jira mapping: issue JSON → TicketState, drafts → create fields, refs, JQL, cursor format.

No I/O here; syncd.trackers.jira.adapter does the requests and calls these functions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from syncd.model import Status, TicketRef
from syncd.trackers import marking
from syncd.trackers.http.calls import retry_after_seconds
from syncd.trackers.http.paging import CursorFormat
from syncd.trackers.protocol import TicketDraft, TicketState
from syncd.trackers.shared import Current
from syncd.trackers.text import parse_time

if TYPE_CHECKING:
    from syncd.trackers.jira.config import JiraConfig

# Fields every search and GET asks for; Cloud search/jql returns only `id` unless told.
FIELDS = (
    "summary",
    "status",
    "resolution",
    "labels",
    "updated",
    "resolutiondate",
    "assignee",
    "duedate",
    "description",
)
# Jira shows HTML comments as text, so syncd's marks live in issue and comment properties
# (REST `…/issue/{id}/properties/syncd`, `…/comment/{id}/properties/syncd`): invisible to
# people, returned by search (`properties=syncd`) and by comment lists (`expand=properties`).
PROPERTY = "syncd"
KEY_ID_PREFIX = "key:"
_KEY = re.compile(r"(?P<project>[A-Z][A-Z0-9_]+)-(?P<num>\d+)")


def marker_label(item_key: str) -> str:
    """`syncd-<12 hex>`: a label is searchable by JQL, a description comment is not."""
    return "syncd-" + hashlib.sha256(item_key.encode()).hexdigest()[:12]


def label_text(label: str) -> str:
    """Jira labels cannot contain spaces (tracker-apis.md §3.2)."""
    return "-".join(label.split())


def epoch_ms(dt: datetime) -> int:
    """JQL bound in epoch ms: formatted dates are read in the profile time zone (§3.3)."""
    return int(dt.astimezone(UTC).timestamp() * 1000)


def jql_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def changed_jql(project: str, since: datetime | None) -> str:
    """Bounded JQL (Cloud rejects unbounded queries), oldest change first."""
    where = f"project = {jql_quote(project)}"
    if since is not None:
        where += f" AND updated >= {epoch_ms(since)}"
    return where + " ORDER BY updated ASC"


def marker_jql(project: str, item_key: str) -> str:
    return f"project = {jql_quote(project)} AND labels = {jql_quote(marker_label(item_key))}"


def rate_limit_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """Retry-After (seconds or HTTP date), else X-RateLimit-Reset (ISO 8601); lower-case keys."""
    after = retry_after_seconds(headers.get("retry-after"), now)
    if after is not None:
        return after
    reset = headers.get("x-ratelimit-reset")
    if reset:
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            return max(0.0, (when - now).total_seconds())
        except ValueError:
            pass
    return None


def failure_hint(code: int | None, write: bool, cloud: bool) -> str:
    """What went wrong and what to check; `code` None: no answer."""
    auth = "the email and API token" if cloud else "the personal access token"
    if code == 401:
        hint = f"the credentials were rejected (401); check {auth} and that it has not expired"
    elif code == 403:
        hint = "permission denied (403); the account needs Browse, Create, Edit, Transition and"
        hint += " Add Comments permissions in the project"
    elif code == 404:
        hint = "not found (404); check `url`, `project` and that the account can browse it"
    elif code == 410:
        hint = "the API is gone (410); check `deployment` (cloud or datacenter)"
    elif code == 400:
        hint = "Jira refused the request (400); check `issue_type` and that the fields (due date,"
        hint += " labels, resolution) are on the create/edit/transition screens"
    elif code is None:
        hint = "no answer (connection failed or timed out); check `url` and the network"
    else:
        hint = f"Jira answered {code}"
    if write and (code is None or code >= 500):
        hint += "; the write may have happened, so syncd checks for it by marker before retrying"
    return hint


def map_status(category: str, resolution: str | None, config: JiraConfig) -> Status:
    """DESIGN §5: status category, and for `done` the resolution (case-insensitive)."""
    if category == "done":
        wont = {r.casefold() for r in config.wont_do_resolutions}
        if resolution is not None and resolution.casefold() in wont:
            return Status.DEPRIORITIZED
        return Status.DONE
    if category == "indeterminate":
        return Status.IN_PROGRESS
    return Status.OPEN


def _status_of(fields: Mapping[str, Any], config: JiraConfig) -> Status:
    category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key", "new")
    return map_status(str(category), resolution_name(fields), config)


def resolution_name(fields: Mapping[str, Any]) -> str | None:
    resolution = fields.get("resolution")
    return str(resolution["name"]) if isinstance(resolution, Mapping) else None


def needs_reason(issue: Mapping[str, Any], config: JiraConfig) -> bool:
    """Only deprioritized issues cost the extra comments request for their reason."""
    return _status_of(issue.get("fields") or {}, config) is Status.DEPRIORITIZED


def comment_mark(comment: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """syncd's property on a comment listed with `expand=properties`, if it has one."""
    for prop in comment.get("properties") or ():
        if isinstance(prop, Mapping) and prop.get("key") == PROPERTY:
            value = prop.get("value")
            return value if isinstance(value, Mapping) else {}
    return None


def is_own_comment(comment: Mapping[str, Any]) -> bool:
    """syncd wrote it: its property says so, or (older comments) its text tag does."""
    return comment_mark(comment) is not None or marking.is_own(str(comment.get("body") or ""))


def comment_has_tag(comment: Mapping[str, Any], tag: str) -> bool:
    """The comment carries reminder `tag`, in its property or (older comments) its text."""
    mark = comment_mark(comment)
    return (mark is not None and mark.get("tag") == tag) or tag in str(comment.get("body") or "")


def reason_from_comments(comments: Iterable[Mapping[str, Any]]) -> str | None:
    """The first line of the newest comment a person wrote (comments come newest first)."""
    return marking.first_reason((str(c.get("body") or ""), is_own_comment(c)) for c in comments)


def issue_marker(issue: Mapping[str, Any]) -> str | None:
    """The item key in the issue's syncd property; else (older tickets) the description's
    trailing text marker."""
    prop = (issue.get("properties") or {}).get(PROPERTY)
    if isinstance(prop, Mapping) and isinstance(prop.get("item"), str):
        return str(prop["item"])
    return marking.extract_marker((issue.get("fields") or {}).get("description"))


def _person(user: Any) -> str | None:
    if not isinstance(user, Mapping):
        return None
    value = user.get("accountId") or user.get("name")
    return str(value) if value else None


def ticket_state(
    tracker: str,
    config: JiraConfig,
    issue: Mapping[str, Any],
    reason: str | None = None,
    moved_from: str | None = None,
) -> TicketState:
    """One issue as returned by search or `GET /issue/{id}` mapped to syncd's vocabulary.

    Issues are tracked by id: one moved to another project keeps it and shows its new key."""
    fields = issue.get("fields") or {}
    status = _status_of(fields, config)
    if status is Status.DEPRIORITIZED and reason is None:
        reason = resolution_name(fields)
    resolved = fields.get("resolutiondate")
    closed = status in (Status.DONE, Status.DEPRIORITIZED)
    person = _person(fields.get("assignee"))
    return TicketState(
        tracker=tracker,
        id=str(issue["id"]),
        project=str(issue["key"]).rsplit("-", 1)[0],
        key=str(issue["key"]),
        url=f"{config.url.rstrip('/')}/browse/{issue['key']}",
        status=status,
        updated=parse_time(fields["updated"]),
        title=str(fields.get("summary") or ""),
        reason=reason if status is Status.DEPRIORITIZED else None,
        labels=frozenset(fields.get("labels") or ()),
        closed_on=parse_time(resolved).date() if resolved and closed else None,
        marker=issue_marker(issue),
        assignees=(person,) if person else (),
        due=date.fromisoformat(fields["duedate"]) if fields.get("duedate") else None,
        moved_from=moved_from,
    )


def current(issue: Mapping[str, Any]) -> Current:
    """The issue as the update diff needs it (Jira has one assignee)."""
    fields = issue.get("fields") or {}
    person = _person(fields.get("assignee"))
    category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
    return Current(
        title=str(fields.get("summary") or ""),
        assignees=(person,) if person else (),
        due=date.fromisoformat(fields["duedate"]) if fields.get("duedate") else None,
        labels=frozenset(fields.get("labels") or ()),
        is_open=category != "done",
    )


def user_field(person: str, cloud: bool) -> dict[str, str]:
    """Cloud identifies users by accountId (GDPR mode), Data Center by user name."""
    return {"accountId": person} if cloud else {"name": person}


def parse_ref(ref: TicketRef, base_url: str, project: str) -> str | None:
    """`key:OPS-12` if `ref` names an issue of this project: `<url>/browse/OPS-12` or `OPS-12`.

    Pure: the numeric id needs a request, so callers pass the `key:` form to fetch().
    """
    key: str | None = None
    if ref.url:
        url = urlsplit(ref.url.strip())
        base = urlsplit(base_url.rstrip("/"))
        if (url.scheme, url.netloc.casefold()) != (base.scheme, base.netloc.casefold()):
            return None
        path = url.path.removeprefix(base.path.rstrip("/"))
        found = re.fullmatch(r"/browse/([^/]+)/?", path)
        key = found.group(1) if found else None
    elif ref.key:
        key = ref.key.strip()
    elif ref.raw and ref.repo is None and ref.number is None:
        key = ref.raw.strip()
    found_key = _KEY.fullmatch(key or "")
    if found_key is None or found_key["project"] != project:
        return None
    return KEY_ID_PREFIX + found_key.group(0)


# Listing cursor (paging.OverlapCursor), watermark in epoch ms. JQL time bounds have minute
# granularity and search lags writes, so listings overlap by a few minutes and the (id, updated)
# pairs keep an unchanged issue from being reported twice.
CURSOR = CursorFormat(
    version=lambda row: (str(row["id"]), str(row["fields"]["updated"])),
    parse_time=parse_time,
    write_after=epoch_ms,
    read_after=lambda value: datetime.fromtimestamp(int(value) / 1000, UTC),
)


def newest(rows: Sequence[Mapping[str, Any]]) -> datetime | None:
    return max((parse_time(r["fields"]["updated"]) for r in rows), default=None)


def created_state(
    tracker: str,
    config: JiraConfig,
    draft: TicketDraft,
    fields: Mapping[str, Any],
    answer: Mapping[str, Any],
    *,
    now: datetime,
) -> TicketState:
    """The new issue from the POST answer (`{id, key, self}`) and what was sent: no GET."""
    key = str(answer["key"])
    return TicketState(
        tracker=tracker,
        id=str(answer["id"]),
        project=config.project,
        key=key,
        url=f"{config.url.rstrip('/')}/browse/{key}",
        status=Status.OPEN,
        updated=now,
        title=fields["summary"],
        labels=frozenset(fields["labels"]),
        marker=draft.marker,
        assignees=tuple(draft.assignees[:1]),
        due=draft.due,
    )


def transition_id(
    rows: Iterable[Mapping[str, Any]], wanted: str | None, category: str = "done"
) -> str | None:
    """The first transition to a `category` status (named `wanted`, if given)."""
    for row in rows:
        to = ((row.get("to") or {}).get("statusCategory") or {}).get("key")
        name = str(row.get("name", ""))
        if to == category and (wanted is None or name.casefold() == wanted.casefold()):
            return str(row["id"])
    return None
