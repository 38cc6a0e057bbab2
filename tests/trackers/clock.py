"""A clock and sleeper for pacing tests: sleeping moves the clock, nothing really waits."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from syncd.trackers.http.pacing import Pacer


class FakeClock:
    def __init__(self, start: float | None = None) -> None:
        # Epoch seconds; by default the real time at the start, so a fake's reset header
        # (taken from the real clock) means what it says.
        self.now = time.time() if start is None else start
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
