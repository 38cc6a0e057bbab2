"""Run one tracker step: the only code that writes to trackers (STYLE 2, 3).

Creates are journalled (DESIGN §5): intent in the store → one POST (never retried) → link in
the store → (later in the pass) link in the review. Reminders likewise: the attempt is
journalled before the comment, so a lost answer is looked up next pass, never posted twice.
A crash anywhere in between is recovered next pass (`engine.plan.pass_plan`).

`SYNCD_FAILPOINT=<name>` kills the process at these boundaries for the crash tests:
before_create, after_create, after_link, before_comment, after_comment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from syncd import log
from syncd.engine.apply.failpoint import failpoint
from syncd.engine.plan.steps import Comment, CreateTicket, SetLabel, TrackerStep, UpdateTicket
from syncd.store.database import Store
from syncd.store.schema import Link
from syncd.trackers.marking import reminder_tag
from syncd.trackers.protocol import CommentNote, Outcome, TicketChange, TicketState, Tracker

_log = log.get("syncd.engine.apply")


def describe(step: TrackerStep) -> str:
    """One line for dry runs and failure reports."""
    if isinstance(step, CreateTicket):
        return f"{step.tracker}: create ticket {step.draft.title!r} for {step.item_key}"
    if isinstance(step, UpdateTicket):
        return f"{step.tracker}: update ticket {step.ticket_id} ({step.reason})"
    if isinstance(step, SetLabel):
        verb = "add" if step.present else "remove"
        return f"{step.tracker}: {verb} label {step.label!r} on {step.ticket_id} ({step.reason})"
    return f"{step.tracker}: comment on {step.ticket_id} ({step.reason})"


def run_tracker_step(
    step: TrackerStep,
    tracker: Tracker,
    store: Store,
    now: datetime,
    clock: Callable[[], datetime] | None = None,
) -> tuple[Outcome, TicketState | None]:
    """Do one write; (what it did, the ticket as it now is when the step knows it). `now`:
    the pass's time; `clock`: the time right now (a create's attempt is journalled then)."""
    if isinstance(step, CreateTicket):
        return Outcome.CREATED, _create(step, tracker, store, now, clock or (lambda: now))
    if isinstance(step, UpdateTicket):
        return tracker.update(step.ticket_id, step.change), None
    if isinstance(step, SetLabel):
        one = (step.label,)
        change = TicketChange(add_labels=one) if step.present else TicketChange(remove_labels=one)
        return tracker.update(step.ticket_id, change), step.after
    return _comment(step, tracker, store, now), None


def _create(
    step: CreateTicket,
    tracker: Tracker,
    store: Store,
    now: datetime,
    clock: Callable[[], datetime],
) -> TicketState:
    store.add_intent(step.item_key, step.tracker, step.review_path, at=now)
    failpoint("before_create")
    # The attempt's own time, not the pass's: a search that lags (Jira) is waited out from
    # when the tracker may have created the ticket, which can be long after the pass began.
    store.mark_intent_attempt(step.item_key, clock())
    try:
        state = tracker.create(step.draft)
    except BaseException:
        # No answer: it may have been created up to now (a stalled request, a lost answer).
        store.intent_attempt_ended(step.item_key, clock())
        raise
    failpoint("after_create")
    store.save_link(
        Link(step.item_key, step.tracker, state.id, state.key, state.url, step.review_path, now)
    )
    store.resolve_intent(step.item_key, state.id, at=now)
    failpoint("after_link")
    _log.info("ticket_created", tracker=step.tracker, ticket=state.key, item=step.item_key)
    return state


def _comment(step: Comment, tracker: Tracker, store: Store, now: datetime) -> Outcome:
    if step.new_episode:
        store.start_episode(step.item_key, step.episode, step.started_on)
    # Journalled first: a reminder whose answer is lost is looked for on the ticket next
    # pass instead of being posted twice.
    store.mark_episode_attempt(step.item_key, step.episode, now)
    failpoint("before_comment")
    tag = reminder_tag(step.item_key, step.episode, step.started_on)
    outcome = tracker.comment(step.ticket_id, CommentNote(step.body, mention=step.mention, tag=tag))
    failpoint("after_comment")
    store.mark_episode_commented(step.item_key, step.episode)
    return outcome
