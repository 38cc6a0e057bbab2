"""Planning again: what a caller that plans pass after pass (the service) hands the next plan,
so a review whose inputs did not change is not planned again (DESIGN §1 principle 5: cost
grows with changes, not with items). PURE values; the memo (engine/memo.py) holds them.

Each value keeps, per review, the result and what it was planned from. Inputs are compared by
identity where they are the memo's unchanged objects (a Review, a TicketState, an ItemReport)
and by value otherwise. A whole pass's inputs are kept too, as copies: while they are equal
(compared in C, where the same objects compare at once), a review is the same once its reports
are, and no per-item key is built. `tests/unit/test_incremental.py` checks that planning again
gives exactly what planning afresh gives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from syncd.engine.plan.steps import EditReview, TrackerStep
from syncd.model import Flag, ItemReport
from syncd.trackers.protocol import TicketState

if TYPE_CHECKING:
    from syncd.engine.plan.tickets import SyncInputs, TrackerPolicy

Route = str | None
Link = tuple[str, str] | None
Reminded = tuple[bool, bool] | None  # (overdue, reason) reminders that count as sent


# --- the review side (plan/reviews.py) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marked:
    """One review's planned marks (None: no edit), with what they were planned from: its
    reports and the ticket state linked to each item."""

    reports: tuple[ItemReport, ...]
    states: tuple[TicketState | None, ...]
    edit: EditReview | None


@dataclass(frozen=True, slots=True)
class MarkedPass:
    """Every review's planned marks, and a copy of the linked tickets they were planned from."""

    linked: Mapping[str, TicketState]
    reviews: Mapping[str, Marked]


# --- the tracker side (plan/tickets.py) -----------------------------------------------------

PlannedFrom = tuple[
    tuple[Route, ...], tuple[Link, ...], tuple[TicketState | None, ...], tuple[Reminded, ...]
]


@dataclass(frozen=True, slots=True)
class Synced:
    """One settled review's tracker steps, with what they were planned from: its reports,
    and each item's route, link, linked ticket state and reminders counted sent."""

    reports: tuple[ItemReport, ...]
    routes: tuple[Route, ...]
    links: tuple[Link, ...]
    states: tuple[TicketState | None, ...]
    reminded: tuple[Reminded, ...]
    steps: tuple[TrackerStep, ...]

    def planned_from(self) -> PlannedFrom:
        return self.routes, self.links, self.states, self.reminded


@dataclass(frozen=True, slots=True)
class SyncedPass:
    """Every settled review's tracker steps; the settings they all depended on; copies of
    the whole pass's routes, links, ticket states and sent reminders."""

    today: date
    ok: frozenset[str]
    policies: Mapping[str, TrackerPolicy]
    assignees: Mapping[tuple[str, str], tuple[str, ...]]
    deferred: frozenset[str]  # item keys whose creation waits (an intent the tracker hides)
    shared: frozenset[tuple[str, str]]  # tickets several items link (one review's link
    # can become shared by another review's edit)
    reviews: Mapping[str, Synced]
    routes: Mapping[str, str] = field(default_factory=dict)
    links: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    states: Mapping[str, Mapping[str, TicketState]] = field(default_factory=dict)
    sent: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, inputs: SyncInputs, reviews: Mapping[str, Synced]) -> SyncedPass:
        return cls(
            inputs.today,
            inputs.ok,
            inputs.policies,
            inputs.assignees,
            inputs.deferred,
            inputs.shared,
            reviews,
            dict(inputs.routes),
            dict(inputs.links),
            {name: dict(states) for name, states in inputs.states.items()},
            inputs.sent,
        )


class Known(dict[str, Synced]):
    """The last pass's reviews that may be kept this pass. `unchanged`: the whole pass's
    routes, links, ticket states and sent reminders are the last pass's, so a review is the
    same once its reports are."""

    unchanged: bool = False


def known_reviews(previous: SyncedPass | None, inputs: SyncInputs) -> Known:
    known = Known()
    if previous is None:
        return known
    # What every review's steps may depend on besides its own items' inputs (small values).
    settings = (previous.today, previous.ok, previous.deferred, previous.shared)
    if settings != (inputs.today, inputs.ok, inputs.deferred, inputs.shared):
        return known
    if (previous.policies, previous.assignees) != (inputs.policies, inputs.assignees):
        return known
    known.update(previous.reviews)
    known.unchanged = (
        previous.sent == inputs.sent
        and previous.links == inputs.links
        and previous.routes == inputs.routes
        and previous.states == inputs.states
    )
    return known


def planned_from(group: Sequence[ItemReport], inputs: SyncInputs) -> PlannedFrom:
    """What one review's tracker steps are planned from besides its reports."""
    keys = [report.item.key for report in group]
    links = tuple(inputs.links.get(key) for key in keys)
    return (
        tuple(inputs.routes.get(key) for key in keys),
        links,
        tuple(
            inputs.states.get(link[0], {}).get(link[1]) if link is not None else None
            for link in links
        ),
        tuple(_reminded(report, inputs.sent) for report in group),
    )


def _reminded(report: ItemReport, sent: frozenset[tuple[str, str]]) -> Reminded:
    """For an item a reminder may be due for: which of its reminders count as sent."""
    flags = report.flags
    if Flag.OVERDUE not in flags and Flag.DEPRIORITIZED_WITHOUT_REASON not in flags:
        return None
    key = report.item.key
    return (key, "overdue") in sent, (key, "reason") in sent


# --- both ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Again:
    """What `plan_pass` hands its next call (`Plan.again`): the last pass's planned marks
    and tracker steps. `Again()` starts a caller that plans again and again."""

    marked: MarkedPass | None = None
    synced: SyncedPass | None = None
