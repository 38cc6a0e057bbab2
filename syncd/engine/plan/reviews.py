"""Decide what to write. PURE: values in, a tuple of frozen steps out (STYLE 1).

Records-only mode has one kind of step: show the follow-through marks (overdue since,
needs decision, reason needed) in syncd's suffix of each item, and remove them once they no
longer apply. Decision table per item (reason in the comment of each branch):

    review is a draft / unreadable       → nothing (drafts are linted, never written)
    item written in front matter         → nothing (read-only shape)
    desired suffix == current suffix     → nothing (idempotent: second pass writes nothing)
    otherwise                            → SetMarks(item, desired suffix)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from syncd.model import ActionItem, Flag, ItemReport, ItemShape, Review, Status, Suffix

if TYPE_CHECKING:
    from syncd.trackers.protocol import TicketState


@dataclass(frozen=True, slots=True)
class SetMarks:
    """Rewrite one item's syncd suffix so it shows `suffix` (None removes it)."""

    review_path: str
    item: ActionItem
    suffix: Suffix | None
    reason: str
    checked: bool | None = None  # task-list box, for linked items (tracker-owned progress)


@dataclass(frozen=True, slots=True)
class EditReview:
    """All suffix changes for one review file, applied together (one atomic write)."""

    review: Review
    marks: tuple[SetMarks, ...]


Step = EditReview

_NO_SUFFIX = Suffix()


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


def compute_plan(
    reports: Sequence[ItemReport],
    write_back: bool,
    linked: Mapping[str, TicketState] | None = None,
    frozen: frozenset[str] = frozenset(),
) -> tuple[Step, ...]:
    """One EditReview per review whose marks must change.

    `linked` maps item keys to their ticket's state (tracker mode): the suffix then mirrors
    the ticket. Items in `frozen` belong to a tracker that failed this pass: left alone.
    """
    if not write_back:
        return ()
    if linked:
        # Imported only in tracker mode: a records-only pass never needs the tracker model.
        from syncd.engine.plan.tickets import review_suffix
    else:
        linked = {}
    by_review: dict[str, list[SetMarks]] = {}
    reviews: dict[str, Review] = {}
    for report in reports:
        review, item = report.review, report.item
        if review.draft or not review.readable:
            continue  # drafts are linted, never written
        if item.shape is ItemShape.FRONT_MATTER:
            continue  # read-only shape
        if item.key in frozen:
            continue  # its tracker did not answer: never conclude from a failure
        state = linked.get(item.key)
        checked: bool | None = None
        if state is not None:
            wanted: Suffix | None = review_suffix(report, state)
            if item.shape is ItemShape.CHECKBOX:
                checked = state.status is Status.DONE
                if checked == (item.marker is Status.DONE):
                    checked = None  # the box already shows it
        else:
            wanted = desired_marks(report)
        if wanted == item.suffix and checked is None:
            continue  # already shown: idempotent
        reviews[review.path] = review
        by_review.setdefault(review.path, []).append(
            SetMarks(review.path, item, wanted, _why(report, wanted), checked)
        )
    return tuple(EditReview(reviews[path], tuple(marks)) for path, marks in by_review.items())


def _why(report: ItemReport, wanted: Suffix | None) -> str:
    if wanted is None:
        return "marks no longer apply"
    parts = sorted(f.value for f in report.flags if f in _MARKED)
    return "mark " + ", ".join(parts) if parts else "update marks"


_MARKED = (Flag.OVERDUE, Flag.NEEDS_DECISION, Flag.DEPRIORITIZED_WITHOUT_REASON)
