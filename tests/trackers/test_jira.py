"""Jira adapter: pure mapping, and the `jira` library running unmodified against FakeJira."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from syncd.errors import TrackerError
from syncd.model import Status, TicketRef
from syncd.trackers.http.paging import OverlapCursor
from syncd.trackers.jira import mapping as m
from syncd.trackers.jira import render
from syncd.trackers.jira.adapter import JiraTracker
from syncd.trackers.jira.config import JiraConfig
from syncd.trackers.marking import OWN_TAG, REASON_CHARS, marker_comment
from syncd.trackers.protocol import (
    CloseAs,
    CommentNote,
    Outcome,
    TicketBody,
    TicketChange,
    TicketDraft,
)
from tests.contract.env_jira import make_config
from tests.fakes.jira import FakeJira

BASE = "https://acme.atlassian.net"
SEARCH = r"/rest/api/2/search/jql$"
CONFIG = JiraConfig(url=BASE, project="OPS", email="bot@example.com")


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    server = FakeJira()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dc() -> Iterator[FakeJira]:
    server = FakeJira(cloud=False)
    server.start()
    yield server
    server.stop()


def tracker(fake: FakeJira, **overrides: Any) -> JiraTracker:
    return JiraTracker("jira", make_config(fake, **overrides))


def draft(marker: str = "pir-1#0a1b2c3d", **fields: Any) -> TicketDraft:
    title = fields.pop("title", "Alert on 5xx")
    return TicketDraft(marker=marker, title=title, body=TicketBody("b"), **fields)


def issue_json(category: str, resolution: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "id": "10001",
        "key": "OPS-7",
        "fields": {
            "summary": "t",
            "status": {"name": "x", "statusCategory": {"key": category}},
            "resolution": {"name": resolution} if resolution else None,
            "updated": "2026-11-23T10:00:00.000+0100",
            "labels": [],
            **fields,
        },
    }


# -- pure mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "resolution", "expected"),
    [
        ("new", None, Status.OPEN),
        ("indeterminate", None, Status.IN_PROGRESS),
        ("done", "Done", Status.DONE),
        ("done", None, Status.DONE),
        ("done", "Duplicate", Status.DONE),
        ("done", "Won't Do", Status.DEPRIORITIZED),
        ("done", "won't fix", Status.DEPRIORITIZED),
        ("done", "DECLINED", Status.DEPRIORITIZED),
        ("new", "Won't Do", Status.OPEN),  # reopened: a stale resolution means nothing
    ],
)
def test_status_mapping(category: str, resolution: str | None, expected: Status) -> None:
    assert m.map_status(category, resolution, CONFIG) is expected


def test_wont_do_resolutions_are_configurable() -> None:
    config = JiraConfig(url=BASE, project="OPS", email="e@x", wont_do_resolutions=("Obsolete",))
    assert m.map_status("done", "Obsolete", config) is Status.DEPRIORITIZED
    assert m.map_status("done", "Won't Do", config) is Status.DONE


def test_ticket_state_maps_fields_and_converts_time_to_utc() -> None:
    raw = issue_json(
        "done",
        "Won't Do",
        resolutiondate="2026-11-24T00:30:00.000+0200",
        duedate="2026-12-01",
        labels=["postmortem", "syncd-abc"],
        assignee={"accountId": "5b10ac8d82e05b22cc7d4ef5"},
        description=f"text\n\n{marker_comment('pir#1')}\n",
    )
    state = m.ticket_state("j", CONFIG, raw)
    assert state.updated == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert state.status is Status.DEPRIORITIZED
    assert state.reason == "Won't Do"  # no comment: the resolution name
    assert state.closed_on == date(2026, 11, 23)  # UTC day of resolutiondate
    assert (state.id, state.key, state.url) == ("10001", "OPS-7", f"{BASE}/browse/OPS-7")
    assert state.marker == "pir#1"
    assert state.due == date(2026, 12, 1)
    assert state.assignees == ("5b10ac8d82e05b22cc7d4ef5",)


def test_reason_skips_syncd_comments_and_takes_first_line() -> None:
    comments = [
        {"body": "Please give a reason.", "properties": [{"key": "syncd", "value": {}}]},
        {"body": f"Please give a reason.\n\n{OWN_TAG}"},  # an older syncd comment
        {"body": "\nSuperseded by the new LB.\nmore detail"},
    ]
    assert m.reason_from_comments(comments) == "Superseded by the new LB."
    long = m.reason_from_comments([{"body": "x" * 500}])
    assert long == "x" * (REASON_CHARS - 1) + "…"


def test_changed_jql_uses_epoch_ms_and_is_bounded() -> None:
    since = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert m.changed_jql("OPS", since) == (
        'project = "OPS" AND updated >= 1795428000000 ORDER BY updated ASC'
    )
    assert m.changed_jql("OPS", None) == 'project = "OPS" ORDER BY updated ASC'


def test_create_fields_carry_marker_label_and_no_spaces() -> None:
    fields = render.create_fields(
        draft(labels=("customer impact",), assignees=("acc-1",), due=date(2026, 12, 1)), CONFIG
    )
    assert fields["project"] == {"key": "OPS"}
    assert fields["issuetype"] == {"name": "Task"}
    assert fields["labels"] == ["postmortem", "customer-impact", m.marker_label("pir-1#0a1b2c3d")]
    assert "syncd:item" not in fields["description"]  # Jira shows HTML comments as text
    request = render.create_request(draft(), CONFIG)
    assert request["properties"] == [{"key": "syncd", "value": {"item": "pir-1#0a1b2c3d"}}]
    assert fields["duedate"] == "2026-12-01"
    assert fields["assignee"] == {"accountId": "acc-1"}
    dc = JiraConfig(url=BASE, project="OPS", deployment="datacenter")
    assert render.create_fields(draft(assignees=("jdoe",)), dc)["assignee"] == {"name": "jdoe"}


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (TicketRef(raw="x", url=f"{BASE}/browse/OPS-12"), "key:OPS-12"),
        (TicketRef(raw="x", url=f"{BASE}/browse/OPS-12/"), "key:OPS-12"),
        (TicketRef(raw="OPS-12", key="OPS-12"), "key:OPS-12"),
        (TicketRef(raw="OPS-12"), "key:OPS-12"),
        (TicketRef(raw="x", url=f"{BASE}/browse/SEC-12"), None),
        (TicketRef(raw="SEC-3", key="SEC-3"), None),
        (TicketRef(raw="x", url="https://other.atlassian.net/browse/OPS-12"), None),
        (TicketRef(raw="x", url=f"{BASE}/projects/OPS/issues"), None),
        (TicketRef(raw="acme/ops#12", repo="acme/ops", number=12), None),
    ],
)
def test_parse_ref(ref: TicketRef, expected: str | None) -> None:
    assert m.parse_ref(ref, BASE, "OPS") == expected


def test_cursor_round_trip_and_garbage() -> None:
    cursor = OverlapCursor(datetime(2026, 1, 1, tzinfo=UTC), frozenset({("1", "u")}))
    text = cursor.encode(m.CURSOR)
    assert '"after": 1767225600000' in text  # epoch ms, as JQL takes it
    assert OverlapCursor.decode(text, m.CURSOR) == cursor
    assert OverlapCursor.decode("not json", m.CURSOR) is None
    assert OverlapCursor.decode('{"v": 9}', m.CURSOR) is None
    assert OverlapCursor.decode('{"v": 1, "after": 1e400, "seen": []}', m.CURSOR) is None


# -- against the fake: request counts and paging ---------------------------------------------


def test_constructor_makes_no_request_and_never_calls_server_info(fake: FakeJira) -> None:
    jira = tracker(fake)
    assert fake.requests == []
    jira.list_changed(None)
    assert fake.count("GET", "/serverInfo") == 0
    assert fake.count("GET", "/field$") == 0
    assert fake.count("GET", SEARCH) == 1
    assert len(fake.requests) == 1


def test_idle_pass_is_one_request_even_from_a_fresh_client(fake: FakeJira) -> None:
    fake.seed_issues(3)
    full = tracker(fake).list_changed(None)
    assert full.requests == 1 and len(full.tickets) == 3
    # every `syncd check` / `syncd sync` builds a new client: an idle pass is still one request
    idle = tracker(fake).list_changed(full.cursor)
    assert (idle.requests, idle.tickets, idle.not_modified) == (1, (), True)
    assert fake.count("GET", "/field$") == 0  # the library's field-name lookup never runs


def test_paging_past_100_follows_next_page_token(fake: FakeJira) -> None:
    fake.seed_issues(250)
    listing = tracker(fake).list_changed(None)
    assert len({t.id for t in listing.tickets}) == 250
    searches = [r for r in fake.requests if r.path.endswith("/search/jql")]
    assert len(searches) == 3
    assert all("startAt" not in r.query for r in searches)
    assert [("nextPageToken" in r.query) for r in searches] == [False, True, True]


def test_change_within_the_same_minute_is_seen_once(fake: FakeJira) -> None:
    [issue_id] = fake.seed_issues(1)
    jira = tracker(fake)
    cursor = jira.list_changed(None).cursor
    fake.transition(issue_id, "In Progress")
    first = jira.list_changed(cursor)
    assert [t.status for t in first.tickets] == [Status.IN_PROGRESS]
    again = jira.list_changed(first.cursor)
    assert again.tickets == ()


def test_data_center_uses_search_with_start_at_and_bearer(dc: FakeJira) -> None:
    dc.seed_issues(130)
    jira = tracker(dc)
    listing = jira.list_changed(None)
    assert len({t.id for t in listing.tickets}) == 130
    starts = [r.query["startAt"][0] for r in dc.requests if r.path.endswith("/search")]
    assert starts == ["0", "100"]
    created = jira.create(draft(assignees=("jdoe",)))
    assert dc.issue(created.id)["fields"]["assignee"]["name"] == "jdoe"
    assert all(r.headers["authorization"].startswith("Bearer ") for r in dc.requests)


def test_cloud_search_endpoint_removed_answers_410(fake: FakeJira) -> None:
    # The fake mirrors the removal (pycontribs/jira#2367); the adapter never calls it.
    jira = tracker(fake)
    jira.list_changed(None)
    assert fake.count("GET", r"/rest/api/2/search$") == 0


# -- writes ------------------------------------------------------------------------------------


def test_create_is_one_post_with_marker_label(fake: FakeJira) -> None:
    jira = tracker(fake)
    state = jira.create(draft(labels=("needs owner",), due=date(2026, 12, 1)))
    assert fake.count("POST") == 1 and fake.count("GET") == 0
    fields = fake.issue(state.id)["fields"]
    assert m.marker_label("pir-1#0a1b2c3d") in fields["labels"]
    assert "needs-owner" in fields["labels"]
    assert fields["duedate"] == "2026-12-01"
    assert state.key == "OPS-1" and state.url.endswith("/browse/OPS-1")


def test_lost_create_is_found_by_marker_after_search_lag(fake: FakeJira) -> None:
    fake.search_lag = 0.3
    jira = tracker(fake)
    fake.fail_next("lost")
    since = datetime.now(UTC)
    with pytest.raises(TrackerError):
        jira.create(draft())
    assert fake.ticket_count() == 1
    assert jira.find_by_marker("pir-1#0a1b2c3d", since) is None  # not indexed yet
    time.sleep(0.35)
    found = jira.find_by_marker("pir-1#0a1b2c3d", since)
    assert found is not None and found.marker == "pir-1#0a1b2c3d"


def test_update_pushes_only_differences_in_one_put(fake: FakeJira) -> None:
    jira = tracker(fake)
    state = jira.create(draft(due=date(2026, 12, 1), assignees=("acc-1",)))
    same = TicketChange(title="Alert on 5xx", due=date(2026, 12, 1), assignees=("acc-1",))
    assert jira.update(state.id, same) is Outcome.NOOP
    assert fake.count("PUT") == 0
    change = TicketChange(due=date(2027, 1, 1), assignees=(), add_labels=("needs owner",))
    assert jira.update(state.id, change) is Outcome.UPDATED
    fields = fake.issue(state.id)["fields"]
    assert fields["duedate"] == "2027-01-01" and fields["assignee"] is None
    assert "needs-owner" in fields["labels"]  # Jira labels have no spaces
    assert fake.count("PUT") == 1


def test_close_not_planned_sets_wont_do(fake: FakeJira) -> None:
    jira = tracker(fake)
    state = jira.create(draft())
    assert jira.update(state.id, TicketChange(close=CloseAs.NOT_PLANNED)) is Outcome.UPDATED
    [closed] = jira.fetch([state.id]).tickets
    assert closed.status is Status.DEPRIORITIZED and closed.closed_on is not None
    assert jira.update(state.id, TicketChange(close=CloseAs.NOT_PLANNED)) is Outcome.NOOP


def test_close_without_resolution_on_screen_retries_once_without_it(fake: FakeJira) -> None:
    fake.resolution_on_screen = False
    jira = tracker(fake)
    state = jira.create(draft())
    jira.update(state.id, TicketChange(close=CloseAs.NOT_PLANNED))
    assert fake.count("POST", "/transitions$") == 2
    assert fake.issue(state.id)["fields"]["status"]["name"] == "Done"


def test_close_with_unknown_transition_raises_a_clear_error(fake: FakeJira) -> None:
    jira = tracker(fake, close_transition="Archive")
    state = jira.create(draft())
    with pytest.raises(TrackerError, match="no transition named 'Archive'"):
        jira.update(state.id, TicketChange(close=CloseAs.NOT_PLANNED))
    assert fake.count("POST", "/transitions$") == 0


def test_own_comment_is_not_read_back_as_reason(fake: FakeJira) -> None:
    jira = tracker(fake)
    state = jira.create(draft())
    fake.comment(state.id, "Dropped: the service is retired.")
    jira.comment(state.id, CommentNote("Please give a reason."))
    fake.transition(state.id, "Done", resolution="Won't Do")
    [seen] = jira.fetch([state.id]).tickets
    [own] = [c for c in fake.comments[state.id] if c["author"]["displayName"] == "syncd"]
    assert "syncd:" not in own["body"]  # the mark is a comment property, invisible
    assert seen.reason == "Dropped: the service is retired."


def test_parse_ref_by_key_then_fetch_gives_the_numeric_id(fake: FakeJira) -> None:
    [issue_id] = fake.seed_issues(1)
    jira = tracker(fake)
    ref_id = jira.parse_ref(TicketRef(raw="OPS-1", key="OPS-1"))
    assert ref_id == "key:OPS-1"
    [state] = jira.fetch([ref_id]).tickets
    assert state.id == issue_id
    assert jira.parse_ref(TicketRef(raw="OPS-1", key="OPS-1")) == issue_id  # learnt


def test_fetch_reports_missing_issues_as_gone(fake: FakeJira) -> None:
    assert tracker(fake).fetch(["99999"]).gone == {"99999"}


def test_markers_of_older_tickets_in_the_description_are_still_read(fake: FakeJira) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    [issue_id] = fake.seed_issues(
        1,
        description=f"text\n\n{marker_comment('pir-1#0a1b2c3d')}\n",
        labels=[m.marker_label("pir-1#0a1b2c3d")],
    )
    found = tracker(fake).find_by_marker("pir-1#0a1b2c3d", since)
    assert found is not None and found.id == issue_id


def test_idle_pass_with_properties_is_still_one_request(fake: FakeJira) -> None:
    jira = tracker(fake)
    jira.create(draft())
    cursor = jira.list_changed(None).cursor
    fake.reset_log()
    assert tracker(fake).list_changed(cursor).requests == 1
    assert fake.requests[0].query["properties"] == ["syncd"]


# -- failures and rate limits ------------------------------------------------------------------


def test_get_5xx_and_drop_are_retried(fake: FakeJira) -> None:
    [issue_id] = fake.seed_issues(1)
    jira = tracker(fake)
    fake.fail_next("5xx", "drop")
    [state] = jira.fetch([issue_id]).tickets
    assert state.id == issue_id
    assert fake.count("GET") == 3


def test_retry_after_within_max_wait_is_honoured(fake: FakeJira) -> None:
    jira = tracker(fake, max_wait=2.0)
    fake.throttle(1, retry_after=1)
    started = time.monotonic()
    state = jira.create(draft())  # a 429 is a refusal: the POST is safe to send again
    assert time.monotonic() - started >= 1.0
    assert fake.count("POST") == 2 and fake.ticket_count() == 1
    assert state.key == "OPS-1"


def test_bad_token_is_a_clear_error_without_the_token(fake: FakeJira) -> None:
    jira = tracker(fake, token=SecretStr("wrong-secret-value"))
    with pytest.raises(TrackerError) as raised:
        jira.list_changed(None)
    assert "401" in str(raised.value) and "API token" in str(raised.value)
    assert "wrong-secret-value" not in str(raised.value)


def test_missing_token_fails_before_any_request(fake: FakeJira) -> None:
    jira = tracker(fake, token=None)
    with pytest.raises(TrackerError, match="no API token"):
        jira.list_changed(None)
    assert fake.requests == []


def test_unreadable_token_file_is_this_trackers_error(fake: FakeJira, tmp_path: Path) -> None:
    jira = tracker(fake, token=None, token_file=tmp_path / "missing")
    with pytest.raises(TrackerError, match=r"'jira'.*cannot read `token_file`"):
        jira.list_changed(None)
    assert fake.requests == []


def test_watermark_never_runs_ahead_of_the_overlap(fake: FakeJira) -> None:
    jira = tracker(fake)
    cursor = jira.list_changed(None).cursor
    assert cursor is not None
    decoded = OverlapCursor.decode(cursor, m.CURSOR)
    assert decoded is not None
    assert decoded.watermark <= datetime.now(UTC) - timedelta(minutes=4)
