"""When `syncd run` runs its passes, with time injected the way APScheduler 3.x's own tests
do it (their `freeze_time` fixture): the scheduler's clock is replaced, and `_process_jobs()`
is called by hand on a scheduler that runs jobs synchronously (DebugExecutor)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler

from syncd.service.scheduler import JOB_DEFAULTS, jitter_for, schedule

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 12, 7, 8, 0, tzinfo=BERLIN)  # a Monday, 08:00
INTERVAL = 900  # 15 minutes


class _Frozen:
    """Stands in for `datetime` inside APScheduler: now() is the test's clock."""

    now_value = START

    @classmethod
    def now(cls, tz: object = None) -> datetime:
        return cls.now_value.astimezone(tz) if tz else cls.now_value  # type: ignore[arg-type]


class _Scheduler(BaseScheduler):  # type: ignore[misc]
    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        pass  # the test processes jobs by hand


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Frozen]]:
    import apscheduler.executors.base
    import apscheduler.schedulers.base

    class Frozen(_Frozen, datetime):  # type: ignore[misc]
        pass

    Frozen.now_value = START
    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", Frozen)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", Frozen)
    yield Frozen


@pytest.fixture
def ran(clock: type[_Frozen]) -> Iterator[tuple[_Scheduler, list[tuple[str, datetime]]]]:
    runs: list[tuple[str, datetime]] = []
    scheduler = _Scheduler(
        executors={"default": DebugExecutor()}, job_defaults=JOB_DEFAULTS, timezone=BERLIN
    )
    scheduler.start(paused=False)
    schedule(
        scheduler,
        lambda reason: runs.append((reason, clock.now_value)),
        INTERVAL,
        {"weekly": "0 9 * * MON"},
        BERLIN,
        START,
    )
    yield scheduler, runs
    scheduler.shutdown(wait=False)


def _at(clock: type[_Frozen], scheduler: _Scheduler, when: datetime) -> None:
    clock.now_value = when
    scheduler._process_jobs()


def test_a_pass_runs_at_start_and_then_every_interval(
    clock: type[_Frozen], ran: tuple[_Scheduler, list[tuple[str, datetime]]]
) -> None:
    scheduler, runs = ran
    _at(clock, scheduler, START)
    assert runs == [("interval", START)]
    _at(clock, scheduler, START + timedelta(seconds=INTERVAL / 2))
    assert len(runs) == 1  # not yet
    later = START + timedelta(seconds=INTERVAL + jitter_for(INTERVAL) + 1)
    _at(clock, scheduler, later)
    assert runs[-1] == ("interval", later) and len(runs) == 2


def test_a_late_pass_still_runs_once(
    clock: type[_Frozen], ran: tuple[_Scheduler, list[tuple[str, datetime]]]
) -> None:
    scheduler, runs = ran
    _at(clock, scheduler, START)
    # The worker was busy (a long pass): the next run is processed late, but within the grace
    # of one interval; the backlog is coalesced into one run.
    late = START + timedelta(seconds=2 * INTERVAL - 1)
    _at(clock, scheduler, late)
    assert [r for r, _ in runs] == ["interval", "interval"]


def test_the_weekly_digest_fires_once_a_week_in_the_configured_zone(
    clock: type[_Frozen], ran: tuple[_Scheduler, list[tuple[str, datetime]]]
) -> None:
    scheduler, runs = ran
    nine = START.replace(hour=9)
    for minute in (0, 1, 30):
        _at(clock, scheduler, nine + timedelta(minutes=minute))
    assert [t for r, t in runs if r == "digest:weekly"] == [nine]
    _at(clock, scheduler, nine + timedelta(days=3))
    assert sum(r == "digest:weekly" for r, _ in runs) == 1
    _at(clock, scheduler, nine + timedelta(days=7))
    assert sum(r == "digest:weekly" for r, _ in runs) == 2


def test_weeks_missed_while_the_scheduler_slept_are_caught_up_once(
    clock: type[_Frozen], ran: tuple[_Scheduler, list[tuple[str, datetime]]]
) -> None:
    scheduler, runs = ran
    _at(clock, scheduler, START)
    _at(clock, scheduler, START + timedelta(days=21, hours=5))  # three Mondays later
    assert sum(r == "digest:weekly" for r, _ in runs) == 1  # coalesced, never late-dropped


def test_every_job_is_replaced_on_reschedule(
    clock: type[_Frozen], ran: tuple[_Scheduler, list[tuple[str, datetime]]]
) -> None:
    scheduler, _ = ran
    schedule(scheduler, lambda reason: None, 60, {}, BERLIN, START)
    assert [j.id for j in scheduler.get_jobs()] == ["sync"]
    assert scheduler.get_job("sync").misfire_grace_time == 60
    assert START.astimezone(UTC)  # zone-aware throughout
