"""Pacing under an account's secondary rate limits: write spacing, content-creation windows,
and holds the tracker asked for.

GitHub (tracker-apis.md §1.3): about 80 content-creating requests a minute and 500 an hour, at
least 1 s between writes, and when a limit is hit a 403/429 with `retry-after`, or
`x-ratelimit-reset` once `x-ratelimit-remaining` is 0, or else "wait at least a minute, then
back off exponentially". Those limits belong to the account, not to one repository, so every
adapter that uses the same host and token shares one Pacer (`shared()`), for the life of the
process: a `syncd run` daemon carries the windows and holds from one pass to the next.

A Pacer only says how long the next request must wait (`delay`); the adapter compares that
with `max_wait` and either sleeps (`pause`) or raises RateLimited so the pass defers the rest.
Clock and sleep are injected: tests drive them without waiting.
"""

from __future__ import annotations

import enum
import hashlib
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LONGEST_GUESS = 3600.0  # cap of the doubling wait when the tracker does not say how long


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` content-creating requests in any `seconds`-long stretch."""

    limit: int
    seconds: float


class Why(enum.StrEnum):
    """What the next request waits for."""

    NOTHING = "nothing"
    HOLD = "hold"  # the tracker asked us to wait (Retry-After, reset, secondary limit)
    WINDOW = "window"  # a content-creation window is full
    INTERVAL = "interval"  # min_write_interval since the last write


@dataclass(frozen=True, slots=True)
class Delay:
    seconds: float
    why: Why


class Pacer:
    """One account's request history. Not thread-safe: syncd runs one pass at a time."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock = clock
        self._sleep = sleep
        self._created: deque[float] = deque()  # send times of content-creating requests
        self._horizon = 0.0  # the longest window asked about: older sends are forgotten
        self._last_write = float("-inf")
        self._held_until = float("-inf")
        self._guesses = 0  # holds in a row whose length the tracker did not say

    def delay(
        self, *, write: bool, creates: bool, interval: float, windows: Sequence[Window]
    ) -> Delay:
        """How long the next request must wait, and why (the longest reason wins)."""
        now = self.clock()
        waits = [Delay(self._held_until - now, Why.HOLD)]
        if write:
            waits.append(Delay(self._last_write + interval - now, Why.INTERVAL))
        if creates:
            for window in windows:
                self._horizon = max(self._horizon, window.seconds)
                recent = [t for t in self._created if t > now - window.seconds]
                if len(recent) >= window.limit:
                    # The oldest sends must leave the window until one slot is free.
                    free_at = recent[len(recent) - window.limit] + window.seconds
                    waits.append(Delay(free_at - now, Why.WINDOW))
        longest = max(waits, key=lambda d: d.seconds)
        return longest if longest.seconds > 0 else Delay(0.0, Why.NOTHING)

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(seconds)

    def sending(self, *, creates: bool) -> None:
        """Record a request about to be sent (a refused one may still count at the tracker)."""
        if not creates:
            return
        now = self.clock()
        self._created.append(now)
        while self._created and self._created[0] <= now - max(self._horizon, 1.0):
            self._created.popleft()

    def wrote(self) -> None:
        """Record the end of a write: `interval` counts from here, as PyGithub's pacing did."""
        self._last_write = self.clock()

    def answered(self) -> None:
        """A request got through: the next header-less limit starts again at the base wait."""
        self._guesses = 0

    def hold(self, seconds: float, *, guessed: bool = False) -> float:
        """Send nothing for `seconds` (doubled per guessed hold in a row); returns the wait."""
        if guessed:
            seconds = min(seconds * 2**self._guesses, LONGEST_GUESS)
            self._guesses += 1
        self._held_until = max(self._held_until, self.clock() + seconds)
        return seconds


_SHARED: dict[tuple[str, str], Pacer] = {}


def shared(url: str, token: str | None) -> Pacer:
    """The process-wide Pacer of one account: API host and a fingerprint of the token."""
    fingerprint = hashlib.sha256((token or "").encode()).hexdigest()[:16]
    key = (url.rstrip("/").casefold(), fingerprint)
    if key not in _SHARED:
        _SHARED[key] = Pacer()
    return _SHARED[key]
