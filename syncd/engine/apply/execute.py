"""The one writer (STYLE 2): run a plan's steps in order and say what each did.

Guards, each in one place:
- `Writes` says which kinds of step may write at all (a dry run: none; `check --no-write`:
  the store's cache and history only; `status`: the parse cache only). A tracker step that
  may not write is described.
- A tracker that failed this pass (while listing, or rate-limited while writing) gets no
  more writes, and what it said is not saved.
- Each tracker has a write budget per pass; writes that changed nothing do not count, the
  rest resume next pass (the next plan asks again).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from syncd import log
from syncd.engine.apply.failpoint import failpoint
from syncd.engine.apply.reviews import Replanner, ReviewsWritten, write_review
from syncd.engine.apply.store import run_store_step
from syncd.engine.apply.tickets import describe, run_tracker_step
from syncd.engine.plan.steps import (
    Comment,
    CreateTicket,
    DeliverReviews,
    EditReview,
    RemoveStaleTemps,
    SavePacing,
    SaveTickets,
    SetLabel,
    Step,
    Target,
    UpdateTicket,
)
from syncd.errors import RateLimited, SyncdError, TicketGone, TrackerError
from syncd.records.atomic import remove_stale_temps
from syncd.store.database import Store
from syncd.trackers.protocol import Outcome, TicketState, Tracker

if TYPE_CHECKING:
    from syncd.repo.deliver import Delivered
    from syncd.repo.workspace import Checkout, Workspace

_log = log.get("syncd.engine.apply")


@dataclass(frozen=True, slots=True)
class Writes:
    """Which targets a pass may write."""

    reviews: bool = True
    trackers: bool = True  # also the store's record of them (journal, snapshots, cursors)
    cache: bool = True  # the store's parse cache
    history: bool = True  # the store's status history
    diffs: bool = False  # show what the review writes would change (a dry run)

    def allows(self, target: Target) -> bool:
        if target is Target.REVIEW:
            return self.reviews
        if target is Target.CACHE:
            return self.cache
        if target is Target.HISTORY:
            return self.history
        return self.trackers


class Result(enum.StrEnum):
    DONE = "done"
    NOOP = "noop"  # the write was not needed
    FAILED = "failed"
    POSTPONED = "postponed"  # over the write budget: next pass
    SKIPPED = "skipped"  # its tracker failed this pass, or writing this target is off


@dataclass(frozen=True, slots=True)
class StepOutcome:
    step: Step
    result: Result
    detail: str | None = None


@dataclass
class Applied:
    """What the writer did, step by step, and the totals the report shows."""

    outcomes: list[StepOutcome] = field(default_factory=list)
    reviews: ReviewsWritten = field(default_factory=ReviewsWritten)
    created: dict[str, TicketState] = field(default_factory=dict)  # item key → new ticket
    writes: dict[str, int] = field(default_factory=dict)  # tracker → writes made (NOOPs not)
    postponed: dict[str, int] = field(default_factory=dict)  # tracker → steps over budget
    failed: list[tuple[str, str]] = field(default_factory=list)  # (step, error)
    broken: dict[str, str] = field(default_factory=dict)  # tracker → error while writing
    calls: list[str] = field(default_factory=list)  # tracker steps described, not run
    stopped: bool = False  # asked to stop before every step had run
    learned: dict[tuple[str, str], TicketState] = field(default_factory=dict)  # states writes made
    delivered: Delivered | None = None  # records.repo: what the commit / push / PR did
    delivery_error: str | None = None


@dataclass(frozen=True, slots=True)
class World:
    """What the writer writes to."""

    store: Store
    trackers: Mapping[str, Tracker]
    budgets: Mapping[str, int]
    replanner: Replanner
    now: datetime
    failed: frozenset[str] = frozenset()  # trackers that failed while gathering
    clock: Callable[[], datetime] | None = None  # the time right now (default: `now`)
    stop: Callable[[], bool] = lambda: False  # asked to stop: finish the step, run no more
    workspace: Workspace | None = None  # records.repo: the clone the reviews were read from
    checkout: Checkout | None = None
    states: Mapping[str, Mapping[str, TicketState]] = field(default_factory=dict)  # as gathered


_TRACKER_STEPS = (CreateTicket, UpdateTicket, SetLabel, Comment)


def apply_plan(steps: tuple[Step, ...], world: World, writes: Writes) -> Applied:
    applied = Applied()
    learned = applied.learned  # (tracker, ticket id) → the ticket as this pass's writes left it
    last_review = max((i for i, s in enumerate(steps) if isinstance(s, EditReview)), default=-1)
    for index, step in enumerate(steps):
        if world.stop():
            # Between two steps is a safe place to stop: every create is journalled and every
            # review written whole. What is left is planned again next pass.
            applied.stopped = True
            applied.outcomes.append(StepOutcome(step, Result.SKIPPED, "stopping"))
            continue
        if isinstance(step, _TRACKER_STEPS):
            _tracker_step(step, world, writes, applied, learned)
        elif isinstance(step, DeliverReviews):
            _deliver(step, world, writes, applied)
        elif isinstance(step, RemoveStaleTemps):
            _remove_stale_temps(step, writes, applied)
        elif isinstance(step, EditReview):
            if writes.reviews or writes.diffs:
                write_review(
                    step, world.replanner, applied.created, not writes.reviews, applied.reviews
                )
            if index == last_review and writes.reviews:
                failpoint("after_review")
            applied.outcomes.append(StepOutcome(step, Result.DONE))
        elif isinstance(step, SavePacing):
            _save_pacing(step, world, writes, applied)
        elif not writes.allows(step.target) or (
            isinstance(step, SaveTickets) and step.tracker in applied.broken
        ):
            applied.outcomes.append(StepOutcome(step, Result.SKIPPED))
        else:
            run_store_step(step, world.store, world.now, learned)
            applied.outcomes.append(StepOutcome(step, Result.DONE))
    return applied


def _remove_stale_temps(step: RemoveStaleTemps, writes: Writes, applied: Applied) -> None:
    if not writes.reviews:
        applied.outcomes.append(StepOutcome(step, Result.SKIPPED))
        return
    removed = remove_stale_temps(step.root, step.reviews)
    for path in removed:
        _log.info("stale_temp_removed", path=str(path))
    applied.outcomes.append(StepOutcome(step, Result.DONE if removed else Result.NOOP))


def _save_pacing(step: SavePacing, world: World, writes: Writes, applied: Applied) -> None:
    tracker = world.trackers.get(step.tracker)
    state = tracker.pacer.state() if tracker is not None else None
    if not writes.allows(step.target) or state is None or state == step.before:
        applied.outcomes.append(StepOutcome(step, Result.NOOP))
        return
    world.store.set_meta(f"pacing:{step.tracker}", state)
    applied.outcomes.append(StepOutcome(step, Result.DONE))


def _deliver(step: DeliverReviews, world: World, writes: Writes, applied: Applied) -> None:
    if not writes.reviews or world.workspace is None or world.checkout is None:
        applied.outcomes.append(StepOutcome(step, Result.SKIPPED))
        return
    from syncd.engine.apply.delivery import deliver_reviews  # git only where records.repo is

    try:
        applied.delivered = deliver_reviews(
            world.workspace, world.checkout, world.replanner, applied.created, applied.reviews
        )
    except SyncdError as exc:  # the remote refused or could not be reached: next pass redoes it
        applied.delivery_error = str(exc)
        applied.outcomes.append(StepOutcome(step, Result.FAILED, str(exc)))
        _log.warning("reviews_not_delivered", error=str(exc))
        return
    applied.outcomes.append(StepOutcome(step, Result.DONE))


def _tracker_step(
    step: CreateTicket | UpdateTicket | SetLabel | Comment,
    world: World,
    writes: Writes,
    applied: Applied,
    learned: dict[tuple[str, str], TicketState],
) -> None:
    name = step.tracker
    if name in world.failed or name in applied.broken or name not in world.trackers:
        applied.outcomes.append(StepOutcome(step, Result.SKIPPED, "the tracker failed"))
        return
    if not writes.trackers:
        applied.calls.append(describe(step))
        applied.outcomes.append(StepOutcome(step, Result.SKIPPED, "dry run"))
        return
    done = applied.writes.get(name, 0)
    if done >= world.budgets.get(name, 0):
        applied.postponed[name] = applied.postponed.get(name, 0) + 1
        applied.outcomes.append(StepOutcome(step, Result.POSTPONED))
        return
    applied.writes[name] = done + 1  # a failed write counts too: a broken tracker costs little
    try:
        outcome, state = run_tracker_step(
            step, world.trackers[name], world.store, world.now, world.clock
        )
    except TicketGone as exc:
        # Deleted: no write will ever succeed. Remembered as deleted (the next pass reports
        # it and writes nothing to it) instead of failing every pass from now on.
        applied.writes[name] = done
        known = world.states.get(name, {}).get(exc.ticket_id)
        if known is not None:
            learned[(name, exc.ticket_id)] = dataclasses.replace(known, deleted=True)
        applied.outcomes.append(StepOutcome(step, Result.SKIPPED, "the ticket was deleted"))
        _log.warning("ticket_deleted", tracker=name, ticket=exc.ticket_id)
        return
    except RateLimited as exc:
        applied.broken[name] = str(exc)  # stop writing there; resume next pass
        applied.failed.append((describe(step), str(exc)))
        applied.outcomes.append(StepOutcome(step, Result.FAILED, str(exc)))
        _log.warning("tracker_rate_limited", tracker=name, error=str(exc))
        return
    except TrackerError as exc:
        applied.failed.append((describe(step), str(exc)))
        applied.outcomes.append(StepOutcome(step, Result.FAILED, str(exc)))
        _log.warning("tracker_write_failed", step=describe(step), error=str(exc))
        return
    if outcome is Outcome.NOOP:
        applied.writes[name] = done  # nothing changed: not a write
        applied.outcomes.append(StepOutcome(step, Result.NOOP))
        return
    if state is not None:
        learned[(name, state.id)] = state
        if isinstance(step, CreateTicket):
            applied.created[step.item_key] = state
    applied.outcomes.append(StepOutcome(step, Result.DONE))
