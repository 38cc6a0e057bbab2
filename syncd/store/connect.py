"""Engines for the state store: SQLite (a file, created with its directory, or in memory)
or PostgreSQL, each configured for how the store uses it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from syncd.store.keepalive import POOL_KEEPALIVES, set_server_keepalives_sql, with_defaults
from syncd.store.schema import OPEN_INTENT, intents

_BUSY_TIMEOUT_MS = 10_000


def create_engine(url: sa.URL) -> Engine:
    """An engine for a SQLite file (created with its directory), in-memory SQLite or PostgreSQL."""
    if url.get_backend_name() == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")  # psycopg2 is not a dependency
        # Set here, not in the Index above: naming a dialect's option loads that dialect, and
        # the PostgreSQL one costs every SQLite pass ~18 ms of start-up.
        OPEN_INTENT.dialect_kwargs["postgresql_where"] = intents.c.state == "open"
        engine = sa.create_engine(
            url, pool_pre_ping=True, connect_args=with_defaults(url.query, POOL_KEEPALIVES)
        )
        _configure_postgresql(engine)
        return engine
    database = url.database or ""
    if database in ("", ":memory:"):
        engine = sa.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
    _configure_sqlite(engine)
    return engine


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The pass lock lives on a pooled connection: a replica whose host vanished must not
        # keep it for the two hours of the OS's keepalive defaults (store/keepalive.py).
        cursor = dbapi_connection.cursor()
        cursor.execute(set_server_keepalives_sql())
        cursor.close()
        dbapi_connection.commit()  # a SET rolled back with the pool's reset would not stay


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and cannot BEGIN IMMEDIATE; hand
        # transactions to SQLAlchemy as its SQLite dialect docs recommend ("Serializable
        # isolation / Savepoints / Transactional DDL"), which also makes DDL transactional.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("syncd_begin", "BEGIN"))
