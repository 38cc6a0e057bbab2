"""Decide a whole pass. PURE: (gathered state, judged items, settings, clock values) → Plan.

The one place a pass is decided. It puts together, in the order the writer runs them:

    1. the journal's bookkeeping   an intent whose ticket was found is linked; a reminder
                                   found on its ticket counts as sent; an episode whose mark
                                   no longer applies ends; plan/reconcile.py: a moved ticket
                                   is relinked, duplicates are closed, shared ones left alone
    2. tracker writes              plan/tickets.py: create, mirror, label, remind, close orphans
    3. what the trackers said      per tracker that answered: snapshots, cursor, full time
    4. review writes               plan/reviews.py: the suffix (and checkbox) of each item;
                                   with records.repo, then one delivery (commit, push, PR)
    5. the store's cache           parse cache, status history

Decisions about open creation intents (DESIGN §5): found → linked, never created again;
the tracker could not say → defer; not found by a consistent read → create, except while a
lagging search (Jira) may still be hiding it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from syncd.engine.gather.reviews import GatheredReviews
from syncd.engine.gather.tickets import GatheredTickets, Lookup
from syncd.engine.plan.again import Again
from syncd.engine.plan.reconcile import Reconciled, reconcile
from syncd.engine.plan.reviews import ReviewInputs, plan_reviews_again
from syncd.engine.plan.steps import (
    CacheReviews,
    ConfirmReminder,
    CreateTicket,
    DeliverReviews,
    EndEpisode,
    LinkFound,
    RecordStatuses,
    RemoveStaleTemps,
    SavePacing,
    SaveTickets,
    Step,
)
from syncd.engine.plan.tickets import SyncInputs, SyncPlan, TrackerPolicy, compute_sync_plan
from syncd.model import Flag, ItemReport, Review, Status
from syncd.store.schema import Link

# Which flag keeps which reminder episode running.
EPISODE_FLAGS = (("overdue", Flag.OVERDUE), ("reason", Flag.DEPRIORITIZED_WITHOUT_REASON))


@dataclass(frozen=True, slots=True)
class Settings:
    """The config, as the planner needs it (values only)."""

    write_back: bool
    policies: Mapping[str, TrackerPolicy]
    search_lag: Mapping[str, float]  # tracker → seconds its marker search may lag
    assignees: Mapping[tuple[str, str], tuple[str, ...]]  # (tracker, owner) → users
    review_url: str | None  # template with {path} {line} {review_id} {title}
    close_orphans: bool
    deliver: bool = False  # the reviews live in records.repo: commit / push / pull request
    root: Path = Path(".")  # where the reviews are read (stale temp files are looked for)


@dataclass(frozen=True, slots=True)
class Plan:
    steps: tuple[Step, ...]
    reviews: ReviewInputs  # for a re-plan of one review the writer found changed
    tickets: SyncPlan | None  # deferred creations, orphans, gone, deleted (for the report)
    reconciled: Reconciled | None = None  # moved, duplicates, shared tickets (for the report)
    again: Again | None = None  # for the next call's `again` (when this one was given one)


def plan_pass(
    gathered: GatheredReviews,
    tickets: GatheredTickets | None,
    reports: Sequence[ItemReport],
    settings: Settings,
    today: date,
    now: datetime,
    recorded: Mapping[str, tuple[Status, str]] | None = None,
    again: Again | None = None,
) -> Plan:
    """`recorded`: the statuses the store's history already holds, when the caller knows.
    `again`: for a caller that plans again and again (the service), the last call's
    `Plan.again` (`Again()` the first time): a review whose reports and linked tickets are
    the same objects as then keeps its planned marks and tracker steps (plan/again.py)."""
    keep = again is not None
    steps: list[Step] = []
    sync_plan: SyncPlan | None = None
    fixed: Reconciled | None = None
    if settings.write_back and gathered.paths:
        steps.append(RemoveStaleTemps(settings.root, gathered.paths))
    review_inputs = ReviewInputs(write_back=settings.write_back, linked={})
    if tickets is not None:
        ok = frozenset(name for name, f in tickets.facts.items() if f.ok)
        deferred, found = _intents(tickets, settings, now)
        steps.extend(found)
        sent, episode_steps = _episodes(tickets, reports)
        steps.extend(episode_steps)
        orphans, gone = find_orphans(tickets.stored_links, gathered.reviews, tickets.links)
        review_of = {r.item.key: r.review.path for r in reports}
        states = {n: f.states for n, f in tickets.facts.items()}
        fixed = reconcile(tickets.links, states, ok, review_of)
        steps.extend(fixed.relinks)
        newly_deleted = frozenset(
            (name, tid)
            for name, f in tickets.facts.items()
            for tid, state in f.states.items()
            if state.deleted and not (tid in f.stored and f.stored[tid].deleted)
        )
        sync_plan = compute_sync_plan(
            SyncInputs(
                reports=reports,
                routes=tickets.routes,
                links=fixed.links,
                states={n: f.states for n, f in tickets.facts.items()},
                ok=ok,
                deferred=deferred,
                episodes=tickets.episodes,
                sent=sent,
                policies=settings.policies,
                assignees=settings.assignees,
                review_urls=_review_urls(settings.review_url, reports),
                today=today,
                orphans=orphans,
                close_orphans=settings.close_orphans,
                gone=gone,
                shared=frozenset(fixed.shared),
                newly_deleted=newly_deleted,
            ),
            again.synced if again is not None else None,
            keep=keep,
        )
        steps.extend(sync_plan.steps)
        steps.extend(fixed.closes)
        writing = {s.tracker for s in sync_plan.steps} | {s.tracker for s in fixed.closes}
        for name, facts in tickets.facts.items():
            if not facts.ok:
                continue  # what a failed tracker said is not saved
            changed = tuple(s for k, s in facts.states.items() if facts.stored.get(k) is not s)
            if changed or name in writing or facts.full or facts.cursor != facts.previous_cursor:
                steps.append(SaveTickets(name, changed, facts.cursor, now if facts.full else None))
        steps.extend(SavePacing(name, f.pacing) for name, f in tickets.facts.items())
        review_inputs = ReviewInputs(
            write_back=settings.write_back,
            linked={
                key: tickets.facts[name].states[tid]
                for key, (name, tid) in fixed.links.items()
                if name in ok and tid in tickets.facts[name].states
            },
            frozen=frozenset(k for k, name in tickets.routes.items() if name not in ok)
            | frozenset(k for k, (name, _) in fixed.links.items() if name not in ok),
            creating=frozenset(s.item_key for s in sync_plan.steps if isinstance(s, CreateTicket)),
        )
    last_marked = again.marked if again is not None else None
    edits, marked = plan_reviews_again(reports, review_inputs, last_marked, keep=keep)
    steps.extend(edits)
    if settings.deliver and settings.write_back:
        steps.append(DeliverReviews())
    if gathered.cache_save or gathered.cache_forget:
        steps.append(CacheReviews(gathered.cache_save, gathered.cache_forget))
    observed = {r.item.key: (r.status, r.review.path) for r in reports if not r.review.draft}
    if observed != recorded:
        steps.append(RecordStatuses(observed, now))
    next_again = Again(marked, sync_plan.synced if sync_plan else None) if keep else None
    return Plan(tuple(steps), review_inputs, sync_plan, fixed, next_again)


def _intents(
    tickets: GatheredTickets, settings: Settings, now: datetime
) -> tuple[frozenset[str], list[Step]]:
    """Open creation intents: (item keys whose creation must wait, steps linking found ones)."""
    deferred: set[str] = set()
    steps: list[Step] = []
    for fact in tickets.intents:
        intent = fact.intent
        if fact.lookup is Lookup.FOUND:
            ticket_id = fact.state.id if fact.state else tickets.links[intent.item_key][1]
            steps.append(
                LinkFound(
                    intent.item_key,
                    intent.tracker,
                    fact.state,
                    ticket_id,
                    intent.review,
                    "found by its marker" if fact.state else "linked already",
                )
            )
        elif fact.lookup is Lookup.UNKNOWN:
            deferred.add(intent.item_key)  # a ticket may exist that we cannot see
        else:
            # Not found. A consistent list endpoint (GitHub, GitLab) proves it was never
            # created; Jira search lags, so wait out the lag after the last attempt first.
            last = intent.last_attempt_at or intent.created_at
            lag = timedelta(seconds=settings.search_lag.get(intent.tracker, 0.0))
            if now - last < lag:
                deferred.add(intent.item_key)
    return frozenset(deferred), steps


def _episodes(
    tickets: GatheredTickets, reports: Sequence[ItemReport]
) -> tuple[frozenset[tuple[str, str]], list[Step]]:
    """Reminder bookkeeping: which episodes' reminders count as sent; which episodes end.

    A reminder sent without an answer (attempted, not confirmed) was looked for on its
    ticket: found, it counts as sent; not found, it is sent again; and while the tracker
    cannot say, it is not sent this pass. Reminders are thus exactly-once, like tickets."""
    sent: set[tuple[str, str]] = set()
    steps: list[Step] = []
    for report in reports:
        key = report.item.key
        if key not in tickets.links:
            continue
        for kind, flag in EPISODE_FLAGS:
            episode = tickets.episodes.get((key, kind))
            if episode is None:
                continue
            if flag not in report.flags:
                steps.append(EndEpisode(key, kind))  # the next stretch gets a new reminder
                continue
            lookup = tickets.confirmed.get((key, kind))
            if episode.commented or lookup in (Lookup.FOUND, Lookup.UNKNOWN):
                sent.add((key, kind))
            if lookup is Lookup.FOUND:
                steps.append(ConfirmReminder(key, kind))
    return frozenset(sent), steps


def find_orphans(
    stored: Mapping[str, Link],
    reviews: Sequence[Review],
    links: Mapping[str, tuple[str, str]],
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]:
    """Stored links whose item is no longer written anywhere: (orphans, gone).

    An orphan's item left a review that is still read and synced: `on_removed` applies. A
    gone one's whole review file is no longer found (deleted, renamed, or outside
    records.paths now): only reported, never closed, since one bad glob must not close every
    ticket. A review that is unreadable or a draft this pass decides nothing either way.
    """
    syncable = [r for r in reviews if r.readable and not r.draft]
    present = {i.key for r in syncable for i in r.items}
    synced = {r.path for r in syncable}
    found = {r.path for r in reviews}
    # A reworded item has a new key but still links its ticket by the reference in the
    # review: that ticket is not an orphan (and must never be closed as one).
    still_linked = set(links.values())
    orphans: list[tuple[str, str, str]] = []
    gone: list[tuple[str, str, str, str]] = []
    for key, link in stored.items():
        if key in present or (link.tracker, link.ticket_id) in still_linked:
            continue
        if link.review in synced:
            orphans.append((key, link.tracker, link.ticket_id))
        elif link.review not in found:
            gone.append((key, link.tracker, link.ticket_id, link.review))
    return orphans, gone


def _review_urls(template: str | None, reports: Sequence[ItemReport]) -> dict[str, str]:
    """Item key → the link back to its line in the review (sync.review_url)."""
    if not template:
        return {}
    return {
        r.item.key: template.format(
            path=r.review.path,
            line=r.item.line,
            review_id=r.review.meta.id,
            title=r.review.meta.title or "",
        )
        for r in reports
        if r.review.readable and not r.review.draft
    }
