"""The one small interface every tracker adapter implements (DESIGN §5), and its values.

Adapters translate between library objects and the frozen values below; they decide
nothing. Planning (what to create, mirror or mark) happens in syncd.engine.plan.tickets;
writing in syncd.engine.apply.tickets. The markers syncd hides in tickets live in
syncd.trackers.marking, the neutralising of review text in syncd.trackers.text.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from syncd.model import Status, TicketRef
from syncd.trackers.http.pacing import Pacer


class Outcome(enum.StrEnum):
    """What an idempotent write did; NOOP writes nothing and costs no write budget."""

    CREATED = "created"
    UPDATED = "updated"
    NOOP = "noop"


class CloseAs(enum.StrEnum):
    """How syncd closes a ticket it no longer wants open."""

    NOT_PLANNED = "not_planned"  # on_removed: close
    DUPLICATE = "duplicate"  # a second ticket for one item; `duplicate_of` names the first


@dataclass(frozen=True, slots=True)
class Traits:
    """What one configured tracker can do; the engine asks here, never by `kind`."""

    kind: str  # github | gitlab | jira
    supports_due_date: bool
    search_lag: float = 0.0  # seconds a marker lookup may lag writes (Jira search)


@dataclass(frozen=True, slots=True)
class TicketState:
    """A ticket as the tracker reports it, mapped to syncd's vocabulary."""

    tracker: str  # configured tracker name (config key)
    id: str  # immutable id: issue number in the project (or `path#N` once moved out), Jira id
    project: str  # owner/repo, group/project path, or Jira project key
    key: str  # display reference: acme/ops#12, group/proj#12, OPS-481
    url: str  # web URL a person can open
    status: Status
    updated: datetime  # tracker's last-update time, aware UTC
    title: str = ""
    reason: str | None = None  # deprioritization reason (close comment / resolution)
    labels: frozenset[str] = frozenset()
    closed_on: date | None = None
    marker: str | None = None  # item key found in syncd's own marker, if any
    assignees: tuple[str, ...] = ()
    due: date | None = None
    moved_from: str | None = None  # the id asked for, when the ticket moved (this is the new)
    deleted: bool = False  # the tracker says it is gone (404/410); set by the engine


@dataclass(frozen=True, slots=True)
class TicketBody:
    """A new ticket's body as parts: review text kept apart from syncd's own markup.

    Every str here except `note` is review text; each adapter renders the parts in its own
    markup and neutralises the review text (no mentions, references, quick actions, markup,
    control or bidi characters from a review ever act in a tracker: DESIGN §12).
    """

    description: str
    facts: tuple[tuple[str, str], ...] = ()  # (label, value): ("Owner", "@priya")
    source_title: str = ""
    source_url: str | None = None
    source_path: str = ""
    line: int | None = None
    note: str = ""  # syncd's own closing line (trusted text)


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """A ticket to create. The adapter embeds `marker` where syncd alone writes."""

    marker: str  # the item key
    title: str  # review text: the adapter strips control and bidi characters
    body: TicketBody
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()  # tracker user names / Jira account ids
    due: date | None = None
    status: Status = Status.OPEN  # IN_PROGRESS: created in progress (label / transition)


@dataclass(frozen=True, slots=True)
class TicketChange:
    """What to change on an existing ticket; None / () leaves a field alone."""

    title: str | None = None
    assignees: tuple[str, ...] | None = None
    due: date | None = None
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    close: CloseAs | None = None  # closes only a ticket that is still open
    duplicate_of: str | None = None  # ticket id in this tracker, with close=DUPLICATE


@dataclass(frozen=True, slots=True)
class CommentNote:
    """A comment syncd writes: its own text, who it really mentions, and a hidden tag."""

    text: str  # syncd's words; still neutralised, so nothing in it can act
    mention: tuple[str, ...] = ()  # tracker identities (owners directory / assignee) only
    tag: str | None = None  # e.g. reminder_tag(): found again by has_comment


@dataclass(frozen=True, slots=True)
class Listing:
    """Result of one incremental (or full) listing."""

    tickets: tuple[TicketState, ...]
    cursor: str | None  # opaque; pass back next time
    requests: int  # HTTP requests this listing cost
    not_modified: bool = False  # the tracker answered 304 / nothing changed


@dataclass(frozen=True, slots=True)
class Fetched:
    """Result of fetch(): current states, and the ids the tracker says are deleted."""

    tickets: tuple[TicketState, ...]
    gone: frozenset[str] = frozenset()  # 404/410 for the ticket itself (the project answers)


class Tracker(Protocol):
    """One configured tracker project. Every method may raise TrackerError (TicketGone for
    a deleted ticket on a write, RateLimited when waiting would exceed `max_wait`)."""

    name: str  # the configured tracker name
    traits: Traits  # what this tracker can do (due dates, search lag)
    pacer: Pacer  # this tracker's rate-limit memory; pacer.state()/restore() persist it

    def parse_ref(self, ref: TicketRef) -> str | None:
        """The ticket id if `ref` points into this tracker's project, else None (no I/O)."""

    def list_changed(self, cursor: str | None) -> Listing:
        """Tickets changed since `cursor`; `None` lists every ticket (full reconciliation)."""

    def fetch(self, ids: Sequence[str]) -> Fetched:
        """Current state of these tickets, moved ones followed; deleted ones in `gone`."""

    def find_by_marker(self, marker: str, since: datetime) -> TicketState | None:
        """The ticket created for item `marker` at or after `since`, via a consistent list."""

    def create(self, draft: TicketDraft) -> TicketState:
        """Create one ticket with one request that is never resent."""

    def update(self, ticket_id: str, change: TicketChange) -> Outcome:
        """Push review-owned fields, labels and closing; NOOP when nothing differs."""

    def comment(self, ticket_id: str, note: CommentNote) -> Outcome:
        """Add one comment (never resent), tagged as syncd's own."""

    def has_comment(self, ticket_id: str, tag: str, since: datetime) -> bool:
        """Whether a comment added at or after `since` carries `tag` (a reminder whose
        answer was lost); a consistent read of the ticket's newest comments."""
