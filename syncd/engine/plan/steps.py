"""Every step a pass can take, as frozen values (STYLE 1, 12).

The planner returns them, in order; `engine.apply` is the one writer that executes them and
says what each did (`StepOutcome`). Each step names what it writes (`target`), so the writer
can skip a whole kind at once: a dry run writes nothing, `check --no-write` leaves the reviews
and the trackers alone but still keeps the store's cache and history; `status` reads only.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from syncd.model import ActionItem, ItemReport, Review, Status, Suffix
from syncd.store.schema import CachedReview
from syncd.trackers.protocol import TicketChange, TicketDraft, TicketState


class Target(enum.StrEnum):
    """What a step writes to."""

    REVIEW = "review"  # a review file
    TRACKER = "tracker"  # a tracker (and the journal entries that make it exactly-once)
    TRACKER_STATE = "tracker_state"  # the store's record of what the trackers said
    CACHE = "cache"  # the store's parse cache
    HISTORY = "history"  # the store's status history


# --- trackers --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateTicket:
    tracker: str
    item_key: str
    review_path: str
    draft: TicketDraft
    reason: str = "item has no ticket yet"
    target = Target.TRACKER


@dataclass(frozen=True, slots=True)
class UpdateTicket:
    tracker: str
    ticket_id: str
    item_key: str
    change: TicketChange
    reason: str
    target = Target.TRACKER


@dataclass(frozen=True, slots=True)
class SetLabel:
    tracker: str
    ticket_id: str
    item_key: str
    label: str
    present: bool
    reason: str
    after: TicketState | None = None  # the ticket as it is once the label is set
    target = Target.TRACKER


@dataclass(frozen=True, slots=True)
class Comment:
    """One reminder per (item, episode): journalled before it is sent (exactly once)."""

    tracker: str
    ticket_id: str
    item_key: str
    body: str  # syncd's own words; the adapter makes them inert anyway
    episode: str  # "overdue" | "reason"
    started_on: date  # the episode's first day (today in the configured zone when new)
    new_episode: bool
    reason: str
    mention: tuple[str, ...] = ()  # tracker identities to mention; never review text
    target = Target.TRACKER


TrackerStep = CreateTicket | UpdateTicket | SetLabel | Comment


# --- the store's journal and tracker record ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkFound:
    """An open creation intent whose ticket was found (by its marker, or linked already)."""

    item_key: str
    tracker: str
    state: TicketState | None  # None: linked already, only the intent is closed
    ticket_id: str
    review_path: str
    reason: str
    target = Target.TRACKER_STATE


@dataclass(frozen=True, slots=True)
class Relink:
    """An item's ticket is another one now (it moved, or a duplicate of it was closed)."""

    item_key: str
    state: TicketState
    review_path: str
    reason: str
    target = Target.TRACKER_STATE


@dataclass(frozen=True, slots=True)
class SavePacing:
    """What a tracker's pacing must remember across processes (GitHub's hourly creation
    window, a rate-limit hold): saved when it changed since the pass restored it."""

    tracker: str
    before: str | None
    target = Target.TRACKER_STATE


@dataclass(frozen=True, slots=True)
class ConfirmReminder:
    """A reminder whose answer was lost was found on its ticket: it counts as sent."""

    item_key: str
    episode: str
    target = Target.TRACKER_STATE


@dataclass(frozen=True, slots=True)
class EndEpisode:
    """The mark no longer applies: the next stretch gets a reminder of its own."""

    item_key: str
    episode: str
    target = Target.TRACKER_STATE


@dataclass(frozen=True, slots=True)
class SaveTickets:
    """What one tracker answered this pass: changed snapshots, its cursor, the full-listing
    time. States this pass's own writes produced (a created ticket, a label set) are added by
    the writer when those writes succeeded."""

    tracker: str
    states: tuple[TicketState, ...]
    cursor: str | None
    full_at: datetime | None
    target = Target.TRACKER_STATE


# --- reviews ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetMarks:
    """Rewrite one item's syncd suffix so it shows `suffix` (None removes it)."""

    review_path: str
    item: ActionItem
    suffix: Suffix | None
    reason: str
    checked: bool | None = None  # task-list box, for linked items (tracker-owned progress)
    # Created this pass: the suffix links the ticket once the CreateTicket step succeeded
    # (the writer asks the planner for the linked suffix); `suffix` is what it shows otherwise.
    created: ItemReport | None = None


@dataclass(frozen=True, slots=True)
class EditReview:
    """All suffix changes for one review file, applied together (one atomic write)."""

    review: Review
    marks: tuple[SetMarks, ...]
    target = Target.REVIEW


@dataclass(frozen=True, slots=True)
class RemoveStaleTemps:
    """Remove the temp files a killed write left next to the reviews (under the pass lock,
    every temp file of syncd's is a leftover)."""

    root: Path
    reviews: tuple[Path, ...]
    target = Target.REVIEW


@dataclass(frozen=True, slots=True)
class DeliverReviews:
    """Commit (push, or update the pull request) what this pass wrote into the reviews of
    `records.repo`; run on every pass, also one that wrote nothing (a pull request with
    nothing left is closed)."""

    target = Target.REVIEW


# --- the store's cache -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CacheReviews:
    """Parsed reviews to cache, and cached paths no longer found."""

    save: tuple[tuple[str, CachedReview], ...]
    forget: tuple[str, ...]
    target = Target.CACHE


@dataclass(frozen=True, slots=True)
class RecordStatuses:
    """Each item's status this pass, for the transition history (digest, metrics)."""

    observed: Mapping[str, tuple[Status, str]]  # item key → (status, review path)
    at: datetime
    target = Target.HISTORY


StoreStep = (
    LinkFound
    | Relink
    | SavePacing
    | ConfirmReminder
    | EndEpisode
    | SaveTickets
    | CacheReviews
    | RecordStatuses
)
Step = TrackerStep | StoreStep | EditReview | RemoveStaleTemps | DeliverReviews
