"""Gather what the trackers know: one listing per tracker, the linked tickets never seen
before, and the look-ups that exactly-once needs (an open creation intent's ticket, a
reminder whose answer was lost).

Reading only; deciding is `engine.plan`. A tracker that fails here is not `ok`, and nothing
about its items is concluded this pass (DESIGN §1 principle 4).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from syncd import log
from syncd.config.models import Config
from syncd.engine.links import Linked, resolve_links, route
from syncd.engine.memo import PassMemo, Resolved
from syncd.engine.snapshots import state_from_json
from syncd.errors import RateLimited, TrackerError
from syncd.model import Review
from syncd.store.database import Store
from syncd.store.schema import Episode, Intent, Link
from syncd.trackers.marking import reminder_tag
from syncd.trackers.protocol import TicketState, Tracker

_log = log.get("syncd.engine.gather")


@dataclass
class TrackerFacts:
    """What one tracker said this pass. Filled while gathering, read-only afterwards."""

    name: str
    ok: bool = False
    error: str | None = None
    requests: int = 0
    states: dict[str, TicketState] = field(default_factory=dict)  # ticket id → state
    stored: dict[str, TicketState] = field(default_factory=dict)  # as loaded from the store
    cursor: str | None = None  # to pass next time
    previous_cursor: str | None = None  # as the store had it
    full: bool = False
    unlisted: set[str] = field(default_factory=set)  # known, but missing from a full listing
    pacing: str | None = None  # the tracker's pacing state as the store had it

    def fail(self, exc: Exception) -> None:
        self.ok, self.error = False, str(exc)
        _log.warning("tracker_failed", tracker=self.name, error=str(exc))


class Lookup(enum.StrEnum):
    """What a look-up on the tracker found."""

    FOUND = "found"
    ABSENT = "absent"  # a consistent read says it is not there
    UNKNOWN = "unknown"  # the tracker could not say (failed, or failed earlier this pass)


@dataclass(frozen=True, slots=True)
class IntentFact:
    """An open creation intent (a create that may have died mid-way) and what was found."""

    intent: Intent
    lookup: Lookup
    state: TicketState | None = None  # the ticket carrying the item's marker, when FOUND


@dataclass(frozen=True, slots=True)
class GatheredTickets:
    facts: Mapping[str, TrackerFacts]
    routes: Mapping[str, str]  # item key → tracker (syncable items only)
    problems: tuple[str, ...]  # routing problems, in the user's words
    stored_links: Mapping[str, Link]
    links: Mapping[str, Linked]  # item key → (tracker, ticket id)
    intents: tuple[IntentFact, ...]
    episodes: Mapping[tuple[str, str], Episode]  # running, by (item key, kind)
    confirmed: Mapping[tuple[str, str], Lookup]  # reminders whose answer was lost


def gather_tickets(
    config: Config,
    store: Store,
    trackers: Mapping[str, Tracker],
    reviews: Sequence[Review],
    now: datetime,
    memo: PassMemo | None = None,
) -> GatheredTickets:
    syncable = [r for r in reviews if r.readable and not r.draft]
    problems: list[str] = []
    routes = _routes(config, syncable, problems)
    facts = {name: TrackerFacts(name) for name in trackers}
    full_every = config.sync.full_every_seconds
    versions = store.versions() if memo is not None else {}
    for name, tracker in trackers.items():
        facts[name].states = _stored_states(store, name, memo, versions)
        # Holds and creation windows outlive a process (GitHub's hourly limit under cron).
        facts[name].pacing = store.get_meta(f"pacing:{name}")
        tracker.pacer.restore(facts[name].pacing)
        _list(facts[name], tracker, store, full_every, now)
    stored = _stored_links(store, memo, versions)
    states = {name: f.states for name, f in facts.items()}
    items = [item for review in syncable for item in review.items]
    last = memo.resolved if memo is not None else None
    reused = last is not None and last.same(syncable, routes, states, stored)
    if last is not None and reused:
        links = dict(last.links)  # nothing links are resolved from changed
    else:
        links = resolve_links(items, routes, trackers, states, stored)
    if _fetch_missing(links, trackers, facts):
        # Adapters learn ids by fetching (Jira: key → id), so resolve the fetched ones again.
        links = resolve_links(items, routes, trackers, states, stored)
        reused = False
    if memo is not None and not reused:
        memo.resolved = Resolved.of(syncable, routes, states, stored, links)
    intents = tuple(_look_up_intent(i, links, trackers, facts) for i in store.open_intents())
    for fact in intents:
        if fact.state is not None:  # found by its marker: linked from now on
            facts[fact.intent.tracker].states[fact.state.id] = fact.state
            links[fact.intent.item_key] = (fact.intent.tracker, fact.state.id)
    episodes = store.episodes()
    confirmed = {
        key: _look_up_reminder(episode, links, trackers, facts)
        for key, episode in episodes.items()
        if not episode.commented and episode.attempted_at is not None and key[0] in links
    }
    return GatheredTickets(
        facts=facts,
        routes=routes,
        problems=tuple(problems),
        stored_links=stored,
        links=links,
        intents=intents,
        episodes=episodes,
        confirmed=confirmed,
    )


def read_stored_tickets(config: Config, store: Store, reviews: Sequence[Review]) -> GatheredTickets:
    """What the store knows of the trackers, without a request: the last mirrored state of
    every linked ticket (`syncd status`, `syncd digest`). Links come from the review's own
    suffix URL, the store and ticket markers (a bare `#12` needs the tracker to resolve)."""
    syncable = [r for r in reviews if r.readable and not r.draft]
    routes = _routes(config, syncable, [])
    facts = {
        name: TrackerFacts(
            name,
            ok=True,
            states=(
                states := {k: state_from_json(v) for k, v in store.ticket_payloads(name).items()}
            ),
            stored=dict(states),
        )
        for name in config.trackers
    }
    items = [item for review in syncable for item in review.items]
    stored = store.links()
    links = resolve_links(items, routes, {}, {n: f.states for n, f in facts.items()}, stored)
    return GatheredTickets(facts, routes, (), stored, links, (), {}, {})


def _routes(config: Config, syncable: Sequence[Review], problems: list[str]) -> dict[str, str]:
    """Item key → the tracker its review routes to; routing problems in the user's words."""
    routes: dict[str, str] = {}
    for review in syncable:
        name = route(review, config)
        if name is None:
            if review.meta.tracker:
                problems.append(
                    f"{review.path}: front matter names tracker "
                    f"{review.meta.tracker!r}, which is not configured"
                )
            continue
        for item in review.items:
            routes[item.key] = name
    return routes


