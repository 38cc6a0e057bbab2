"""The state store's database: row values, tables, migrations (engine set-up: connect.py).

Migrations follow sqlite-utils `migrations.py` and pre-commit `store.py`: an ordered list of
functions, migration n takes the schema from version n-1 to n, each applied in its own
transaction, the version kept in `syncd_meta`. Tables are only ever added so far; a later
migration that alters a table must first freeze the older shape into the migration that
created it, so that a fresh database still replays every step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from syncd.model import Status
from syncd.store.types import StatusType, TextTuple, UTCDateTime


@dataclass(frozen=True, slots=True)
class CachedReview:
    """A parsed review as cached: reused while size, mtime and parser fingerprint match."""

    size: int
    mtime_ns: int
    fingerprint: str
    payload: bytes  # opaque to the store


@dataclass(frozen=True, slots=True)
class Transition:
    """An item's status changed (or was first seen, `from_status` None) at `at`."""

    key: str
    review: str
    from_status: Status | None
    to_status: Status
    at: datetime


@dataclass(frozen=True, slots=True)
class Link:
    """Cached link from an item to its ticket (the truth is in the review and the ticket)."""

    item_key: str
    tracker: str
    ticket_id: str
    ticket_key: str
    url: str
    review: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TicketSnapshot:
    """A ticket as last seen in its tracker."""

    ticket_id: str
    status: Status
    reason: str | None
    labels: tuple[str, ...]
    updated: datetime
    payload: str  # JSON, opaque to the store


@dataclass(frozen=True, slots=True)
class Intent:
    """Write-ahead journal entry: a ticket for `item_key` is about to be (or was) created."""

    item_key: str
    tracker: str
    review: str
    created_at: datetime
    attempts: int
    last_attempt_at: datetime | None
    ticket_id: str | None


@dataclass(frozen=True, slots=True)
class Episode:
    """One stretch of a mark (e.g. overdue) on an item; one reminder comment per episode."""

    item_key: str
    kind: str
    started_on: date
    commented: bool
    attempted_at: datetime | None = None  # the reminder was sent then; its answer unknown


METADATA = sa.MetaData()

