"""Which `syncd run` replica works: leader election on a PostgreSQL store (deploy-and-ha.md §8).

With several replicas on one PostgreSQL store one leads — it runs the passes and sends the
digests — and the others stand by. The leader holds a session-level advisory lock for as long
as it leads, on a connection of its own: not one of the store's pool (a pooled connection goes
back to the pool, and its lock with it), straight to the server or through a session-mode pool
(PgBouncer's transaction mode cannot hold a session lock). A standby tries to take the lock
every `service.leader_retry`.

The lock does not tell its holder that it lost it: when the leader's connection dies, the server
frees the lock and another replica takes it, and the old leader's connection still looks open
until it is used (§8.1). So the leader checks, every lease/5 and before each pass, that its own
session still holds the lock, and counts itself leader only until `lease` after the *start* of
its last successful check. The pass asks `leading()` between writes (`run_pass(stop=…)`), so a
leader cut off from the database stops writing when its lease ends; the lease (≤ 20 s) ends
before the server has noticed the silent peer and freed the lock (≥ 25 s, store/keepalive.py),
so the old leader stops before a new one can start. `leading()` reads only the clock: a check
hanging on a dead network cannot keep it true.
"""

from __future__ import annotations

import enum
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from syncd import log
from syncd.errors import StoreError
from syncd.store.keepalive import LOCK_KEEPALIVES, set_server_keepalives_sql, with_defaults
from syncd.store.lock import key64

if TYPE_CHECKING:
    import psycopg

_log = log.get("syncd.service")

NAMESPACE = "syncd:leader"  # the per-pass lock (store/lock.py) is key64("syncd")
CHECK_TIMEOUT_MS = 2000  # statement_timeout on the lock connection: a check is one lookup

_HELD = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s"
    " AND objid = %s AND objsubid = 1 AND granted AND pid = pg_backend_pid())"
)
_HOLDER = (
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.objsubid = 1"
    " AND l.granted"
)


class Role(enum.StrEnum):
    LEADER = "leader"
    STANDBY = "standby"


@dataclass(frozen=True, slots=True)
class Standing:
    """What a replica that does not lead knows, for /healthz."""

    decided: bool  # a round has answered: another replica leads, or this one lost the lock
    holder: str | None  # the leader's application_name, when the standby could see it
    error: str | None  # why the last round could not reach the database
    failing_for: float | None  # seconds the rounds have been failing
    silent_for: float | None  # holds the lock, but no check has answered for this long


def lock_key(database: str, schema: str) -> int:
    """The election's advisory lock key for the store in `database`.`schema`.

    Advisory locks are per database already; the schema keeps two stores that share a database
    (one schema each) from electing one leader between them."""
    return key64(f"{NAMESPACE}:{database}:{schema}")


def lock_ids(key: int) -> tuple[int, int]:
    """(classid, objid): how pg_locks shows a bigint advisory key (objsubid 1)."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return unsigned >> 32, unsigned & 0xFFFF_FFFF


def connect_args(url: str) -> dict[str, Any]:
    """psycopg's connect arguments for the store at `url`, as the store's engine connects."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # as store/schema.py does
    _, params = parsed.get_dialect()().create_connect_args(parsed)
    return dict(params)


