"""Judge each action item's follow-through: status, implied due date and flags. PURE.

Inputs are values (reviews, `today`, rules); no clock, no config objects, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from syncd.model import ActionItem, Flag, ItemReport, Review, Status
from syncd.trackers.protocol import TicketState

_CLOSED = (Status.DONE, Status.DEPRIORITIZED)


@dataclass(frozen=True, slots=True)
class Rules:
    """The follow-through policy (from config: records.*, due_defaults)."""

    follow_up_days: int = 30
    due_soon_days: int = 7
    due_defaults: Mapping[str, int] = field(default_factory=dict)  # "SEV-1" → days


@dataclass(frozen=True, slots=True)
class Progress:
    """Tracker-owned progress for a linked item (absent in records-only mode)."""

    status: Status
    reason: str | None = None
    url: str | None = None


def implied_due(review: Review, rules: Rules) -> date | None:
    """Review date + the severity's default deadline (DESIGN §5 'Marks'), if both are known."""
    severity = review.meta.severity
    if review.meta.date is None or severity is None:
        return None
    days = rules.due_defaults.get(severity.upper())
    return review.meta.date + timedelta(days=days) if days is not None else None


def judge(
    review: Review,
    item: ActionItem,
    today: date,
    rules: Rules,
    progress: Progress | None = None,
) -> ItemReport:
    """Status from the tracker when linked, else as the review writes it (its own markers, or
    the status syncd's suffix mirrored last); then flags."""
    if progress is not None:
        status, reason = progress.status, progress.reason or item.written_reason
    else:
        status, reason = item.written_status or Status.OPEN, item.written_reason
    due, implied = item.due, False
    if due is None and item.unused_date is None:
        # An item whose line holds a date syncd could not take as its due date (`by end of
        # sprint 12/3`) gets no implied one: no overdue mark may rest on a guess (SYN115).
        due = implied_due(review, rules)
        implied = due is not None
    flags: set[Flag] = set()
    open_ = status not in _CLOSED
    if open_ and due is not None:
        if due < today:
            flags.add(Flag.OVERDUE)
        elif (due - today).days <= rules.due_soon_days:
            flags.add(Flag.DUE_SOON)
    if open_ and _needs_decision(review, item, today, rules):
        flags.add(Flag.NEEDS_DECISION)
    if open_ and not item.owner:
        flags.add(Flag.UNOWNED)
    if open_ and due is None:
        flags.add(Flag.UNDATED)
    if status is Status.DEPRIORITIZED and not reason:
        flags.add(Flag.DEPRIORITIZED_WITHOUT_REASON)
    return ItemReport(
        review=review,
        item=item,
        status=status,
        flags=frozenset(flags),
        due=due,
        due_implied=implied,
        reason=reason,
        ticket_url=progress.url if progress else None,
    )


def _needs_decision(review: Review, item: ActionItem, today: date, rules: Rules) -> bool:
    # An open item in a review older than the follow-up window needs someone to either do it
    # or consciously drop it -- unless the team set an explicit date that is still ahead
    # (a planned long-term item is a decision already made).
    if review.meta.date is None:
        return False
    if (today - review.meta.date).days <= rules.follow_up_days:
        return False
    return not (item.due is not None and item.due >= today)


def judge_all(
    reviews: Sequence[Review],
    today: date,
    rules: Rules,
    progress: Mapping[str, Progress] | None = None,
) -> list[ItemReport]:
    """Judge every item of `reviews`; `progress` is the tracker's, for linked items."""
    progress = progress or {}
    return [
        judge(review, item, today, rules, progress.get(item.key))
        for review in reviews
        for item in review.items
    ]


@dataclass(frozen=True, slots=True)
class Judged:
    """One review judged, with what it was judged from: the Review object and the ticket state
    object linked to each of its items (None: not linked), compared by identity next pass."""

    review: Review
    states: tuple[TicketState | None, ...]
    reports: tuple[ItemReport, ...]


@dataclass(frozen=True, slots=True)
class JudgedPass:
    """Every review of a pass judged, in order; what `judge_reviews` is handed next pass."""

    today: date
    rules: Rules
    linked: Mapping[str, TicketState]  # a copy of what the pass judged from
    reviews: tuple[Judged, ...]

    def reports(self) -> list[ItemReport]:
        return [report for judged in self.reviews for report in judged.reports]


def progress_of(state: TicketState | None) -> Progress | None:
    """The tracker's progress for an item linked to `state`; a deleted ticket has none (the
    review's own status decides)."""
    if state is None or state.deleted:
        return None
    return Progress(state.status, state.reason, state.url)


def judge_reviews(
    reviews: Sequence[Review],
    today: date,
    rules: Rules,
    linked: Mapping[str, TicketState],
    previous: JudgedPass | None = None,
) -> JudgedPass:
    """`judge_all` for a caller that judges again and again (the service). `linked`: item key
    → the ticket state it is linked to (the tracker's progress). A review that is the same
    object as in `previous`, with the same ticket states linked to its items, on the same day
    under the same rules, keeps its reports without being judged again; the answer is the
    one `judge_all` gives (tests/unit/test_incremental.py)."""
    known: Mapping[str, Judged] = {}
    if previous is not None and previous.today == today and previous.rules == rules:
        known = {judged.review.path: judged for judged in previous.reviews}
    # No linked ticket changed (compared in C; an unchanged state is the same object): a
    # review is the same once it is the same object, and no item's states need gathering.
    unchanged = bool(known) and previous is not None and previous.linked == linked
    out: list[Judged] = []
    for review in reviews:
        last = known.get(review.path)
        if unchanged and last is not None and last.review is review:
            out.append(last)
            continue
        states = tuple(linked.get(item.key) for item in review.items)
        if last is not None and last.review is review and same_objects(last.states, states):
            out.append(last)
            continue
        reports = tuple(
            judge(review, item, today, rules, progress_of(state))
            for item, state in zip(review.items, states, strict=True)
        )
        out.append(Judged(review, states, reports))
    return JudgedPass(today, rules, dict(linked), tuple(out))


def same_objects(a: Sequence[object | None], b: Sequence[object | None]) -> bool:
    """The same objects, one by one (identity: a ticket state or a report is a frozen value
    that the memo hands back unchanged while nothing about it changed)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def by_review(reports: Sequence[ItemReport]) -> dict[str, list[ItemReport]]:
    """Reports grouped by their review's path, in order."""
    groups: dict[str, list[ItemReport]] = {}
    for report in reports:
        groups.setdefault(report.review.path, []).append(report)
    return groups
