"""A clock and sleeper for pacing tests: sleeping moves the clock, nothing really waits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from syncd.trackers.http.pacing import Pacer


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start  # epoch seconds
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def pacer(self, **settings: Any) -> Pacer:
        return Pacer(clock=self, sleep=self.sleep, **settings)