class Election:
    """One replica's side of the election on one PostgreSQL store.

    `step()` runs one round (a standby tries the lock, the leader checks it); `keep_electing`
    runs rounds on a thread of their own. `leading()` is the only question the pass asks."""

    def __init__(
        self,
        url: str,
        *,
        retry: float,
        lease: float,
        on_change: Callable[[Role], None] = lambda role: None,
        monotonic: Callable[[], float] = time.monotonic,
        name: str | None = None,
    ) -> None:
        try:
            import psycopg  # noqa: F401  (an optional dependency: say so at the start)
        except ImportError as exc:
            raise StoreError(
                "electing a leader on PostgreSQL needs psycopg: pip install 'syncd[postgres]'"
            ) from exc
        self.retry, self.lease = retry, lease
        self.heartbeat = lease / 5
        self.name = (name or f"syncd {socket.gethostname()} pid {os.getpid()}")[:63]
        params = connect_args(url)
        self._params = {
            **params,
            **with_defaults(params, LOCK_KEEPALIVES),
            "autocommit": True,
            "application_name": self.name,
        }
        self.shown = f"{params.get('host', 'local socket')}:{params.get('port', 5432)}"
        self._on_change, self._monotonic = on_change, monotonic
        self._io = threading.Lock()  # one round at a time on the connection
        self._conn: psycopg.Connection[Any] | None = None
        self._key = 0  # the lock key, once the connection has told which store it reaches
        self._ids: tuple[int, int] = (0, 0)
        self._held = False  # set only after the lock was taken, cleared first when lost
        self._renewed = float("-inf")  # monotonic start of the last check that succeeded
        self._role: Role | None = None  # as last logged
        self._random = random.Random()
        self.holder: str | None = None  # the leader's application_name, as a standby saw it
        self.error: str | None = None  # why the last round could not reach the database
        self.failing_since: float | None = None  # monotonic start of the current error streak

    # --- what the service asks (no I/O) ----------------------------------------------------

    def leading(self) -> bool:
        """Holding the lock, checked less than a lease ago: this replica may write."""
        return self._held and self._monotonic() - self._renewed < self.lease

    def silent_for(self) -> float | None:
        """Seconds since the last successful check while holding the lock past the lease
        (its check hangs); None otherwise."""
        age = self._monotonic() - self._renewed
        return age if self._held and age >= self.lease else None

    def standing(self) -> Standing:
        now = self._monotonic()
        failing = None if self.failing_since is None else now - self.failing_since
        return Standing(self._role is not None, self.holder, self.error, failing, self.silent_for())

    def next_in(self) -> float:
        """Seconds until the next round: a heartbeat, or a retry with jitter."""
        if self._held:
            return self.heartbeat
        return self.retry * self._random.uniform(0.9, 1.1)  # replicas do not try in lockstep

    # --- rounds ----------------------------------------------------------------------------

    def step(self) -> None:
        """One round: the leader checks its lock, a standby tries to take it."""
        with self._io:
            if self._held:
                self._check()
            else:
                self._attempt()

    def confirm(self) -> bool:
        """Before a pass: the leader checks its lock now. False for a standby."""
        if not self._held or not self._io.acquire(timeout=self.lease):
            return self.leading()
        try:
            if self._held:
                self._check()
        finally:
            self._io.release()
        return self.leading()

    def resign(self) -> None:
        """Give the lock up (on shutdown, after the last pass): close the session, which frees
        it at once. No unlock first: on a connection whose check hangs it would hang too."""
        was = self._held
        self._held = False
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception as exc:  # the socket is gone: the server frees the lock itself
                _log.warning("leader_resign_failed", error=_describe(exc))
        if was:
            _log.info("leader_resigned", lock_connection=self.shown)

    def _attempt(self) -> None:
        import psycopg

        started = self._monotonic()
        try:
            conn = self._open()
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
            got = bool(row and row[0])
            holder = None if got else self._holder(conn)
        except psycopg.Error as exc:
            self._failed(exc, started)
            return
        self.error, self.failing_since = None, None
        if got:
            self._renewed, self._held, self.holder = started, True, None
            self._become(Role.LEADER, lock_connection=self.shown, name=self.name)
        else:
            self.holder = holder
            self._become(Role.STANDBY, leader=holder or "unknown")

    def _check(self) -> None:
        import psycopg

        started = self._monotonic()
        conn = self._conn
        try:
            if conn is None:
                raise psycopg.OperationalError("the lock connection is closed")
            row = conn.execute(_HELD, self._ids).fetchone()
        except psycopg.Error as exc:
            self._failed(exc, started)
            return
        if not (row and row[0]):
            # The session is alive but the lock is not its own: a transaction-mode pooler
            # hands each statement to another server session (docs/service.md).
            self._lose("this session no longer holds the lock (a transaction-mode pooler?)")
            return
        if started - self._renewed >= self.lease:
            _log.warning("leader_lease_lapsed", seconds=round(started - self._renewed, 1))
        self._renewed = started

    def _open(self) -> psycopg.Connection[Any]:
        import psycopg

        if self._conn is None:
            conn = psycopg.connect(**self._params)
            try:
                conn.execute(set_server_keepalives_sql())
                conn.execute(f"SET statement_timeout = {CHECK_TIMEOUT_MS}")
                row = conn.execute("SELECT current_database(), current_schema()").fetchone()
            except BaseException:
                conn.close()
                raise
            database, schema = (row[0], row[1] or "") if row else ("", "")
            self._key = lock_key(database, schema)
            self._ids = lock_ids(self._key)
            self._conn = conn
        return self._conn

    def _holder(self, conn: psycopg.Connection[Any]) -> str | None:
        row = conn.execute(_HOLDER, self._ids).fetchone()
        return str(row[0]) if row and row[0] else None

    def _failed(self, exc: Exception, started: float) -> None:
        text = _describe(exc)
        if text != self.error:
            _log.warning("leader_election_failed", error=text, lock_connection=self.shown)
        if self.failing_since is None:
            self.failing_since = started
        self.error = text
        self._lose(text)

    def _lose(self, reason: str) -> None:
        """Drop the connection (the server frees the lock, if it has not already)."""
        was = self._held
        self._held = False
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        if was:
            self._become(Role.STANDBY, reason=reason)

    def _become(self, role: Role, **facts: str) -> None:
        if role is self._role:
            return
        lost = self._role is Role.LEADER
        self._role = role
        if role is Role.LEADER:
            _log.info("leader_elected", **facts)
        elif lost:
            _log.info("leader_lost", **facts)
        else:
            _log.info("standby", **facts)
        self._on_change(role)


class Elector:
    """An Election and the `syncd-leader` thread that runs its rounds, for the service."""

    def __init__(self, election: Election) -> None:
        self.election = election
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=keep_electing, args=(election, self._stop), name="syncd-leader", daemon=True
        )

    def start(self) -> None:
        """The first round now (so the first pass knows its role), then rounds on the thread."""
        _round(self.election)
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        """Stop the rounds, then give the lock up (call it after the last write)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.election.lease)
        self.election.resign()


def keep_electing(election: Election, stop: threading.Event) -> None:
    """Run election rounds until `stop` is set."""
    while not stop.wait(election.next_in()):
        _round(election)


def _round(election: Election) -> None:
    try:
        election.step()
    except Exception:  # a bug must not end the election: the replica would never lead
        _log.exception("leader_election_crashed")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip()
