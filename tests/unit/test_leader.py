"""Leader election on a real PostgreSQL: one leader, a lost connection noticed, a hung one too.

Each test gets a database of its own (advisory locks are per database). Rounds run on real
threads with short retries and leases; `leading()` is sampled the way the pass's stop hook asks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from syncd.service.leader import Election, Role, keep_electing, lock_ids, lock_key
from syncd.store.connect import create_engine
from syncd.store.database import Store
from syncd.store.lock import PASS_LOCK_KEY
from tests.unit.pg_proxy import Proxy
from tests.unit.test_store import postgres_database, postgres_schema

pytestmark = pytest.mark.postgres

RETRY, LEASE = 0.3, 1.5  # a heartbeat every 0.3 s


@pytest.fixture
def url() -> Iterator[str]:
    yield from postgres_database()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    p = Proxy()
    yield p
    p.close()


class Replicas:
    """Elections started in a test, their roles as reported, and their threads."""

    def __init__(self) -> None:
        self.elections: list[Election] = []
        self.roles: dict[str, list[Role]] = {}
        self._threads: list[tuple[threading.Thread, threading.Event]] = []

    def new(self, url: str, name: str, **kwargs: object) -> Election:
        roles = self.roles.setdefault(name, [])
        options: dict[str, object] = {"retry": RETRY, "lease": LEASE, **kwargs}
        election = Election(url, on_change=roles.append, name=name, **options)  # type: ignore[arg-type]
        self.elections.append(election)
        return election

    def run(self, election: Election) -> None:
        """Rounds on a thread of their own, as the service runs them."""
        stop = threading.Event()
        thread = threading.Thread(target=keep_electing, args=(election, stop), daemon=True)
        self._threads.append((thread, stop))
        thread.start()

    def close(self) -> None:
        for _, stop in self._threads:
            stop.set()
        for thread, _ in self._threads:
            thread.join(timeout=10)
        for election in self.elections:
            election.resign()


@pytest.fixture
def replicas() -> Iterator[Replicas]:
    r = Replicas()
    yield r
    r.close()


def wait_until(
    what: Callable[[], bool], within: float, check: Callable[[], None] = lambda: None
) -> float:
    """Seconds until `what` holds (sampled every 10 ms, calling `check` at each sample)."""
    started = time.monotonic()
    while not what():
        check()
        assert time.monotonic() - started < within, f"not within {within} s"
        time.sleep(0.01)
    return time.monotonic() - started


def backend_pid(url: str, name: str) -> int:
    """The session `name` in this test's own database: tests on other workers run replicas of
    the same names in theirs, and terminating one of those would break that other test."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        row = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            (name,),
        ).fetchone()
    assert row is not None, f"no session named {name}"
    return int(row[0])


def terminate(url: str, pid: int) -> None:
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_two_replicas_elect_exactly_one_leader(url: str, replicas: Replicas) -> None:
    a, b = replicas.new(url, "syncd a"), replicas.new(url, "syncd b")
    for _ in range(3):
        a.step()
        b.step()
        assert (a.leading(), b.leading()) == (True, False)
    assert b.holder == "syncd a"  # the standby can say who leads (pg_locks + pg_stat_activity)
    assert replicas.roles == {"syncd a": [Role.LEADER], "syncd b": [Role.STANDBY]}
    assert b.confirm() is False  # a standby never confirms; only `step` may take the lock


def test_a_terminated_leader_notices_at_its_next_check_and_the_standby_takes_over(
    url: str, replicas: Replicas
) -> None:
    a, b = replicas.new(url, "syncd a"), replicas.new(url, "syncd b")
    a.step()
    b.step()
    replicas.run(a)
    replicas.run(b)
    terminate(url, backend_pid(url, "syncd a"))
    # The server frees the lock at once; the old leader learns it at its next check (§8.1).
    noticed = wait_until(lambda: not a.leading(), within=a.heartbeat + 1.0)
    taken = wait_until(b.leading, within=RETRY * 1.1 + 1.0)
    assert noticed <= a.heartbeat + 1.0 and taken <= RETRY * 1.1 + 1.0
    assert replicas.roles["syncd a"] == [Role.LEADER, Role.STANDBY]
    assert replicas.roles["syncd b"] == [Role.STANDBY, Role.LEADER]
    # The old leader stands by, and sees the new one.
    wait_until(lambda: a.holder == "syncd b", within=RETRY * 1.1 + 1.0)
    assert not a.leading()


def test_a_leader_that_closes_its_connection_hands_over_at_once(
    url: str, replicas: Replicas
) -> None:
    a, b = replicas.new(url, "syncd a"), replicas.new(url, "syncd b")
    a.step()
    b.step()
    a.resign()
    assert not a.leading()

    def b_takes_it() -> bool:
        b.step()  # the server frees the lock when the closed session's backend exits: ms later
        return b.leading()

    assert wait_until(b_takes_it, within=1.0) < 1.0


