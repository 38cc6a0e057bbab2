"""The one small interface every tracker adapter implements (DESIGN §5).

Adapters translate between library objects and the frozen values below; they decide
nothing. Planning (what to create, mirror or mark) happens in syncd.engine.plan.reviews.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, Protocol

from syncd.model import Status, TicketRef

MARKER_PREFIX = "syncd:item="
_MARKER = re.compile(re.escape(f"<!-- {MARKER_PREFIX}") + r"(.+?) -->")


def body_marker(item_key: str) -> str:
    """The hidden marker syncd puts in a ticket body to find it again after a crash."""
    return f"<!-- {MARKER_PREFIX}{item_key} -->"


def reminder_marker(item_key: str, kind: str, started_on: date) -> str:
    """The hidden tag ending a reminder comment: one per (item, mark, episode), so a reminder
    whose answer was lost is found on the ticket instead of being posted twice."""
    return f"<!-- syncd:reminder={item_key}/{kind}/{started_on.isoformat()} -->"


def extract_marker(body: str | None) -> str | None:
    """The item key of the first body_marker() in a ticket body or description, if any."""
    found = _MARKER.search(body or "")
    return found.group(1) if found else None


class Outcome(enum.StrEnum):
    """What an idempotent write did."""

    CREATED = "created"
    UPDATED = "updated"
    NOOP = "noop"


@dataclass(frozen=True, slots=True)
class TicketState:
    """A ticket as the tracker reports it, mapped to syncd's vocabulary."""

    tracker: str  # configured tracker name (config key)
    id: str  # immutable id: GitHub/GitLab issue number in its project, Jira issue id
    project: str  # owner/repo, group/project path, or Jira project key
    key: str  # display reference: acme/ops#12, group/proj#12, OPS-481
    url: str  # web URL a person can open
    status: Status
    updated: datetime  # tracker's last-update time, aware UTC
    title: str = ""
    reason: str | None = None  # deprioritization reason (close comment / resolution)
    labels: frozenset[str] = frozenset()
    closed_on: date | None = None
    marker: str | None = None  # item key found in the ticket's marker, if any
    assignees: tuple[str, ...] = ()
    due: date | None = None


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """A ticket to create. The adapter embeds `marker` (body comment; Jira also a label)."""

    marker: str  # the item key
    title: str
    body: str  # Markdown (GitHub, GitLab) or plain/wiki text (Jira)
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()  # tracker user names / Jira account ids
    due: date | None = None


@dataclass(frozen=True, slots=True)
class TicketChange:
    """Review-owned fields to push to an existing ticket; None leaves a field alone."""

    title: str | None = None
    assignees: tuple[str, ...] | None = None
    due: date | None = None
    clear_due: bool = False
    close_not_planned: bool = False  # on_removed: close


@dataclass(frozen=True, slots=True)
class Listing:
    """Result of one incremental (or full) listing."""

    tickets: tuple[TicketState, ...]
    cursor: str | None  # opaque; pass back next time
    requests: int  # HTTP requests this listing cost
    not_modified: bool = False  # the tracker answered 304 / nothing changed


class Tracker(Protocol):
    """One configured tracker project. Every method may raise TrackerError or RateLimited."""

    kind: ClassVar[str]
    name: str

    def parse_ref(self, ref: TicketRef) -> str | None:
        """The ticket id if `ref` points into this tracker's project, else None (no I/O)."""

    def list_changed(self, cursor: str | None) -> Listing:
        """Tickets changed since `cursor`; `None` lists every ticket (full reconciliation)."""

    def fetch(self, ids: Sequence[str]) -> list[TicketState]:
        """Current state of these tickets (adoption, reconciliation of stragglers)."""

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The ticket created for item `marker` at or after `since`, via a consistent list."""

    def create(self, draft: TicketDraft) -> TicketState:
        """Create one ticket with one request that is never retried."""

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """Push review-owned fields (or close as not planned)."""

    def set_label(self, ticket_id: str, label: str, present: bool) -> Outcome:
        """Add or remove one label."""

    def comment(self, ticket_id: str, body: str) -> Outcome:
        """Add one comment."""

    def has_comment(self, ticket_id: str, text: str, since: datetime) -> bool:
        """Whether a comment added at or after `since` contains `text` (a reminder whose
        answer was lost); a consistent read of the ticket's newest comments."""
