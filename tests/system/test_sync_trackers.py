"""`syncd sync` as a real subprocess against the loopback GitLab and Jira fakes (python-gitlab
and jira over HTTP; Jira both Cloud `search/jql` and Data Center `search`): linking, native due
dates, idempotence, mirroring closed tickets, overdue marks and a crash right after a create.
The GitHub variant of these scenarios is tests/system/test_sync.py."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.base import Request
from tests.system.conftest import Run
from tests.system.trackers_env import OWNER_IDS, TrackerEnv, config_yaml, started

TODAY = "2026-11-23"
CHECKOUT = "reviews/2026-05-02-checkout-outage.md"
DNS = "reviews/2026-11-10-dns.md"


@pytest.fixture(params=["gitlab", "jira-cloud", "jira-dc"])
def tracker(request: pytest.FixtureRequest) -> Iterator[TrackerEnv]:
    with started(request.param, "ops") as env:
        yield env


@pytest.fixture
def synced(project: Path, tracker: TrackerEnv) -> Path:
    """The two reviews of conftest's `project`, with `tracker` as the only tracker."""
    owner = f'"@priya": {{{tracker.owner_key}: "{OWNER_IDS[tracker.kind]}"}}'
    (project / "syncd.yaml").write_text(
        config_yaml([tracker], f"owners:\n  {owner}\n"), encoding="utf-8"
    )
    return project


def _sync(
    run: Run, tracker: TrackerEnv, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run("sync", "--today", TODAY, *args, env={**tracker.env, **(env or {})})


def _ok(run: Run, tracker: TrackerEnv, passes: int = 1) -> None:
    for _ in range(passes):
        result = _sync(run, tracker)
        assert result.returncode == 0, result.stdout + result.stderr


def _line(project: Path, start: str, review: str = CHECKOUT) -> str:
    text = (project / review).read_text(encoding="utf-8")
    return next(ln for ln in text.splitlines() if start in ln)


def test_tickets_are_filed_once_marked_and_mirrored_back(
    run: Run, synced: Path, tracker: TrackerEnv
) -> None:
    # One scenario in four passes (each `syncd` start costs about a second).
    # Pass 1: one ticket per open item, native due dates, owner mapped, review linked.
    _ok(run, tracker)
    tickets = tracker.tickets()
    # three open items; the [x] one is finished work and gets no ticket
    assert sorted(t.title.split()[0] for t in tickets) == ["Add", "Alert", "Cap"]
    assert all("syncd:item=" in t.body and "postmortem" in t.labels for t in tickets)
    due = {t.title.split()[0]: t.due for t in tickets}
    assert due == {"Alert": "2026-06-04", "Add": "2026-12-15", "Cap": "2026-11-28"}
    assert tracker.ticket("Alert").assignees == [OWNER_IDS[tracker.kind]]
    assert len(re.findall(tracker.link, (synced / CHECKOUT).read_text(encoding="utf-8"))) == 2
    for item, review in (("Alert when", CHECKOUT), ("Add a runbook", CHECKOUT), ("Cap", DNS)):
        assert f"[{tracker.ticket(item.split()[0]).ref}](" in _line(synced, item, review)
    assert "overdue since 2026-06-05" in _line(synced, "Alert when")

    # Pass 2: nothing created, reviews byte-identical; the overdue ticket gets its label and
    # one reminder. Pass 3: still exactly one reminder, nothing written anywhere.
    before = {p: (synced / p).read_bytes() for p in (CHECKOUT, DNS)}
    creates = tracker.creates()
    _ok(run, tracker, passes=2)
    assert tracker.creates() == creates and len(tracker.tickets()) == 3
    assert {p: (synced / p).read_bytes() for p in (CHECKOUT, DNS)} == before
    alert = tracker.ticket("Alert")
    assert "overdue" in alert.labels
    assert tracker.comments_posted(alert) == 1
    for other in ("Add", "Cap"):
        assert "overdue" not in tracker.ticket(other).labels
        assert tracker.comments_posted(tracker.ticket(other)) == 0

    # Pass 4: a person closes one ticket as won't do (with a comment) and one as done, and
    # the team moves a due date in the review (review-owned: pushed to the native field).
    tracker.close_wont_do(alert, "Replaced by the managed alerting")
    tracker.close_done(tracker.ticket("Cap"))
    checkout = synced / CHECKOUT
    checkout.write_text(checkout.read_text(encoding="utf-8").replace("2026-12-15", "2027-01-15"))
    _ok(run, tracker)
    assert tracker.ticket("Add").due == "2027-01-15"
    dropped = _line(synced, "Alert when")
    assert "won't do: Replaced by the managed alerting" in dropped, dropped
    assert "overdue" not in dropped
    assert "overdue" not in tracker.ticket("Alert").labels  # resolved: the label goes
    done = _line(synced, "Cap resolver", DNS)
    assert done.startswith("- [x] ") and " done " in done, done
    assert tracker.creates() == creates and len(tracker.tickets()) == 3


@pytest.mark.parametrize("tracker", ["gitlab", "jira-cloud"], indirect=True)
def test_crash_right_after_a_create_then_rerun_yields_one_ticket_per_item(
    run: Run, synced: Path, tracker: TrackerEnv
) -> None:
    crashed = _sync(run, tracker, env={"SYNCD_FAILPOINT": "after_create"})
    assert crashed.returncode == -9, crashed.stdout + crashed.stderr
    assert len(tracker.tickets()) == 1  # created, never recorded
    _ok(run, tracker)
    titles = [t.title for t in tracker.tickets()]
    assert len(titles) == len(set(titles)) == 3, titles
    checkout = (synced / CHECKOUT).read_text(encoding="utf-8")
    assert len(re.findall(tracker.link, checkout)) == 2


@pytest.mark.parametrize("tracker", ["github", "gitlab", "jira-cloud"], indirect=True)
def test_a_reminder_whose_answer_was_lost_is_found_not_posted_twice(
    run: Run, synced: Path, tracker: TrackerEnv
) -> None:
    _ok(run, tracker)  # pass 1 files the tickets; the overdue one is reminded in pass 2
    comment = re.compile(r"/(comments|notes|comment)$")
    lost: list[str] = []

    def lose_the_reminders_answer(req: Request) -> None:
        if req.method == "POST" and comment.search(req.path) and not lost:
            lost.append(req.path)
            tracker.fake.fail_next("lost")  # posted, but syncd never hears back

    tracker.fake.before_request = lose_the_reminders_answer
    unsure = _sync(run, tracker)
    tracker.fake.before_request = None
    assert unsure.returncode == 3, unsure.stdout + unsure.stderr  # a write failed
    alert = tracker.ticket("Alert")
    assert lost and tracker.comments_posted(alert) == 1

    _ok(run, tracker, passes=2)  # looked up, found: counted as sent
    assert tracker.comments_posted(alert) == 1
    assert "overdue" in tracker.ticket("Alert").labels