def _full_due(store: Store, name: str, cursor: str | None, every: float, now: datetime) -> bool:
    last = store.get_meta(f"full:{name}")
    if last is None or cursor is None:
        return True  # first pass, or a deleted store: list everything, markers included
    return (now - datetime.fromisoformat(last)).total_seconds() >= every


def _list(
    facts: TrackerFacts, tracker: Tracker, store: Store, full_every: float, now: datetime
) -> None:
    """One listing: incremental, or full when reconciliation is due."""
    name = facts.name
    facts.stored = dict(facts.states)
    facts.previous_cursor = store.get_cursor(name)
    facts.full = _full_due(store, name, facts.previous_cursor, full_every, now)
    try:
        listing = tracker.list_changed(None if facts.full else facts.previous_cursor)
    except (TrackerError, RateLimited) as exc:
        facts.fail(exc)
        return
    facts.ok = True
    facts.requests += listing.requests
    facts.cursor = listing.cursor
    for state in listing.tickets:
        facts.states[state.id] = state
    if facts.full:  # a known ticket missing from everything listed: deleted, or moved away?
        facts.unlisted = set(facts.stored) - {s.id for s in listing.tickets}
    _log.debug(
        "tracker_listed",
        tracker=name,
        changed=len(listing.tickets),
        requests=listing.requests,
        full=facts.full,
        not_modified=listing.not_modified,
    )


