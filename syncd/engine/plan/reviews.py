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

from syncd.engine.judge import by_review, same_objects
from syncd.engine.plan.again import Marked, MarkedPass
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
    return plan_reviews_again(reports, inputs)[0]


def plan_reviews_again(
    reports: Sequence[ItemReport],
    inputs: ReviewInputs,
    previous: MarkedPass | None = None,
    *,
    keep: bool = False,
) -> tuple[tuple[EditReview, ...], MarkedPass | None]:
    """`plan_reviews`, and with `keep` what the next call's `previous` needs (a caller that
    plans again and again): a review whose reports are the same objects as in `previous`,
    with the same ticket states linked, keeps its planned edit. A review with an item whose
    tracker failed or whose ticket is created this pass is always planned afresh."""
    if not inputs.write_back:
        return (), MarkedPass({}, {}) if keep else None
    groups = by_review(reports)
    if not keep:
        edits = (_plan_review(group, inputs) for group in groups.values())
        return tuple(edit for edit in edits if edit is not None), None
    unsettled = inputs.frozen | inputs.creating
    known = previous.reviews if previous is not None else {}
    # No linked ticket changed (compared in C): a review is the same once its reports are.
    unchanged = bool(known) and previous is not None and previous.linked == inputs.linked
    out: list[EditReview] = []
    marked: dict[str, Marked] = {}
    for path, group in groups.items():
        last = known.get(path)
        if unsettled and any(report.item.key in unsettled for report in group):
            edit = _plan_review(group, inputs)  # depends on this pass only: not kept
        elif unchanged and last is not None and same_objects(last.reports, group):
            marked[path], edit = last, last.edit
        else:
            states = tuple(inputs.linked.get(report.item.key) for report in group)
            if (
                last is not None
                and same_objects(last.reports, group)
                and same_objects(last.states, states)
            ):
                marked[path], edit = last, last.edit
            else:
                edit = _plan_review(group, inputs)
                marked[path] = Marked(tuple(group), states, edit)
        if edit is not None:
            out.append(edit)
    return tuple(out), MarkedPass(dict(inputs.linked), marked)


def _plan_review(reports: Sequence[ItemReport], inputs: ReviewInputs) -> EditReview | None:
    """The marks one review's items must change (`reports`: that review's, in order)."""
    marks: list[SetMarks] = []
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
        marks.append(SetMarks(review.path, item, wanted, _why(report, wanted), checked, created))
    return EditReview(reports[0].review, tuple(marks)) if marks else None


def _why(report: ItemReport, wanted: Suffix | None) -> str:
    if wanted is None:
        return "marks no longer apply"
    parts = sorted(f.value for f in report.flags if f in _MARKED)
    return "mark " + ", ".join(parts) if parts else "update marks"


_MARKED = (Flag.OVERDUE, Flag.NEEDS_DECISION, Flag.DEPRIORITIZED_WITHOUT_REASON)
