"""A clock and sleeper for pacing tests: sleeping moves the clock, nothing really waits."""

from __future__ import annotations

from syncd.trackers.http.pacing import Pacer


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def pacer(self) -> Pacer:
        return Pacer(clock=self, sleep=self.sleep)
