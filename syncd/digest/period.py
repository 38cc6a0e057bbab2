"""Which period a digest is for, from its cron schedule in the configured time zone.

Fire times come from APScheduler 3.x's `CronTrigger.from_crontab(expr, timezone=…)`, the
trigger `syncd run` schedules the digest with, so "due" means the same in cron and in the
service. The trigger only looks forward; the latest fire time at or before `now` is found by
stepping forward from a little before `now`, widening the look-back until a fire time is in it.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from syncd.digest.model import Period

_LOOKBACKS = (
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=8),
    timedelta(days=32),
    timedelta(days=367),
    timedelta(days=366 * 5),
)


class ScheduleError(ValueError):
    """The schedule never fires (e.g. `0 9 31 2 *`)."""


@functools.lru_cache(maxsize=1)  # one digest's trigger at a time; fixed size, never grows
def _trigger(expr: str, zone: tzinfo) -> object:
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(expr, timezone=zone)


def validate_schedule(expr: str, zone: tzinfo) -> None:
    """ValueError in the user's words when `expr` is not a crontab line APScheduler accepts."""
    try:
        _trigger(expr, zone)
    except ValueError as exc:
        raise ValueError(f"`{expr}` is not a cron schedule ({exc})") from None
    if _next(expr, zone, datetime(2000, 1, 1, tzinfo=zone)) is None:
        raise ValueError(f"`{expr}` never fires (no such day)")


def _next(expr: str, zone: tzinfo, after: datetime) -> datetime | None:
    trigger = _trigger(expr, zone)
    fire: datetime | None = trigger.get_next_fire_time(None, after)  # type: ignore[attr-defined]
    return fire


def latest_fire(expr: str, zone: tzinfo, now: datetime) -> datetime:
    """The schedule's latest fire time at or before `now` (aware, in `zone`).

    Arithmetic is done in UTC: `aware + timedelta` is wall-clock arithmetic that drops
    `fold`, so one second after the second 02:30 of a DST fall-back day would be the first
    02:30 again, and the search would never end."""
    now = now.astimezone(UTC)
    for lookback in _LOOKBACKS:
        fire = _next(expr, zone, now - lookback)
        if fire is None or fire > now:
            continue
        while True:
            following = _next(expr, zone, fire.astimezone(UTC) + timedelta(seconds=1))
            if following is None or following > now:
                return fire
            fire = following
    raise ScheduleError(f"the schedule `{expr}` has not fired in the last five years")


def period_at(expr: str, zone: tzinfo, now: datetime) -> Period:
    """The period of the latest fire time at or before `now`: from the fire before it."""
    from syncd.digest.model import Period  # config validation imports this module: stay light

    end = latest_fire(expr, zone, now)
    start = latest_fire(expr, zone, end.astimezone(UTC) - timedelta(seconds=1))
    local_end = end.astimezone(zone)
    length = end.astimezone(UTC) - start.astimezone(UTC)
    if timedelta(days=6) <= length <= timedelta(days=8):
        middle = (start.astimezone(UTC) + length / 2).astimezone(zone).date()
        year, week, _ = middle.isocalendar()
        label = f"{year}-W{week:02d}"
    else:
        label = local_end.date().isoformat()
    return Period(start=start, end=end, key=local_end.strftime("%Y-%m-%dT%H:%M"), label=label)
