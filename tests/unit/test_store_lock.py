"""One pass per store: the lock excludes other processes and dies with its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.errors import StoreLocked
from syncd.store.database import Store
from tests.unit.test_store import postgres_database

REPO = Path(__file__).resolve().parents[2]

# Takes the lock, says so, and holds it until killed.
HOLD = """
import sys, time
from syncd.store.database import Store
store = Store.open(sys.argv[1])
with store.lock(sys.argv[2]):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/state/syncd.db"
    else:
        yield from postgres_database()


@pytest.fixture
def holders() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def hold_lock(url: str, holder: str, holders: list[subprocess.Popen[str]]) -> int:
    """Start another process that holds the store's lock; return its pid once it does."""
    Store.open(url).close()  # migrate first, so the holder starts quickly
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, url, holder],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    holders.append(proc)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "locked\n", "the holder process did not take the lock"
    return proc.pid


def lock_once(store: Store, holder: str) -> None:
    with store.lock(holder):
        pass


def test_a_second_process_is_refused_with_the_holders_pid(
    url: str, holders: list[subprocess.Popen[str]]
) -> None:
    pid = hold_lock(url, "syncd run", holders)
    with Store.open(url) as store, pytest.raises(StoreLocked) as caught:
        lock_once(store, "syncd check")
    message = str(caught.value)
    assert f"syncd run: pid {pid} on " in message
    assert message.startswith("another syncd pass holds the lock on ")
    assert message.endswith("; wait for it to finish or stop it")
    assert " since 20" in message


def test_the_lock_is_released_when_the_holder_is_killed(
    url: str, holders: list[subprocess.Popen[str]]
) -> None:
    hold_lock(url, "syncd run", holders)
    holders[0].send_signal(signal.SIGKILL)
    holders[0].wait(timeout=10)
    with Store.open(url) as store:
        # The server notices a dead client's closed socket at once, but give it a moment.
        for _ in range(50):
            try:
                lock_once(store, "syncd check")
                break
            except StoreLocked:
                time.sleep(0.1)
        lock_once(store, "syncd check")


def test_the_store_stays_readable_and_writable_while_another_pass_holds_the_lock(
    url: str, holders: list[subprocess.Popen[str]]
) -> None:
    hold_lock(url, "syncd run", holders)
    with Store.open(url) as store:
        store.set_meta("seen", "yes")
        assert store.get_meta("seen") == "yes"


def test_two_stores_in_one_process_exclude_each_other(url: str) -> None:
    with Store.open(url) as one, Store.open(url) as two:
        with one.lock("first"), pytest.raises(StoreLocked, match=rf"first: pid {os.getpid()} "):
            lock_once(two, "second")
        lock_once(two, "second")  # released at the end of the block


def test_the_lock_is_released_when_the_pass_raises(url: str) -> None:
    with Store.open(url) as store:
        with pytest.raises(RuntimeError), store.lock("failing pass"):
            raise RuntimeError("pass failed")
        lock_once(store, "next pass")


def test_a_refused_lock_leaves_the_holder_in_place(url: str) -> None:
    with Store.open(url) as one, Store.open(url) as two, one.lock("first"):
        for _ in range(2):
            with pytest.raises(StoreLocked, match="first: pid"):
                lock_once(two, "second")


def test_the_sqlite_lock_file_names_the_holder_only_while_held(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path}/state.db") as store:
        lock_file = tmp_path / "state.db.lock"
        with store.lock("syncd check"):
            assert f'"pid": {os.getpid()}' in lock_file.read_text()
        assert lock_file.read_text() == ""


def test_an_in_memory_store_still_allows_one_pass_at_a_time() -> None:
    with Store.open("sqlite://") as store:
        with store.lock("first"), pytest.raises(StoreLocked, match="holds the lock on sqlite://"):
            lock_once(store, "second")
        lock_once(store, "second")
