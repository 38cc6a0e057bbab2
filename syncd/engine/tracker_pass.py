"""The tracker half of a pass: gather → plan (pure) → apply, returning what the review side
needs (progress per item, linked ticket states, items frozen by a failed tracker)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from syncd import log
from syncd.config.load import LoadedConfig
from syncd.config.values import owner_key
from syncd.engine.apply.tickets import TrackerResult, apply_tracker_steps
from syncd.engine.judge import Progress, Rules, judge_all
from syncd.engine.listing import (
    TrackerView,
    build_views,
    fetch_missing,
    list_trackers,
    recover_intents,
    resolve_links,
    route,
    save_views,
    utcnow,
)
from syncd.engine.plan.tickets import SyncInputs, TrackerPolicy, compute_sync_plan
from syncd.errors import RateLimited, TrackerError
from syncd.model import Flag, ItemReport, Review
from syncd.store.database import Link, Store
from syncd.store.schema import Episode
from syncd.trackers.marking import reminder_tag
from syncd.trackers.protocol import TicketState, Traits
from syncd.trackers.settings import TrackerConfigBase

_log = log.get("syncd.engine.tracker_pass")


@dataclass
class TrackerOutcome:
    progress: dict[str, Progress]
    linked: dict[str, TicketState]
    frozen: frozenset[str]
    views: dict[str, TrackerView]
    result: TrackerResult
    deferred: tuple[str, ...] = ()
    orphans: tuple[tuple[str, str, str], ...] = ()
    gone: tuple[tuple[str, str, str, str], ...] = ()  # (item key, tracker, ticket id, review)
    problems: list[str] = field(default_factory=list)
    close_orphans: bool = False  # sync.on_removed: close — this pass closes the orphans
    # Reports judged before the tracker writes whose progress the writes did not change.
    settled: dict[str, ItemReport] = field(default_factory=dict)


def _policy(cfg: TrackerConfigBase, traits: Traits) -> TrackerPolicy:
    return TrackerPolicy(
        labels=cfg.labels,
        overdue_label=cfg.overdue_label,
        needs_owner_label=cfg.needs_owner_label,
        supports_due=traits.supports_due_date,  # GitHub issues have no due date
    )


def _assignees(
    loaded: LoadedConfig, reviews: Sequence[Review]
) -> dict[tuple[str, str], tuple[str, ...]]:
    """(tracker, owner as written) → user names / account ids, from the owners directory.

    Keyed by each owner as a review spells it: `@priya`, `priya` and `Priya` are one person
    (docs/configuration.md `owners`), so the lookup goes through owner_key."""
    directory = {owner_key(person): entry for person, entry in loaded.config.owners.items()}
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for owner in {i.owner for r in reviews for i in r.items if i.owner}:
        entry = directory.get(owner_key(owner))
        if entry is None:
            continue
        for name, cfg in loaded.config.trackers.items():
            user = cfg.user_for(entry)
            if user:
                out[(name, owner)] = (str(user),)
    return out


def _review_urls(loaded: LoadedConfig, reviews: Sequence[Review]) -> dict[str, str]:
    template = loaded.config.sync.review_url
    if not template:
        return {}
    return {
        r.path: template.format(path=r.path, line=1, review_id=r.meta.id, title=r.meta.title or "")
        for r in reviews
    }


def sync_trackers(
    loaded: LoadedConfig,
    store: Store,
    reviews: Sequence[Review],
    today: date,
    rules: Rules,
    *,
    dry_run: bool = False,
) -> TrackerOutcome:
    now = utcnow()
    views = build_views(loaded)
    syncable = [r for r in reviews if r.readable and not r.draft]
    routes: dict[str, str] = {}
    problems: list[str] = []
    for review in syncable:
        name = route(review, loaded)
        if name is None:
            if review.meta.tracker:
                problems.append(
                    f"{review.path}: front matter names tracker "
                    f"{review.meta.tracker!r}, which is not configured"
                )
            continue
        for item in review.items:
            routes[item.key] = name
    list_trackers(views, store, loaded.config.sync.full_every_seconds, now)
    items = [item for review in syncable for item in review.items]
    stored = store.links()
    links = resolve_links(items, routes, views, stored)
    if fetch_missing(links, views):
        # Adapters learn ids by fetching (Jira: key → id), so resolve the fetched ones again.
        links = resolve_links(items, routes, views, stored)
    lags = {n: v.tracker.traits.search_lag for n, v in views.items()}
    deferred = recover_intents(store, views, links, lags, now) if not dry_run else set()
    progress = _progress(links, views)
    reports = judge_all(syncable, today, rules, progress)
    episodes = _episodes(store, reports, links, views, dry_run)
    orphans, gone = _orphans(stored, syncable, reviews, links)
    inputs = SyncInputs(
        reports=reports,
        routes=routes,
        links=links,
        states={n: v.states for n, v in views.items()},
        ok=frozenset(n for n, v in views.items() if v.ok),
        deferred=frozenset(deferred),
        episodes=episodes,
        policies={
            n: _policy(c, views[n].tracker.traits) for n, c in loaded.config.trackers.items()
        },
        assignees=_assignees(loaded, syncable),
        review_urls=_review_urls(loaded, syncable),
        today=today,
        orphans=orphans,
        close_orphans=loaded.config.sync.on_removed == "close",
        gone=gone,
    )
    plan = compute_sync_plan(inputs)
    budgets = {n: c.write_budget for n, c in loaded.config.trackers.items()}
    result = apply_tracker_steps(plan.steps, views, store, budgets, dry_run=dry_run)
    for link in store.links().values() if not dry_run else ():
        links.setdefault(link.item_key, (link.tracker, link.ticket_id))
    before = progress
    progress = _progress(links, views)
    settled = {r.item.key: r for r in reports if before.get(r.item.key) == progress.get(r.item.key)}
    frozen = frozenset(key for key, name in routes.items() if not views[name].ok) | frozenset(
        key for key, (name, _) in links.items() if not views[name].ok
    )
    linked = {
        key: views[name].states[tid]
        for key, (name, tid) in links.items()
        if views[name].ok and tid in views[name].states
    }
    if not dry_run:
        save_views(store, views, now)
    return TrackerOutcome(
        progress,
        linked,
        frozen,
        views,
        result,
        plan.deferred,
        plan.orphans,
        tuple((key, tracker, tid, stored[key].review) for key, tracker, tid in plan.gone),
        problems,
        close_orphans=loaded.config.sync.on_removed == "close",
        settled=settled,
    )


def _orphans(
    stored: Mapping[str, Link],
    syncable: Sequence[Review],
    reviews: Sequence[Review],
    links: Mapping[str, tuple[str, str]],
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Stored links whose item is no longer written anywhere: (orphans, gone).

    An orphan's item left a review that is still read and synced: `on_removed` applies. A
    gone one's whole review file is no longer found (deleted, renamed, or outside
    records.paths now): only reported, never closed, since one bad glob must not close every
    ticket. A review that is unreadable or a draft this pass decides nothing either way.
    """
    present = {i.key for r in syncable for i in r.items}
    synced = {r.path for r in syncable}
    found = {r.path for r in reviews}
    # A reworded item has a new key but still links its ticket by the reference in the
    # review: that ticket is not an orphan (and must never be closed as one).
    still_linked = set(links.values())
    orphans: list[tuple[str, str, str]] = []
    gone: list[tuple[str, str, str]] = []
    for key, link in stored.items():
        if key in present or (link.tracker, link.ticket_id) in still_linked:
            continue
        if link.review in synced:
            orphans.append((key, link.tracker, link.ticket_id))
        elif link.review not in found:
            gone.append((key, link.tracker, link.ticket_id))
    return orphans, gone


