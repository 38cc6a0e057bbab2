"""The contract every tracker adapter must meet, run against each one's loopback fake.

Written against ContractEnv only (env.py); `env` is parametrized over the tracker kinds in
conftest.py. Nothing here knows which tracker it talks to. Behaviours that hold for every
tracker live here, once; tests/trackers/ keeps what is one tracker's own (its mapping, its
library's traps).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from syncd.errors import RateLimited, TicketGone, TrackerError
from syncd.model import Status, TicketRef
from syncd.trackers.marking import reminder_tag
from syncd.trackers.protocol import (
    CloseAs,
    CommentNote,
    Outcome,
    TicketBody,
    TicketChange,
    TicketDraft,
    TicketState,
)
from tests.contract.env import ContractEnv
from tests.fakes.base import Faults
from tests.trackers.clock import FakeClock

MARKER = "2026-05-14-checkout-outage#1a2b3c4d"
DRAFT = TicketDraft(
    marker=MARKER,
    title="Alert when checkout 5xx rate stays above 3% for 5 minutes",
    body=TicketBody(
        "Alert when checkout 5xx rate stays above 3% for 5 minutes",
        facts=(("Owner", "@priya"),),
        source_title="2026-05-14 checkout outage",
        source_path="reviews/2026-05-14-checkout.md",
        line=12,
    ),
)
HOSTILE = (
    "@everyone and @some-user and @acme/sre-team see #123\n"
    "/label ~security\n/close\n"
    "[~accountid:5b10ac8d] {code}x{code} [click|https://evil.example/x]\n"
    "<script>alert(1)</script> \u202eevil\x07 <!-- syncd:item=forged#00000000 -->\n"
    "h1. A heading"
)


def _create(env: ContractEnv, draft: TicketDraft = DRAFT) -> TicketState:
    return env.tracker.create(draft)


def _writes(env: ContractEnv) -> int:
    return sum(1 for r in env.fake.requests if r.method not in ("GET", "HEAD"))


def _a_minute_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


def _fetch_one(env: ContractEnv, ticket_id: str) -> TicketState:
    [state] = env.tracker.fetch([ticket_id]).tickets
    return state


# -- creating and reading ----------------------------------------------------------------------
def test_create_files_one_open_ticket_with_marker(env: ContractEnv) -> None:
    ticket = _create(env)
    assert env.ticket_count() == 1
    assert ticket.status is Status.OPEN
    assert ticket.marker == MARKER
    assert ticket.title == DRAFT.title
    assert ticket.url and ticket.key and ticket.id


def test_create_in_progress_makes_an_in_progress_ticket(env: ContractEnv) -> None:
    ticket = _create(
        env, TicketDraft(MARKER, "Shard the audit log", DRAFT.body, status=Status.IN_PROGRESS)
    )
    assert ticket.status is Status.IN_PROGRESS
    assert _fetch_one(env, ticket.id).status is Status.IN_PROGRESS


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
    idle = env.new_tracker().list_changed(cursor)  # a fresh process: no warm-up requests
    assert idle.tickets == ()
    assert idle.requests <= 1
    assert len(env.fake.requests) - before <= 1


def test_hundred_changed_tickets_cost_at_most_three_requests(env: ContractEnv) -> None:
    ids = env.seed(100)
    cursor = env.tracker.list_changed(None).cursor
    for ticket_id in ids:
        env.add_label(ticket_id, "customer-impact")
    before = len(env.fake.requests)
    listing = env.new_tracker().list_changed(cursor)
    assert {t.id for t in listing.tickets} == set(ids)
    assert len(env.fake.requests) - before <= 3


def test_unreadable_cursor_lists_everything(env: ContractEnv) -> None:
    ticket = _create(env)
    listing = env.tracker.list_changed("not a cursor of ours")
    assert ticket.id in {t.id for t in listing.tickets}


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


def test_syncd_own_comment_is_never_the_close_reason(env: ContractEnv) -> None:
    ticket = _create(env)
    env.set_status(ticket.id, Status.DEPRIORITIZED, None)
    env.tracker.comment(ticket.id, CommentNote("Please add a comment saying why."))
    reason = _fetch_one(env, ticket.id).reason
    assert reason is None or "Please add" not in reason


def test_label_added_by_a_person_is_seen_by_next_listing(env: ContractEnv) -> None:
    ticket = _create(env)
    cursor = env.tracker.list_changed(None).cursor
    env.add_label(ticket.id, "customer-impact")
    [seen] = [t for t in env.tracker.list_changed(cursor).tickets if t.id == ticket.id]
    assert "customer-impact" in seen.labels


def test_fetch_returns_current_state(env: ContractEnv) -> None:
    ticket = _create(env)
    fetched = _fetch_one(env, ticket.id)
    assert (fetched.id, fetched.status, fetched.marker) == (ticket.id, Status.OPEN, MARKER)


def test_parse_ref_accepts_own_url_and_rejects_foreign_one(env: ContractEnv) -> None:
    ticket = _create(env)
    own = env.tracker.parse_ref(TicketRef(raw=ticket.url, url=ticket.url))
    assert own is not None
    assert _fetch_one(env, own).id == ticket.id
    foreign = "https://elsewhere.example/other/project/issues/1"
    assert env.tracker.parse_ref(TicketRef(raw=foreign, url=foreign)) is None
    pull = ticket.url.replace("/issues/", "/pull/").replace("/browse/", "/projects/")
    assert env.tracker.parse_ref(TicketRef(raw=pull, url=pull)) is None


# -- markers: exactly-once creation ------------------------------------------------------------
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


def test_a_marker_in_review_text_is_never_read_as_one(env: ContractEnv) -> None:
    since = _a_minute_ago()
    body = TicketBody("<!-- syncd:item=forged#00000000 -->\nStop the bleeding")
    ticket = _create(env, TicketDraft(MARKER, "Stop the bleeding", body))
    assert _fetch_one(env, ticket.id).marker == MARKER
    assert env.tracker.find_by_marker("forged#00000000", since) is None


def test_lost_create_response_raises_and_marker_recovers_the_one_ticket(env: ContractEnv) -> None:
    since = _a_minute_ago()
    env.fake.set_faults(Faults(rate=1.0, kinds=("lost",), only_methods=("POST",)))
    with pytest.raises(TrackerError):
        _create(env)
    env.fake.set_faults(Faults())
    assert env.ticket_count() == 1
    assert env.fake.count("POST") == 1
    found = env.new_tracker().find_by_marker(MARKER, since)
    assert found is not None
    assert found.marker == MARKER


@pytest.mark.parametrize("fault", ["5xx", "drop", "timeout"])
def test_create_that_fails_is_never_resent(env: ContractEnv, fault: str) -> None:
    env.fake.faults.stall = 1.2  # just past the 1 s timeout
    env.fake.fail_next(fault)
    with pytest.raises(TrackerError):
        _create(env)
    assert env.fake.count("POST") == 1


# -- answers that are not the API (a proxy's or SSO's HTML page) -------------------------------
@pytest.mark.parametrize("fault", ["html", "html502"])
def test_html_instead_of_json_is_one_clear_error(env: ContractEnv, fault: str) -> None:
    env.fake.fail_next(*[fault] * 4)  # a 502 read is retried: every try gets the page
    with pytest.raises(TrackerError) as raised:
        env.tracker.list_changed(None)
    message = str(raised.value)
    assert "did not answer properly: GET " in message
    assert "text/html" in message
    assert message.count("\n") == 0


def test_html_page_never_reads_as_ticket_not_found(env: ContractEnv) -> None:
    since = _a_minute_ago()
    _create(env)
    env.fake.fail_next("html")
    with pytest.raises(TrackerError, match="did not answer properly"):
        env.new_tracker().find_by_marker(MARKER, since)


def test_html_page_never_reads_as_no_comment(env: ContractEnv) -> None:
    ticket = _create(env)
    env.fake.fail_next("html")
    with pytest.raises(TrackerError, match="did not answer properly"):
        env.tracker.has_comment(ticket.id, "<!-- syncd:reminder=x -->", _a_minute_ago())


# -- review text never acts ---------------------------------------------------------------------
def test_review_text_cannot_mention_reference_or_act(env: ContractEnv) -> None:
    body = TicketBody(HOSTILE, facts=(("Owner", "@everyone"),), source_title="#1 @all")
    ticket = _create(env, TicketDraft(MARKER, "Fix it @everyone #123 \u202e", body))
    raw = env.body(ticket.id)
    assert env.live
    for live in env.live:
        assert live in HOSTILE or live.startswith("<!--")
        assert live not in raw
    assert "\u202e" not in raw and "\x07" not in raw
    assert "(U+202E)" in raw  # shown, not hidden
    assert _fetch_one(env, ticket.id).marker == MARKER
    assert "\u202e" not in _fetch_one(env, ticket.id).title


def test_comment_mentions_only_the_identities_given(env: ContractEnv) -> None:
    ticket = _create(env)
    note = CommentNote(f"Overdue since 2026-06-05. {HOSTILE}", mention=("priya", "ops/oncall"))
    env.tracker.comment(ticket.id, note)
    [raw] = env.comments(ticket.id)
    mention, text = raw.split(": ", 1)
    assert "priya" in mention
    assert "ops/oncall" not in raw  # not a user name: never rendered as a mention
    for live in env.live:
        assert live not in text


# -- writes say what they did -------------------------------------------------------------------
def test_update_title_then_same_title_is_noop(env: ContractEnv) -> None:
    ticket = _create(env)
    change = TicketChange(title="Page on checkout 5xx > 3%")
    assert env.tracker.update(ticket.id, change) is Outcome.UPDATED
    assert _fetch_one(env, ticket.id).title == "Page on checkout 5xx > 3%"
    before = _writes(env)
    assert env.tracker.update(ticket.id, change) is Outcome.NOOP
    assert _writes(env) == before


def test_a_title_with_a_mention_round_trips_unchanged(env: ContractEnv) -> None:
    ticket = _create(env, TicketDraft(MARKER, "Ask @priya about #12", DRAFT.body))
    assert _fetch_one(env, ticket.id).title == "Ask @priya about #12"
    assert env.tracker.update(ticket.id, TicketChange(title="Ask @priya about #12")) is Outcome.NOOP


def test_labels_add_and_remove_then_noop(env: ContractEnv) -> None:
    ticket = _create(env)
    add = TicketChange(add_labels=("overdue",))
    assert env.tracker.update(ticket.id, add) is Outcome.UPDATED
    assert "overdue" in _fetch_one(env, ticket.id).labels
    assert env.tracker.update(ticket.id, TicketChange(add_labels=("Overdue",))) is Outcome.NOOP
    remove = TicketChange(remove_labels=("overdue",))
    assert env.tracker.update(ticket.id, remove) is Outcome.UPDATED
    assert "overdue" not in _fetch_one(env, ticket.id).labels
    before = _writes(env)
    assert env.tracker.update(ticket.id, remove) is Outcome.NOOP
    assert _writes(env) == before


def test_close_not_planned_then_noop(env: ContractEnv) -> None:
    ticket = _create(env)
    close = TicketChange(close=CloseAs.NOT_PLANNED)
    assert env.tracker.update(ticket.id, close) is Outcome.UPDATED
    assert _fetch_one(env, ticket.id).status is Status.DEPRIORITIZED
    assert env.tracker.update(ticket.id, close) is Outcome.NOOP


def test_close_as_duplicate_of_another_ticket(env: ContractEnv) -> None:
    original = _create(env)
    second = _create(env, TicketDraft(MARKER, "the same item, filed twice", DRAFT.body))
    change = TicketChange(close=CloseAs.DUPLICATE, duplicate_of=original.id)
    assert env.tracker.update(second.id, change) is Outcome.UPDATED
    closed = _fetch_one(env, second.id)
    assert closed.status is Status.DONE
    assert _fetch_one(env, original.id).status is Status.OPEN


def test_comment_is_one_write(env: ContractEnv) -> None:
    ticket = _create(env)
    before = _writes(env)
    assert (
        env.tracker.comment(ticket.id, CommentNote("Overdue since 2026-06-05.")) is Outcome.CREATED
    )
    assert _writes(env) - before == 1
    assert env.tracker.comment(ticket.id, CommentNote("  ")) is Outcome.NOOP


def test_a_comment_whose_answer_was_lost_is_found_by_its_tag(env: ContractEnv) -> None:
    ticket = _create(env)
    since = _a_minute_ago()
    tag = reminder_tag(MARKER, "overdue", date(2026, 6, 5))
    assert env.tracker.has_comment(ticket.id, tag, since) is False
    env.fake.set_faults(Faults(rate=1.0, kinds=("lost",), only_methods=("POST",)))
    with pytest.raises(TrackerError):
        env.tracker.comment(ticket.id, CommentNote("Overdue since 2026-06-05.", tag=tag))
    env.fake.set_faults(Faults())
    assert env.new_tracker().has_comment(ticket.id, tag, since) is True  # posted after all
    other = reminder_tag(MARKER, "overdue", date(2026, 7, 1))  # a later episode's tag
    assert env.tracker.has_comment(ticket.id, other, since) is False


# -- deleted and moved tickets ------------------------------------------------------------------
def test_deleted_ticket_is_gone_on_fetch_and_on_write(env: ContractEnv) -> None:
    ticket = _create(env)
    kept = _create(env, TicketDraft("other#00000001", "kept", DRAFT.body))
    env.delete(ticket.id)
    fetched = env.new_tracker().fetch([ticket.id, kept.id])
    assert fetched.gone == {ticket.id}
    assert [t.id for t in fetched.tickets] == [kept.id]
    with pytest.raises(TicketGone) as raised:
        env.tracker.update(ticket.id, TicketChange(title="x"))
    assert (raised.value.tracker, raised.value.ticket_id) == (env.tracker.name, ticket.id)
    with pytest.raises(TicketGone):
        env.tracker.comment(ticket.id, CommentNote("still there?"))


def test_moved_ticket_is_followed_to_its_new_place(env: ContractEnv) -> None:
    ticket = _create(env)
    new_key = env.move(ticket.id)
    [moved] = env.new_tracker().fetch([ticket.id]).tickets
    assert moved.moved_from == ticket.id
    assert moved.key == new_key
    assert moved.url != ticket.url
    assert moved.status is Status.OPEN
    assert _fetch_one(env, moved.id).key == new_key  # the new id keeps working


# -- rate limits, pacing, errors ----------------------------------------------------------------
def test_retry_after_beyond_max_wait_raises_rate_limited_quickly(env: ContractEnv) -> None:
    env.fake.set_faults(Faults(rate=1.0, kinds=("429",), retry_after=120))
    started = time.monotonic()
    with pytest.raises(RateLimited) as raised:
        env.tracker.list_changed(None)
    assert time.monotonic() - started < 1.5
    assert raised.value.retry_after is not None
    assert raised.value.retry_after >= 119


def test_retry_after_within_max_wait_is_waited_out_on_a_write(env: ContractEnv) -> None:
    clock = FakeClock()
    tracker = env.new_tracker(pacer=clock.pacer(), max_wait=30.0)
    env.fake.faults.retry_after = 5
    env.fake.fail_next("429")  # the create is refused (nothing written), then goes through
    ticket = tracker.create(DRAFT)
    assert ticket.marker == MARKER
    assert 5.0 in clock.slept
    assert env.ticket_count() == 1


def test_a_hold_outlives_the_process_through_pacer_state(env: ContractEnv) -> None:
    clock = FakeClock()
    first = env.new_tracker(pacer=clock.pacer(), max_wait=0.5)
    env.fake.set_faults(Faults(rate=1.0, kinds=("429",), retry_after=600))
    with pytest.raises(RateLimited):
        first.list_changed(None)
    env.fake.set_faults(Faults())
    saved = first.pacer.state()
    second = env.new_tracker(pacer=clock.pacer(), max_wait=0.5)
    second.pacer.restore(saved)
    before = len(env.fake.requests)
    with pytest.raises(RateLimited):
        second.list_changed(None)  # still held: not even one request
    assert len(env.fake.requests) == before
    clock.advance(601)
    assert second.list_changed(None).cursor is not None


def test_writes_are_spaced_by_min_write_interval(env: ContractEnv) -> None:
    clock = FakeClock()
    tracker = env.new_tracker(pacer=clock.pacer(interval=2.0), min_write_interval=2.0)
    ticket = tracker.create(DRAFT)
    tracker.update(ticket.id, TicketChange(add_labels=("overdue",)))
    tracker.comment(ticket.id, CommentNote("hello"))
    assert sum(1 for s in clock.slept if s == pytest.approx(2.0)) >= 2


def test_bad_token_is_one_sentence_without_the_token(env: ContractEnv) -> None:
    tracker = env.new_tracker(token="wrong-t0ken-value")
    with pytest.raises(TrackerError) as raised:
        tracker.list_changed(None)
    message = str(raised.value)
    assert raised.value.exit_code == 3
    assert "wrong-t0ken-value" not in message
    assert "401" in message
    assert "\n" not in message


def test_password_in_url_is_never_printed(env: ContractEnv) -> None:
    tracker = env.new_tracker(url="http://bob:hunter2secret@127.0.0.1:9")
    with pytest.raises(TrackerError) as raised:
        tracker.list_changed(None)
    assert "hunter2secret" not in str(raised.value)
    assert "bob" not in str(raised.value)


def test_multi_line_token_file_says_so(env: ContractEnv, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("first-line\nsecond-line\n", encoding="utf-8")
    tracker = env.new_tracker(token=None, token_file=token_file)
    with pytest.raises(TrackerError, match="more than one line"):
        tracker.list_changed(None)
    assert len(env.fake.requests) == 0
