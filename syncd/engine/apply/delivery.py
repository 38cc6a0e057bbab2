"""Deliver what a pass wrote into the reviews of `records.repo`: one commit, pushed, or one
pull request updated in place (syncd.repo does the git; docs/git.md).

A push that finds a person's concurrent edit on a line syncd edits comes back `Rejected`,
with the clone reset to the new remote head. The person's edit wins: each of those reviews
is read again and re-planned through the same planner as any review that changed under the
writer, written, and delivered again — until the push goes through or syncd.repo's bounded
retries run out (PushContended: the edits are redone next pass).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from syncd.engine.apply.reviews import Replanner, ReviewsWritten, write_review
from syncd.records.edit import ItemEdit
from syncd.records.parse.suffix import render
from syncd.repo.deliver import Delivered, Rejected, deliver
from syncd.repo.message import ReviewChange
from syncd.repo.workspace import Checkout, Workspace
from syncd.trackers.protocol import TicketState


def deliver_reviews(
    workspace: Workspace,
    checkout: Checkout,
    replanner: Replanner,
    created: Mapping[str, TicketState],
    written: ReviewsWritten,
) -> Delivered:
    paths, marks = list(written.written), list(written.marks)
    while True:
        outcome = deliver(workspace, checkout, paths, [_change(p, e) for p, e in marks])
        if not isinstance(outcome, Rejected):
            return outcome
        checkout = outcome.checkout
        again = replace(replanner, root=checkout.root)
        redone = ReviewsWritten()
        for path in outcome.replan:
            step = again.replan(path, created)
            if step is not None:
                write_review(step, again, created, False, redone)
        written.refused.extend(redone.refused)
        written.skipped.extend(redone.skipped)
        paths, marks = redone.written, redone.marks


def _change(path: str, edit: ItemEdit) -> ReviewChange:
    """How one written item reads in the commit message."""
    suffix = edit.suffix
    shown = render(replace(suffix, ticket_label=None, ticket_url=None)) if suffix else ""
    return ReviewChange(
        path=path,
        line=edit.item.line,
        item=edit.item.description or edit.item.text,
        mark=shown or "marks removed",
        ticket=suffix.ticket_label if suffix is not None else None,
    )
