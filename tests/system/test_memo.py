"""The service's memo (what the last pass read, kept in the process): the same result as
reading everything again, and never stale when another process wrote the store in between."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from structlog.testing import capture_logs

from syncd.clock import Clock
from syncd.config.load import load_config
from syncd.engine.context import PassContext, holder
from syncd.engine.memo import PassMemo
from syncd.engine.plan.tickets import title_for
from syncd.engine.run import PassResult, build_trackers, run_pass
from syncd.model import Status
from syncd.store.database import Store
from syncd.trackers.protocol import TicketBody
from syncd.trackers.render import markdown_body
from tests.fakes.github import FakeGitHub
from tests.system.conftest import backdate, write


def _context(base: Path, github: FakeGitHub) -> PassContext:
    write(
        base / "syncd.yaml",
        f"""
        timezone: UTC
        records:
          paths: ["reviews/**/*.md"]
        trackers:
          gh:
            kind: github
            url: {github.api}
            repo: {github.repo}
            token: {github.token}
            timeout: 2
            min_write_interval: 0
        """,
    )
    write(
        base / "reviews" / "r.md",
        "---\ndate: 2026-11-01\nseverity: SEV-2\n---\n# Outage\n\n## Action items\n"
        "- [ ] Add a saturation alert — owner: @priya — due: 2026-12-20\n"
        "- [ ] Write the failover runbook — owner: @sam — due: 2026-12-22\n",
    )
    backdate(base / "reviews")
    loaded = load_config(base / "syncd.yaml", {})
    return PassContext.build(loaded, Clock(UTC, lambda: datetime(2026, 12, 7, 9, tzinfo=UTC)))


def _pass(ctx: PassContext, memo: PassMemo | None, trackers: object = None) -> PassResult:
    with Store.open(ctx.loaded.store_url()) as store, store.lock(holder()), capture_logs():
        return run_pass(ctx, store, trackers=trackers, memo=memo)  # type: ignore[arg-type]


def _statuses(result: PassResult) -> list[Status]:
    return [r.status for r in result.reports]


def test_a_memo_pass_sees_what_a_cron_pass_wrote_in_between(
    tmp_path: Path, github: FakeGitHub
) -> None:
    ctx = _context(tmp_path, github)
    memo, trackers = PassMemo(), build_trackers(ctx)
    _pass(ctx, memo, trackers)  # files both tickets
    backdate(tmp_path / "reviews")
    settled = _pass(ctx, memo, trackers)
    assert _statuses(settled) == [Status.OPEN, Status.OPEN] and memo.tickets
    # A person closes one ticket; a cron `syncd check` (no memo) lists it, writes the review
    # and moves the cursor on, so a listing from the service shows nothing new.
    github.close(1, reason="completed")
    cron = _pass(ctx, None)
    assert _statuses(cron) == [Status.DONE, Status.OPEN]
    again = _pass(ctx, memo, trackers)
    assert _statuses(again) == [Status.DONE, Status.OPEN]  # not the memo's stale "open"
    assert "done" in (tmp_path / "reviews" / "r.md").read_text(encoding="utf-8")


def test_a_memo_pass_equals_a_pass_that_reads_everything(
    tmp_path: Path, github: FakeGitHub
) -> None:
    ctx = _context(tmp_path, github)
    memo, trackers = PassMemo(), build_trackers(ctx)
    _pass(ctx, memo, trackers)  # files the tickets, links them in the review
    backdate(tmp_path / "reviews")
    for _ in range(2):
        with_memo = _pass(ctx, memo, trackers)
    without = _pass(ctx, None)
    assert with_memo.reports == without.reports
    assert with_memo.cached == len(with_memo.reviews)  # served from the memo
    # An edit to the review is read, not served from the memo.
    path = tmp_path / "reviews" / "r.md"
    path.write_text(path.read_text(encoding="utf-8").replace("@sam", "@kim"), encoding="utf-8")
    backdate(tmp_path / "reviews")
    edited = _pass(ctx, memo, trackers)
    assert [r.item.owner for r in edited.reports] == ["@priya", "@kim"]


def test_a_memo_pass_reuses_nothing_a_closed_ticket_or_a_new_day_changed(
    tmp_path: Path, github: FakeGitHub
) -> None:
    ctx = _context(tmp_path, github)
    day = [datetime(2026, 12, 7, 9, tzinfo=UTC)]
    ctx = PassContext.build(ctx.loaded, Clock(UTC, lambda: day[0]))
    memo, trackers = PassMemo(), build_trackers(ctx)
    _pass(ctx, memo, trackers)  # files both tickets
    backdate(tmp_path / "reviews")
    for _ in range(2):
        idle = _pass(ctx, memo, trackers)  # the second one is served from the memo
    assert _statuses(idle) == [Status.OPEN, Status.OPEN] and not idle.applied.reviews.written
    github.close(1, reason="completed")  # a person closes a ticket; only the service lists it
    closed = _pass(ctx, memo, trackers)
    assert _statuses(closed) == [Status.DONE, Status.OPEN]
    assert closed.applied.reviews.written == ["reviews/r.md"]
    backdate(tmp_path / "reviews")
    _pass(ctx, memo, trackers)
    day[0] = datetime(2026, 12, 23, 9, tzinfo=UTC)  # the runbook is due 2026-12-22
    late = _pass(ctx, memo, trackers)
    assert [sorted(f.value for f in r.flags) for r in late.reports] == [
        [],
        ["needs_decision", "overdue"],
    ]
    assert [r.flags for r in _pass(ctx, None).reports] == [r.flags for r in late.reports]
    assert "overdue since 2026-12-23" in (tmp_path / "reviews" / "r.md").read_text("utf-8")


def test_a_memo_pass_links_an_item_to_a_ticket_that_appeared_with_its_marker(
    tmp_path: Path, github: FakeGitHub
) -> None:
    ctx = _context(tmp_path, github)
    path = tmp_path / "reviews" / "r.md"
    path.write_text(path.read_text("utf-8").replace("- [ ] Write", "- [x] Write"), "utf-8")
    backdate(tmp_path / "reviews")
    memo, trackers = PassMemo(), build_trackers(ctx)
    _pass(ctx, memo, trackers)  # files a ticket for the open item only (the other is done)
    backdate(tmp_path / "reviews")
    for _ in range(2):
        idle = _pass(ctx, memo, trackers)
    done = idle.reports[1].item
    assert done.key not in idle.linked and github.ticket_count() == 1
    # Another syncd (another store) filed the done item's ticket: found by its marker.
    with github.lock:
        body = markdown_body(TicketBody(done.description), done.key, gitlab=False)
        github._new(title_for(done), body, ["postmortem"], [])
    found = _pass(ctx, memo, trackers)
    assert found.linked[done.key].key.endswith("#2")
    assert found.linked == _pass(ctx, None).linked
