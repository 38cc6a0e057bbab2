"""The tracker side of a pass: gather ticket state, resolve links, plan, hand steps to apply.

Gathering is where I/O happens (listings, recovery look-ups); deciding is syncd.engine.plan.tickets
(pure); writing is syncd.engine.apply.tickets. A tracker that fails here is left out of `ok`, and
nothing about its items is concluded this pass (DESIGN §1 principle 4).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from syncd import log
from syncd.config.load import LoadedConfig
from syncd.errors import RateLimited, TrackerError
from syncd.model import ActionItem, Review, Status, TicketRef
from syncd.store.database import Store
from syncd.store.schema import Link, TicketSnapshot
from syncd.trackers.protocol import TicketState, Tracker
from syncd.trackers.registry import build_tracker

_log = log.get("syncd.engine.listing")


@dataclass
class TrackerView:
    """Everything known about one tracker during a pass."""

    name: str
    tracker: Tracker
    ok: bool = False
    error: str | None = None
    requests: int = 0
    states: dict[str, TicketState] = field(default_factory=dict)
    stored: dict[str, TicketState] = field(default_factory=dict)  # as loaded from the store
    cursor: str | None = None
    full: bool = False


@dataclass
class Gathered:
    views: dict[str, TrackerView]
    routes: dict[str, str]  # item key → tracker (syncable items)
    links: dict[str, tuple[str, str]]  # item key → (tracker, ticket id)
    deferred: set[str]
    problems: list[str]  # routing problems, in the user's words


def build_views(loaded: LoadedConfig) -> dict[str, TrackerView]:
    return {
        name: TrackerView(name, build_tracker(name, cfg))
        for name, cfg in loaded.config.trackers.items()
    }


def route(review: Review, loaded: LoadedConfig) -> str | None:
    """Which tracker gets this review's items: front matter, then rules, then the default."""
    trackers = loaded.config.trackers
    if review.meta.tracker:
        return review.meta.tracker if review.meta.tracker in trackers else None
    for rule in loaded.config.routing.rules:
        if rule.team and (review.meta.team or "").casefold() != rule.team.casefold():
            continue
        if rule.services and not set(s.casefold() for s in rule.services) & set(
            s.casefold() for s in review.meta.services
        ):
            continue
        if rule.severity and (review.meta.severity or "").upper() not in {
            s.upper() for s in rule.severity
        }:
            continue
        return rule.tracker
    if loaded.config.routing.default:
        return loaded.config.routing.default
    return next(iter(trackers)) if len(trackers) == 1 else None


def state_to_json(s: TicketState) -> str:
    return json.dumps(
        {
            "tracker": s.tracker,
            "id": s.id,
            "project": s.project,
            "key": s.key,
            "url": s.url,
            "status": s.status.value,
            "updated": s.updated.isoformat(),
            "title": s.title,
            "reason": s.reason,
            "labels": sorted(s.labels),
            "closed_on": s.closed_on.isoformat() if s.closed_on else None,
            "marker": s.marker,
            "assignees": list(s.assignees),
            "due": s.due.isoformat() if s.due else None,
        }
    )


_STATUS = {m.value: m for m in Status}  # `Status(v)` costs ~1 us more, 10,000 times a pass


def state_from_json(text: str) -> TicketState:
    d = json.loads(text)
    return TicketState(
        tracker=d["tracker"],
        id=d["id"],
        project=d["project"],
        key=d["key"],
        url=d["url"],
        status=_STATUS[d["status"]],
        updated=datetime.fromisoformat(d["updated"]),
        title=d["title"],
        reason=d["reason"],
        labels=frozenset(d["labels"]),
        closed_on=date.fromisoformat(d["closed_on"]) if d["closed_on"] else None,
        marker=d["marker"],
        assignees=tuple(d["assignees"]),
        due=date.fromisoformat(d["due"]) if d["due"] else None,
    )


def snapshot(s: TicketState) -> TicketSnapshot:
    return TicketSnapshot(
        s.id, s.status, s.reason, tuple(sorted(s.labels)), s.updated, state_to_json(s)
    )


def _full_due(store: Store, name: str, every: float, now: datetime) -> bool:
    last = store.get_meta(f"full:{name}")
    if last is None or store.get_cursor(name) is None:
        return True  # first pass, or a deleted store: list everything, markers included
    return (now - datetime.fromisoformat(last)).total_seconds() >= every


def list_trackers(
    views: Mapping[str, TrackerView], store: Store, full_every: float, now: datetime
) -> None:
    """One listing per tracker: incremental, or full when reconciliation is due."""
    for name, view in views.items():
        view.states = {k: state_from_json(v) for k, v in store.ticket_payloads(name).items()}
        view.stored = dict(view.states)
        view.full = _full_due(store, name, full_every, now)
        try:
            listing = view.tracker.list_changed(None if view.full else store.get_cursor(name))
        except (TrackerError, RateLimited) as exc:
            view.error = str(exc)
            _log.warning("tracker_failed", tracker=name, error=str(exc))
            continue
        view.ok = True
        view.requests += listing.requests
        view.cursor = listing.cursor
        for state in listing.tickets:
            view.states[state.id] = state
        _log.info(
            "tracker_listed",
            tracker=name,
            changed=len(listing.tickets),
            requests=listing.requests,
            full=view.full,
            not_modified=listing.not_modified,
        )


