"""Run one store step: the journal's bookkeeping, what the trackers said, the parse cache
and the status history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from syncd.engine.plan.steps import (
    CacheReviews,
    ConfirmReminder,
    EndEpisode,
    LinkFound,
    RecordStatuses,
    Relink,
    SaveTickets,
    StoreStep,
)
from syncd.engine.snapshots import snapshot
from syncd.store.database import Store
from syncd.store.schema import Link
from syncd.trackers.protocol import TicketState


def run_store_step(
    step: StoreStep,
    store: Store,
    now: datetime,
    learned: Mapping[tuple[str, str], TicketState],
) -> None:
    """`learned`: (tracker, ticket id) → state this pass's own writes produced."""
    if isinstance(step, LinkFound):
        store.resolve_intent(step.item_key, step.ticket_id, at=now)
        if step.state is not None:
            s = step.state
            store.save_link(
                Link(step.item_key, s.tracker, s.id, s.key, s.url, step.review_path, now)
            )
    elif isinstance(step, Relink):
        s = step.state
        store.save_link(Link(step.item_key, s.tracker, s.id, s.key, s.url, step.review_path, now))
    elif isinstance(step, ConfirmReminder):
        store.mark_episode_commented(step.item_key, step.episode)
    elif isinstance(step, EndEpisode):
        store.end_episode(step.item_key, step.episode)
    elif isinstance(step, SaveTickets):
        states = {s.id: s for s in step.states}
        states.update({tid: s for (name, tid), s in learned.items() if name == step.tracker})
        if states:
            store.save_ticket_states(step.tracker, [snapshot(s) for s in states.values()])
        store.set_cursor(step.tracker, step.cursor)
        if step.full_at is not None:
            store.set_meta(f"full:{step.tracker}", step.full_at.isoformat())
    elif isinstance(step, CacheReviews):
        if step.save:
            store.save_reviews(step.save)
        if step.forget:
            store.forget_reviews(step.forget)
    elif isinstance(step, RecordStatuses):
        store.record_statuses(step.observed, step.at)
