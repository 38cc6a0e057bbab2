"""One pass, in one direction: gather → judge → plan → apply → result.

`syncd check`, `syncd sync`, `syncd status` and the service all run this (DESIGN §1
principle 6). It keeps nothing between calls: a service calls it again and again with the same
PassContext, store and tracker objects; a cron command calls it once.

    gather   engine/gather/   read the reviews (parse cache) and the trackers (one listing
                              each, the look-ups exactly-once needs)
    judge    engine/judge.py  status, implied due date and flags of every item, once
    plan     engine/plan/     PURE: every write of the pass as a tuple of steps
    apply    engine/apply/    the one writer: runs the steps, says what each did
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from syncd import log
from syncd.engine.apply.execute import Applied, World, Writes, apply_plan
from syncd.engine.apply.reviews import Replanner
from syncd.engine.context import PassContext, holder
from syncd.engine.gather.reviews import gather_reviews
from syncd.engine.gather.tickets import (
    GatheredTickets,
    TrackerFacts,
    gather_tickets,
    read_stored_tickets,
)
from syncd.engine.judge import judge_reviews
from syncd.engine.memo import PassMemo
from syncd.engine.plan.again import Again
from syncd.engine.plan.pass_plan import Plan, find_orphans, plan_pass
from syncd.engine.remember import recorded_statuses, remember
from syncd.engine.settings import plan_settings
from syncd.model import ItemReport, Problem, Review, Status

if TYPE_CHECKING:
    from syncd.digest.deliver import DigestRun
    from syncd.digest.render import Renderer
    from syncd.repo.workspace import Workspace
from syncd.store.database import Store
from syncd.trackers.protocol import TicketState, Tracker
from syncd.trackers.registry import build_tracker

_log = log.get("syncd.engine.run")


class Mode(enum.StrEnum):
    """What a pass may change."""

    SYNC = "sync"  # everything: reviews, trackers, the store
    NO_WRITE = "no_write"  # judge and report; keep the store's cache and history (check --no-write)
    DRY_RUN = "dry_run"  # write nothing; show the review diffs and the tracker calls
    READ = "read"  # judge from the reviews and the store only: no tracker request (status)


_WRITES = {
    Mode.SYNC: Writes(),
    Mode.NO_WRITE: Writes(reviews=False, trackers=False),
    Mode.DRY_RUN: Writes(reviews=False, trackers=False, cache=False, history=False, diffs=True),
    Mode.READ: Writes(reviews=False, trackers=False, history=False),
}


@dataclass(frozen=True, slots=True)
class Orphan:
    """An open ticket whose item is no longer written in its review (DESIGN §2 `orphaned`)."""

    item_key: str
    ticket: TicketState  # as last seen
    review: str  # the review the item was in (records root relative)
    gone: bool  # the whole review file is no longer found (never closed, only reported)


@dataclass(frozen=True, slots=True)
class PassResult:
    today: date
    reviews: tuple[Review, ...]
    reports: tuple[ItemReport, ...]
    lint: tuple[Problem, ...]
    plan: Plan
    applied: Applied
    trackers: Mapping[str, TrackerFacts] | None  # None: records-only pass
    routes: Mapping[str, str]  # item key → its tracker
    linked: Mapping[str, TicketState]  # item key → its ticket as last seen
    problems: tuple[str, ...]  # routing problems, in the user's words
    digests: DigestRun | None  # what the digests due this pass did
    parsed: int
    cached: int
    seconds: float
    orphans: tuple[Orphan, ...] = ()  # open tickets whose item left its review (any mode)
    # DRY_RUN only: trackers that could not be read, and why; their calls were planned from
    # the tickets as the store last saw them (assumed unchanged since the last pass).
    unverified: Mapping[str, str] = field(default_factory=dict)

    @property
    def incomplete(self) -> bool:
        """The pass did not do all it should: a tracker failed, the reviews could not be
        delivered, or it was stopped (exit 3; the next pass carries on)."""
        return (
            self.tracker_failed or self.applied.delivery_error is not None or self.applied.stopped
        )

    @property
    def tracker_failed(self) -> bool:
        """A tracker could not be read, or a write to it failed: the pass did not complete
        (deferred creations and writes over budget are not failures)."""
        if self.trackers is None:
            return False
        failed = any(not f.ok for f in self.trackers.values())
        return failed or bool(self.applied.failed) or bool(self.unverified)


def build_trackers(ctx: PassContext) -> dict[str, Tracker]:
    """The adapters for the configured trackers (no request is made here)."""
    return {name: build_tracker(name, cfg) for name, cfg in ctx.loaded.config.trackers.items()}


def run_pass(
    ctx: PassContext,
    store: Store,
    mode: Mode = Mode.SYNC,
    trackers: Mapping[str, Tracker] | None = None,
    stop: Callable[[], bool] = lambda: False,
    memo: PassMemo | None = None,
    workspace: Workspace | None = None,
    digests: Renderer | None = None,
) -> PassResult:
    """One pass. A long-running caller reuses its `trackers` and `memo` (what the last pass
    read) from pass to pass; a one-shot command passes neither. `stop` is asked between
    writes: once it says yes, the pass finishes the write under way and runs no more.
    `digests`: send the digests that are due once the pass is done (SYNC only), rendered with
    this renderer (a long-running caller keeps one)."""
    started = ctx.clock.monotonic()
    today, now = ctx.clock.today(), ctx.clock.now()
    repo = ctx.loaded.config.records.repo
    if workspace is None and repo is not None:
        from syncd.repo.workspace import open_workspace

        workspace = open_workspace(ctx.loaded, clock=ctx.clock)
    checkout = None
    if workspace is not None:
        if mode is Mode.READ:  # read the clone as the last pass left it: no fetch, no reset
            ctx = replace(ctx, root=workspace.workdir)
        else:
            checkout = workspace.prepare()
            ctx = replace(ctx, root=checkout.root)
    gathered = gather_reviews(ctx, store, memo)
    tickets: GatheredTickets | None = None
    unverified: dict[str, str] = {}
    if ctx.loaded.config.trackers and mode is Mode.READ:
        tickets = read_stored_tickets(ctx.loaded.config, store, gathered.reviews)
    elif ctx.loaded.config.trackers:
        if trackers is None:
            trackers = build_trackers(ctx)
        tickets = gather_tickets(ctx.loaded.config, store, trackers, gathered.reviews, now, memo)
        if mode is Mode.DRY_RUN:
            tickets, unverified = _assume_unchanged(tickets)
    linked = _linked(tickets)
    judged = judge_reviews(
        gathered.reviews, today, ctx.rules, linked, memo.judged if memo else None
    )
    reports = judged.reports()
    write_back = mode in (Mode.SYNC, Mode.DRY_RUN)
    settings = plan_settings(ctx, gathered.reviews, trackers or {}, write_back=write_back)
    versions = store.versions() if memo is not None else {}
    planned = tickets if mode is not Mode.READ else None  # status reads; it plans no ticket
    recorded = recorded_statuses(memo, versions)
    again = memo.again if memo is not None else None
    plan = plan_pass(gathered, planned, reports, settings, today, now, recorded, again)
    world = World(
        store=store,
        trackers=trackers or {},
        budgets={n: c.write_budget for n, c in ctx.loaded.config.trackers.items()},
        replanner=Replanner(ctx.root, ctx.parse, ctx.rules, today, plan.reviews),
        now=now,
        clock=ctx.clock.now,
        failed=frozenset(n for n, f in tickets.facts.items() if not f.ok)
        if tickets
        else frozenset(),
        stop=stop,
        workspace=workspace,
        checkout=checkout,
        states={n: f.states for n, f in tickets.facts.items()} if tickets else {},
    )
    applied = apply_plan(plan.steps, world, _WRITES[mode])
    if memo is not None:
        remember(memo, store, tickets, plan, applied)
        memo.judged, memo.again = judged, plan.again or Again()
    digest_run = None
    sending = mode in (Mode.SYNC, Mode.NO_WRITE)  # --no-write keeps the reviews, not the digest
    if digests is not None and sending and ctx.loaded.config.digests and not stop():
        from syncd.digest.deliver import send_due_digests
        from syncd.digest.inputs import tickets_of

        routes = tickets.routes if tickets else {}
        digest_run = send_due_digests(
            ctx.loaded,
            store,
            reports,
            ctx.clock,
            tracker_of=routes,
            tickets=tickets_of(linked),
            renderer=digests,
            holder=holder(),
        )
    seconds = ctx.clock.monotonic() - started
    _log.info(  # the one line a pass logs at info when nothing changed
        "pass_finished",
        reviews=len(gathered.reviews),
        items=sum(not r.review.draft for r in reports),  # as check and /metrics count them
        parsed=gathered.parsed,
        cached=gathered.cached,
        written=len(applied.reviews.written),
        created=len(applied.created),
        tracker_writes=sum(applied.writes.values()),
        requests=sum(f.requests for f in tickets.facts.values()) if tickets else 0,
        failed=len(applied.failed) + sum(not f.ok for f in tickets.facts.values())
        if tickets
        else 0,
        stopped=applied.stopped,
        seconds=round(seconds, 3),
    )
    return PassResult(
        today=today,
        reviews=gathered.reviews,
        reports=tuple(reports),
        lint=gathered.discovery + gathered.lint,
        plan=plan,
        applied=applied,
        trackers=tickets.facts if tickets and mode is not Mode.READ else None,
        routes=tickets.routes if tickets else {},
        linked=linked,
        problems=tickets.problems if tickets else (),
        digests=digest_run,
        parsed=gathered.parsed,
        cached=gathered.cached,
        seconds=seconds,
        orphans=_open_orphans(tickets, gathered.reviews),
        unverified=unverified,
    )


def _assume_unchanged(tickets: GatheredTickets) -> tuple[GatheredTickets, dict[str, str]]:
    """A dry run still shows what it would do when a tracker cannot be read: its tickets are
    taken as the store last saw them (read before the failed listing), and it is named."""
    unverified = {n: f.error or "no answer" for n, f in tickets.facts.items() if not f.ok}
    if not unverified:
        return tickets, {}
    facts = {
        n: replace(f, ok=True, error=None) if n in unverified else f
        for n, f in tickets.facts.items()
    }
    return replace(tickets, facts=facts), unverified


def _open_orphans(tickets: GatheredTickets | None, reviews: Sequence[Review]) -> tuple[Orphan, ...]:
    """Open tickets whose item left its review, found the way the plan finds them (the same
    in READ mode, from the store's links and last mirrored states)."""
    if tickets is None:
        return ()
    orphans, gone = find_orphans(tickets.stored_links, reviews, tickets.links)
    found = [(key, tracker, tid, False) for key, tracker, tid in orphans]
    found += [(key, tracker, tid, True) for key, tracker, tid, _ in gone]
    out = []
    for key, tracker, tid, is_gone in found:
        facts = tickets.facts.get(tracker)
        state = facts.states.get(tid) if facts is not None and facts.ok else None
        if state is None or state.status not in (Status.OPEN, Status.IN_PROGRESS):
            continue
        out.append(Orphan(key, state, tickets.stored_links[key].review, is_gone))
    return tuple(out)


def _linked(tickets: GatheredTickets | None) -> dict[str, TicketState]:
    if tickets is None:
        return {}
    out: dict[str, TicketState] = {}
    for key, (name, tid) in tickets.links.items():
        state = tickets.facts[name].states.get(tid) if name in tickets.facts else None
        if state is not None:
            out[key] = state
    return out