def resolve_links(
    items: Sequence[ActionItem],
    routes: Mapping[str, str],
    views: Mapping[str, TrackerView],
    stored: Mapping[str, Link],
) -> dict[str, tuple[str, str]]:
    """Item → ticket: the review's own reference wins, then the store, then a ticket marker."""
    by_marker = {
        state.marker: (name, state.id)
        for name, view in views.items()
        for state in view.states.values()
        if state.marker
    }
    # The suffix syncd wrote carries the ticket's URL: a known ticket needs no parse_ref,
    # which for Jira only knows the ids of issues seen this pass (else `key:OPS-12`, a fetch).
    by_url = {
        state.url: (name, state.id)
        for name, view in views.items()
        for state in view.states.values()
    }
    links: dict[str, tuple[str, str]] = {}
    for item in items:
        key = item.key
        home = routes.get(key)
        refs: list[TicketRef] = []
        if item.suffix and item.suffix.ticket_url:
            refs.append(TicketRef(raw=item.suffix.ticket_url, url=item.suffix.ticket_url))
        refs.extend(item.tickets)
        found = _match_refs(refs, home, views, by_url)
        if found is None and key in stored:
            found = (stored[key].tracker, stored[key].ticket_id)
        if found is None and key in by_marker:
            found = by_marker[key]
        if found is not None:
            links[key] = found
    return links


def _match_refs(
    refs: Sequence[TicketRef],
    home: str | None,
    views: Mapping[str, TrackerView],
    by_url: Mapping[str, tuple[str, str]],
) -> tuple[str, str] | None:
    for ref in refs:
        if ref.url is not None and ref.url in by_url:
            return by_url[ref.url]
        bare = ref.url is None and ref.key is None and ref.repo is None
        candidates = [home] if bare else [home, *views]
        for name in candidates:
            if name is None or name not in views:
                continue
            ticket_id = views[name].tracker.parse_ref(ref)
            if ticket_id is not None:
                return name, ticket_id
    return None


def fetch_missing(links: Mapping[str, tuple[str, str]], views: Mapping[str, TrackerView]) -> int:
    """Linked tickets never seen before (adopted ones): one fetch per tracker; how many asked."""
    wanted: dict[str, list[str]] = {}
    for tracker, ticket_id in links.values():
        view = views.get(tracker)
        if view is not None and view.ok and ticket_id not in view.states:
            wanted.setdefault(tracker, []).append(ticket_id)
    for tracker, ids in wanted.items():
        view = views[tracker]
        try:
            for state in view.tracker.fetch(sorted(set(ids))).tickets:
                view.states[state.id] = state
                if state.moved_from is not None:  # followed: the link still names the old id
                    view.states[state.moved_from] = state
        except (TrackerError, RateLimited) as exc:
            view.ok, view.error = False, str(exc)
            _log.warning("tracker_failed", tracker=tracker, error=str(exc))
    return sum(len(ids) for ids in wanted.values())


def recover_intents(
    store: Store,
    views: Mapping[str, TrackerView],
    links: dict[str, tuple[str, str]],
    lags: Mapping[str, float],
    now: datetime,
) -> set[str]:
    """Open intents from a pass that may have died mid-create: find, or decide it is safe."""
    deferred: set[str] = set()
    for intent in store.open_intents():
        view = views.get(intent.tracker)
        if view is None or not view.ok:
            deferred.add(intent.item_key)
            continue
        if intent.item_key in links:
            store.resolve_intent(intent.item_key, links[intent.item_key][1])
            continue
        try:
            found = view.tracker.find_by_marker(intent.item_key, intent.created_at)
        except (TrackerError, RateLimited) as exc:
            _log.warning("intent_lookup_failed", item=intent.item_key, error=str(exc))
            deferred.add(intent.item_key)
            continue
        if found is not None:
            view.states[found.id] = found
            links[intent.item_key] = (intent.tracker, found.id)
            store.resolve_intent(intent.item_key, found.id)
            _log.info("intent_recovered", item=intent.item_key, ticket=found.key)
            continue
        # Not found. A consistent list endpoint (GitHub, GitLab) proves it was never
        # created; Jira search lags, so wait out the lag after the last attempt first.
        last = intent.last_attempt_at or intent.created_at
        if now - last < timedelta(seconds=lags.get(intent.tracker, 0.0)):
            deferred.add(intent.item_key)
    return deferred


def save_views(store: Store, views: Mapping[str, TrackerView], now: datetime) -> None:
    for name, view in views.items():
        if not view.ok:
            continue
        # States are frozen: one that is still the object loaded from the store is unchanged,
        # so an idle pass writes no snapshot (cost grows with changes, DESIGN §1.5).
        changed = [s for k, s in view.states.items() if view.stored.get(k) is not s]
        if changed:
            store.save_ticket_states(name, [snapshot(s) for s in changed])
        store.set_cursor(name, view.cursor)
        if view.full:
            store.set_meta(f"full:{name}", now.isoformat())


def utcnow() -> datetime:
    return datetime.now(UTC)
