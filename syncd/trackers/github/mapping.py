"""Pure GitHub mapping: issue JSON → TicketState, drafts → request fields, refs, the cursor.

No I/O. The adapter (github.py) feeds these the raw JSON of GitHub's REST API, which keeps
them testable without building PyGithub objects.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from requests.utils import parse_header_links

from syncd.model import Status, TicketRef
from syncd.trackers import marking
from syncd.trackers.protocol import CloseAs, CommentNote, TicketDraft, TicketState
from syncd.trackers.render import markdown_body, markdown_comment
from syncd.trackers.shared import Current, Diff, unique_labels
from syncd.trackers.text import as_utc, markdown_title, parse_time, plain_title

if TYPE_CHECKING:
    from syncd.trackers.github.config import GitHubConfig

Issue = Mapping[str, Any]

SECONDARY_WAIT = 60.0  # GitHub: "wait at least one minute" when no header says how long
_ISSUE_IN_PATH = re.compile(r"/issues/(\d+)")
_ISSUE_PATH = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/?$")
_ID = re.compile(r"^(?:(?P<repo>[\w.-]+/[\w.-]+)#)?(?P<number>\d+)$")


# -- ids: a number in this repository, or `owner/repo#N` once an issue was transferred ----
def issue_path(ticket_id: str, repo: str) -> str | None:
    """The API path of ticket `ticket_id`, or None for an id that cannot be one of ours."""
    found = _ID.match(ticket_id)
    if found is None:
        return None
    return f"/repos/{found['repo'] or repo}/issues/{found['number']}"


def repo_of(issue: Issue, fallback: str) -> str:
    """`owner/repo` of an issue, from its `html_url`."""
    found = _ISSUE_PATH.match(urlsplit(str(issue.get("html_url") or "")).path)
    return found["repo"] if found else fallback


# -- issues → TicketState -------------------------------------------------------------------
def format_time(value: datetime) -> str:
    """A UTC `…Z` timestamp. PyGithub ignores the zone of `since` (PyGithub#2282), so convert."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def label_names(issue: Issue) -> frozenset[str]:
    return frozenset(str(x["name"]) if isinstance(x, Mapping) else str(x) for x in issue["labels"])


def logins(issue: Issue) -> tuple[str, ...]:
    return tuple(str(a["login"]) for a in issue.get("assignees") or ())


def is_pull_request(issue: Issue) -> bool:
    """Pull requests share the issue list and numbering; they are never syncd tickets."""
    return issue.get("pull_request") is not None


def map_status(issue: Issue, config: GitHubConfig) -> tuple[Status, str | None]:
    """DESIGN §5: (status, fixed reason). A not-planned close's reason comes from a comment."""
    labels = {name.casefold() for name in label_names(issue)}
    if issue["state"] == "open":
        in_progress = {x.casefold() for x in config.in_progress_labels}
        return (Status.IN_PROGRESS if labels & in_progress else Status.OPEN), None
    reason = issue.get("state_reason")
    if reason == "not_planned" or labels & {x.casefold() for x in config.wont_do_labels}:
        return Status.DEPRIORITIZED, None
    if reason == "duplicate":
        return Status.DONE, "duplicate"
    return Status.DONE, None


def needs_reason(issue: Issue, config: GitHubConfig) -> bool:
    """Whether the issue is deprioritized, so its closing comment is worth one more GET."""
    return map_status(issue, config)[0] is Status.DEPRIORITIZED


def reason_from_comments(comments: list[Mapping[str, Any]]) -> str | None:
    """First line of the latest comment a person wrote (comments come oldest first)."""
    return marking.first_reason((str(c.get("body") or ""), False) for c in reversed(comments))


def to_ticket(
    name: str,
    config: GitHubConfig,
    issue: Issue,
    reason: str | None,
    moved_from: str | None = None,
) -> TicketState:
    """One issue as syncd sees it; `reason` is the deprioritization comment, if fetched.

    An issue transferred to another repository keeps being followed: its id is then
    `owner/repo#N` and `moved_from` the id it was asked for (PyGithub followed the 301).
    """
    status, fixed = map_status(issue, config)
    closed = issue.get("closed_at")
    repo = repo_of(issue, config.repo)
    here = repo.casefold() == config.repo.casefold()
    number = str(issue["number"])
    return TicketState(
        tracker=name,
        id=number if here else f"{repo}#{number}",
        project=repo,
        key=f"{repo}#{number}",
        url=str(issue["html_url"]),
        status=status,
        updated=parse_time(issue["updated_at"]),
        title=plain_title(str(issue.get("title") or "")),
        reason=fixed or (reason if status is Status.DEPRIORITIZED else None),
        labels=label_names(issue),
        closed_on=parse_time(closed).date() if closed and status is not Status.OPEN else None,
        marker=marking.extract_marker(issue.get("body")),
        assignees=logins(issue),
        due=None,
        moved_from=moved_from,
    )


def current(issue: Issue) -> Current:
    """The issue as the update diff needs it."""
    return Current(
        title=plain_title(str(issue.get("title") or "")),
        assignees=logins(issue),
        due=None,
        labels=label_names(issue),
        is_open=issue["state"] == "open",
    )


# -- drafts and changes → request fields -----------------------------------------------------
def create_fields(draft: TicketDraft, config: GitHubConfig) -> dict[str, Any]:
    """The POST body: title and body made inert, the marker in syncd's block, the labels
    (configured first, then the draft's, then `in progress` when created in progress)."""
    progress = config.in_progress_labels[:1] if draft.status is Status.IN_PROGRESS else ()
    fields: dict[str, Any] = {
        "title": markdown_title(draft.title, gitlab=False),
        "body": markdown_body(draft.body, draft.marker, gitlab=False),
        "labels": unique_labels((*config.labels, *draft.labels, *progress)),
    }
    if draft.assignees:
        fields["assignees"] = list(draft.assignees)
    return fields


def patch_fields(diff: Diff, duplicate_of_id: int | None = None) -> dict[str, Any]:
    """The PATCH body for a Diff's fields and closing; labels go through their own calls.
    GitHub has no due dates (the diff never has one)."""
    fields: dict[str, Any] = {}
    if diff.title is not None:
        fields["title"] = markdown_title(diff.title, gitlab=False)
    if diff.assignees is not None:
        fields["assignees"] = list(diff.assignees)
    if diff.close is CloseAs.NOT_PLANNED:
        fields.update(state="closed", state_reason="not_planned")
    elif diff.close is CloseAs.DUPLICATE:
        fields.update(state="closed", state_reason="duplicate")
        if duplicate_of_id is not None:
            fields["duplicate_issue_id"] = duplicate_of_id
    return fields


def comment_body(note: CommentNote) -> str:
    return markdown_comment(note, gitlab=False)


# -- references ------------------------------------------------------------------------------
def web_host(api_url: str) -> str:
    """The host people browse: github.com for api.github.com, the GHES host otherwise."""
    netloc = urlsplit(api_url).netloc.lower()
    return netloc.removeprefix("api.")


def parse_ref(ref: TicketRef, config: GitHubConfig) -> str | None:
    """The issue number if `ref` names an issue of this repository; pull requests never."""
    if ref.url is not None:
        parts = urlsplit(ref.url)
        found = _ISSUE_PATH.match(parts.path)
        if parts.netloc.lower() != web_host(config.url) or found is None:
            return None
        same = found["repo"].casefold() == config.repo.casefold()
        return found["number"] if same else None
    if ref.key is not None or ref.number is None:
        return None
    if ref.repo is not None and ref.repo.casefold() != config.repo.casefold():
        return None
    return str(ref.number)


# -- rate limits -----------------------------------------------------------------------------
def rate_limit_wait(
    status: int, headers: Mapping[str, str], message: str, now: float
) -> tuple[bool, float | None]:
    """(is this a rate limit, the seconds GitHub names or None when it names none).

    Order from GitHub's docs (rate-limits-for-the-rest-api.md): `retry-after`; else, with
    `x-ratelimit-remaining: 0`, until `x-ratelimit-reset`; else a secondary limit, whose
    wait the Pacer guesses (at least a minute, then doubling).
    """
    if status not in (403, 429):
        return False, None
    named = _named_wait(headers, now)
    if named is not None:
        return True, named
    text = message.casefold()
    secondary = (
        "rate limit" in text
        or text.endswith("please retry your request again later.")
        or text.endswith("please wait a few minutes before you try again.")
    )
    return status == 429 or secondary, None


def _named_wait(headers: Mapping[str, str], now: float) -> float | None:
    retry_after = headers.get("retry-after", "")
    if retry_after.isdigit():
        return float(retry_after)
    reset = headers.get("x-ratelimit-reset", "")
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(int(reset) - now, 0.0) + 1.0
    return None


# -- responses -------------------------------------------------------------------------------
def message(data: Any) -> str:
    """The `message` of a GitHub error body ("" when there is none)."""
    return str(data.get("message") or "") if isinstance(data, Mapping) else ""


def links(headers: Mapping[str, str]) -> dict[str, str]:
    """`rel` → URL from a `Link` header (GitHub paginates with rel="next"/"last")."""
    return {
        link["rel"]: link["url"]
        for link in parse_header_links(headers.get("link", ""))
        if "rel" in link and "url" in link
    }


def server_time(headers: Mapping[str, str]) -> datetime | None:
    """The server clock from `Date`: watermarks must not depend on our clock."""
    try:
        return parsedate_to_datetime(headers["date"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return None


def refusal(who: str, url: str, status: int, data: Any, *, call: str, write: bool) -> str:
    """One sentence for an error answer that is not a rate limit: what to check."""
    text = message(data)
    if status == 401:
        return f"{who}: the token was rejected (401 {text}); check `token`."
    if status == 403:
        return (
            f"{who}: access denied (403 {text}); the token needs Issues read/write "
            "and Metadata read (classic tokens: `repo` or `public_repo`)."
        )
    if status == 404 and (issue := _ISSUE_IN_PATH.search(call)) is not None:
        return f"{who}: issue #{issue[1]} not found (404)."
    if status == 404:
        return (
            f"{who}: repository not found at {url} (404); check `repo`, "
            "`url` and that the token can see the repository."
        )
    if status == 410:
        return f"{who}: gone (410): issues are disabled or the issue was deleted."
    maybe = " The write may or may not have been applied." if write and status >= 500 else ""
    return f"{who}: GitHub answered {status} to {call} ({text}).{maybe}"


# -- the incremental-listing cursor ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the last listing stopped: page 1's ETag, a watermark, and what was seen after it.

    `seen` holds `number:updated_at:fingerprint` for issues at/after the watermark. The
    fingerprint covers the fields syncd reads, because two changes within one second share
    an `updated_at` (GitHub timestamps have 1 s resolution).
    """

    etag: str | None
    watermark: datetime
    seen: frozenset[str] = frozenset()

    def encode(self) -> str:
        return json.dumps(
            {"etag": self.etag, "watermark": format_time(self.watermark), "seen": sorted(self.seen)}
        )

    @staticmethod
    def decode(text: str) -> Cursor | None:
        """The cursor, or None when `text` is not one of ours (then list everything)."""
        try:
            data = json.loads(text)
            return Cursor(
                etag=data["etag"],
                watermark=parse_time(data["watermark"]),
                seen=frozenset(str(x) for x in data["seen"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def seen_key(issue: Issue) -> str:
    """Identity of one observed version of an issue (see Cursor)."""
    facts = [
        issue["state"],
        issue.get("state_reason"),
        sorted(label_names(issue)),
        issue.get("title"),
        sorted(str(a["login"]) for a in issue.get("assignees") or ()),
        issue.get("comments"),
    ]
    digest = hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:12]
    return f"{issue['number']}:{issue['updated_at']}:{digest}"
