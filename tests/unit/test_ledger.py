"""The digest ledger on SQLite and PostgreSQL: claims, takeovers, retries, migration v4 → v5."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from syncd.store import schema
from syncd.store.connect import create_engine
from syncd.store.database import Store
from syncd.store.ledger import ClaimResult
from tests.unit.test_store import postgres_schema

T0 = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)
STALE = timedelta(minutes=15)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/state/syncd.db"
    else:
        yield from postgres_schema()


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store.open(url) as opened:
        yield opened


def claim(store: Store, at: datetime = T0, channel: str = "email:1", **kw: object):  # type: ignore[no-untyped-def]
    return store.claim_delivery(
        "weekly", "2026-06-08T09:00", channel, at, holder="test", stale_after=STALE, **kw
    )


def test_a_period_is_claimed_once_and_then_reads_as_sent(store: Store) -> None:
    first = claim(store)
    assert first.result is ClaimResult.CLAIMED
    assert claim(store, T0 + timedelta(seconds=5)).result is ClaimResult.BUSY
    assert store.finish_delivery(first.delivery, T0 + timedelta(seconds=2), detail="250 OK")
    again = claim(store, T0 + timedelta(hours=1))
    assert again.result is ClaimResult.SENT
    assert again.delivery.detail == "250 OK"
    assert store.digest_sent("weekly", "2026-06-08T09:00", "email:1")
    assert not store.digest_sent("weekly", "2026-06-08T09:00", "slack:1")


def test_channels_are_claimed_independently(store: Store) -> None:
    assert claim(store, channel="email:1").result is ClaimResult.CLAIMED
    assert claim(store, channel="slack:1").result is ClaimResult.CLAIMED


def test_two_stores_on_one_database_claim_once(url: str) -> None:
    with Store.open(url) as one, Store.open(url) as two:
        results = [claim(one).result, claim(two).result]
    assert sorted(results) == [ClaimResult.BUSY, ClaimResult.CLAIMED]


def test_a_stale_claim_with_no_send_recorded_is_taken_over(store: Store) -> None:
    dead = claim(store)
    assert claim(store, T0 + STALE - timedelta(seconds=1)).result is ClaimResult.BUSY
    taken = claim(store, T0 + STALE + timedelta(seconds=1))
    assert taken.result is ClaimResult.CLAIMED
    assert taken.delivery.attempts == 2
    # The process that held the first claim comes back: its late mark is refused.
    assert not store.finish_delivery(dead.delivery, T0 + STALE + timedelta(seconds=2))
    assert store.finish_delivery(taken.delivery, T0 + STALE + timedelta(seconds=3))


def test_a_failed_send_waits_for_its_retry_time(store: Store) -> None:
    first = claim(store)
    assert store.fail_delivery(first.delivery, "SMTP 451", T0 + timedelta(minutes=5))
    waiting = claim(store, T0 + timedelta(minutes=4))
    assert waiting.result is ClaimResult.WAIT
    assert waiting.delivery.last_error == "SMTP 451"
    retried = claim(store, T0 + timedelta(minutes=5))
    assert retried.result is ClaimResult.CLAIMED
    assert retried.delivery.attempts == 2


def test_force_claims_even_a_sent_period(store: Store) -> None:
    first = claim(store)
    store.finish_delivery(first.delivery, T0)
    forced = claim(store, T0 + timedelta(minutes=1), force=True)
    assert forced.result is ClaimResult.CLAIMED
    assert forced.delivery.state == "claimed"


def test_a_version_4_database_keeps_its_sent_digests_through_migration_5(url: str) -> None:
    engine = create_engine(sa.make_url(url))
    with engine.begin() as conn:
        for version in range(4):
            schema.apply_migration(conn, version)
        conn.exec_driver_sql(
            "INSERT INTO syncd_digests (digest, period, sent_at) "
            "VALUES ('weekly', '2026-06-08T09:00', '2026-06-08 07:00:05')"
        )
    engine.dispose()

    with Store.open(url) as store:
        assert store.schema_version == schema.LATEST == 5
        with store._read() as conn:
            assert not sa.inspect(conn).has_table("syncd_digests")
        (row,) = store.deliveries()
        assert (row.digest, row.period, row.channel, row.state) == (
            "weekly",
            "2026-06-08T09:00",
            "*",
            "sent",
        )
        # The whole digest counts as sent for that period, for every channel.
        assert store.digest_sent("weekly", "2026-06-08T09:00", "email:1")
        assert claim(store).result is ClaimResult.SENT
        assert claim(store, force=True).result is ClaimResult.CLAIMED
