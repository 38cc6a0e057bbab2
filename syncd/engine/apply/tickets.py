"""Execute tracker steps: the only code that writes to trackers (STYLE 2, 3).

Guards first: a tracker that failed this pass gets no writes; each tracker has a write
budget per pass (the rest resume next pass, because the next plan asks again). Creates are
journalled (DESIGN §5): intent in the store → one POST (never retried) → link in the store →
(later in the pass) link in the review. A crash anywhere in between is recovered next pass by
looking the intent up by its marker.

`SYNCD_FAILPOINT=<name>` kills the process with SIGKILL at that boundary; the crash tests use
it (names: before_create, after_create, after_link, after_review).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from syncd import log
from syncd.engine.apply.failpoint import failpoint
from syncd.engine.listing import TrackerView
from syncd.engine.plan.tickets import Comment, CreateTicket, SetLabel, TrackerStep, UpdateTicket
from syncd.errors import RateLimited, TrackerError
from syncd.store.database import Store
from syncd.store.schema import Link
from syncd.trackers.marking import reminder_tag
from syncd.trackers.protocol import CommentNote, TicketChange, TicketState

_log = log.get("syncd.engine.apply.reviews")


@dataclass
class TrackerResult:
    created: list[str] = field(default_factory=list)  # ticket keys
    writes: dict[str, int] = field(default_factory=dict)  # tracker → writes done
    failed: list[tuple[str, str]] = field(default_factory=list)  # (step, error)
    postponed: dict[str, int] = field(default_factory=dict)  # tracker → steps over budget
    calls: list[str] = field(default_factory=list)  # dry run: what would be called


def describe(step: TrackerStep) -> str:
    if isinstance(step, CreateTicket):
        return f"{step.tracker}: create ticket {step.draft.title!r} for {step.item_key}"
    if isinstance(step, UpdateTicket):
        return f"{step.tracker}: update ticket {step.ticket_id} ({step.reason})"
    if isinstance(step, SetLabel):
        verb = "add" if step.present else "remove"
        return f"{step.tracker}: {verb} label {step.label!r} on {step.ticket_id} ({step.reason})"
    return f"{step.tracker}: comment on {step.ticket_id} ({step.reason})"


def apply_tracker_steps(
    steps: tuple[TrackerStep, ...],
    views: Mapping[str, TrackerView],
    store: Store,
    budgets: Mapping[str, int],
    *,
    dry_run: bool = False,
) -> TrackerResult:
    result = TrackerResult()
    for step in steps:
        view = views.get(step.tracker)
        if view is None or not view.ok:
            continue  # the tracker failed earlier in this pass
        if dry_run:
            result.calls.append(describe(step))
            continue
        done = result.writes.get(step.tracker, 0)
        if done >= budgets.get(step.tracker, 0):
            result.postponed[step.tracker] = result.postponed.get(step.tracker, 0) + 1
            continue
        result.writes[step.tracker] = done + 1
        try:
            _run(step, view, store, result)
        except RateLimited as exc:
            view.ok, view.error = False, str(exc)  # stop writing there; resume next pass
            result.failed.append((describe(step), str(exc)))
            _log.warning("tracker_rate_limited", tracker=step.tracker, error=str(exc))
        except TrackerError as exc:
            result.failed.append((describe(step), str(exc)))
            _log.warning("tracker_write_failed", step=describe(step), error=str(exc))
    return result


def _run(step: TrackerStep, view: TrackerView, store: Store, result: TrackerResult) -> None:
    tracker = view.tracker
    if isinstance(step, CreateTicket):
        store.add_intent(step.item_key, step.tracker, step.review_path)
        failpoint("before_create")
        store.mark_intent_attempt(step.item_key, datetime.now(UTC))
        state = tracker.create(step.draft)
        failpoint("after_create")
        view.states[state.id] = state
        store.save_link(
            Link(
                step.item_key,
                step.tracker,
                state.id,
                state.key,
                state.url,
                step.review_path,
                datetime.now(UTC),
            )
        )
        store.resolve_intent(step.item_key, state.id)
        failpoint("after_link")
        result.created.append(state.key)
        _log.info("ticket_created", tracker=step.tracker, ticket=state.key, item=step.item_key)
    elif isinstance(step, UpdateTicket):
        tracker.update(step.ticket_id, step.change)
    elif isinstance(step, SetLabel):
        one = (step.label,)
        change = TicketChange(add_labels=one) if step.present else TicketChange(remove_labels=one)
        tracker.update(step.ticket_id, change)
        seen = view.states.get(step.ticket_id)
        if seen is not None:  # keep the snapshot true so the next pass does not repeat it
            labels = set(seen.labels)
            (labels.add if step.present else labels.discard)(step.label)
            view.states[step.ticket_id] = _with_labels(seen, frozenset(labels))
    elif isinstance(step, Comment):
        episode = store.episode(step.item_key, step.episode)
        started_on = episode.started_on if episode else datetime.now(UTC).date()
        if episode is None:
            store.start_episode(step.item_key, step.episode, started_on)
        # Journalled first: a reminder whose answer is lost is looked for on the ticket next
        # pass (tracker_pass._episodes) instead of being posted twice.
        store.mark_episode_attempt(step.item_key, step.episode, datetime.now(UTC))
        failpoint("before_comment")
        tag = reminder_tag(step.item_key, step.episode, started_on)
        tracker.comment(step.ticket_id, CommentNote(step.body, mention=step.mention, tag=tag))
        failpoint("after_comment")
        store.mark_episode_commented(step.item_key, step.episode)


def _with_labels(state: TicketState, labels: frozenset[str]) -> TicketState:
    return dataclasses.replace(state, labels=labels)