def _progress(
    links: Mapping[str, tuple[str, str]], views: Mapping[str, TrackerView]
) -> dict[str, Progress]:
    out: dict[str, Progress] = {}
    for key, (name, tid) in links.items():
        state = views[name].states.get(tid) if name in views else None
        if state is not None:
            out[key] = Progress(state.status, state.reason, state.url)
    return out


def _episodes(
    store: Store,
    reports: Sequence[ItemReport],
    links: Mapping[str, tuple[str, str]],
    views: Mapping[str, TrackerView],
    dry_run: bool,
) -> dict[tuple[str, str], bool]:
    """Reminder bookkeeping: which episodes already had their comment; end finished ones.

    A reminder sent without an answer (attempted, not confirmed) is looked for on its ticket
    first: found, it counts as sent; not found, it is sent again; and while the tracker cannot
    say, it is not sent this pass. Reminders are thus exactly-once, like tickets."""
    out: dict[tuple[str, str], bool] = {}
    running = store.episodes()
    for report in reports:
        key = report.item.key
        if key not in links:
            continue
        for kind, flag in (
            ("overdue", Flag.OVERDUE),
            ("reason", Flag.DEPRIORITIZED_WITHOUT_REASON),
        ):
            episode = running.get((key, kind))
            if flag in report.flags:
                sent = bool(episode and episode.commented)
                if episode and not sent and episode.attempted_at is not None:
                    sent = _reminder_seen(store, views, links[key], episode, dry_run)
                out[(key, kind)] = sent
            elif episode is not None and not dry_run:
                store.end_episode(key, kind)  # the next overdue stretch gets a new reminder
    return out


def _reminder_seen(
    store: Store,
    views: Mapping[str, TrackerView],
    link: tuple[str, str],
    episode: Episode,
    dry_run: bool,
) -> bool:
    view = views.get(link[0])
    if view is None or not view.ok:
        return True  # nothing is sent to a tracker that failed this pass anyway
    tag = reminder_tag(episode.item_key, episode.kind, episode.started_on)
    assert episode.attempted_at is not None
    try:
        found = view.tracker.has_comment(link[1], tag, episode.attempted_at)
    except (TrackerError, RateLimited) as exc:
        _log.warning("reminder_unconfirmed", item=episode.item_key, error=str(exc))
        return True  # unsure: not sent again this pass
    if found and not dry_run:
        store.mark_episode_commented(episode.item_key, episode.kind)
    return found
