"""Decide the tracker side of a pass. PURE: values in, a tuple of frozen steps out.

Decision table for one syncable item (first matching row wins; reason in each branch):

    routed tracker did not answer this pass        → nothing (never conclude from a failure)
    linked to a deleted ticket                     → report it (on_deleted: report), or file a
                                                     new one (on_deleted: recreate)
    linked to a ticket another item links too      → nothing (two items would fight over it)
    linked (review suffix, user reference, store,  → mirror: push review-owned fields that
      or a marker found in the tracker)              differ (only to tickets syncd created,
                                                     unless adopted_tickets: update), overdue
                                                     label on/off, one reminder per overdue
                                                     episode, one "reason?" comment
    open intent whose lookup was not conclusive    → defer (never create while unsure)
    item already done / dropped in the record      → nothing (no ticket for finished work)
    otherwise                                      → create (journalled, budgeted)

A stored link whose item left its review is an orphan while its ticket is open: reported,
and with `on_removed: close` closed as not planned. When the whole review file is gone, its
open tickets are only reported, whatever `on_removed` says.

The review side (suffix, checkbox) is `plan/reviews.py`; `plan/pass_plan.py` puts both
sides and the store's bookkeeping into one plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from syncd.engine.judge import by_review, same_objects
from syncd.engine.plan.again import Synced, SyncedPass, known_reviews, planned_from
from syncd.engine.plan.steps import Comment, CreateTicket, SetLabel, TrackerStep, UpdateTicket
from syncd.model import ActionItem, Flag, ItemReport, Status
from syncd.store.schema import Episode
from syncd.trackers.protocol import CloseAs, TicketBody, TicketChange, TicketDraft, TicketState
from syncd.trackers.text import clean_title


@dataclass(frozen=True, slots=True)
class TrackerPolicy:
    """Per-tracker settings the plan needs (from the tracker's config)."""

    labels: tuple[str, ...] = ("postmortem",)
    overdue_label: str = "overdue"
    needs_owner_label: str = "needs-owner"
    supports_due: bool = True
    recreate_deleted: bool = False  # on_deleted: recreate
    update_adopted: bool = False  # adopted_tickets: update


@dataclass(frozen=True, slots=True)
class SyncInputs:
    reports: Sequence[ItemReport]  # judged with tracker progress where linked
    routes: Mapping[str, str]  # item key → tracker name (syncable items only)
    links: Mapping[str, tuple[str, str]]  # item key → (tracker, ticket id)
    states: Mapping[str, Mapping[str, TicketState]]  # tracker → ticket id → state
    ok: frozenset[str]  # trackers whose listing succeeded this pass
    deferred: frozenset[str]  # item keys whose creation must wait (inconclusive recovery)
    episodes: Mapping[tuple[str, str], Episode]  # running episodes by (item key, kind)
    sent: frozenset[tuple[str, str]]  # (item key, kind) whose reminder counts as sent
    policies: Mapping[str, TrackerPolicy]
    assignees: Mapping[tuple[str, str], tuple[str, ...]]  # (tracker, owner) → tracker users
    review_urls: Mapping[str, str]  # item key → URL of its line in the review
    today: date
    orphans: Sequence[tuple[str, str, str]] = ()  # (item key, tracker, ticket id)
    close_orphans: bool = False
    gone: Sequence[tuple[str, str, str, str]] = ()  # (…, review path): its file is gone
    shared: frozenset[tuple[str, str]] = frozenset()  # tickets linked from several items
    newly_deleted: frozenset[tuple[str, str]] = frozenset()  # deleted since the last pass


@dataclass(frozen=True, slots=True)
class SyncPlan:
    steps: tuple[TrackerStep, ...]
    deferred: tuple[str, ...] = ()  # item keys not created this pass (a ticket may exist)
    orphans: tuple[tuple[str, str, str], ...] = ()
    gone: tuple[tuple[str, str, str, str], ...] = ()  # reported only: never closed
    deleted: tuple[tuple[str, str, str, bool], ...] = ()  # (item, tracker, key, recreated)
    synced: SyncedPass | None = None  # for the next call's `previous`


def compute_sync_plan(
    inputs: SyncInputs, previous: SyncedPass | None = None, *, keep: bool = False
) -> SyncPlan:
    """The tracker steps of a pass. `keep`: return in `SyncPlan.synced` what the next call's
    `previous` needs (a caller that plans again and again). Then a review whose reports,
    routes, links and ticket states are the same as in `previous`, under the same settings,
    keeps its steps without being planned again. Only a settled review is kept: one that
    creates, defers, reminds or meets a deleted or a shared ticket is planned afresh every
    pass (each of those is a one-off)."""
    steps: list[TrackerStep] = []
    deferred: list[str] = []
    deleted: list[tuple[str, str, str, bool]] = []
    kept: SyncedPass | None = None
    if keep:
        known = known_reviews(previous, inputs)
        synced: dict[str, Synced] = {}
        for path, group in by_review(inputs.reports).items():
            last = known.get(path)
            if last is not None and same_objects(last.reports, group):
                fresh = None if known.unchanged else planned_from(group, inputs)
                if fresh is None or fresh == last.planned_from():
                    steps.extend(last.steps)  # nothing it was planned from changed
                    synced[path] = last
                    continue
            mine, settled = _plan_items(group, inputs, deferred, deleted)
            steps.extend(mine)
            if settled:
                synced[path] = Synced(tuple(group), *planned_from(group, inputs), tuple(mine))
        kept = SyncedPass.of(inputs, synced)
    else:
        steps, _ = _plan_items(inputs.reports, inputs, deferred, deleted)
    # An orphan is a ticket still open after its item left the review (DESIGN §2): once it
    # is closed (by syncd or a person) there is nothing left to report or close.
    orphans = tuple(o for o in inputs.orphans if o[1] in inputs.ok and _is_open(o, inputs))
    gone = tuple(o for o in inputs.gone if o[1] in inputs.ok and _is_open(o, inputs))
    if inputs.close_orphans:
        for key, tracker, ticket_id in orphans:
            steps.append(
                UpdateTicket(
                    tracker,
                    ticket_id,
                    key,
                    TicketChange(close=CloseAs.NOT_PLANNED),
                    "the item left its review (on_removed: close)",
                )
            )
    # Creates first: near a write budget, new links matter more than label churn.
    steps.sort(key=lambda s: 0 if isinstance(s, CreateTicket) else 1)
    return SyncPlan(tuple(steps), tuple(deferred), orphans, gone, tuple(deleted), kept)


def _plan_items(
    reports: Sequence[ItemReport],
    inputs: SyncInputs,
    deferred: list[str],
    deleted: list[tuple[str, str, str, bool]],
) -> tuple[list[TrackerStep], bool]:
    """The decision table (module docstring) for `reports`: (their steps, settled?)."""
    steps: list[TrackerStep] = []
    settled = True
    for report in reports:
        key = report.item.key
        tracker = inputs.routes.get(key)
        if tracker is None or tracker not in inputs.ok:
            continue  # not synced, or its tracker failed this pass: change nothing
        link = inputs.links.get(key)
        state = inputs.states.get(link[0], {}).get(link[1]) if link is not None else None
        if link is not None and state is not None and state.deleted:
            settled = False
            recreate = inputs.policies[tracker].recreate_deleted and not _finished(report)
            if link in inputs.newly_deleted:
                deleted.append((key, link[0], state.key, recreate))
            if recreate:
                steps.append(_create(report, tracker, inputs))  # on_deleted: recreate
            continue  # on_deleted: report — nothing to write to a deleted ticket
        if link is not None:
            if link in inputs.shared:
                settled = False  # a ticket two items link gets nothing from either
            elif state is not None and link[0] in inputs.ok:
                mirrored = _mirror(report, state, inputs)
                settled = settled and not any(isinstance(s, Comment) for s in mirrored)
                steps.extend(mirrored)
            continue
        if key in inputs.deferred:
            settled = False  # reported each pass it waits
            deferred.append(key)  # a ticket may exist that we cannot see yet
            continue
        if _finished(report):
            continue  # finished or dropped before syncd saw it: no ticket
        settled = False
        steps.append(_create(report, tracker, inputs))
    return steps, settled


def _finished(report: ItemReport) -> bool:
    return report.item.written_status in (Status.DONE, Status.DEPRIORITIZED)


def _is_open(orphan: tuple[str, ...], inputs: SyncInputs) -> bool:
    state = inputs.states.get(orphan[1], {}).get(orphan[2])
    return state is not None and state.status in (Status.OPEN, Status.IN_PROGRESS)


def title_for(item: ActionItem) -> str:
    """The ticket title: the description, without control or bidi characters, ≤ 120 chars."""
    text = clean_title(item.description or (item.ticket.raw if item.ticket else item.key))
    return text if len(text) <= 120 else text[:119] + "…"


def _create(report: ItemReport, tracker: str, inputs: SyncInputs) -> CreateTicket:
    item, review = report.item, report.review
    policy = inputs.policies[tracker]
    labels = list(policy.labels)
    if not item.owner:
        labels.append(policy.needs_owner_label)
    if Flag.OVERDUE in report.flags:
        labels.append(policy.overdue_label)  # right from the start; the reminder comes next pass
    draft = TicketDraft(
        marker=item.key,
        title=title_for(item),
        body=ticket_body(report, inputs.review_urls.get(item.key)),
        labels=tuple(labels),
        assignees=inputs.assignees.get((tracker, item.owner or ""), ()),
        due=report.due if policy.supports_due else None,
        status=Status.IN_PROGRESS if item.marker is Status.IN_PROGRESS else Status.OPEN,
    )
    return CreateTicket(tracker, item.key, review.path, draft)


def ticket_body(report: ItemReport, review_url: str | None) -> TicketBody:
    """The new ticket's body as parts; each adapter renders it and neutralises review text."""
    item, review = report.item, report.review
    implied = " (implied by severity)" if report.due_implied else ""
    facts = [
        ("Severity", review.meta.severity) if review.meta.severity else None,
        ("Owner", item.owner or "none yet"),
        ("Due", f"{report.due}{implied}") if report.due else None,
        ("Type", item.type) if item.type else None,
    ]
    return TicketBody(
        description=item.description or title_for(item),
        facts=tuple(f for f in facts if f),
        source_title=review.meta.title or review.meta.id,
        source_url=review_url,
        source_path=review.path,
        line=item.line,
        note=(
            "_Filed by syncd. Progress here is mirrored into the review; change the "
            "description, owner or due date in the review._"
        ),
    )


def _mirror(report: ItemReport, state: TicketState, inputs: SyncInputs) -> list[TrackerStep]:
    item, key, tracker = report.item, report.item.key, state.tracker
    policy = inputs.policies[tracker]
    steps: list[TrackerStep] = []
    # A ticket syncd did not create (it carries no syncd marker: a person's ticket the review
    # references) gets no review-owned field pushed unless the config says so
    # (adopted_tickets: update). A reworded item keeps the ticket syncd filed for it.
    owned = state.marker is not None or policy.update_adopted
    change = _review_owned_change(report, state, inputs, policy) if owned else None
    if change is not None:
        steps.append(UpdateTicket(tracker, state.id, key, change, "the review changed"))
    is_open = state.status in (Status.OPEN, Status.IN_PROGRESS)
    overdue = Flag.OVERDUE in report.flags and is_open
    labels: list[tuple[str, bool, str]] = []  # (label, present, reason)
    if overdue != (policy.overdue_label in state.labels):
        labels.append(
            (policy.overdue_label, overdue, "overdue" if overdue else "no longer overdue")
        )
    wants_owner_label = not item.owner and is_open
    if wants_owner_label != (policy.needs_owner_label in state.labels) and (
        wants_owner_label or item.owner
    ):
        why = "owner missing" if wants_owner_label else "owner named"
        labels.append((policy.needs_owner_label, wants_owner_label, why))
    after = state
    for label, present, why in labels:
        # `after` is the ticket once the label is set: the writer keeps the snapshot true, so
        # the next pass does not set it again.
        now_labels = after.labels | {label} if present else after.labels - {label}
        after = replace(after, labels=frozenset(now_labels))
        steps.append(SetLabel(tracker, state.id, key, label, present, why, after))
    if overdue and (key, "overdue") not in inputs.sent:
        users = inputs.assignees.get((tracker, item.owner or ""), ())
        steps.append(
            _reminder(
                state,
                key,
                inputs,
                "overdue",
                f"This action item was due {report.due} and is still open. "
                "Please finish it, move its due date in the review, or close it "
                "as not planned with the reason.",
                "first reminder of this overdue episode",
                _mention(users, state),
            )
        )
    if Flag.DEPRIORITIZED_WITHOUT_REASON in report.flags and (key, "reason") not in inputs.sent:
        steps.append(
            _reminder(
                state,
                key,
                inputs,
                "reason",
                "This action item was closed as not planned without a reason. "
                "Please add a comment saying why, so the review records the "
                "decision.",
                "deprioritized without a reason",
            )
        )
    return steps


def _reminder(
    state: TicketState,
    key: str,
    inputs: SyncInputs,
    kind: str,
    body: str,
    why: str,
    mention: tuple[str, ...] = (),
) -> Comment:
    episode = inputs.episodes.get((key, kind))
    started_on = episode.started_on if episode else inputs.today
    return Comment(
        state.tracker, state.id, key, body, kind, started_on, episode is None, why, mention
    )


def _review_owned_change(
    report: ItemReport, state: TicketState, inputs: SyncInputs, policy: TrackerPolicy
) -> TicketChange | None:
    item = report.item
    title = title_for(item) if item.description else None
    new_title = title if title and title != state.title else None
    assignees = inputs.assignees.get((state.tracker, item.owner or ""), ())
    new_assignees = assignees if assignees and set(assignees) != set(state.assignees) else None
    new_due = item.due if policy.supports_due and item.due and item.due != state.due else None
    if new_title is None and new_assignees is None and new_due is None:
        return None
    return TicketChange(title=new_title, assignees=new_assignees, due=new_due)


def _mention(users: tuple[str, ...], state: TicketState) -> tuple[str, ...]:
    """Who a reminder mentions: the owner's identity in this tracker (owners directory), else
    the ticket's assignee; never the owner as the review writes it (review text never pings)."""
    return users or state.assignees
