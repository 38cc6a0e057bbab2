"""The digest as data: frozen values in (selection, period, history), frozen values out.

`Digest` holds raw strings only; each renderer escapes at its own edge (render.py), so no
value is ever escaped twice. Field names follow the JSON keys scripts rely on (README
"Digest JSON").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from syncd.model import Status


@dataclass(frozen=True, slots=True)
class Period:
    """What a digest covers: from the schedule's previous fire time to its latest one.

    `key` names the period in the ledger: the latest fire time as local wall-clock minutes,
    so a cron time that fires twice in a repeated DST hour is still one period. `label` is
    what people read: the ISO week for a weekly schedule, else the local date of `end`.
    """

    start: datetime  # aware
    end: datetime  # aware; the fire time
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Selection:
    """Which items a digest shows; empty means any. Compared case-insensitively."""

    teams: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    trackers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TicketLink:
    """The tracker ticket an item is linked to, as far as it is known."""

    key: str | None = None
    url: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class LastChange:
    """An item's latest recorded status transition (store status history)."""

    status: Status
    at: datetime
    observed: bool  # False when syncd first saw the item already in this status


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """Everything the build needs besides the items: values, not config objects."""

    name: str
    title: str
    window_days: int = 90
    review_base: str = ""  # the records root relative to the config directory ("" = same)
    review_url: str | None = None  # sync.review_url template: {path} {line} {review_id} {title}
    selection: Selection = Selection()


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One action item as the digest shows it (the `status --format json` fields and more)."""

    review: str  # path relative to the config directory
    review_id: str
    review_title: str | None
    line: int
    key: str
    description: str
    owner: str | None
    due: date | None
    due_implied: bool
    type: str | None
    ticket_ref: str | None  # the reference as written in the review
    status: Status
    reason: str | None
    flags: tuple[str, ...]
    review_url: str | None  # sync.review_url filled in; None: show review:line
    days_overdue: int | None
    ticket: TicketLink | None  # the linked ticket, when linked

    @property
    def where(self) -> str:
        return f"{self.review}:{self.line}"

    @property
    def link(self) -> str | None:
        """Where a reader goes for this item: its ticket, else its review."""
        if self.ticket is not None and self.ticket.url:
            return self.ticket.url
        return self.review_url


@dataclass(frozen=True, slots=True)
class OwnerGroup:
    owner: str | None  # None: no owner
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class ReviewRef:
    review: str
    review_id: str
    title: str | None
    date: date | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme or service named by two or more reviews in the window."""

    theme: str
    kind: str  # "theme" | "service"
    reviews: tuple[ReviewRef, ...]
    open_items: int


@dataclass(frozen=True, slots=True)
class OldestOpen:
    review: ReviewRef
    item: DigestItem
    open_items: int


@dataclass(frozen=True, slots=True)
class Totals:
    open: int = 0  # open + in progress
    overdue: int = 0
    due_soon: int = 0
    needs_decision: int = 0
    unowned: int = 0
    undated: int = 0
    deprioritized: int = 0
    deprioritized_without_reason: int = 0
    done: int = 0
    done_this_period: int = 0
    deprioritized_this_period: int = 0
    newly_overdue: int = 0


@dataclass(frozen=True, slots=True)
class WeekRate:
    week: str  # ISO week, e.g. 2026-W23
    rate: float | None


@dataclass(frozen=True, slots=True)
class Completion:
    window_days: int
    rate: float | None  # done ÷ (due in the window − deprioritized); None: nothing was due
    due: int
    done: int
    deprioritized: int
    trend: tuple[WeekRate, ...]  # oldest first, the last entry is this period's week
    median_days_to_done: float | None


@dataclass(frozen=True, slots=True)
class Digest:
    name: str
    title: str
    period: Period
    today: date
    totals: Totals
    completion: Completion
    overdue: tuple[OwnerGroup, ...]  # by owner, the owner with the oldest item first
    due_soon: tuple[DigestItem, ...]
    needs_decision: tuple[DigestItem, ...]
    done_this_period: tuple[DigestItem, ...]
    deprioritized_this_period: tuple[DigestItem, ...]
    deprioritized_without_reason: tuple[DigestItem, ...]
    unowned: tuple[DigestItem, ...]
    undated: tuple[DigestItem, ...]
    oldest_open: tuple[OldestOpen, ...]
    themes: tuple[Theme, ...]
    selection: Selection = Selection()

    @property
    def empty(self) -> bool:
        return self.totals.open == 0 and not self.done_this_period
