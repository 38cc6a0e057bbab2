"""Digest periods from cron schedules in the configured zone (APScheduler's CronTrigger)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from syncd.config.load import parse_config
from syncd.digest.period import latest_fire, period_at
from syncd.errors import ConfigError

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_weekly_period_runs_from_the_previous_fire_to_the_latest() -> None:
    period = period_at("0 9 * * MON", BERLIN, datetime(2026, 6, 10, 12, tzinfo=BERLIN))
    assert period.start == datetime(2026, 6, 1, 9, tzinfo=BERLIN)
    assert period.end == datetime(2026, 6, 8, 9, tzinfo=BERLIN)
    assert (period.key, period.label) == ("2026-06-08T09:00", "2026-W23")


def test_the_fire_time_itself_starts_the_new_period() -> None:
    fire = datetime(2026, 6, 8, 9, tzinfo=BERLIN)
    assert period_at("0 9 * * MON", BERLIN, fire).end == fire
    assert period_at("0 9 * * MON", BERLIN, fire - timedelta(seconds=1)).end == fire - timedelta(
        days=7
    )


def test_the_schedule_is_read_in_the_configured_zone() -> None:
    # 09:00 in Berlin is 07:00 UTC in summer: at 08:00 UTC Monday the digest is due.
    now = datetime(2026, 6, 8, 8, tzinfo=UTC)
    assert period_at("0 9 * * MON", BERLIN, now).end == datetime(2026, 6, 8, 7, tzinfo=UTC)
    assert period_at("0 9 * * MON", UTC, now).end == datetime(2026, 6, 1, 9, tzinfo=UTC)


def test_a_daily_schedule_is_labelled_by_day() -> None:
    period = period_at("30 7 * * *", BERLIN, datetime(2026, 6, 10, 12, tzinfo=BERLIN))
    assert (period.label, period.end - period.start) == ("2026-06-10", timedelta(days=1))


def test_a_time_repeated_by_the_dst_change_is_one_period_key() -> None:
    # 2026-10-25 02:30 happens twice in Berlin (CEST, then CET): one ledger key for both.
    first = latest_fire("30 2 * * *", BERLIN, datetime(2026, 10, 25, 0, 45, tzinfo=UTC))
    second = latest_fire("30 2 * * *", BERLIN, datetime(2026, 10, 25, 1, 45, tzinfo=UTC))
    assert first.astimezone(UTC) != second.astimezone(UTC)  # two real fire times
    assert period_at("30 2 * * *", BERLIN, first).key == period_at("30 2 * * *", BERLIN, second).key


def test_frequent_and_rare_schedules_find_their_latest_fire() -> None:
    now = datetime(2026, 6, 10, 12, 34, 56, tzinfo=UTC)
    assert latest_fire("* * * * *", UTC, now) == datetime(2026, 6, 10, 12, 34, tzinfo=UTC)
    assert latest_fire("0 0 1 1 *", UTC, now) == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 25 * * MON", "is not a cron schedule"),
        ("0 9 31 2 *", "never fires"),
        ("weekly", "give five fields"),
    ],
)
def test_bad_schedules_are_config_errors_with_the_line(schedule: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f'digests:\n  w:\n    schedule: "{schedule}"\n', name="syncd.yaml", env={})
    (problem,) = caught.value.problems
    assert problem.startswith("syncd.yaml:3 digests.w.schedule: ")
    assert message in problem
