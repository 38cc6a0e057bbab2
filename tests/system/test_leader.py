"""Two `syncd run` replicas on one PostgreSQL store: one leads, the other takes over when the
leader is killed with SIGKILL in the middle of a pass — and nothing is done twice or half."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from syncd.records.parse import ParseOptions, parse_text
from tests.channels.receiver import Receiver, receiver
from tests.fakes.base import Request
from tests.fakes.github import FakeGitHub
from tests.system.conftest import backdate, write
from tests.system.service_env import Service, free_port, start
from tests.unit.test_store import postgres_database

__all__ = ["start"]  # a fixture

pytestmark = pytest.mark.postgres

ITEMS = 20
# sync.interval: long, so a pass soon after a takeover can only be the new leader's own; and
# service.leader_retry (seconds).
INTERVAL, RETRY = 30, 1
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@pytest.fixture
def store() -> Iterator[str]:
    """A database of its own (advisory locks are per database); dropped after the replicas."""
    yield from postgres_database()


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver("/hooks/digest") as r:
        yield r


def weekly_schedule_fired_an_hour_ago(zone: str) -> str:
    """A weekly cron line whose latest fire time was an hour ago: its digest is due now."""
    fired = datetime.now(ZoneInfo(zone)) - timedelta(hours=1)
    return f"{fired.minute} {fired.hour} * * {DAYS[fired.weekday()]}"


def replica_config(base: Path, name: str, store: str, github: FakeGitHub, hook: Receiver) -> str:
    write(
        base / f"{name}.yaml",
        f"""
        timezone: Europe/Berlin
        records:
          paths: ["reviews/**/*.md"]
        store:
          url: "{store}"
        sync:
          interval: {INTERVAL}s
        service:
          listen: "127.0.0.1:{free_port()}"
          lock_wait: 1s
          leader_retry: {RETRY}s
          lease: 2s
        trackers:
          gh:
            kind: github
            url: {github.api}
            repo: {github.repo}
            token: ${{GH_TOKEN}}
            timeout: 2
            max_wait: 0.5
            min_write_interval: 0
        digests:
          weekly:
            schedule: "{weekly_schedule_fired_an_hour_ago("Europe/Berlin")}"
            channels:
              - webhook: {{url: "{hook.url}"}}
              - file: {{path: "digests/{{date}}.md", format: markdown}}
        """,
    )
    return f"{name}.yaml"


def review(base: Path) -> Path:
    lines = "\n".join(
        f"- [ ] Harden step {n} of the deploy pipeline — owner: @priya — due: 2026-12-30"
        for n in range(ITEMS)
    )
    path = write(
        base / "reviews" / "2026-11-30-deploy.md",
        "---\ndate: 2026-11-30\nseverity: SEV-2\n---\n# Deploy outage\n\n## Action items\n"
        + lines
        + "\n",
    )
    backdate(base / "reviews")
    return path


@dataclass
class Replicas:
    """Two replicas on one store: `a` leads, `b` stands by, and `a`'s first pass is under way
    (its creates are slowed down so the pass takes several seconds)."""

    a: Service
    b: Service
    creates: list[float]
    review: Path


@pytest.fixture
def replicas(
    tmp_path: Path,
    store: str,
    github: FakeGitHub,
    hook: Receiver,
    start: Callable[..., Service],
) -> Replicas:
    path = review(tmp_path)
    configs = [replica_config(tmp_path, n, store, github, hook) for n in ("replica-a", "replica-b")]
    env = {"GH_TOKEN": github.token}
    standby_ready = threading.Event()
    creates: list[float] = []

    def slow_creates(req: Request) -> None:
        if req.method == "POST" and req.path.endswith("/issues"):
            standby_ready.wait(60)  # the leader's first pass waits until both replicas run
            creates.append(time.monotonic())
            time.sleep(0.3)  # 20 creates: a pass of 6 s

    github.before_request = slow_creates
    a = start(tmp_path, env, configs[0])
    a.wait_for(lambda: a.get("/healthz")[1].startswith("ok: leader"))
    b = start(tmp_path, env, configs[1])
    b.wait_for(lambda: b.get("/healthz")[1].startswith("ok: standby; leader is another replica"))
    assert (a.get("/healthz")[0], b.get("/healthz")[0]) == (200, 200)
    assert f"(syncd {socket.gethostname()} pid {a.proc.pid})" in b.get("/healthz")[1]
    assert (a.metric("syncd_leader"), b.metric("syncd_leader")) == (1.0, 0.0)
    assert (a.get("/livez")[0], b.get("/livez")[0]) == (200, 200)
    standby_ready.set()
    a.wait_for(lambda: len(creates) >= 5)  # the leader is in the middle of its first pass
    # The standby's jobs fire (its first at its start) but try no pass, not even the lock.
    assert "pass_finished" not in b.log() and "store_locked_waiting" not in b.log()
    return Replicas(a, b, creates, path)


def assert_once_each_and_whole(github: FakeGitHub, hook: Receiver, replicas: Replicas) -> None:
    """One ticket per item, the review written whole and linking each, one digest sent."""
    found = {
        n: re.search(r"syncd:item=(\S+)", str(github.issue(n)["body"]))
        for n in range(1, github.ticket_count() + 1)
    }
    markers = Counter(m.group(1) for m in found.values() if m)
    assert len(markers) == ITEMS and max(markers.values()) == 1, markers
    # The review was written whole: it parses, and every item links the ticket with its marker.
    text = replicas.review.read_text(encoding="utf-8")
    parsed = parse_text(text, "reviews/2026-11-30-deploy.md", ParseOptions())
    assert not parsed.problems and len(parsed.items) == ITEMS
    number_of = {m.group(1): n for n, m in found.items() if m}
    for item in parsed.items:
        linked = item.suffix.ticket_label if item.suffix else None
        assert linked == f"{github.repo}#{number_of[item.key]}", item.text
    # One digest for the week, through each channel, whichever replica sent it.
    assert len(hook.hits) == 1
    assert len(list((replicas.review.parents[1] / "digests").glob("*.md"))) == 1


def test_the_standby_takes_over_from_a_killed_leader_without_doing_anything_twice(
    replicas: Replicas, github: FakeGitHub, hook: Receiver
) -> None:
    a, b = replicas.a, replicas.b
    a.proc.kill()  # SIGKILL: no goodbye, the server frees its locks when the socket closes
    killed = time.monotonic()
    a.proc.wait()
    assert github.ticket_count() < ITEMS, "the leader finished its pass before it was killed"
    github.before_request = None

    # The server frees a killed process's locks at once: b leads at its next try and runs a
    # pass straight away, not an interval later.
    b.wait_for(lambda: b.passes("ok") + b.passes("problems") >= 1, within=RETRY * 1.1 + 15)
    took = time.monotonic() - killed
    assert took <= RETRY * 1.1 + 8 < INTERVAL, f"the first pass after the kill took {took:.1f} s"
    status, body = b.get("/healthz")
    assert status == 200 and body.startswith("ok: leader; last pass finished"), body
    assert_once_each_and_whole(github, hook, replicas)
    assert b.metric('syncd_digest_sends_total{channel="webhook",digest="weekly",outcome="sent"}')
    events = Counter(re.findall(r'"event": "(\w+)"', b.log()))
    assert events["standby"] == 1 and events["leader_elected"] == 1, b.log()
    code, _ = b.stop()
    assert code == 0 and '"event": "leader_resigned"' in b.log()


def test_a_leader_whose_lock_connection_drops_stops_writing_and_stands_by(
    replicas: Replicas, store: str, github: FakeGitHub, hook: Receiver
) -> None:
    a, b = replicas.a, replicas.b
    name = f"syncd {socket.gethostname()} pid {a.proc.pid}"
    with psycopg.connect(store.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (name,),
        )
    dropped = time.monotonic()
    # a learns it at its next check (a heartbeat every lease/5 = 0.4 s) and stops between two
    # writes; b takes the freed lock at its next try, and its pass waits for a's to end.
    a.wait_for(lambda: a.metric("syncd_leader") == 0.0, within=5)
    noticed = time.monotonic() - dropped
    a.wait_for(lambda: '"stopped": true' in a.log(), within=5)
    stopped_at = len(replicas.creates)
    assert stopped_at < ITEMS and noticed < 2, (stopped_at, noticed)
    b.wait_for(lambda: b.metric("syncd_leader") == 1.0, within=RETRY * 1.1 + 5)
    github.before_request = None
    b.wait_for(lambda: b.passes("ok") + b.passes("problems") >= 1, within=20)
    a.wait_for(lambda: a.get("/healthz")[1].startswith("ok: standby; leader is another replica"))
    assert a.get("/healthz")[0] == 200 and a.proc.poll() is None  # stands by, never crashes
    assert_once_each_and_whole(github, hook, replicas)
    assert '"event": "leader_lost"' in a.log()
    assert a.stop()[0] == 0 and b.stop()[0] == 0
