"""Judging follow-through (syncd.engine.judge): status, implied due dates and flags."""

from __future__ import annotations

from datetime import date

from syncd.engine.judge import Progress, Rules, judge_all
from syncd.model import Flag, ItemReport, Status
from syncd.records.parse import ParseOptions, parse_text

TODAY = date(2026, 6, 15)
RULES = Rules(follow_up_days=30, due_soon_days=7, due_defaults={"SEV-2": 30})

REVIEW = """\
---
date: 2026-06-01
severity: SEV-2
---
# Checkout outage

## Action items

- [ ] Add a p99 latency alert on checkout-api. Owner: @priya. Due: 2026-06-10
- [ ] Raise the connection pool limit to 200. Owner: @sam. Due: 2026-06-20
- [ ] Write the failover runbook for the payments database
- [x] Pin the base image digest. Owner: @kim. Due: 2026-06-01
- [ ] Drop the legacy retry wrapper. Owner: @lee. Due: 2026-09-01 — won't do
"""


def _judged(text: str = REVIEW, **progress: Progress) -> list[ItemReport]:
    review = parse_text(text, "reviews/checkout.md", ParseOptions())
    by_key = {item.description.split()[0]: item.key for item in review.items}
    return judge_all(
        [review], TODAY, RULES, {by_key[word]: p for word, p in progress.items()} or None
    )


def test_flags_follow_the_items_dates_owner_and_markers() -> None:
    alert, pool, runbook, pin, drop = _judged()
    assert (alert.status, alert.flags) == (Status.OPEN, {Flag.OVERDUE})
    assert pool.flags == {Flag.DUE_SOON}
    assert pin.status is Status.DONE
    assert pin.flags == frozenset()  # finished: nothing to chase
    assert drop.status is Status.DEPRIORITIZED
    assert drop.flags == {Flag.DEPRIORITIZED_WITHOUT_REASON}
    # No owner, no date: the severity's default deadline (date + 30 days) stands in.
    assert runbook.flags == {Flag.UNOWNED}
    assert (runbook.due, runbook.due_implied) == (date(2026, 7, 1), True)


def test_an_old_review_asks_for_a_decision_unless_a_date_ahead_was_set() -> None:
    text = REVIEW.replace("date: 2026-06-01", "date: 2026-04-01")
    alert, pool, runbook, *_ = _judged(text)
    assert Flag.NEEDS_DECISION in alert.flags  # overdue in a review older than 30 days
    assert Flag.NEEDS_DECISION not in pool.flags  # due 2026-06-20: a decision already made
    assert Flag.NEEDS_DECISION in runbook.flags


def test_the_tracker_owns_the_status_of_a_linked_item() -> None:
    alert, *_ = _judged(Add=Progress(Status.DONE, url="https://example.test/1"))
    assert (alert.status, alert.flags, alert.ticket_url) == (
        Status.DONE,
        frozenset(),
        "https://example.test/1",
    )
