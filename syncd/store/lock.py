"""One pass per store: an flock next to a SQLite file, an advisory lock on PostgreSQL.

Both are released by the operating system or the server when the holder dies, so a pass
killed with SIGKILL never leaves a stale lock behind (unlike a PID file).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from syncd.errors import StoreError, StoreLocked
from syncd.store import schema as t


def key64(text: str) -> int:
    """A fixed signed 64-bit advisory lock key derived from `text`."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


# Advisory locks are per database, so this key means "one pass per store", across replicas.
PASS_LOCK_KEY = key64("syncd")


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock, for the message the next pass shows."""

    holder: str
    pid: int
    host: str
    started_at: datetime

    @classmethod
    def me(cls, holder: str) -> Holder:
        return cls(holder, os.getpid(), socket.gethostname(), datetime.now(UTC))


def locked_error(shown: str, holder: Holder | None) -> StoreLocked:
    who = ""
    if holder is not None:
        since = holder.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        who = f" ({holder.holder}: pid {holder.pid} on {holder.host}, since {since})"
    return StoreLocked(
        f"another syncd pass holds the lock on {shown}{who}; wait for it to finish or stop it"
    )


@contextmanager
def file_lock(path: Path, me: Holder, shown: str) -> Iterator[None]:
    """Hold an exclusive flock on `path`, writing `me` into it for whoever is refused."""
    # The file is never deleted: unlinking it would let a third process lock a new inode
    # while a second still waits on the old one.
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot open the lock file {path}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise locked_error(shown, _parse_holder(os.pread(fd, 4096, 0))) from None
        os.ftruncate(fd, 0)
        info = {
            "holder": me.holder,
            "pid": me.pid,
            "host": me.host,
            "started_at": me.started_at.isoformat(),
        }
        os.pwrite(fd, json.dumps(info).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _parse_holder(data: bytes) -> Holder | None:
    try:
        info = json.loads(data)
        return Holder(
            str(info["holder"]),
            int(info["pid"]),
            str(info["host"]),
            datetime.fromisoformat(info["started_at"]),
        )
    except (ValueError, KeyError, TypeError):
        return None  # empty: the holder took the lock a moment ago and is still writing


@contextmanager
def advisory_lock(engine: Engine, me: Holder, shown: str) -> Iterator[None]:
    """Hold `pg_try_advisory_lock` on a connection of its own for as long as the block runs."""
    try:
        conn = engine.connect()
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"state store {shown} failed: {t.describe(exc)}") from exc
    got = False
    try:
        got = bool(conn.scalar(sa.select(sa.func.pg_try_advisory_lock(PASS_LOCK_KEY))))
        conn.commit()  # the session lock outlives the transaction; don't idle inside one
        with engine.begin() as write:
            if not got:
                row = write.execute(sa.select(t.lock_holder)).first()
                holder = Holder(row.holder, row.pid, row.host, row.started_at) if row else None
                raise locked_error(shown, holder)
            write.execute(sa.delete(t.lock_holder))
            write.execute(
                sa.insert(t.lock_holder).values(
                    name="pass",
                    holder=me.holder,
                    pid=me.pid,
                    host=me.host,
                    started_at=me.started_at,
                )
            )
    except sa.exc.SQLAlchemyError as exc:
        _release(conn, engine, got)
        raise StoreError(f"state store {shown} failed: {t.describe(exc)}") from exc
    except BaseException:
        _release(conn, engine, got)
        raise
    try:
        yield
    finally:
        _release(conn, engine, got)


def _release(conn: sa.Connection, engine: Engine, got: bool) -> None:
    try:
        if got:
            with engine.begin() as write:
                write.execute(sa.delete(t.lock_holder))
            conn.scalar(sa.select(sa.func.pg_advisory_unlock(PASS_LOCK_KEY)))
            conn.commit()
    except sa.exc.SQLAlchemyError:
        # Pooled connections keep session locks: drop this one so the server frees the lock.
        conn.invalidate()
    finally:
        conn.close()