def _stored_states(
    store: Store, name: str, memo: PassMemo | None, versions: Mapping[str, str]
) -> dict[str, TicketState]:
    """What the store says `name`'s tickets were; the memo's while the store has not changed."""
    version = versions.get(f"tickets:{name}")
    known = memo.tickets.get(name) if memo is not None else None
    if known is not None and version is not None and known[0] == version:
        return dict(known[1])
    return {k: state_from_json(v) for k, v in store.ticket_payloads(name).items()}


def _stored_links(
    store: Store, memo: PassMemo | None, versions: Mapping[str, str]
) -> dict[str, Link]:
    version = versions.get("links")
    if memo is not None and memo.links is not None and memo.links[0] == version:
        return memo.links[1]
    links = store.links()
    if memo is not None and version is not None:
        memo.links = (version, links)
    return links


def _fetch_missing(
    links: Mapping[str, Linked], trackers: Mapping[str, Tracker], facts: Mapping[str, TrackerFacts]
) -> int:
    """Linked tickets never seen before (adopted ones): one fetch per tracker; how many asked."""
    wanted: dict[str, set[str]] = {}
    for name, ticket_id in links.values():
        known = facts.get(name)
        if known is None or not known.ok:
            continue
        seen = known.states.get(ticket_id)
        if seen is None or (ticket_id in known.unlisted and not seen.deleted):
            wanted.setdefault(name, set()).add(ticket_id)
    for name, ids in wanted.items():
        try:
            fetched = trackers[name].fetch(sorted(ids))
        except (TrackerError, RateLimited) as exc:
            facts[name].fail(exc)
            continue
        states = facts[name].states
        for state in fetched.tickets:
            states[state.id] = state
            if state.moved_from is not None:  # followed: the link still names the old id
                states[state.moved_from] = state
        for ticket_id in fetched.gone:
            if ticket_id in states:  # the tracker says it is deleted: remembered as such
                states[ticket_id] = replace(states[ticket_id], deleted=True)
    return sum(len(ids) for ids in wanted.values())


def _look_up_intent(
    intent: Intent,
    links: Mapping[str, Linked],
    trackers: Mapping[str, Tracker],
    facts: Mapping[str, TrackerFacts],
) -> IntentFact:
    known = facts.get(intent.tracker)
    if known is None or not known.ok:
        return IntentFact(intent, Lookup.UNKNOWN)
    if intent.item_key in links:
        return IntentFact(intent, Lookup.FOUND)  # linked already: the intent only closes
    try:
        found = trackers[intent.tracker].find_by_marker(intent.item_key, intent.created_at)
    except (TrackerError, RateLimited) as exc:
        _log.warning("intent_lookup_failed", item=intent.item_key, error=str(exc))
        return IntentFact(intent, Lookup.UNKNOWN)
    if found is None:
        return IntentFact(intent, Lookup.ABSENT)
    _log.info("intent_recovered", item=intent.item_key, ticket=found.key)
    return IntentFact(intent, Lookup.FOUND, found)


def _look_up_reminder(
    episode: Episode,
    links: Mapping[str, Linked],
    trackers: Mapping[str, Tracker],
    facts: Mapping[str, TrackerFacts],
) -> Lookup:
    """Was the reminder whose answer was lost posted after all?"""
    name, ticket_id = links[episode.item_key]
    known = facts.get(name)
    if known is None or not known.ok:
        return Lookup.UNKNOWN
    tag = reminder_tag(episode.item_key, episode.kind, episode.started_on)
    assert episode.attempted_at is not None
    try:
        found = trackers[name].has_comment(ticket_id, tag, episode.attempted_at)
    except (TrackerError, RateLimited) as exc:
        _log.warning("reminder_unconfirmed", item=episode.item_key, error=str(exc))
        return Lookup.UNKNOWN
    return Lookup.FOUND if found else Lookup.ABSENT