meta = sa.Table(
    "syncd_meta",
    METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
kv = sa.Table(
    "syncd_kv",
    METADATA,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
lock_holder = sa.Table(
    "syncd_lock_holder",
    METADATA,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
)
parse_cache = sa.Table(
    "syncd_parse_cache",
    METADATA,
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mtime_ns", sa.BigInteger, nullable=False),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
)
status_current = sa.Table(
    "syncd_status_current",
    METADATA,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("status", StatusType, nullable=False),
    sa.Column("review", sa.Text, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
)
status_history = sa.Table(
    "syncd_status_history",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("review", sa.Text, nullable=False),
    sa.Column("from_status", StatusType, nullable=True),
    sa.Column("to_status", StatusType, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_syncd_status_history_at", "at"),
    sa.Index("ix_syncd_status_history_key", "key"),
)
cursors = sa.Table(
    "syncd_cursors",
    METADATA,
    sa.Column("tracker", sa.String(200), primary_key=True),
    sa.Column("cursor", sa.Text, nullable=False),
)
links = sa.Table(
    "syncd_links",
    METADATA,
    sa.Column("item_key", sa.Text, primary_key=True),
    sa.Column("tracker", sa.String(200), nullable=False),
    sa.Column("ticket_id", sa.Text, nullable=False),
    sa.Column("ticket_key", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("review", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_syncd_links_ticket", "tracker", "ticket_id"),
)
ticket_states = sa.Table(
    "syncd_ticket_states",
    METADATA,
    sa.Column("tracker", sa.String(200), primary_key=True),
    sa.Column("ticket_id", sa.Text, primary_key=True),
    sa.Column("status", StatusType, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("labels", TextTuple, nullable=False),
    sa.Column("updated", UTCDateTime, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)
intents = sa.Table(
    "syncd_intents",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_key", sa.Text, nullable=False),
    sa.Column("tracker", sa.String(200), nullable=False),
    sa.Column("review", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # open | created | abandoned
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_attempt_at", UTCDateTime, nullable=True),
    sa.Column("resolved_at", UTCDateTime, nullable=True),
    sa.Column("ticket_id", sa.Text, nullable=True),
)
# At most one open intent per item, even if two processes race past the pass lock.
OPEN_INTENT = sa.Index(
    "uq_syncd_intents_open",
    intents.c.item_key,
    unique=True,
    sqlite_where=intents.c.state == "open",
)
episodes = sa.Table(
    "syncd_episodes",
    METADATA,
    sa.Column("item_key", sa.Text, primary_key=True),
    sa.Column("kind", sa.String(64), primary_key=True),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("commented", sa.Boolean, nullable=False),
    sa.Column("attempted_at", UTCDateTime, nullable=True),
)
digest_sends = sa.Table(
    "syncd_digest_sends",
    METADATA,
    sa.Column("digest", sa.String(200), primary_key=True),
    sa.Column("period", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(200), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),  # claimed | sent | failed
    sa.Column("token", sa.String(64), nullable=False),  # who holds the claim
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=True),
    sa.Column("next_attempt_at", UTCDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("detail", sa.Text, nullable=True),
)

# Shapes of tables a later migration replaced, frozen so that a fresh database still replays
# every step; not part of METADATA.
_FROZEN = sa.MetaData()
_digests_v3 = sa.Table(
    "syncd_digests",
    _FROZEN,
    sa.Column("digest", sa.String(200), primary_key=True),
    sa.Column("period", sa.String(64), primary_key=True),
    sa.Column("sent_at", UTCDateTime, nullable=False),
)


def _create(conn: Connection, *tables: sa.Table) -> None:
    for table in tables:
        table.create(conn)


def _v1_core(conn: Connection) -> None:
    _create(conn, meta, kv, lock_holder, parse_cache, status_current, status_history)


def _v2_tracker_state(conn: Connection) -> None:
    _create(conn, cursors, links, ticket_states, intents, episodes)


def _v3_digest_ledger(conn: Connection) -> None:
    _create(conn, _digests_v3)


def _v4_reminder_attempts(conn: Connection) -> None:
    # v2 creates `episodes` from the table above, which has the column since v4: only a
    # database created by an older syncd lacks it.
    if "attempted_at" not in {c["name"] for c in sa.inspect(conn).get_columns(episodes.name)}:
        column = episodes.c.attempted_at
        kind = column.type.compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE {episodes.name} ADD COLUMN {column.name} {kind}")


def _v5_digest_sends(conn: Connection) -> None:
    # The v3 ledger had one row per (digest, period) and no writer but its tests; v5 keeps one
    # row per channel with its claim, so a failed channel is retried without resending the
    # others. Old rows carry over as "every channel sent" (channel `*`).
    _create(conn, digest_sends)
    old = conn.execute(sa.select(_digests_v3)).all()
    if old:
        conn.execute(
            sa.insert(digest_sends),
            [
                {
                    "digest": row.digest,
                    "period": row.period,
                    "channel": "*",
                    "state": "sent",
                    "token": "v3",
                    "holder": "syncd schema 3",
                    "attempts": 1,
                    "claimed_at": row.sent_at,
                    "sent_at": row.sent_at,
                }
                for row in old
            ],
        )
    _digests_v3.drop(conn)


Migration = Callable[[Connection], None]

# MIGRATIONS[n] takes the schema from version n to n + 1. Append only; never edit a shipped one.
MIGRATIONS: tuple[Migration, ...] = (
    _v1_core,
    _v2_tracker_state,
    _v3_digest_ledger,
    _v4_reminder_attempts,
    _v5_digest_sends,
)
LATEST = len(MIGRATIONS)


def read_version(conn: Connection) -> int:
    """The schema version of the database behind `conn`; 0 for an empty database."""
    if not sa.inspect(conn).has_table(meta.name):
        return 0
    value = conn.scalar(sa.select(meta.c.value).where(meta.c.key == "schema_version"))
    return int(value) if value is not None else 0


def write_version(conn: Connection, version: int) -> None:
    """Record `version` inside the migration's own transaction."""
    updated = conn.execute(
        sa.update(meta).where(meta.c.key == "schema_version").values(value=str(version))
    )
    if updated.rowcount == 0:
        conn.execute(sa.insert(meta).values(key="schema_version", value=str(version)))


def apply_migration(conn: Connection, version: int) -> None:
    """Run the migration from `version` to `version + 1` and record it, in `conn`'s transaction."""
    MIGRATIONS[version](conn)
    write_version(conn, version + 1)


def columns(table: sa.Table, value: type[Any]) -> list[sa.Column[Any]]:
    """`table`'s columns named like the fields of the dataclass `value`, in field order."""
    return [table.c[f.name] for f in fields(value)]


def _insert(conn: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT with ON CONFLICT (dialect modules load only when used)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def upsert(
    conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]], *keys: str
) -> None:
    """Insert `rows`, replacing the non-key columns of rows whose `keys` already exist."""
    if not rows:
        return
    stmt = _insert(conn, table)
    changed = {c.name: stmt.excluded[c.name] for c in table.c if c.name not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changed), rows)


def insert_new(conn: Connection, table: sa.Table, row: Mapping[str, Any]) -> bool:
    """Insert `row` unless it breaks a unique constraint; True if it was inserted."""
    stmt = _insert(conn, table)
    # RETURNING, not rowcount: SQLAlchemy 2.1 with psycopg reports -1 for this statement.
    claimed = stmt.on_conflict_do_nothing().values(**row).returning(*table.primary_key)
    return conn.execute(claimed).first() is not None


def describe(exc: BaseException) -> str:
    """The first line of the driver's own message: the part a user can act on."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip()
