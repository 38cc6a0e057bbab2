"""The contract every tracker adapter must meet, run against each one's loopback fake.

Written against ContractEnv only (env.py); `env` is parametrized over the tracker kinds in
conftest.py. Nothing here knows which tracker it talks to.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from syncd.errors import RateLimited, TrackerError
from syncd.model import Status, TicketRef
from syncd.trackers.protocol import (
    Outcome,
    TicketChange,
    TicketDraft,
    TicketState,
    reminder_marker,
)
from tests.contract.env import ContractEnv
from tests.fakes.base import Faults

MARKER = "2026-05-14-checkout-outage#1a2b3c4d"
DRAFT = TicketDraft(
    marker=MARKER,
    title="Alert when checkout 5xx rate stays above 3% for 5 minutes",
    body="From the review of the 2026-05-14 checkout outage.",
)


def _create(env: ContractEnv) -> TicketState:
    return env.tracker.create(DRAFT)


def _writes(env: ContractEnv) -> int:
    return sum(1 for r in env.fake.requests if r.method != "GET")


def _a_minute_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


def test_create_files_one_open_ticket_with_marker(env: ContractEnv) -> None:
    ticket = _create(env)
    assert env.ticket_count() == 1
    assert ticket.status is Status.OPEN
    assert ticket.marker == MARKER
    assert ticket.title == DRAFT.title
    assert ticket.url and ticket.key and ticket.id


def test_full_listing_includes_created_ticket_with_marker(env: ContractEnv) -> None:
    ticket = _create(env)
    listing = env.tracker.list_changed(None)
    [seen] = [t for t in listing.tickets if t.id == ticket.id]
    assert seen.marker == MARKER
    assert listing.cursor is not None
    assert listing.requests >= 1


def test_idle_listing_returns_nothing_for_at_most_one_request(env: ContractEnv) -> None:
    _create(env)
    cursor = env.tracker.list_changed(None).cursor
    before = len(env.fake.requests)
    idle = env.tracker.list_changed(cursor)
    assert idle.tickets == ()
    assert idle.requests <= 1
    assert len(env.fake.requests) - before <= 1


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Status.DONE, None),
        (Status.IN_PROGRESS, None),
        (Status.DEPRIORITIZED, "replaced by the managed load balancer"),
    ],
)
def test_status_changed_by_a_person_is_seen_by_next_listing(
    env: ContractEnv, status: Status, reason: str | None
) -> None:
    ticket = _create(env)
    cursor = env.tracker.list_changed(None).cursor
    env.set_status(ticket.id, status, reason)
    listing = env.tracker.list_changed(cursor)
    [seen] = [t for t in listing.tickets if t.id == ticket.id]
    assert seen.status is status
    if status is Status.DEPRIORITIZED:
        assert seen.reason == reason
    if status in (Status.DONE, Status.DEPRIORITIZED):
        assert seen.closed_on is not None


def test_label_added_by_a_person_is_seen_by_next_listing(env: ContractEnv) -> None:
    ticket = _create(env)
    cursor = env.tracker.list_changed(None).cursor
    env.add_label(ticket.id, "customer-impact")
    [seen] = [t for t in env.tracker.list_changed(cursor).tickets if t.id == ticket.id]
    assert "customer-impact" in seen.labels


def test_find_by_marker_finds_ticket_from_a_fresh_adapter(env: ContractEnv) -> None:
    since = _a_minute_ago()
    ticket = _create(env)
    found = env.new_tracker().find_by_marker(MARKER, since)
    assert found is not None
    assert (found.id, found.marker) == (ticket.id, MARKER)


def test_find_by_marker_returns_none_for_unknown_marker(env: ContractEnv) -> None:
    since = _a_minute_ago()
    _create(env)
    assert env.tracker.find_by_marker("2026-05-14-checkout-outage#ffffffff", since) is None


def test_set_label_adds_then_removes(env: ContractEnv) -> None:
    ticket = _create(env)
    assert env.tracker.set_label(ticket.id, "overdue", True) is not Outcome.NOOP
    [labelled] = env.tracker.fetch([ticket.id])
    assert "overdue" in labelled.labels
    assert env.tracker.set_label(ticket.id, "overdue", False) is not Outcome.NOOP
    [unlabelled] = env.tracker.fetch([ticket.id])
    assert "overdue" not in unlabelled.labels


def test_comment_is_one_write(env: ContractEnv) -> None:
    ticket = _create(env)
    before = _writes(env)
    assert env.tracker.comment(ticket.id, "Overdue since 2026-06-05, @priya.") is not Outcome.NOOP
    assert _writes(env) - before == 1


def test_a_comment_whose_answer_was_lost_is_found_by_its_text(env: ContractEnv) -> None:
    ticket = _create(env)
    since = _a_minute_ago()
    tag = reminder_marker(MARKER, "overdue", date(2026, 6, 5))
    assert env.tracker.has_comment(ticket.id, tag, since) is False
    env.fake.set_faults(Faults(rate=1.0, kinds=("lost",), only_methods=("POST",)))
    with pytest.raises(TrackerError):
        env.tracker.comment(ticket.id, f"Overdue since 2026-06-05, @priya.\n\n{tag}")
    env.fake.set_faults(Faults())
    assert env.new_tracker().has_comment(ticket.id, tag, since) is True  # posted after all
    other = reminder_marker(MARKER, "overdue", date(2026, 7, 1))  # a later episode's tag
    assert env.tracker.has_comment(ticket.id, other, since) is False


def test_update_title(env: ContractEnv) -> None:
    ticket = _create(env)
    change = TicketChange(title="Page on checkout 5xx > 3%")
    assert env.tracker.update(ticket.id, change) is Outcome.UPDATED
    [fetched] = env.tracker.fetch([ticket.id])
    assert fetched.title == "Page on checkout 5xx > 3%"


def test_parse_ref_accepts_own_url_and_rejects_foreign_one(env: ContractEnv) -> None:
    ticket = _create(env)
    assert env.tracker.parse_ref(TicketRef(raw=ticket.url, url=ticket.url)) == ticket.id
    foreign = "https://elsewhere.example/other/project/issues/1"
    assert env.tracker.parse_ref(TicketRef(raw=foreign, url=foreign)) is None


def test_fetch_returns_current_state(env: ContractEnv) -> None:
    ticket = _create(env)
    [fetched] = env.tracker.fetch([ticket.id])
    assert (fetched.id, fetched.status, fetched.marker) == (ticket.id, Status.OPEN, MARKER)


def test_lost_create_response_raises_and_marker_recovers_the_one_ticket(env: ContractEnv) -> None:
    since = _a_minute_ago()
    env.fake.set_faults(Faults(rate=1.0, kinds=("lost",), only_methods=("POST",)))
    with pytest.raises(TrackerError):
        _create(env)
    env.fake.set_faults(Faults())
    assert env.ticket_count() == 1
    found = env.new_tracker().find_by_marker(MARKER, since)
    assert found is not None
    assert found.marker == MARKER


def test_create_answered_5xx_is_not_resent(env: ContractEnv) -> None:
    env.fake.set_faults(Faults(rate=1.0, kinds=("5xx",), only_methods=("POST",)))
    with pytest.raises(TrackerError):
        _create(env)
    assert env.fake.count("POST") == 1


def test_retry_after_beyond_max_wait_raises_rate_limited_quickly(env: ContractEnv) -> None:
    env.fake.set_faults(Faults(rate=1.0, kinds=("429",), retry_after=120))
    started = time.monotonic()
    with pytest.raises(RateLimited) as raised:
        env.tracker.list_changed(None)
    assert time.monotonic() - started < 1.5
    assert raised.value.retry_after is not None
    assert raised.value.retry_after >= 119
