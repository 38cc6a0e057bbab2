"""The one clock (DESIGN §7): every module that needs the time is handed a Clock.

`now()` is an aware UTC datetime; `today()` is the calendar day in the configured time zone
(due dates are judged there). `--today` pins the day without stopping time, and tests build a
Clock on a function they control. No module reads the system time itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo


def _system_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Clock:
    """Wall time in UTC, the configured zone's calendar day, and a monotonic timer."""

    zone: tzinfo = UTC
    source: Callable[[], datetime] = field(default=_system_now, compare=False)
    pinned_today: date | None = None  # `--today`: judge as of this day
    timer: Callable[[], float] = field(default=time.monotonic, compare=False)

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return self.source().astimezone(UTC)

    def today(self) -> date:
        """The day due dates are judged on: pinned, else today in the configured zone."""
        if self.pinned_today is not None:
            return self.pinned_today
        return self.source().astimezone(self.zone).date()

    def local(self, instant: datetime | None = None) -> datetime:
        """`instant` (default: now) in the configured zone."""
        return (instant or self.source()).astimezone(self.zone)

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (durations, pacing)."""
        return self.timer()

    def pinned(self, day: date | None) -> Clock:
        """This clock judging as of `day` (None: unchanged)."""
        return self if day is None else replace(self, pinned_today=day)


def fixed(instant: datetime, zone: tzinfo = UTC) -> Clock:
    """A clock stopped at `instant` (tests, back-filled reports)."""
    return Clock(zone, lambda: instant)
