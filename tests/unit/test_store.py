"""The state store on SQLite and PostgreSQL: every method, migrations, errors in one sentence."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from syncd.errors import StoreError
from syncd.model import Status
from syncd.store import schema
from syncd.store.connect import create_engine
from syncd.store.database import CachedReview, Link, Store, TicketSnapshot

REPO = Path(__file__).resolve().parents[2]
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
T0 = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def _admin() -> sa.Engine:
    return sa.create_engine(
        f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )


def _create(admin: sa.Engine, ddl: str) -> None:
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(ddl)
    except sa.exc.OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432: {reason}")


def postgres_database() -> Iterator[str]:
    """A fresh database for one test, dropped afterwards (advisory locks are per database)."""
    admin = _admin()
    name = f"syncd_test_{uuid.uuid4().hex[:12]}"
    _create(admin, f"CREATE DATABASE {name}")
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def postgres_schema() -> Iterator[str]:
    """A fresh schema in the `test` database for one test, dropped afterwards (cheaper)."""
    admin = _admin()
    name = f"syncd_test_{uuid.uuid4().hex[:12]}"
    _create(admin, f"CREATE SCHEMA {name}")
    try:
        yield f"{PG_SERVER}/test?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql("SET lock_timeout = '10s'")
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        admin.dispose()


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


# --- opening and migrating ------------------------------------------------------------------


def test_open_creates_the_directory_and_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "state.db"
    with Store.open(f"sqlite:///{path}") as store:
        assert store.schema_version == schema.LATEST
    assert path.is_file()


def test_open_uses_wal_mode_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    Store.open(f"sqlite:///{path}").close()
    with sa.create_engine(f"sqlite:///{path}").connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_open_accepts_a_plain_file_path(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "plain.db")) as store:
        store.set_meta("k", "v")
    with Store.open(f"sqlite:///{tmp_path}/plain.db") as store:
        assert store.get_meta("k") == "v"


def test_in_memory_sqlite_keeps_data_across_calls() -> None:
    with Store.open("sqlite://") as store:
        store.set_meta("k", "v")
        assert store.get_meta("k") == "v"


def test_data_survives_reopening(url: str) -> None:
    with Store.open(url) as store:
        store.set_cursor("gh", "etag-1")
    with Store.open(url) as store:
        assert store.get_cursor("gh") == "etag-1"
        assert store.schema_version == schema.LATEST


def test_a_version_1_database_is_migrated_to_the_latest_keeping_its_data(url: str) -> None:
    engine = create_engine(sa.make_url(url))
    with engine.begin() as conn:
        schema.apply_migration(conn, 0)
        conn.execute(sa.insert(schema.kv).values(key="full_reconciled", value="yes"))
    with engine.connect() as conn:
        assert schema.read_version(conn) == 1
        assert not sa.inspect(conn).has_table("syncd_digests")
    engine.dispose()

    with Store.open(url) as store:
        assert store.schema_version == schema.LATEST
        assert store.get_meta("full_reconciled") == "yes"
        assert store.deliveries() == []  # the ledger table migration 5 added


def test_a_version_3_database_gains_reminder_attempts_keeping_its_episodes(url: str) -> None:
    engine = create_engine(sa.make_url(url))
    with engine.begin() as conn:
        for version in range(3):
            schema.apply_migration(conn, version)
        # As syncd 3 left it: episodes without the column (v2 now creates it from the table).
        conn.exec_driver_sql("ALTER TABLE syncd_episodes DROP COLUMN attempted_at")
        conn.exec_driver_sql(
            "INSERT INTO syncd_episodes (item_key, kind, started_on, commented)"
            " VALUES ('r1#a', 'overdue', '2026-06-05', false)"
        )
    engine.dispose()

    with Store.open(url) as store:
        assert store.schema_version == schema.LATEST
        episode = store.episode("r1#a", "overdue")
        assert episode is not None
        assert (episode.started_on, episode.attempted_at) == (date(2026, 6, 5), None)
        store.mark_episode_attempt("r1#a", "overdue", T0)
        assert store.episodes()[("r1#a", "overdue")].attempted_at == T0


def test_a_database_from_a_newer_syncd_is_refused(url: str) -> None:
    Store.open(url).close()
    engine = create_engine(sa.make_url(url))
    with engine.begin() as conn:
        schema.write_version(conn, schema.LATEST + 2)
    engine.dispose()

    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert f"(schema {schema.LATEST + 2} > {schema.LATEST}); upgrade syncd" in message
    assert "was written by a newer syncd" in message


def test_processes_opening_a_fresh_store_at_once_migrate_it_once(url: str) -> None:
    opener = (
        "import sys\nfrom syncd.store.database import Store\n"
        "with Store.open(sys.argv[1]) as s: print(s.schema_version)"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", opener, url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        for _ in range(3)
    ]
    results = [proc.communicate(timeout=60) for proc in procs]
    assert [(out.strip(), err) for out, err in results] == [(str(schema.LATEST), "")] * 3


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u@h/db", "unsupported database"),
        ("not a url://", "not a database URL"),
    ],
)
def test_unusable_urls_are_one_sentence(url: str, expected: str) -> None:
    with pytest.raises(StoreError, match=expected) as caught:
        Store.open(url)
    assert str(caught.value).startswith("cannot open state store ")
    assert "\n" not in str(caught.value)


def test_a_directory_in_place_of_the_database_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "state.db").mkdir()
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{tmp_path}/state.db")
    assert str(caught.value) == (
        f"cannot open state store sqlite:///{tmp_path}/state.db: unable to open database file"
    )


def test_a_file_that_is_not_a_database_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "state.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"file is not a database$"):
        Store.open(f"sqlite:///{tmp_path}/state.db")


def test_an_unreachable_postgresql_is_one_sentence_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql+psycopg://syncd:s3cret@127.0.0.1:1/syncd?connect_timeout=2")
    message = str(caught.value)
    assert message.startswith("cannot open state store postgresql+psycopg://syncd:***@127.0.0.1:1")
    assert "s3cret" not in message
    assert "\n" not in message


def test_a_database_failure_after_opening_is_a_store_error(store: Store, url: str) -> None:
    engine = create_engine(sa.make_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE syncd_links"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"^state store .* failed: .*syncd_links"):
        store.links()


# --- parse cache ----------------------------------------------------------------------------


def test_parse_cache_round_trips_and_upserts(store: Store) -> None:
    assert store.cached_reviews() == {}
    first = CachedReview(
        size=120, mtime_ns=1_717_000_000_123_456_789, fingerprint="f1", payload=b"\x00\xffreview"
    )
    other = CachedReview(size=7, mtime_ns=1, fingerprint="f1", payload=b"")
    store.save_reviews([("reviews/a.md", first), ("reviews/b.md", other)])
    assert store.cached_reviews() == {"reviews/a.md": first, "reviews/b.md": other}

    changed = dataclasses.replace(first, size=121, payload=b"new")
    store.save_reviews([("reviews/a.md", changed)])
    assert store.cached_reviews()["reviews/a.md"] == changed

    store.forget_reviews(["reviews/b.md", "reviews/never-cached.md"])
    assert set(store.cached_reviews()) == {"reviews/a.md"}


def test_forget_reviews_handles_more_paths_than_one_statement_binds(store: Store) -> None:
    entry = CachedReview(1, 1, "f", b"x")
    store.save_reviews([(f"r/{i}.md", entry) for i in range(1200)])
    store.forget_reviews([f"r/{i}.md" for i in range(1199)])
    assert list(store.cached_reviews()) == ["r/1199.md"]


# --- status history -------------------------------------------------------------------------


def test_record_statuses_returns_transitions_only_on_change(store: Store) -> None:
    first = store.record_statuses(
        {"r1#a": (Status.OPEN, "r1.md"), "r1#b": (Status.DONE, "r1.md")}, T0
    )
    assert [(x.key, x.from_status, x.to_status) for x in first] == [
        ("r1#a", None, Status.OPEN),
        ("r1#b", None, Status.DONE),
    ]
    assert store.record_statuses({"r1#a": (Status.OPEN, "r1.md")}, T0 + timedelta(hours=1)) == []

    later = T0 + timedelta(days=1)
    changed = store.record_statuses(
        {"r1#a": (Status.IN_PROGRESS, "r1.md"), "r1#b": (Status.DONE, "r1.md")}, later
    )
    assert len(changed) == 1
    assert changed[0].from_status is Status.OPEN
    assert changed[0].to_status is Status.IN_PROGRESS
    assert changed[0].at == later
    assert store.transitions(key="r1#a") == [first[0], changed[0]]


def test_an_item_moving_to_another_review_is_not_a_transition(store: Store) -> None:
    store.record_statuses({"k": (Status.OPEN, "old.md")}, T0)
    assert store.record_statuses({"k": (Status.OPEN, "new.md")}, T0 + timedelta(hours=1)) == []
    done = store.record_statuses({"k": (Status.DONE, "new.md")}, T0 + timedelta(hours=2))
    assert done[0].review == "new.md"


def test_transitions_filter_by_time_and_key_oldest_first(store: Store) -> None:
    for day, status in enumerate([Status.OPEN, Status.IN_PROGRESS, Status.DONE]):
        store.record_statuses({"k": (status, "r.md")}, T0 + timedelta(days=day))
    store.record_statuses({"other": (Status.OPEN, "r.md")}, T0 + timedelta(days=1))

    assert [x.to_status for x in store.transitions(key="k")] == [
        Status.OPEN,
        Status.IN_PROGRESS,
        Status.DONE,
    ]
    since = store.transitions(since=T0 + timedelta(days=1))
    assert [(x.key, x.to_status) for x in since] == [
        ("k", Status.IN_PROGRESS),
        ("other", Status.OPEN),
        ("k", Status.DONE),
    ]
    assert [x.to_status for x in store.transitions(since=T0 + timedelta(days=2), key="k")] == [
        Status.DONE
    ]


def test_datetimes_come_back_as_aware_utc(store: Store) -> None:
    berlin = timezone(timedelta(hours=2))
    at = datetime(2026, 6, 1, 11, 30, 0, 250, tzinfo=berlin)
    store.record_statuses({"k": (Status.OPEN, "r.md")}, at)
    (recorded,) = store.transitions()
    assert recorded.at == at
    assert recorded.at.tzinfo is UTC
    assert recorded.at.hour == 9
    assert store.transitions(since=datetime(2026, 6, 1, 11, 30, 1, tzinfo=berlin)) == []


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record_statuses({"k": (Status.OPEN, "r.md")}, datetime(2026, 6, 1, 9, 30))
    assert store.transitions() == []


def test_record_statuses_for_10000_keys(store: Store, url: str) -> None:
    observed = {f"review-{i // 10}#{i:08x}": (Status.OPEN, f"r{i // 10}.md") for i in range(10_000)}
    started = time.perf_counter()
    assert len(store.record_statuses(observed, T0)) == 10_000
    first = time.perf_counter() - started

    started = time.perf_counter()
    assert store.record_statuses(observed, T0 + timedelta(hours=1)) == []
    unchanged = time.perf_counter() - started

    observed["review-0#00000000"] = (Status.DONE, "r0.md")
    started = time.perf_counter()
    assert len(store.record_statuses(observed, T0 + timedelta(hours=2))) == 1
    one_change = time.perf_counter() - started
    backend = url.split(":", 1)[0]
    print(
        f"\nrecord_statuses 10,000 keys on {backend}: first {first * 1000:.0f} ms, "
        f"unchanged {unchanged * 1000:.0f} ms, one change {one_change * 1000:.0f} ms"
    )


# --- tracker state --------------------------------------------------------------------------


def test_cursors_are_per_tracker_and_can_be_forgotten(store: Store) -> None:
    assert store.get_cursor("gh") is None
    store.set_cursor("gh", "2026-06-01T09:30:00Z")
    store.set_cursor("jira", 'W/"etag"')
    store.set_cursor("gh", "2026-06-02T09:30:00Z")
    assert store.get_cursor("gh") == "2026-06-02T09:30:00Z"
    assert store.get_cursor("jira") == 'W/"etag"'
    store.set_cursor("gh", None)
    assert store.get_cursor("gh") is None
    assert store.get_cursor("jira") == 'W/"etag"'


def test_meta_is_a_small_key_value_store(store: Store) -> None:
    assert store.get_meta("last_full_reconciliation") is None
    store.set_meta("last_full_reconciliation", "2026-06-01T00:00:00Z")
    store.set_meta("last_full_reconciliation", "2026-06-02T00:00:00Z")
    assert store.get_meta("last_full_reconciliation") == "2026-06-02T00:00:00Z"
    assert store.get_meta("schema_version") is None  # the schema's own version is kept apart


def test_links_upsert_and_delete(store: Store) -> None:
    link = Link(
        "r1#a",
        "gh",
        "4711",
        "acme/ops#12",
        "https://github.com/acme/ops/issues/12",
        "reviews/r1.md",
        T0,
    )
    other = Link(
        "r1#b",
        "jira",
        "10001",
        "OPS-1",
        "https://acme.atlassian.net/browse/OPS-1",
        "reviews/r1.md",
        T0,
    )
    store.save_link(link)
    store.save_link(other)
    assert store.links() == {"r1#a": link, "r1#b": other}

    moved = dataclasses.replace(
        other, ticket_key="PLAT-7", url="https://acme.atlassian.net/browse/PLAT-7"
    )
    store.save_link(moved)
    assert store.links()["r1#b"] == moved


def test_ticket_states_are_per_tracker_and_upserted(store: Store) -> None:
    open_ = TicketSnapshot("12", Status.OPEN, None, ("syncd", "overdue"), T0, '{"n": 12}')
    dropped = TicketSnapshot(
        "13", Status.DEPRIORITIZED, "replaced by the managed service", (), T0, "{}"
    )
    store.save_ticket_states("gh", [open_, dropped])
    store.save_ticket_states("gl", [dataclasses.replace(open_, labels=())])
    assert store.ticket_states("gh") == {"12": open_, "13": dropped}
    assert store.ticket_states("gl")["12"].labels == ()
    assert store.ticket_states("jira") == {}

    closed = dataclasses.replace(open_, status=Status.DONE, updated=T0 + timedelta(days=1))
    store.save_ticket_states("gh", [closed])
    assert store.ticket_states("gh") == {"12": closed, "13": dropped}
    assert store.ticket_payloads("gh") == {"12": '{"n": 12}', "13": "{}"}
    assert store.ticket_payloads("jira") == {}


# --- creation intents -----------------------------------------------------------------------


def test_add_intent_is_idempotent_while_the_intent_is_open(store: Store) -> None:
    first = store.add_intent("r1#a", "gh", "reviews/r1.md", at=T0)
    again = store.add_intent("r1#a", "gh", "reviews/r1.md", at=T0 + timedelta(hours=1))
    assert again == first
    assert first.attempts == 0
    assert first.last_attempt_at is None
    assert first.ticket_id is None
    assert first.created_at == T0
    assert store.open_intents() == [first]


def test_intent_attempts_are_counted_and_resolution_closes_it(store: Store) -> None:
    store.add_intent("r1#a", "gh", "reviews/r1.md", at=T0)
    store.add_intent("r1#b", "jira", "reviews/r1.md", at=T0 + timedelta(minutes=1))
    store.mark_intent_attempt("r1#a", T0 + timedelta(minutes=2))
    store.mark_intent_attempt("r1#a", T0 + timedelta(minutes=3))
    (gh,) = store.open_intents("gh")
    assert gh.attempts == 2
    assert gh.last_attempt_at == T0 + timedelta(minutes=3)
    assert [i.item_key for i in store.open_intents()] == ["r1#a", "r1#b"]

    store.resolve_intent("r1#a", "4711")
    store.resolve_intent("r1#a", "4711")  # a recovery may resolve twice
    store.resolve_intent("r1#b", None)
    assert store.open_intents() == []

    reopened = store.add_intent("r1#a", "gh", "reviews/r1.md", at=T0 + timedelta(days=1))
    assert reopened.attempts == 0
    assert reopened.created_at == T0 + timedelta(days=1)


def test_an_attempt_without_an_open_intent_is_a_bug(store: Store) -> None:
    with pytest.raises(LookupError, match="no open creation intent for r1#a"):
        store.mark_intent_attempt("r1#a", T0)
    store.add_intent("r1#a", "gh", "reviews/r1.md")
    store.resolve_intent("r1#a", "4711")
    with pytest.raises(LookupError):
        store.mark_intent_attempt("r1#a", T0)


def test_only_one_intent_per_item_can_be_open(store: Store, url: str) -> None:
    store.add_intent("r1#a", "gh", "reviews/r1.md", at=T0)
    engine = create_engine(sa.make_url(url))
    row = {
        "item_key": "r1#a",
        "tracker": "gh",
        "review": "r",
        "state": "open",
        "created_at": T0,
        "attempts": 0,
    }
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.insert(schema.intents).values(**row))
    engine.dispose()


# --- mark episodes --------------------------------------------------------------------------


def test_episode_lifecycle(store: Store) -> None:
    assert store.episode("r1#a", "overdue") is None
    store.start_episode("r1#a", "overdue", date(2026, 6, 5))
    episode = store.episode("r1#a", "overdue")
    assert episode is not None
    assert (episode.started_on, episode.commented) == (date(2026, 6, 5), False)

    store.mark_episode_commented("r1#a", "overdue")
    store.start_episode("r1#a", "overdue", date(2026, 6, 9))  # still running: kept as is
    assert store.episode("r1#a", "overdue") == dataclasses.replace(episode, commented=True)
    assert store.episode("r1#a", "needs_reason") is None

    store.end_episode("r1#a", "overdue")
    assert store.episode("r1#a", "overdue") is None
    store.start_episode("r1#a", "overdue", date(2026, 7, 1))
    restarted = store.episode("r1#a", "overdue")
    assert restarted is not None
    assert not restarted.commented


def test_marking_a_missing_episode_commented_is_a_bug(store: Store) -> None:
    with pytest.raises(LookupError, match="no overdue episode running for r1#a"):
        store.mark_episode_commented("r1#a", "overdue")


# --- values ---------------------------------------------------------------------------------


def test_returned_values_are_frozen(store: Store) -> None:
    intent = store.add_intent("r1#a", "gh", "reviews/r1.md")
    with pytest.raises(dataclasses.FrozenInstanceError):
        intent.attempts = 5  # type: ignore[misc]
