"""GitLab adapter: pure mapping, and python-gitlab running unmodified against FakeGitLab."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from syncd.errors import RateLimited, TrackerError
from syncd.model import Status, TicketRef
from syncd.trackers.gitlab import mapping as m
from syncd.trackers.gitlab.adapter import GitLabTracker
from syncd.trackers.gitlab.config import GitLabConfig
from syncd.trackers.http.calls import retry_after_seconds
from syncd.trackers.http.paging import OverlapCursor
from syncd.trackers.marking import OWN_TAG, REASON_CHARS, extract_marker, marker_comment
from syncd.trackers.protocol import CloseAs, Outcome, TicketBody, TicketChange, TicketDraft
from syncd.trackers.text import parse_time
from tests.contract.env_gitlab import make_config
from tests.fakes.base import Faults, Request
from tests.fakes.gitlab import FakeGitLab
from tests.trackers.clock import FakeClock

ISSUES = r"/projects/[^/]+/issues$"
BASE = "https://gitlab.example.com"


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    server = FakeGitLab()
    server.start()
    yield server
    server.stop()


def tracker(fake: FakeGitLab, **overrides: Any) -> GitLabTracker:
    return GitLabTracker("gl", make_config(fake, **overrides))


def draft(marker: str = "pir-1#0a1b2c3d", **fields: Any) -> TicketDraft:
    title = fields.pop("title", "Alert on 5xx")
    return TicketDraft(marker=marker, title=title, body=TicketBody("b"), **fields)


# -- pure mapping ----------------------------------------------------------------------------


CONFIG = GitLabConfig(url=BASE, project="grp/sub/proj")


@pytest.mark.parametrize(
    ("state", "labels", "expected"),
    [
        ("opened", [], Status.OPEN),
        ("opened", ["postmortem"], Status.OPEN),
        ("opened", ["doing"], Status.IN_PROGRESS),
        ("opened", ["workflow::in progress"], Status.IN_PROGRESS),
        ("opened", ["Doing"], Status.IN_PROGRESS),
        ("opened", ["won't do"], Status.OPEN),  # reopened: the stale label means nothing
        ("closed", [], Status.DONE),
        ("closed", ["doing"], Status.DONE),
        ("closed", ["won't do"], Status.DEPRIORITIZED),
        ("closed", ["WontFix", "doing"], Status.DEPRIORITIZED),
    ],
)
def test_status_mapping_table(state: str, labels: list[str], expected: Status) -> None:
    assert m.map_status(state, labels, CONFIG) is expected


def test_status_mapping_follows_configured_labels() -> None:
    config = GitLabConfig(
        url=BASE, project="p/q", in_progress_labels=("wip",), wont_do_labels=("declined",)
    )
    assert m.map_status("opened", ["wip"], config) is Status.IN_PROGRESS
    assert m.map_status("opened", ["doing"], config) is Status.OPEN
    assert m.map_status("closed", ["declined"], config) is Status.DEPRIORITIZED
    assert m.map_status("closed", ["won't do"], config) is Status.DONE


def test_ticket_state_maps_every_field() -> None:
    issue = {
        "id": 9001,
        "iid": 12,
        "title": "Shard the audit log",
        "description": "text\n\n" + marker_comment("pir-7#deadbeef") + "\n",
        "state": "closed",
        "labels": ["postmortem", "wontfix"],
        "updated_at": "2026-06-10T08:30:00.123+02:00",
        "closed_at": "2026-06-09T23:59:59.999Z",
        "due_date": "2026-06-05",
        "assignees": [{"id": 3, "username": "priya"}],
        "web_url": f"{BASE}/grp/sub/proj/-/issues/12",
    }
    state = m.ticket_state("gl", CONFIG, issue, reason="replaced by the managed service")
    assert (state.id, state.key, state.project) == ("12", "grp/sub/proj#12", "grp/sub/proj")
    assert state.status is Status.DEPRIORITIZED
    assert state.reason == "replaced by the managed service"
    assert state.updated == datetime(2026, 6, 10, 6, 30, 0, 123000, tzinfo=UTC)
    assert state.updated.utcoffset() == timedelta(0)
    assert state.closed_on == date(2026, 6, 9)
    assert state.due == date(2026, 6, 5)
    assert state.marker == "pir-7#deadbeef"
    assert state.assignees == ("priya",)
    assert state.labels == frozenset({"postmortem", "wontfix"})


def test_key_uses_path_from_web_url_when_project_is_numeric() -> None:
    config = GitLabConfig(url=BASE + "/", project="42")
    issue = {"iid": 3, "state": "opened", "updated_at": "2026-06-01T00:00:00.000Z"}
    issue["web_url"] = f"{BASE}/team/ops/-/issues/3"
    assert m.ticket_state("gl", config, issue).key == "team/ops#3"


def test_reason_is_first_line_of_newest_person_note() -> None:
    notes = [
        {"body": "added ~overdue label", "system": True},
        {"body": f"Reminder: overdue\n\n{OWN_TAG}", "system": False},
        {"body": "\n  Replaced by the managed service  \nlong story", "system": False},
        {"body": "older note", "system": False},
    ]
    assert m.reason_from_notes(notes) == "Replaced by the managed service"
    assert m.reason_from_notes([{"body": "closed", "system": True}]) is None
    assert (
        m.reason_from_notes([{"body": "x" * 500, "system": False}])
        == "x" * (REASON_CHARS - 1) + "…"
    )


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (TicketRef(raw="u", url=f"{BASE}/grp/sub/proj/-/issues/12"), "12"),
        (TicketRef(raw="u", url=f"{BASE}/GRP/Sub/proj/-/issues/12"), "12"),
        (TicketRef(raw="u", url=f"{BASE}/grp/sub/proj/-/issues/12#note_55"), "12"),
        (TicketRef(raw="u", url=f"{BASE}/grp/sub/proj/issues/12"), "12"),  # pre-/-/ URLs
        (TicketRef(raw="u", url=f"{BASE}/grp/sub/proj/-/merge_requests/12"), None),
        (TicketRef(raw="u", url=f"{BASE}/grp/other/-/issues/12"), None),
        (TicketRef(raw="u", url=f"{BASE}/grp/sub/proj/-/issues/12/x"), None),
        (TicketRef(raw="u", url="https://gitlab.com/grp/sub/proj/-/issues/12"), None),
        (TicketRef(raw="u", url="https://github.com/grp/proj/issues/12"), None),
        (TicketRef(raw="grp/sub/proj#7"), "7"),
        (TicketRef(raw="grp/proj#7", repo="grp/proj", number=7), None),
        (TicketRef(raw="Grp/Sub/Proj#7", repo="Grp/Sub/Proj", number=7), "7"),
        (TicketRef(raw="#7", number=7), "7"),
        (TicketRef(raw="OPS-7", key="OPS-7"), None),
    ],
)
def test_parse_ref(ref: TicketRef, expected: str | None) -> None:
    assert m.parse_ref(ref, BASE, "grp/sub/proj") == expected


def test_parse_ref_on_self_managed_instance_under_a_subpath() -> None:
    base = "https://git.corp.example/gitlab"
    ref = TicketRef(raw="u", url=f"{base}/ops/app/-/issues/4")
    assert m.parse_ref(ref, base, "ops/app") == "4"
    assert (
        m.parse_ref(
            TicketRef(raw="u", url="https://git.corp.example/ops/app/-/issues/4"), base, "ops/app"
        )
        is None
    )


def test_format_time_is_utc_with_z_never_a_space() -> None:
    # python-gitlab str()s a datetime to "2026-06-01 12:00:00+02:00" (tracker-apis.md §2.2).
    local = datetime(2026, 6, 1, 12, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2)))
    assert m.format_time(local) == "2026-06-01T10:00:00.250Z"


def test_cursor_round_trip_and_unreadable_cursor() -> None:
    cur = OverlapCursor(
        datetime(2026, 6, 1, tzinfo=UTC), frozenset({("5", "2026-06-01T00:00:01.000Z")})
    )
    text = cur.encode(m.CURSOR)
    assert '"seen": [[5, "2026-06-01T00:00:01.000Z"]]' in text  # ids stay JSON numbers
    assert '"after": "2026-06-01T00:00:00.000Z"' in text
    assert OverlapCursor.decode(text, m.CURSOR) == cur
    assert OverlapCursor.decode("not json", m.CURSOR) is None
    assert OverlapCursor.decode('{"v": 99}', m.CURSOR) is None
    assert OverlapCursor.decode('{"v": 1, "after": "x", "seen": []}', m.CURSOR) is None


def test_create_fields_append_marker_and_merge_labels() -> None:
    d = TicketDraft(
        marker="pir-1#0a1b2c3d",
        title="T",
        body=TicketBody("Body\n"),
        labels=("sev-2", "postmortem"),
        due=date(2026, 6, 4),
    )
    fields = m.create_fields(d, CONFIG, [11])
    assert fields["description"].startswith("Body\n\n<!-- syncd:begin -->")
    assert marker_comment("pir-1#0a1b2c3d") in fields["description"]
    assert fields["labels"] == ["postmortem", "sev-2"]
    assert (fields["assignee_ids"], fields["due_date"]) == ([11], "2026-06-04")
    assert extract_marker(fields["description"]) == "pir-1#0a1b2c3d"


def test_retry_after_accepts_http_date() -> None:
    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Mon, 01 Jun 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None


def test_rate_limit_seconds_falls_back_to_ratelimit_reset_then_none() -> None:
    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
    reset = str(int(now.timestamp()) + 42)
    assert m.rate_limit_seconds({"retry-after": "7", "ratelimit-reset": reset}, now) == 7.0
    assert m.rate_limit_seconds({"ratelimit-reset": reset}, now) == 42.0
    assert m.rate_limit_seconds({}, now) is None


# -- against the fake: request counts and listing ---------------------------------------------


def test_constructor_makes_no_request(fake: FakeGitLab) -> None:
    tracker(fake)
    assert fake.count() == 0


def test_unreadable_token_file_is_this_trackers_error(fake: FakeGitLab, tmp_path: Path) -> None:
    gl = tracker(fake, token=None, token_file=tmp_path / "missing")  # building it reads nothing
    with pytest.raises(TrackerError, match=r"'gl'.*cannot read `token_file`"):
        gl.list_changed(None)
    assert fake.count() == 0


def test_full_listing_pages_past_100_and_asks_for_all_states(fake: FakeGitLab) -> None:
    iids = fake.seed_issues(250)
    for iid in iids[:20]:
        fake.close(iid)
    fake.reset_log()
    listing = tracker(fake).list_changed(None)
    assert sorted(int(s.id) for s in listing.tickets) == iids
    assert sum(s.status is Status.DONE for s in listing.tickets) == 20
    assert listing.requests == 3 == fake.count("GET", ISSUES)
    first = fake.requests[0]
    assert first.arg("per_page") == "100"
    assert (first.arg("order_by"), first.arg("sort")) == ("updated_at", "asc")
    assert "state" not in first.query


def test_incremental_listing_sends_iso_z_watermark_and_sees_each_change_once(
    fake: FakeGitLab,
) -> None:
    (iid,) = fake.seed_issues(1)
    t = tracker(fake)
    cursor = t.list_changed(None).cursor
    fake.add_label(iid, "doing")
    fake.reset_log()
    changed = t.list_changed(cursor)
    sent = fake.requests[0].arg("updated_after") or ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", sent)
    assert [(s.id, s.status) for s in changed.tickets] == [(str(iid), Status.IN_PROGRESS)]
    # updated_after is inclusive: the same (id, updated_at) comes back but is not reported again
    assert t.list_changed(changed.cursor).tickets == ()


def test_issue_moved_mid_pagination_is_not_duplicated_and_nothing_is_skipped(
    fake: FakeGitLab,
) -> None:
    iids = fake.seed_issues(150)

    def person_edits_during_page_two(req: Request) -> None:
        if req.arg("page") == "2" and fake.issue(1)["title"] != "moved":
            fake.edit(1, title="moved")

    fake.on_request = person_edits_during_page_two
    listing = tracker(fake).list_changed(None)
    ids = [s.id for s in listing.tickets]
    assert len(ids) == len(set(ids))
    assert sorted(map(int, ids)) == iids
    assert {s.id: s.title for s in listing.tickets}["1"] == "moved"


def test_deprioritized_reason_costs_one_notes_request_only_for_such_tickets(
    fake: FakeGitLab,
) -> None:
    a, b, c = fake.seed_issues(3)
    fake.close(a, wont_do_label="won't do", note="Replaced by the managed service\nDetails…")
    fake.close(b, note="Fixed in !42")
    fake.close(c, wont_do_label="wontfix")
    fake.reset_log()
    listing = tracker(fake).list_changed(None)
    by_id = {s.id: s for s in listing.tickets}
    assert by_id[str(a)].status is Status.DEPRIORITIZED
    assert by_id[str(a)].reason == "Replaced by the managed service"
    assert (by_id[str(b)].status, by_id[str(b)].reason) == (Status.DONE, None)
    assert (by_id[str(c)].status, by_id[str(c)].reason) == (Status.DEPRIORITIZED, None)
    assert fake.count("GET", r"/notes$") == 2
    assert listing.requests == 3


def test_fetch_reads_many_ids_in_one_request(fake: FakeGitLab) -> None:
    fake.seed_issues(30)
    fake.reset_log()
    states = list(tracker(fake).fetch(["3", "7", "29", "999"]).tickets)
    assert sorted(s.id for s in states) == ["29", "3", "7"]
    assert fake.count() == 1
    assert fake.requests[0].query["iids[]"] == ["3", "7", "29", "999"]


# -- writes -------------------------------------------------------------------------------------


def test_create_posts_once_with_marker_labels_assignees_and_due(fake: FakeGitLab) -> None:
    fake.add_user("priya", 11)
    t = tracker(fake)
    state = t.create(draft(assignees=("@priya", "nobody", "12"), due=date(2026, 6, 4)))
    t.create(draft(marker="pir-1#ffffffff", assignees=("priya",)))
    issue = fake.issue(int(state.id))
    assert extract_marker(issue["description"]) == "pir-1#0a1b2c3d"
    assert issue["labels"] == ["postmortem"]
    assert [a["username"] for a in issue["assignees"]] == ["priya"]  # 12 and nobody unknown
    assert issue["due_date"] == "2026-06-04"
    assert (state.marker, state.status, state.due) == (
        "pir-1#0a1b2c3d",
        Status.OPEN,
        date(2026, 6, 4),
    )
    assert fake.count("GET", r"/users$") == 2  # priya once (cached), nobody once
    assert fake.count("POST") == 2


def test_create_whose_answer_was_lost_is_found_by_marker(fake: FakeGitLab) -> None:
    t = tracker(fake)
    since = datetime.now(UTC)
    fake.seed_issues(2)
    fake.fail_next("lost")
    with pytest.raises(TrackerError):
        t.create(draft())
    assert (fake.count("POST"), fake.issue_count()) == (1, 3)
    found = t.find_by_marker("pir-1#0a1b2c3d", since)
    assert found is not None and found.marker == "pir-1#0a1b2c3d"
    assert t.find_by_marker("pir-1#00000000", since) is None
    lookback = parse_time(fake.requests[-1].arg("updated_after") or "")
    assert lookback <= since - timedelta(minutes=5)


def test_create_refused_with_429_is_retried_within_max_wait(fake: FakeGitLab) -> None:
    fake.throttle(1, retry_after=0)
    tracker(fake).create(draft())
    assert (fake.count("POST"), fake.issue_count()) == (2, 1)


def test_update_pushes_only_differences_and_closes_as_not_planned(fake: FakeGitLab) -> None:
    (iid,) = fake.seed_issues(1, due_date="2026-06-01")
    t = tracker(fake)
    assert t.update(str(iid), TicketChange(title="Seeded issue 0")) is Outcome.NOOP
    assert t.update(str(iid), TicketChange(due=date(2026, 7, 1))) is Outcome.UPDATED
    assert fake.issue(iid)["due_date"] == "2026-07-01"
    assert t.update(str(iid), TicketChange(close=CloseAs.NOT_PLANNED)) is Outcome.UPDATED
    issue = fake.issue(iid)
    assert (issue["state"], issue["labels"]) == ("closed", ["won't do"])
    assert t.update(str(iid), TicketChange(close=CloseAs.NOT_PLANNED)) is Outcome.NOOP
    assert t.fetch([str(iid)]).tickets[0].status is Status.DEPRIORITIZED


def test_labels_and_fields_change_in_one_put(fake: FakeGitLab) -> None:
    (iid,) = fake.seed_issues(1, labels="overdue")
    change = TicketChange(title="New", add_labels=("needs-owner",), remove_labels=("Overdue",))
    assert tracker(fake).update(str(iid), change) is Outcome.UPDATED
    assert fake.count("PUT") == 1
    assert fake.issue(iid)["labels"] == ["needs-owner"]


# -- failures and rate limits -------------------------------------------------------------------


def test_5xx_and_timeout_on_reads_are_retried(fake: FakeGitLab) -> None:
    fake.seed_issues(2)
    fake.set_faults(Faults(stall=1.2))
    fake.fail_next("5xx", "timeout")
    listing = tracker(fake).list_changed(None)
    assert len(listing.tickets) == 2
    assert listing.requests == 3


def test_reads_give_up_after_a_few_retries(fake: FakeGitLab) -> None:
    fake.fail_next("5xx", "5xx", "5xx", "5xx", "5xx")
    with pytest.raises(TrackerError, match="could not list issues"):
        tracker(fake).list_changed(None)
    assert fake.count() == 4


def test_retry_after_within_max_wait_is_honoured(fake: FakeGitLab) -> None:
    fake.throttle(1, retry_after=1)
    started = time.monotonic()
    listing = tracker(fake, max_wait=2.0).list_changed(None)
    assert time.monotonic() - started >= 1.0
    assert listing.requests == 2


def test_429_without_any_header_backs_off_and_is_capped(fake: FakeGitLab) -> None:
    # GitLab.com sometimes omits Retry-After and RateLimit-* (gitlab-org/gitlab#365728)
    fake.throttle(1, retry_after=None)
    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        tracker(fake, max_wait=0.5).list_changed(None)
    assert caught.value.retry_after == 1.0
    assert time.monotonic() - started < 0.5
    fake.throttle(1, retry_after=None)
    assert tracker(fake, max_wait=1.5).list_changed(None).requests == 2


def test_exhausted_rate_limit_window_uses_its_reset(fake: FakeGitLab) -> None:
    fake.remaining = 0
    fake.reset_at = int(time.time()) + 600
    with pytest.raises(RateLimited) as caught:
        tracker(fake).list_changed(None)
    assert caught.value.retry_after is not None and caught.value.retry_after > 500


def test_unknown_project_names_the_project(fake: FakeGitLab) -> None:
    with pytest.raises(TrackerError, match=r"project grp/nope.*check `project`"):
        tracker(fake, project="grp/nope").list_changed(None)


def test_unreachable_instance_is_a_tracker_error() -> None:
    server = FakeGitLab().start()
    config = make_config(server, timeout=0.5)  # type: ignore[arg-type]
    server.stop()
    with pytest.raises(TrackerError, match="no answer"):
        GitLabTracker("gl", config).list_changed(None)


def test_numeric_project_id_works_and_learns_the_path(fake: FakeGitLab) -> None:
    (iid,) = fake.seed_issues(1)
    t = tracker(fake, project=str(fake.project_id))
    url_ref = TicketRef(raw="u", url=f"{fake.url}/grp/sub/proj/-/issues/{iid}")
    assert t.parse_ref(url_ref) is None  # the path is unknown before any request
    (state,) = t.list_changed(None).tickets
    assert state.key == f"grp/sub/proj#{iid}"
    assert t.parse_ref(url_ref) == str(iid)


def test_update_replaces_assignees_by_user_name(fake: FakeGitLab) -> None:
    fake.add_user("priya", 11)
    fake.add_user("maria", 12)
    (iid,) = fake.seed_issues(1, assignee_ids=[11])
    t = tracker(fake)
    assert t.update(str(iid), TicketChange(assignees=("priya",))) is Outcome.NOOP
    assert t.update(str(iid), TicketChange(assignees=("maria",))) is Outcome.UPDATED
    assert [a["username"] for a in fake.issue(iid)["assignees"]] == ["maria"]


def test_random_faults_never_make_a_second_ticket_for_an_item(fake: FakeGitLab) -> None:
    # How apply.py recovers: after a failed create, look the marker up before trying again.
    fake.set_faults(Faults(rate=0.3, kinds=("5xx", "drop", "lost", "429"), retry_after=0, seed=7))
    t = tracker(fake, max_wait=0.5)
    since = datetime.now(UTC)
    markers = [f"pir-9#{n:08x}" for n in range(8)]
    failures = 0
    for marker in markers:
        for _ in range(20):
            try:
                if t.find_by_marker(marker, since) is not None or t.create(draft(marker)):
                    break
            except TrackerError:
                failures += 1
    fake.set_faults(Faults())
    assert failures > 0 and fake.count("POST") > len(markers)
    found = [extract_marker(i["description"]) for i in fake.issues.values()]
    assert sorted(found) == markers


def test_a_user_unknown_at_first_is_looked_up_again_an_hour_later(fake: FakeGitLab) -> None:
    # `syncd run` keeps its adapter: a person added to GitLab after start-up gets assigned.
    clock = FakeClock(start=1_000_000.0)
    t = GitLabTracker("gl", make_config(fake), pacer=clock.pacer())
    t.create(draft(assignees=("kim",)))
    fake.add_user("kim", 21)
    t.create(draft(marker="pir-1#00000002", assignees=("kim",)))  # still unknown: cached
    assert fake.count("GET", r"/users$") == 1
    clock.advance(3600)
    state = t.create(draft(marker="pir-1#00000003", assignees=("kim",)))
    assert [a["username"] for a in fake.issue(int(state.id))["assignees"]] == ["kim"]
    assert fake.count("GET", r"/users$") == 2