def test_confirm_sees_a_lost_connection_before_the_next_heartbeat(
    url: str, replicas: Replicas
) -> None:
    a = replicas.new(url, "syncd a", lease=60)
    a.step()
    terminate(url, backend_pid(url, "syncd a"))
    assert a.leading()  # nothing has used the connection yet: leadership is not known lost
    assert a.confirm() is False  # the check before a pass
    assert not a.leading() and a.error is not None
    assert replicas.roles["syncd a"] == [Role.LEADER, Role.STANDBY]


def test_a_session_that_no_longer_holds_the_lock_stops_leading(
    url: str, replicas: Replicas
) -> None:
    """What a transaction-mode pooler does: the connection answers, but the server session
    behind it is not the one that took the lock. Simulated by releasing the lock inside the
    leader's own session (the only way to take it from a live session)."""
    a = replicas.new(url, "syncd a")
    a.step()
    assert a._conn is not None
    a._conn.execute("SELECT pg_advisory_unlock_all()")
    assert a.confirm() is False
    assert replicas.roles["syncd a"] == [Role.LEADER, Role.STANDBY]


def test_a_hung_lock_connection_ends_leadership_when_the_lease_ends(
    url: str, proxy: Proxy, replicas: Replicas
) -> None:
    database = url.rsplit("/", 1)[1]
    a = replicas.new(proxy.url(database), "syncd a")
    b = replicas.new(url, "syncd b")
    a.step()
    b.step()
    replicas.run(a)
    replicas.run(b)

    def never_two() -> None:
        assert not (a.leading() and b.leading()), "two leaders at once"

    proxy.freeze()  # a's next check waits forever: only the clock can end its leadership
    stopped = wait_until(lambda: not a.leading(), within=LEASE + 1.0, check=never_two)
    assert stopped <= LEASE + 0.2  # the lease counts from the start of the last good check
    silent = a.silent_for()
    assert silent is not None and silent >= LEASE
    # The server still has a's session (the proxy keeps it open), so the lock stays taken:
    # b cannot lead until the server notices — which is why the lease must be the shorter.
    time.sleep(3 * RETRY)
    assert not b.leading()
    proxy.cut()  # the session dies: the server frees the lock, a's hung check fails
    wait_until(b.leading, within=RETRY * 1.1 + 1.0, check=never_two)
    wait_until(lambda: replicas.roles["syncd a"] == [Role.LEADER, Role.STANDBY], within=5)


def test_the_lease_is_counted_by_the_clock_alone(url: str, replicas: Replicas) -> None:
    now = [100.0]
    a = replicas.new(url, "syncd a", lease=10, monotonic=lambda: now[0])
    a.step()
    now[0] = 109.9
    assert a.leading()
    now[0] = 110.0
    assert not a.leading()  # no check for a lease: no longer certainly the leader
    assert a.silent_for() == 10.0
    a.step()  # the same session still holds the lock: nobody else can have led meanwhile
    assert a.leading() and a.silent_for() is None


def test_an_unreachable_database_leaves_the_replica_standing_by_with_the_reason(
    replicas: Replicas,
) -> None:
    a = replicas.new("postgresql+psycopg://postgres@127.0.0.1:1/nothing", "syncd a")
    a.step()
    assert not a.leading()
    assert a.error is not None and "127.0.0.1" in a.error
    assert a.failing_since is not None
    assert replicas.roles["syncd a"] == []


def test_stores_in_two_schemas_of_one_database_elect_separately(replicas: Replicas) -> None:
    one, two = postgres_schema(), postgres_schema()
    try:
        a = replicas.new(next(one), "syncd a")
        b = replicas.new(next(two), "syncd b")
        a.step()
        b.step()
        assert a.leading() and b.leading()
    finally:
        replicas.close()
        for gen in (one, two):
            next(gen, None)


def test_the_election_lock_is_not_the_pass_lock(url: str, replicas: Replicas) -> None:
    a = replicas.new(url, "syncd a")
    a.step()
    with Store.open(url) as store, store.lock("syncd check"):  # a pass beside the leader
        assert a.confirm()
    assert lock_key("x", "public") != PASS_LOCK_KEY
    assert lock_ids(-1) == (0xFFFF_FFFF, 0xFFFF_FFFF)


def test_store_connections_ask_the_server_to_probe_them(url: str) -> None:
    """So a replica whose host vanished loses its pass lock in seconds, not after 2 h."""
    engine = create_engine(make_url(url))
    with engine.connect() as conn:
        shown = {
            name: conn.exec_driver_sql(f"SHOW {name}").scalar()
            for name in ("tcp_keepalives_idle", "tcp_keepalives_count", "tcp_user_timeout")
        }
    engine.dispose()
    assert shown == {
        "tcp_keepalives_idle": "10",
        "tcp_keepalives_count": "3",
        "tcp_user_timeout": "30000",
    }
