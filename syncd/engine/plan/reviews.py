"""Decide what to write into the reviews. PURE: values in, frozen steps out (STYLE 1).

syncd owns one suffix per item (and, for linked task-list items, the checkbox). Decision table
per item (reason in the comment of each branch):

    review is a draft / unreadable       → nothing (drafts are linted, never written)
    item written in front matter         → nothing (read-only shape)
    its tracker did not answer           → nothing (never conclude from a failure)
    linked                               → the suffix mirrors the ticket (link, status, marks)
    a ticket is created for it this pass → the linked suffix once the create succeeded,
                                           the marks alone otherwise
    records only                         → the follow-through marks (overdue since, needs a
                                           decision, reason needed), removed once they no
                                           longer apply
    desired suffix == current suffix     → nothing (idempotent: a second pass writes nothing)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from syncd.engine.plan.steps import EditReview, SetMarks
from syncd.model import Flag, ItemReport, ItemShape, Status, Suffix
from syncd.trackers.protocol import TicketState

_NO_SUFFIX = Suffix()


@dataclass(frozen=True, slots=True)
class ReviewInputs:
    """What planning a review needs besides its judged items (also for a re-plan after the
    file changed under the writer)."""

    write_back: bool
    linked: Mapping[str, TicketState]  # item key → its ticket, trackers that answered only
    frozen: frozenset[str] = frozenset()  # item keys whose tracker failed this pass
    creating: frozenset[str] = frozenset()  # item keys a ticket is created for this pass


def desired_marks(report: ItemReport) -> Suffix | None:
    """The suffix an item should carry in records-only mode."""
    current = report.item.suffix or _NO_SUFFIX
    overdue_since = (
        report.due + timedelta(days=1)
        if Flag.OVERDUE in report.flags and report.due is not None
        else None
    )
    needs_decision = Flag.NEEDS_DECISION in report.flags
    needs_reason = Flag.DEPRIORITIZED_WITHOUT_REASON in report.flags
    wanted = current
    if (current.overdue_since, current.needs_decision, current.needs_reason) != (
        overdue_since,
        needs_decision,
        needs_reason,
    ):  # the common case is "already right": skip the copy (10,000 items per warm pass)
        wanted = dataclasses.replace(
            current,
            overdue_since=overdue_since,
            needs_decision=needs_decision,
            needs_reason=needs_reason,
        )
    return None if wanted == _NO_SUFFIX else wanted


def review_suffix(report: ItemReport, state: TicketState) -> Suffix:
    """The suffix an item linked to `state` should carry (DESIGN §4); a deleted ticket keeps
    its link, marked `ticket deleted`, and the item's own marks."""
    closed = state.status in (Status.DONE, Status.DEPRIORITIZED) and not state.deleted
    return Suffix(
        ticket_label=state.key,
        ticket_url=state.url,
        status=None if state.deleted else state.status,
        ticket_deleted=state.deleted,
        status_date=state.closed_on if closed else None,
        reason=state.reason if state.status is Status.DEPRIORITIZED and not state.deleted else None,
        overdue_since=(
            report.due + timedelta(days=1)
            if Flag.OVERDUE in report.flags and report.due is not None
            else None
        ),
        needs_decision=Flag.NEEDS_DECISION in report.flags,
        needs_reason=Flag.DEPRIORITIZED_WITHOUT_REASON in report.flags,
    )


def linked_marks(report: ItemReport, state: TicketState) -> tuple[Suffix, bool | None]:
    """(suffix, checkbox to set or None) for an item linked to `state`."""
    item = report.item
    checked: bool | None = None
    if item.shape is ItemShape.CHECKBOX and not state.deleted:
        checked = state.status is Status.DONE
        if checked == (item.marker is Status.DONE):
            checked = None  # the box already shows it
    return review_suffix(report, state), checked


def plan_reviews(reports: Sequence[ItemReport], inputs: ReviewInputs) -> tuple[EditReview, ...]:
    """One EditReview per review whose marks must change."""
    if not inputs.write_back:
        return ()
    by_review: dict[str, list[SetMarks]] = {}
    reviews = {}
    for report in reports:
        review, item = report.review, report.item
        if review.draft or not review.readable:
            continue  # drafts are linted, never written
        if item.shape is ItemShape.FRONT_MATTER:
            continue  # read-only shape
        if item.key in inputs.frozen:
            continue  # its tracker did not answer: never conclude from a failure
        state = inputs.linked.get(item.key)
        checked: bool | None = None
        created: ItemReport | None = None
        wanted: Suffix | None
        if item.key in inputs.creating:  # a new ticket (also for a deleted one: recreate)
            wanted = desired_marks(report)
            created = report  # the writer links it once the ticket exists
        elif state is not None:
            wanted, checked = linked_marks(report, state)
        else:
            wanted = desired_marks(report)
        if wanted == item.suffix and checked is None and created is None:
            continue  # already shown: idempotent
        reviews[review.path] = review
        by_review.setdefault(review.path, []).append(
            SetMarks(review.path, item, wanted, _why(report, wanted), checked, created)
        )
    return tuple(EditReview(reviews[path], tuple(marks)) for path, marks in by_review.items())


def _why(report: ItemReport, wanted: Suffix | None) -> str:
    if wanted is None:
        return "marks no longer apply"
    parts = sorted(f.value for f in report.flags if f in _MARKED)
    return "mark " + ", ".join(parts) if parts else "update marks"


_MARKED = (Flag.OVERDUE, Flag.NEEDS_DECISION, Flag.DEPRIORITIZED_WITHOUT_REASON)
