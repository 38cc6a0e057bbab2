"""`syncd sync` as a real subprocess with several trackers: routing (default, rules on front
matter team / services / severity, front-matter `tracker:` override), the owners directory
(GitHub login, GitLab username, Jira accountId; `needs-owner` without an owner), orphaned
tickets (`sync.on_removed: report | close`) and Jira's lagging search index."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from syncd.clock import Clock
from syncd.config.load import load_config
from syncd.engine.context import PassContext, holder
from syncd.engine.run import PassResult, run_pass
from syncd.store.database import Store
from tests.fakes.base import Faults, Request
from tests.fakes.jira import FakeJira
from tests.system.conftest import Run, backdate, write
from tests.system.trackers_env import OWNER_IDS, TrackerEnv, config_yaml, started

TODAY = "2026-11-23"


def _sync(run: Run, trackers: list[TrackerEnv], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for t in trackers for k, v in t.env.items()}
    return run("sync", "--today", TODAY, *args, env=env)


def _review(root: Path, name: str, front: str, *items: str) -> Path:
    lines = ["---", f"title: {name}", "date: 2026-11-10", *front.splitlines(), "---", ""]
    lines += [f"# {name}", "", "## Action Items", *(f"- [ ] {i}" for i in items), ""]
    return write(root / "reviews" / f"2026-11-10-{name}.md", "\n".join(lines))


@pytest.fixture
def three() -> Iterator[tuple[TrackerEnv, TrackerEnv, TrackerEnv]]:
    with (
        started("github", "gh") as gh,
        started("gitlab", "gl") as gl,
        started("jira-cloud", "jira") as jira,
    ):
        yield gh, gl, jira


def test_each_review_lands_in_its_routed_tracker_with_owners_mapped(
    run: Run, tmp_path: Path, three: tuple[TrackerEnv, TrackerEnv, TrackerEnv]
) -> None:
    gh, gl, jira = three
    owners = (
        f'owners:\n  "@priya": {{github: {OWNER_IDS["github"]}, gitlab: {OWNER_IDS["gitlab"]},'
        f' jira: "{OWNER_IDS["jira-cloud"]}"}}\n'
    )
    routing = (
        "routing:\n  default: gh\n  rules:\n"
        "    - {tracker: gl, team: payments}\n"
        "    - {tracker: jira, services: [dns]}\n"
        "    - {tracker: gl, severity: [SEV-1]}\n"
    )
    (tmp_path / "syncd.yaml").write_text(config_yaml([gh, gl, jira], owners + routing))
    due = "due: 2026-12-20"
    _review(
        tmp_path,
        "default",
        "severity: SEV-3",
        f"Rotate the default signing key — owner: @priya — {due}",
        f"Document the default rollback steps — {due}",
    )
    _review(
        tmp_path,
        "team",
        "severity: SEV-3\nteam: Payments",
        f"Add a retry budget to the payments client — owner: Priya — {due}",
        f"Write the payments on-call guide — {due}",
    )
    _review(
        tmp_path,
        "services",
        "severity: SEV-3\nservices: [edge, DNS]",
        f"Cap resolver cache TTL at 300 s — owner: @priya — {due}",
        f"Alert on resolver SERVFAIL rate above 1% — {due}",
    )
    _review(
        tmp_path,
        "severity",
        "severity: sev1",
        f"Page the incident commander — owner: @priya — {due}",
    )
    _review(
        tmp_path,
        "override",
        "severity: SEV-1\nteam: payments\ntracker: jira",
        f"Rehearse the payments failover — owner: @priya — {due}",
    )
    _review(tmp_path, "unknown", "tracker: nowhere", f"Never filed anywhere — {due}")
    backdate(tmp_path / "reviews")

    result = _sync(run, [gh, gl, jira])
    assert result.returncode == 0, result.stdout + result.stderr

    def titles(env: TrackerEnv) -> set[str]:
        return {" ".join(t.title.split()[:2]) for t in env.tickets()}

    assert titles(gh) == {"Rotate the", "Document the"}
    assert titles(gl) == {"Add a", "Write the", "Page the"}
    assert titles(jira) == {"Cap resolver", "Alert on", "Rehearse the"}
    assert "nowhere" in result.stdout  # the unknown tracker is reported, nothing filed
    # each review links only tickets of its own tracker
    for name, env in (("default", gh), ("team", gl), ("services", jira), ("override", jira)):
        text = (tmp_path / f"reviews/2026-11-10-{name}.md").read_text(encoding="utf-8")
        assert len(re.findall(env.link, text)) == text.count("- [ ]"), (name, text)
        for other in (gh, gl, jira):
            assert other is env or not re.search(other.link, text), (name, text)
    # the owners directory, in each tracker's own identity
    for env, title in ((gh, "Rotate"), (gl, "Add a retry"), (gl, "Page"), (jira, "Cap")):
        ticket = env.ticket(title)
        assert ticket.assignees == [OWNER_IDS[env.kind]], (title, ticket)
        assert "needs-owner" not in ticket.labels
    for env, title in ((gh, "Document"), (gl, "Write"), (jira, "Alert on")):
        ticket = env.ticket(title)
        assert ticket.assignees == []
        assert "needs-owner" in ticket.labels, (title, ticket)


@pytest.fixture
def gitlab() -> Iterator[TrackerEnv]:
    with started("gitlab", "gl") as env:
        yield env


def test_removed_item_is_reported_then_closed_as_not_planned(
    run: Run, tmp_path: Path, gitlab: TrackerEnv
) -> None:
    config = tmp_path / "syncd.yaml"
    config.write_text(config_yaml([gitlab]))
    review = _review(
        tmp_path,
        "orphans",
        "severity: SEV-3",
        "Keep this item — owner: @lee — due: 2026-12-20",
        "Drop this item later — owner: @lee — due: 2026-12-20",
    )
    assert _sync(run, [gitlab]).returncode == 0
    dropped = gitlab.ticket("Drop this")
    text = review.read_text(encoding="utf-8")
    review.write_text("".join(ln for ln in text.splitlines(True) if "Drop this" not in ln))

    reported = _sync(run, [gitlab])  # on_removed: report (the default)
    assert reported.returncode == 0, reported.stdout + reported.stderr
    assert f"Orphaned: gl ticket {dropped.id}" in reported.stdout
    assert "left open (sync.on_removed: report)" in reported.stdout
    assert not gitlab.ticket("Drop this").closed

    config.write_text(config_yaml([gitlab], "sync:\n  on_removed: close\n"))
    closed = _sync(run, [gitlab])
    assert closed.returncode == 0, closed.stdout + closed.stderr
    assert "closing it as not planned (sync.on_removed: close)" in closed.stdout
    ticket = gitlab.ticket("Drop this")
    assert ticket.closed and "won't do" in ticket.labels
    assert not gitlab.ticket("Keep this").closed

    after = _sync(run, [gitlab])  # a closed ticket is no longer an open orphan
    assert after.returncode == 0
    assert "Orphaned" not in after.stdout
    assert "0 writes" in after.stdout
    assert len(gitlab.tickets()) == 2


def test_a_deleted_review_is_reported_and_its_tickets_never_closed(
    run: Run, tmp_path: Path, gitlab: TrackerEnv
) -> None:
    config = tmp_path / "syncd.yaml"
    config.write_text(config_yaml([gitlab], "sync:\n  on_removed: close\n"))
    _review(tmp_path, "stays", "severity: SEV-3", "Keep this item — owner: @lee")
    doomed = _review(
        tmp_path, "deleted", "severity: SEV-3", "Orphan this item — owner: @lee — due: 2026-12-20"
    )
    assert _sync(run, [gitlab]).returncode == 0
    ticket = gitlab.ticket("Orphan this")
    doomed.unlink()  # or renamed, or outside records.paths now: syncd cannot tell which

    for _ in range(2):  # reported on every pass while the ticket is open
        result = _sync(run, [gitlab])
        assert result.returncode == 0, result.stdout + result.stderr
        assert (
            f"Orphaned: gl ticket {ticket.id} (item 2026-11-10-deleted#" in result.stdout
            and f"its review reviews/{doomed.name} is no longer found); left open" in result.stdout
        ), result.stdout
        assert "0 writes" in result.stdout
    assert not gitlab.ticket("Orphan this").closed  # on_removed: close does not apply
    assert len(gitlab.tickets()) == 2


@pytest.fixture
def lagging() -> Iterator[TrackerEnv]:
    with started("jira-cloud", "jira") as env:
        yield env


def test_lost_jira_create_defers_while_search_lags_instead_of_duplicating(
    run: Run, tmp_path: Path, lagging: TrackerEnv
) -> None:
    fake = lagging.fake
    assert isinstance(fake, FakeJira)
    fake.search_lag = 600  # new issues stay out of search results until the index catches up
    lagging.options["search_lag"] = 60  # syncd waits out up to a minute of lag (the default)
    (tmp_path / "syncd.yaml").write_text(config_yaml([lagging]))
    review = _review(
        tmp_path,
        "lag",
        "severity: SEV-3",
        "Cap resolver cache TTL — owner: @dana — due: 2026-12-20",
    )
    before = review.read_bytes()

    fake.set_faults(Faults(rate=1.0, kinds=("lost",), only_methods=("POST",)))
    lost = _sync(run, [lagging])
    fake.set_faults(Faults())
    assert "could not create a ticket" in lost.stdout, lost.stdout + lost.stderr  # no answer
    assert fake.ticket_count() == 1  # ... but Jira did create it
    assert review.read_bytes() == before

    deferred = _sync(run, [lagging])
    assert deferred.returncode == 0, deferred.stdout + deferred.stderr
    assert "Deferred 1 creation" in deferred.stdout
    assert lagging.creates() == 1 and fake.ticket_count() == 1
    assert review.read_bytes() == before

    fake.catch_up_index()
    found = _sync(run, [lagging])
    assert found.returncode == 0, found.stdout + found.stderr
    assert lagging.creates() == 1 and fake.ticket_count() == 1
    ticket = lagging.tickets()[0]
    assert f"[{ticket.ref}](" in review.read_text(encoding="utf-8")


def test_a_lost_create_late_in_a_long_pass_waits_out_the_lag_from_its_own_time(
    tmp_path: Path, lagging: TrackerEnv
) -> None:
    # The listing took 50 s and the create another 50 s before its answer was lost. The next
    # pass, 20 s later, is within a minute of the create (search_lag 60) but 120 s after the
    # last pass began: it must wait, not conclude "never created" from the lagging search.
    fake = lagging.fake
    assert isinstance(fake, FakeJira)
    fake.search_lag = 600
    lagging.options["search_lag"] = 60
    (tmp_path / "syncd.yaml").write_text(config_yaml([lagging]))
    _review(tmp_path, "late", "severity: SEV-3", "Cap resolver cache TTL — owner: @dana")
    backdate(tmp_path / "reviews")
    now = [datetime(2026, 11, 10, 9, 0, tzinfo=UTC)]

    def slow(req: Request) -> None:  # each request of the first pass takes 50 s
        now[0] += timedelta(seconds=50) if req.method in ("GET", "POST") else timedelta()

    loaded = load_config(tmp_path / "syncd.yaml", lagging.env)
    ctx = PassContext.build(loaded, Clock(UTC, lambda: now[0]))

    def one_pass() -> PassResult:
        with Store.open(loaded.store_url()) as store, store.lock(holder()), capture_logs():
            return run_pass(ctx, store)

    fake.before_request = slow
    fake.set_faults(Faults(rate=1.0, kinds=("lost",), only_methods=("POST",)))
    lost = one_pass()
    fake.set_faults(Faults())
    fake.before_request = None
    assert lost.applied.failed and fake.ticket_count() == 1  # Jira created it all the same
    now[0] += timedelta(seconds=20)
    again = one_pass()
    assert again.plan.tickets is not None and len(again.plan.tickets.deferred) == 1
    assert lagging.creates() == 1 and fake.ticket_count() == 1
