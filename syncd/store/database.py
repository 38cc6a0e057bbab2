"""The state store: a cache and a journal (DESIGN §1.7, §9), on SQLite or PostgreSQL.

Links live in the reviews and in markers inside tickets; losing this database loses history,
never links. SQLAlchemy Core only. Every method runs in one transaction of its own; database
failures surface as `StoreError` with one sentence, never a driver traceback.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from syncd.errors import StoreError
from syncd.model import Status
from syncd.store import schema as t
from syncd.store.connect import create_engine
from syncd.store.journal import Journal
from syncd.store.ledger import aware
from syncd.store.lock import Holder, advisory_lock, file_lock, key64, locked_error
from syncd.store.schema import CachedReview, Episode, Intent, Link, TicketSnapshot, Transition

__all__ = [
    "CachedReview",
    "Episode",
    "Intent",
    "Link",
    "Store",
    "TicketSnapshot",
    "Transition",
]

_MIGRATION_LOCK_KEY = key64("syncd:migrate")
_CHUNK = 500  # bound parameters per IN (...), far under SQLite's limit


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


class Store(Journal):
    """syncd's state: parse cache, status history, tracker state, intents, marks, digests."""

    def __init__(self, engine: Engine, shown: str, lock_path: Path | None) -> None:
        self._engine = engine
        self._shown = shown
        self._lock_path = lock_path  # None: PostgreSQL, or in-memory SQLite
        self._pg = engine.dialect.name == "postgresql"
        self._memory_lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (creating and migrating) the store at `url`: a SQLAlchemy URL or a file path."""
        if "://" not in url:
            url = f"sqlite:///{Path(url).expanduser()}"
        try:
            parsed = make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"cannot open state store {url}: not a database URL") from exc
        shown = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise StoreError(
                f"cannot open state store {shown}: unsupported database "
                "(use sqlite:///path or postgresql+psycopg://…)"
            )
        database = parsed.database or ""
        memory = parsed.get_backend_name() == "sqlite" and database in ("", ":memory:")
        sqlite_file = parsed.get_backend_name() == "sqlite" and not memory
        try:
            engine = create_engine(parsed)
            with engine.connect():
                pass  # "unable to open database file", "connection refused": an open error
        except (sa.exc.SQLAlchemyError, ImportError, OSError) as exc:
            raise StoreError(f"cannot open state store {shown}: {t.describe(exc)}") from exc
        store = cls(engine, shown, Path(f"{database}.lock") if sqlite_file else None)
        try:
            store._migrate()
        except StoreError:
            store.close()
            raise
        return store

    def _migrate(self) -> None:
        with self._read() as conn:
            version = self._check_version(conn)
        while version < t.LATEST:
            # One transaction per step; a concurrent opener waits, then finds the work done.
            with self._write() as conn:
                if self._pg:
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
                version = self._check_version(conn)
                if version < t.LATEST:
                    t.apply_migration(conn, version)
                    version += 1

    def _check_version(self, conn: Connection) -> int:
        version = t.read_version(conn)
        if version > t.LATEST:
            raise StoreError(
                f"state store {self._shown} was written by a newer syncd "
                f"(schema {version} > {t.LATEST}); upgrade syncd"
            )
        return version

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return t.read_version(conn)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"state store {self._shown} failed: {t.describe(exc)}") from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                # A deferred SQLite transaction that reads and then writes fails at once with
                # SQLITE_BUSY under WAL instead of honouring the busy timeout; take the write
                # lock up front (https://www.sqlite.org/lang_transaction.html).
                conn.execution_options(syncd_begin="BEGIN IMMEDIATE")
                with conn.begin():
                    yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"state store {self._shown} failed: {t.describe(exc)}") from exc

    # --- pass lock -------------------------------------------------------------------------

    @contextmanager
    def lock(self, holder: str) -> Iterator[None]:
        """Hold the one-pass-per-store lock, or raise StoreLocked naming who holds it."""
        me = Holder.me(holder)
        if self._pg:
            with advisory_lock(self._engine, me, self._shown):
                yield
        elif self._lock_path is not None:
            with file_lock(self._lock_path, me, self._shown):
                yield
        else:
            if not self._memory_lock.acquire(blocking=False):
                raise locked_error(self._shown, None)
            try:
                yield
            finally:
                self._memory_lock.release()

    # --- parse cache -----------------------------------------------------------------------

    def cached_reviews(self) -> dict[str, CachedReview]:
        """Every cached review by path."""
        query = sa.select(t.parse_cache.c.path, *t.columns(t.parse_cache, CachedReview))
        with self._read() as conn:
            return {r[0]: CachedReview(*r[1:]) for r in conn.execute(query)}

    def save_reviews(self, entries: Sequence[tuple[str, CachedReview]]) -> None:
        """Insert or replace many cached reviews in one transaction."""
        rows = [{"path": path, **asdict(entry)} for path, entry in entries]
        with self._write() as conn:
            t.upsert(conn, t.parse_cache, rows, "path")

    def forget_reviews(self, paths: Sequence[str]) -> None:
        """Drop the cache entries of `paths` (deleted or unreadable files)."""
        with self._write() as conn:
            for chunk in _chunks(paths):
                conn.execute(sa.delete(t.parse_cache).where(t.parse_cache.c.path.in_(chunk)))

    # --- status history --------------------------------------------------------------------

    def record_statuses(
        self, observed: Mapping[str, tuple[Status, str]], at: datetime
    ) -> list[Transition]:
        """Record a transition for every item first seen or whose status changed; return them."""
        at = aware(at)
        c = t.status_current.c
        found: list[Transition] = []
        moved: list[dict[str, str]] = []
        with self._write() as conn:
            known: dict[str, tuple[str, str]] = {}
            # Raw status text: a StrEnum compares equal to its value, and 10,000 conversions
            # would cost more than the query.
            query = sa.select(c.key, sa.type_coerce(c.status, sa.String), c.review)
            # A full pass observes (nearly) every key: one plain scan is ~4x faster than
            # thousands of bound IN parameters. A few keys are looked up by key.
            chunks = _chunks(list(observed)) if len(observed) <= _CHUNK else [None]
            for chunk in chunks:
                rows = conn.execute(query if chunk is None else query.where(c.key.in_(chunk)))
                known.update((key, (status, review)) for key, status, review in rows.all())
            for key, (status, review) in observed.items():
                before = known.get(key)
                if before is None or before[0] != status:
                    old = Status(before[0]) if before else None
                    found.append(Transition(key, review, old, Status(status), at))
                elif before[1] != review:
                    moved.append({"k": key, "review": review})
            if found or moved:
                self._stamp(conn, "statuses")
            current = [{"key": x.key, "status": x.to_status, "review": x.review} for x in found]
            t.upsert(conn, t.status_current, [{**r, "since": at} for r in current], "key")
            if moved:
                conn.execute(
                    sa.update(t.status_current)
                    .where(c.key == sa.bindparam("k"))
                    .values(review=sa.bindparam("review")),
                    moved,
                )
            if found:
                # plain dicts, not dataclasses.asdict: its deep copies cost ~0.5 s for 10,000
                history = [
                    {
                        "key": x.key,
                        "review": x.review,
                        "from_status": x.from_status,
                        "to_status": x.to_status,
                        "at": x.at,
                    }
                    for x in found
                ]
                conn.execute(sa.insert(t.status_history), history)
        return found

    def transitions(
        self, since: datetime | None = None, key: str | None = None
    ) -> list[Transition]:
        """Recorded transitions, oldest first; `since` is inclusive."""
        c = t.status_history.c
        query = sa.select(*t.columns(t.status_history, Transition)).order_by(c.at, c.id)
        if since is not None:
            query = query.where(c.at >= aware(since))
        if key is not None:
            query = query.where(c.key == key)
        with self._read() as conn:
            return [Transition(*r) for r in conn.execute(query)]

    # --- tracker state ---------------------------------------------------------------------

    def get_cursor(self, tracker: str) -> str | None:
        c = t.cursors.c
        with self._read() as conn:
            value = conn.scalar(sa.select(c.cursor).where(c.tracker == tracker))
        return None if value is None else str(value)

    def set_cursor(self, tracker: str, cursor: str | None) -> None:
        """Remember where `tracker`'s change feed was read up to; None forgets it."""
        with self._write() as conn:
            if cursor is None:
                conn.execute(sa.delete(t.cursors).where(t.cursors.c.tracker == tracker))
            else:
                t.upsert(conn, t.cursors, [{"tracker": tracker, "cursor": cursor}], "tracker")

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            value = conn.scalar(sa.select(t.kv.c.value).where(t.kv.c.key == key))
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            t.upsert(conn, t.kv, [{"key": key, "value": value}], "key")

    # --- versions: a long-running process re-reads a table only when it changed -------------

    def versions(self) -> dict[str, str]:
        """A token per table that changes with every write to it (`links`, `statuses`,
        `tickets:<tracker>`); one query. A process that kept a table's rows from an earlier
        pass reuses them while the token is the same — also when another process (a cron
        `syncd check` beside the service) may have written in between."""
        c = t.kv.c
        query = sa.select(c.key, c.value).where(c.key.like("version:%"))
        with self._read() as conn:
            return {key.removeprefix("version:"): value for key, value in conn.execute(query)}

    @staticmethod
    def _stamp(conn: Connection, name: str) -> None:
        t.upsert(conn, t.kv, [{"key": f"version:{name}", "value": os.urandom(8).hex()}], "key")

    def links(self) -> dict[str, Link]:
        """Every cached link by item key."""
        with self._read() as conn:
            rows = conn.execute(sa.select(*t.columns(t.links, Link)))
            return {r.item_key: Link(*r) for r in rows}

    def save_link(self, link: Link) -> None:
        row = asdict(replace(link, created_at=aware(link.created_at)))
        with self._write() as conn:
            t.upsert(conn, t.links, [row], "item_key")
            self._stamp(conn, "links")

    def ticket_states(self, tracker: str) -> dict[str, TicketSnapshot]:
        """The last seen snapshot of every ticket of `tracker`, by ticket id."""
        table = t.ticket_states
        query = sa.select(*t.columns(table, TicketSnapshot)).where(table.c.tracker == tracker)
        with self._read() as conn:
            return {r.ticket_id: TicketSnapshot(*r) for r in conn.execute(query)}

    def ticket_payloads(self, tracker: str) -> dict[str, str]:
        """Only the JSON payload of every ticket of `tracker`, by ticket id: what a pass loads
        (10,000 rows; decoding the other columns too cost an idle pass ~35 ms)."""
        table = t.ticket_states
        query = sa.select(table.c.ticket_id, table.c.payload).where(table.c.tracker == tracker)
        with self._read() as conn:
            return {ticket_id: payload for ticket_id, payload in conn.execute(query)}

    def save_ticket_states(self, tracker: str, states: Sequence[TicketSnapshot]) -> None:
        """Insert or replace the snapshots of `tracker`'s tickets in one transaction."""
        rows = [{**asdict(s), "tracker": tracker, "updated": aware(s.updated)} for s in states]
        with self._write() as conn:
            t.upsert(conn, t.ticket_states, rows, "tracker", "ticket_id")
            self._stamp(conn, f"tickets:{tracker}")
