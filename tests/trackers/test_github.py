"""GitHub adapter: mapping functions, request counts, retries, rate limits, PyGithub traps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github, GithubRetry
from github.Issue import Issue as GithubIssue
from github.PaginatedList import PaginatedList

from syncd.errors import RateLimited, TrackerError
from syncd.model import Status, TicketRef
from syncd.trackers.github import mapping as gm
from syncd.trackers.github.adapter import GitHubTracker
from syncd.trackers.github.config import GitHubConfig
from syncd.trackers.marking import OWN_TAG, REASON_CHARS, extract_marker
from syncd.trackers.protocol import (
    CloseAs,
    CommentNote,
    Outcome,
    TicketBody,
    TicketChange,
    TicketDraft,
)
from syncd.trackers.shared import diff
from tests.contract.env_github import make_tracker
from tests.fakes.github import FakeGitHub
from tests.trackers.clock import FakeClock

CONFIG = GitHubConfig(repo="acme/ops")
DRAFT = TicketDraft(
    marker="2026-05-14-checkout#1a2b3c4d", title="Shard the audit log", body=TicketBody("Hi")
)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        assert isinstance(server, FakeGitHub)
        yield server


@pytest.fixture
def tracker(fake: FakeGitHub) -> GitHubTracker:
    return make_tracker(fake)


def _issue(state: str = "open", reason: str | None = None, labels: tuple[str, ...] = ()) -> Any:
    return {
        "number": 7,
        "state": state,
        "state_reason": reason,
        "labels": [{"name": x} for x in labels],
        "html_url": "https://github.com/acme/ops/issues/7",
        "title": "t",
        "body": "text\n\n<!-- syncd:item=r#0badf00d -->\n",
        "updated_at": "2026-05-01T10:00:00Z",
        "closed_at": "2026-05-01T10:00:00Z" if state == "closed" else None,
        "assignees": [{"login": "priya"}],
        "comments": 0,
    }


# -- pure mapping ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "reason", "labels", "expected"),
    [
        ("open", None, (), (Status.OPEN, None)),
        ("open", "reopened", (), (Status.OPEN, None)),
        ("open", None, ("In Progress",), (Status.IN_PROGRESS, None)),
        ("closed", "completed", (), (Status.DONE, None)),
        ("closed", None, (), (Status.DONE, None)),
        ("closed", "not_planned", (), (Status.DEPRIORITIZED, None)),
        ("closed", "duplicate", (), (Status.DONE, "duplicate")),
        ("closed", "completed", ("wontfix",), (Status.DEPRIORITIZED, None)),
        ("closed", "completed", ("in progress",), (Status.DONE, None)),
    ],
)
def test_status_mapping_table(
    state: str, reason: str | None, labels: tuple[str, ...], expected: tuple[Status, str | None]
) -> None:
    assert gm.map_status(_issue(state, reason, labels), CONFIG) == expected


def test_in_progress_labels_are_configurable() -> None:
    config = GitHubConfig(repo="acme/ops", in_progress_labels=("doing",))
    assert gm.map_status(_issue(labels=("Doing",)), config)[0] is Status.IN_PROGRESS
    assert gm.map_status(_issue(labels=("in progress",)), config)[0] is Status.OPEN


def test_to_ticket_maps_every_field() -> None:
    ticket = gm.to_ticket("gh", CONFIG, _issue("closed", "not_planned"), "no longer needed")
    assert (ticket.id, ticket.key, ticket.project) == ("7", "acme/ops#7", "acme/ops")
    assert ticket.updated == datetime(2026, 5, 1, 10, tzinfo=UTC)
    assert ticket.closed_on is not None and ticket.closed_on.isoformat() == "2026-05-01"
    assert (ticket.marker, ticket.assignees, ticket.reason) == (
        "r#0badf00d",
        ("priya",),
        "no longer needed",
    )
    assert ticket.due is None


def test_reason_is_first_line_of_latest_persons_comment() -> None:
    notes = [
        {"body": "older"},
        {"body": "\n  Replaced by the managed LB  \nsecond line"},
        {"body": f"Please give a reason.\n\n{OWN_TAG}"},
    ]
    assert gm.reason_from_comments(notes) == "Replaced by the managed LB"
    assert gm.reason_from_comments([]) is None
    long = gm.reason_from_comments([{"body": "x" * 500}])
    assert long is not None and len(long) == REASON_CHARS


@pytest.mark.parametrize(
    ("ref", "url", "expected"),
    [
        (TicketRef(raw="u", url="https://github.com/acme/ops/issues/12"), None, "12"),
        (
            TicketRef(raw="u", url="https://github.com/Acme/OPS/issues/12#issuecomment-1"),
            None,
            "12",
        ),
        (TicketRef(raw="u", url="https://github.com/acme/other/issues/12"), None, None),
        (TicketRef(raw="u", url="https://github.com/acme/ops/pull/12"), None, None),
        (TicketRef(raw="u", url="https://gitlab.com/acme/ops/issues/12"), None, None),
        (
            TicketRef(raw="u", url="https://ghe.acme.io/acme/ops/issues/3"),
            "https://ghe.acme.io/api/v3",
            "3",
        ),
        (
            TicketRef(raw="u", url="https://github.com/acme/ops/issues/3"),
            "https://ghe.acme.io/api/v3",
            None,
        ),
        (TicketRef(raw="acme/ops#12", repo="acme/ops", number=12), None, "12"),
        (TicketRef(raw="ACME/ops#12", repo="ACME/ops", number=12), None, "12"),
        (TicketRef(raw="acme/web#12", repo="acme/web", number=12), None, None),
        (TicketRef(raw="#12", number=12), None, "12"),
        (TicketRef(raw="OPS-12", key="OPS-12"), None, None),
    ],
)
def test_parse_ref(ref: TicketRef, url: str | None, expected: str | None) -> None:
    config = GitHubConfig(repo="acme/ops", url=url) if url else CONFIG
    assert gm.parse_ref(ref, config) == expected


def test_create_fields_add_marker_in_own_block_and_configured_labels_once() -> None:
    body = TicketBody("Body")
    draft = TicketDraft(marker="r#1", title="T", body=body, labels=("Postmortem", "sev2"))
    fields = gm.create_fields(draft, CONFIG)
    assert fields["body"].startswith("Body\n\n<!-- syncd:begin -->\n")
    assert fields["body"].endswith("<!-- syncd:item=r#1 -->\n<!-- syncd:end -->\n")
    assert fields["labels"] == ["postmortem", "sev2"]
    assert "assignees" not in fields
    assert extract_marker(fields["body"]) == "r#1"


def test_patch_fields_send_only_differences_and_ignore_due_dates() -> None:
    now = gm.current(_issue())
    assert not diff(TicketChange(due=datetime(2026, 6, 1).date()), now, supports_due=False)
    assert not diff(TicketChange(title="t", assignees=("Priya",)), now, supports_due=False)
    change = TicketChange(close=CloseAs.NOT_PLANNED, assignees=())
    assert gm.patch_fields(diff(change, now, supports_due=False)) == {
        "assignees": [],
        "state": "closed",
        "state_reason": "not_planned",
    }
    closed = gm.current(_issue("closed", "completed"))
    assert not diff(TicketChange(close=CloseAs.NOT_PLANNED), closed, supports_due=False)


def test_cursor_round_trips_and_garbage_decodes_to_none() -> None:
    cursor = gm.Cursor('W/"abc"', datetime(2026, 5, 1, tzinfo=UTC), frozenset({"1:x:y"}))
    assert gm.Cursor.decode(cursor.encode()) == cursor
    assert gm.Cursor.decode("not json") is None
    assert gm.Cursor.decode('{"etag": null}') is None


def test_seen_key_changes_within_one_second() -> None:
    # GitHub timestamps have 1 s resolution: a close in the same second keeps updated_at.
    assert gm.seen_key(_issue()) != gm.seen_key(_issue("closed", "completed"))


@pytest.mark.parametrize(
    ("status", "headers", "message", "expected"),
    [
        (429, {"retry-after": "7"}, "", (True, 7.0)),
        (403, {"retry-after": "7"}, "", (True, 7.0)),
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1010"}, "API", (True, 11.0)),
        (403, {}, "You have exceeded a secondary rate limit.", (True, None)),
        (429, {}, "", (True, None)),
        (403, {"x-ratelimit-remaining": "4999"}, "Resource not accessible", (False, None)),
        (502, {"retry-after": "7"}, "", (False, None)),
    ],
)
def test_rate_limit_wait(
    status: int, headers: dict[str, str], message: str, expected: tuple[bool, float | None]
) -> None:
    assert gm.rate_limit_wait(status, headers, message, now=1000.0) == expected


def test_since_is_sent_in_utc_whatever_the_zone() -> None:
    # PyGithub#2282: the zone of `since` is dropped, so we format it ourselves.
    local = datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert gm.format_time(local) == "2026-05-01T10:00:00Z"


# -- request counts --------------------------------------------------------------------------
def test_constructor_and_first_listing_cost_one_request(fake: FakeGitHub) -> None:
    fake.seed_issues(3)
    tracker = make_tracker(fake)
    assert fake.count() == 0
    listing = tracker.list_changed(None)
    assert (len(listing.tickets), listing.requests, fake.count()) == (3, 1, 1)
    assert fake.requests[0].query["per_page"] == ["100"]


def test_full_listing_pages_past_one_hundred(fake: FakeGitHub, tracker: GitHubTracker) -> None:
    fake.seed_issues(250)
    listing = tracker.list_changed(None)
    assert len({t.id for t in listing.tickets}) == 250
    assert listing.requests == fake.count() == 3


def test_pull_requests_are_never_tickets(fake: FakeGitHub, tracker: GitHubTracker) -> None:
    [issue] = fake.seed_issues(1)
    pull = fake.seed_pull_request()
    assert [t.id for t in tracker.list_changed(None).tickets] == [str(issue)]
    assert (
        tracker.fetch([str(pull), str(issue), "999"]).tickets == tracker.fetch([str(issue)]).tickets
    )


def test_deprioritized_reason_costs_one_get_only_for_not_planned(
    fake: FakeGitHub, tracker: GitHubTracker
) -> None:
    a, b, c = fake.seed_issues(3)
    cursor = tracker.list_changed(None).cursor
    fake.close(a, "completed")
    fake.close(b, "not_planned", comment="Replaced by the managed LB")
    fake.close(c, "not_planned")
    fake.reset_log()
    listing = tracker.list_changed(cursor)
    by_id = {t.id: t for t in listing.tickets}
    assert by_id[str(b)].reason == "Replaced by the managed LB"
    assert by_id[str(c)].reason is None
    assert fake.count("GET", r"/comments$") == 2
    assert listing.requests == fake.count() == 3


# -- find_by_marker --------------------------------------------------------------------------
def test_find_by_marker_uses_list_endpoint_with_utc_since(
    fake: FakeGitHub, tracker: GitHubTracker
) -> None:
    fake.seed_pull_request()
    first = tracker.create(DRAFT)
    tracker.create(DRAFT)  # a duplicate from an older bug: the first one wins
    since = datetime.now(timezone(timedelta(hours=-7))) - timedelta(minutes=1)
    fake.reset_log()
    found = tracker.find_by_marker(DRAFT.marker, since)
    assert found is not None and found.id == first.id
    [request] = fake.requests
    assert request.path == "/repos/acme/ops/issues"
    expected = (since.astimezone(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert request.query["since"] == [expected]
    assert request.query["state"] == ["all"]


def test_update_closes_not_planned_and_skips_what_is_already_so(
    fake: FakeGitHub, tracker: GitHubTracker
) -> None:
    ticket = tracker.create(DRAFT)
    fake.reset_log()
    assert tracker.update(ticket.id, TicketChange(due=datetime(2026, 6, 1).date())) is Outcome.NOOP
    assert fake.count() == 0
    assert tracker.update(ticket.id, TicketChange(title=DRAFT.title)) is Outcome.NOOP
    assert fake.count("PATCH") == 0
    assert tracker.update(ticket.id, TicketChange(close=CloseAs.NOT_PLANNED)) is Outcome.UPDATED
    issue = fake.issue(int(ticket.id))
    assert (issue["state"], issue["state_reason"]) == ("closed", "not_planned")
    assert tracker.update(ticket.id, TicketChange(close=CloseAs.NOT_PLANNED)) is Outcome.NOOP
    assert fake.count("PATCH") == 1


def test_writes_are_paced(fake: FakeGitHub) -> None:
    clock = FakeClock()
    # The spacing is paid even past max_wait: it is pacing, not a rate-limit wait.
    tracker = make_tracker(fake, max_wait=0.0, pacer=clock.pacer(interval=1.0))
    ticket = tracker.create(DRAFT)
    tracker.list_changed(None)  # reads are not spaced
    tracker.comment(ticket.id, CommentNote("one"))
    tracker.comment(ticket.id, CommentNote("two"))
    assert clock.slept == [1.0, 1.0]


# -- pacing content creation (GitHub's secondary limits) -------------------------------------
def _paced(fake: FakeGitHub, clock: FakeClock, **overrides: Any) -> GitHubTracker:
    settings = {"max_wait": 30.0, **overrides}
    config = GitHubConfig.model_validate(
        {"repo": fake.repo, "url": fake.api, "token": fake.token, **settings}
    )
    windows = GitHubTracker("gh", config).pacer.windows  # the config's windows
    return make_tracker(fake, pacer=clock.pacer(windows=windows, interval=0.0), **settings)


def _draft(n: int) -> TicketDraft:
    return TicketDraft(f"2026-05-14-checkout#{n:08x}", f"Item {n}", TicketBody("Hi"))


def test_creates_wait_for_a_slot_in_the_minute_window(fake: FakeGitHub) -> None:
    clock = FakeClock()
    tracker = _paced(fake, clock, creates_per_minute=3, max_wait=120.0)
    for n in range(3):
        tracker.create(_draft(n))
        clock.advance(5)
    tracker.create(_draft(3))
    assert clock.slept == [45.0]  # the first create leaves the window 60 s after it was sent
    assert fake.ticket_count() == 4


def test_create_past_the_window_and_max_wait_defers_without_a_request(fake: FakeGitHub) -> None:
    clock = FakeClock()
    tracker = _paced(fake, clock, creates_per_minute=2)
    tracker.create(_draft(0))
    tracker.create(_draft(1))
    with pytest.raises(RateLimited, match="content-creation pace") as raised:
        tracker.create(_draft(2))
    assert raised.value.retry_after == 60.0
    assert (fake.count("POST"), clock.slept) == (2, [])
    clock.advance(60)
    tracker.create(_draft(2))
    assert fake.ticket_count() == 3


def test_hourly_window_defers_the_rest_to_a_later_pass(fake: FakeGitHub) -> None:
    clock = FakeClock()
    tracker = _paced(fake, clock, creates_per_minute=60, creates_per_hour=3)
    for n in range(3):
        tracker.create(_draft(n))
    clock.advance(600)
    with pytest.raises(RateLimited) as raised:
        tracker.create(_draft(3))
    assert raised.value.retry_after == 3000.0
    assert fake.count("POST") == 3


def test_comments_count_as_content_but_labels_do_not(fake: FakeGitHub) -> None:
    clock = FakeClock()
    tracker = _paced(fake, clock, creates_per_minute=2)
    ticket = tracker.create(DRAFT)
    assert tracker.update(ticket.id, TicketChange(add_labels=("overdue",))) is Outcome.UPDATED
    tracker.comment(ticket.id, CommentNote("Overdue since 2026-06-05."))
    with pytest.raises(RateLimited):
        tracker.comment(ticket.id, CommentNote("And again."))
    assert fake.count("POST", r"/comments$") == 1


def test_secondary_limit_holds_every_tracker_of_the_account(fake: FakeGitHub) -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    first = make_tracker(fake, pacer=pacer, max_wait=30.0)
    fake.throttle(times=1, status=403, retry_after=120)
    with pytest.raises(RateLimited) as raised:
        first.create(DRAFT)
    assert raised.value.retry_after == 120.0
    sent = fake.count()
    second = make_tracker(fake, pacer=pacer, max_wait=30.0)  # e.g. the next pass
    with pytest.raises(RateLimited, match="rate limited for 120 s"):
        second.list_changed(None)
    assert fake.count() == sent  # nothing was sent while held
    clock.advance(120)
    second.create(DRAFT)
    assert fake.ticket_count() == 1


def test_primary_limit_reset_holds_until_the_reset(fake: FakeGitHub) -> None:
    clock = FakeClock()
    tracker = _paced(fake, clock)
    fake.exhaust(reset_in=600)
    with pytest.raises(RateLimited) as raised:
        tracker.list_changed(None)
    assert raised.value.retry_after is not None and 595 <= raised.value.retry_after <= 601
    sent = fake.count()
    with pytest.raises(RateLimited):
        tracker.fetch(["1"])
    assert fake.count() == sent


def test_secondary_limit_without_headers_backs_off_exponentially(fake: FakeGitHub) -> None:
    clock = FakeClock()
    pacer = clock.pacer(first_guess=gm.SECONDARY_WAIT)
    tracker = make_tracker(fake, pacer=pacer, max_wait=100.0)
    fake.throttle(times=2, status=403, retry_after=None)
    with pytest.raises(RateLimited) as raised:
        tracker.list_changed(None)
    assert clock.slept == [gm.SECONDARY_WAIT]
    assert raised.value.retry_after == 2 * gm.SECONDARY_WAIT
    clock.advance(2 * gm.SECONDARY_WAIT)
    assert tracker.list_changed(None).requests == 1  # got through: the back-off starts over
    fake.throttle(times=1, status=403, retry_after=None)
    with pytest.raises(RateLimited) as again:
        make_tracker(fake, pacer=pacer, max_wait=30.0).list_changed(None)
    assert again.value.retry_after == gm.SECONDARY_WAIT


def test_unknown_repository_names_repo_and_url(fake: FakeGitHub) -> None:
    tracker = make_tracker(fake, repo="acme/missing")
    with pytest.raises(TrackerError, match=r"acme/missing.*repository not found"):
        tracker.list_changed(None)


def test_unreachable_server_is_a_tracker_error() -> None:
    config = GitHubConfig(repo="acme/ops", url="http://127.0.0.1:9", timeout=0.5, token="t")
    with pytest.raises(TrackerError, match="no answer"):
        GitHubTracker("gh", config).list_changed(None)


def test_enterprise_server_base_url(fake: FakeGitHub) -> None:
    fake.api_prefix = "/api/v3"
    tracker = make_tracker(fake)
    ticket = tracker.create(DRAFT)
    assert fake.requests[-1].path == "/api/v3/repos/acme/ops/issues"
    assert tracker.parse_ref(TicketRef(raw=ticket.url, url=ticket.url)) == ticket.id
    assert [t.id for t in tracker.list_changed(None).tickets] == [ticket.id]


# -- the PyGithub traps this adapter works around (tracker-apis.md §1.4-1.5) -----------------
def test_trap_paginated_list_turns_304_into_an_empty_list(fake: FakeGitHub) -> None:
    fake.seed_issues(2)
    gh = Github(auth=Auth.Token(fake.token), base_url=fake.api, retry=None, lazy=True)
    status, headers, _ = gh.requester.requestJson("GET", "/repos/acme/ops/issues")
    assert status == 200
    issues = PaginatedList(
        GithubIssue,
        gh.requester,
        "/repos/acme/ops/issues",
        None,
        headers={"If-None-Match": headers["etag"]},
    )
    assert list(issues) == []  # silently empty, although the repository has two issues


def test_trap_default_retry_resends_post_on_5xx(fake: FakeGitHub) -> None:
    gh = Github(auth=Auth.Token(fake.token), base_url=fake.api, lazy=True)
    assert isinstance(Github.default_retry, GithubRetry)
    fake.fail_next("5xx")
    gh.get_repo("acme/ops").create_issue("resent")
    assert fake.count("POST") == 2


def test_each_change_is_reported_once(fake: FakeGitHub, tracker: GitHubTracker) -> None:
    a, b = fake.seed_issues(2)
    cursor = tracker.list_changed(None).cursor
    fake.close(a)
    first = tracker.list_changed(cursor)
    fake.close(b)
    second = tracker.list_changed(first.cursor)
    assert [t.id for t in first.tickets] == [str(a)]
    assert [t.id for t in second.tickets] == [str(b)]
    assert tracker.list_changed(second.cursor).not_modified


def test_fetch_of_missing_issue_checks_the_repository_once(fake: FakeGitHub) -> None:
    assert make_tracker(fake).fetch(["41", "42"]).gone == {"41", "42"}
    assert fake.count("GET", r"^/repos/acme/ops$") == 1
    with pytest.raises(TrackerError, match="repository not found"):
        make_tracker(fake, repo="acme/gone").fetch(["41"])


def test_unreadable_token_file_is_a_tracker_error(tmp_path: Path) -> None:
    config = GitHubConfig(repo="acme/ops", token_file=tmp_path / "missing")
    with pytest.raises(TrackerError, match="token_file"):
        GitHubTracker("gh", config).list_changed(None)


@pytest.mark.parametrize(
    ("status", "call", "expected"),
    [
        (403, "GET /repos/acme/ops/issues", "Issues read/write"),
        (404, "PATCH /repos/acme/ops/issues/9", "issue #9 not found"),
        (404, "GET /repos/acme/ops/issues", "check `repo`, `url`"),
        (410, "GET /repos/acme/ops/issues/9", "deleted"),
        (422, "POST /repos/acme/ops/issues", "answered 422 to POST"),
    ],
)
def test_refusal_says_what_to_check(status: int, call: str, expected: str) -> None:
    text = gm.refusal("GitHub tracker 'gh'", "u", status, {"message": "m"}, call=call, write=True)
    assert expected in text
    assert "may or may not" not in text
