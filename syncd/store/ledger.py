"""The digest ledger: one row per (digest, period, channel), claimed before a send and marked
sent after it, so each period goes out once per channel across retries, restarts, two
processes and a cron `syncd check` beside a running service (DESIGN §6).

A claim is an insert of a new row (the primary key decides who won). A claim older than
`stale_after` with no send recorded belongs to a process that died mid-send: the next claimer
takes it over (compare-and-swap on the claim's token). A failed send waits until its
`next_attempt_at`. The one window left is a process that dies after the channel accepted the
message and before `finish_delivery` commits: the stale claim is retried, so that one channel
may get the message twice (at-least-once for one send, never more).
"""

from __future__ import annotations

import enum
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from syncd.store import schema as t


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"the state store needs timezone-aware datetimes, got {value!r}")
    return value.astimezone(UTC)


class ClaimResult(enum.StrEnum):
    CLAIMED = "claimed"  # this caller sends now
    SENT = "sent"  # already sent this period
    BUSY = "busy"  # another process holds a fresh claim (it is sending right now)
    WAIT = "wait"  # the last attempt failed; retry after next_attempt_at


@dataclass(frozen=True, slots=True)
class Delivery:
    """One channel's send of one digest period, as the ledger has it."""

    digest: str
    period: str
    channel: str
    state: str  # claimed | sent | failed
    token: str
    holder: str
    attempts: int
    claimed_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
    detail: str | None


@dataclass(frozen=True, slots=True)
class Claim:
    result: ClaimResult
    delivery: Delivery


class DigestLedger:
    """Claim, finish and fail digest deliveries; each call is one transaction."""

    def _read(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # Store's read transaction

    def _write(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # Store's write transaction

    def claim_delivery(
        self,
        digest: str,
        period: str,
        channel: str,
        at: datetime,
        *,
        holder: str,
        stale_after: timedelta,
        force: bool = False,
    ) -> Claim:
        """Claim the send of `channel` for `digest`/`period`, or say why not."""
        at = aware(at)
        token = uuid.uuid4().hex
        c = t.digest_sends.c
        where = (c.digest == digest, c.period == period, c.channel == channel)
        fresh = {"state": "claimed", "token": token, "holder": holder, "claimed_at": at}
        with self._write() as conn:
            everything = (c.digest == digest, c.period == period, c.channel == "*")
            if not force and conn.execute(sa.select(c.state).where(*everything)).first():
                return Claim(ClaimResult.SENT, _one(conn, everything))  # a v3 "sent" row
            row = {"digest": digest, "period": period, "channel": channel, "attempts": 1, **fresh}
            if t.insert_new(conn, t.digest_sends, row):
                return Claim(ClaimResult.CLAIMED, _one(conn, where))
            query = sa.select(*t.columns(t.digest_sends, Delivery)).where(*where)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()
            found = Delivery(*conn.execute(query).one())
            if not force:
                if found.state == "sent":
                    return Claim(ClaimResult.SENT, found)
                if found.state == "claimed" and found.claimed_at > at - stale_after:
                    return Claim(ClaimResult.BUSY, found)
                if found.state == "failed" and (found.next_attempt_at or at) > at:
                    return Claim(ClaimResult.WAIT, found)
            taken = conn.execute(
                sa.update(t.digest_sends)
                .where(*where, c.token == found.token)
                .values(attempts=c.attempts + 1, next_attempt_at=None, **fresh)
                .returning(c.token)
            ).first()
            if taken is None:  # someone else swapped it first (cannot happen under the lock)
                return Claim(ClaimResult.BUSY, found)
            return Claim(ClaimResult.CLAIMED, _one(conn, where))

    def finish_delivery(self, claim: Delivery, at: datetime, *, detail: str | None = None) -> bool:
        """Record that the claimed send went out; False if the claim had been taken over."""
        return self._settle(claim, state="sent", sent_at=aware(at), detail=detail, last_error=None)

    def fail_delivery(
        self, claim: Delivery, error: str, retry_at: datetime, *, detail: str | None = None
    ) -> bool:
        """Record a failed send, to be retried from `retry_at`; False if taken over."""
        return self._settle(
            claim, state="failed", next_attempt_at=aware(retry_at), last_error=error, detail=detail
        )

    def _settle(self, claim: Delivery, **values: object) -> bool:
        c = t.digest_sends.c
        with self._write() as conn:
            done = conn.execute(
                sa.update(t.digest_sends)
                .where(
                    c.digest == claim.digest,
                    c.period == claim.period,
                    c.channel == claim.channel,
                    c.token == claim.token,
                )
                .values(values)
                .returning(c.token)
            ).first()
        return done is not None

    def deliveries(self, digest: str | None = None, period: str | None = None) -> list[Delivery]:
        """Ledger rows, newest period first."""
        c = t.digest_sends.c
        query = sa.select(*t.columns(t.digest_sends, Delivery)).order_by(
            c.period.desc(), c.digest, c.channel
        )
        if digest is not None:
            query = query.where(c.digest == digest)
        if period is not None:
            query = query.where(c.period == period)
        with self._read() as conn:
            return [Delivery(*r) for r in conn.execute(query)]

    def digest_sent(self, digest: str, period: str, channel: str) -> bool:
        """True when the ledger records `channel`'s send of `digest` for `period` (a v3 row,
        channel `*`, stands for every channel)."""
        c = t.digest_sends.c
        query = sa.select(c.channel).where(
            c.digest == digest,
            c.period == period,
            c.channel.in_((channel, "*")),
            c.state == "sent",
        )
        with self._read() as conn:
            return conn.execute(query).first() is not None


def _one(conn: Connection, where: tuple[sa.ColumnElement[bool], ...]) -> Delivery:
    row = conn.execute(sa.select(*t.columns(t.digest_sends, Delivery)).where(*where)).one()
    return Delivery(*row)
