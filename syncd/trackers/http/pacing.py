"""Pacing: write spacing, content-creation windows, and holds the tracker asked for.

GitHub (tracker-apis.md §1.3): about 80 content-creating requests a minute and 500 an hour, at
least 1 s between writes, and when a limit is hit a 403/429 with `retry-after`, or
`x-ratelimit-reset` once `x-ratelimit-remaining` is 0, or else "wait at least a minute, then
back off exponentially". GitLab and Jira send 429 + Retry-After (GitLab.com sometimes without
it: gitlab-org/gitlab#365728).

One Pacer belongs to one tracker object (no process-wide table: a process may build trackers
thousands of times). What must outlive the process — the creates inside the hour window and a
hold the tracker asked for — is `state()`, a short JSON string the engine keeps in the store's
meta table between cron runs and hands back with `restore()`.

A Pacer only says how long the next request must wait (`delay`); calls.Caller compares that
with `max_wait` and either sleeps (`pause`) or raises RateLimited so the pass defers the rest.
Clock and sleep are injected: tests drive them without waiting.
"""

from __future__ import annotations

import enum
import json
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

# The one cap of a guessed wait (a limit that did not say how long): GitHub's primary window
# is the longest any of the three trackers asks for. Each tracker's first guess differs.
LONGEST_GUESS = 3600.0
_STATE_VERSION = 1


def _system_now() -> datetime:
    return datetime.now(UTC)


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
    """One tracker's request history. Not thread-safe: syncd runs one pass at a time."""

    def __init__(
        self,
        *,
        windows: Sequence[Window] = (),
        interval: float = 0.0,
        first_guess: float = 1.0,
        clock: Callable[[], datetime] = _system_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`windows` limit creates, `interval` spaces writes, `first_guess` is the first wait
        when a limit names none (doubled per guess in a row, up to LONGEST_GUESS)."""
        self.windows = tuple(windows)
        self.interval = interval
        self.first_guess = first_guess
        self._clock = clock
        self._sleep = sleep
        self._created: deque[float] = deque()  # send times (epoch s) of content creates
        self._last_write = float("-inf")
        self._held_until = float("-inf")
        self._guesses = 0  # holds in a row whose length the tracker did not say

    def now(self) -> float:
        """The injected clock as epoch seconds (persisted state must survive a restart)."""
        return self._clock().timestamp()

    def instant(self) -> datetime:
        """The injected clock's current instant, aware UTC."""
        return self._clock().astimezone(UTC)

    def delay(self, *, write: bool, creates: bool) -> Delay:
        """How long the next request must wait, and why (the longest reason wins)."""
        now = self.now()
        waits = [Delay(self._held_until - now, Why.HOLD)]
        if write:
            waits.append(Delay(self._last_write + self.interval - now, Why.INTERVAL))
        if creates:
            for window in self.windows:
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
        now = self.now()
        self._created.append(now)
        horizon = max((w.seconds for w in self.windows), default=1.0)
        while self._created and self._created[0] <= now - horizon:
            self._created.popleft()

    def wrote(self) -> None:
        """Record the end of a write: `interval` counts from here, as PyGithub's pacing did."""
        self._last_write = self.now()

    def answered(self) -> None:
        """A request got through: the next header-less limit starts again at the first guess."""
        self._guesses = 0

    def hold(self, seconds: float | None) -> float:
        """Send nothing for `seconds`; None (the tracker did not say): the next guess.
        Returns the wait."""
        if seconds is None:
            seconds = min(self.first_guess * 2**self._guesses, LONGEST_GUESS)
            self._guesses += 1
        self._held_until = max(self._held_until, self.now() + seconds)
        return seconds

    # -- what outlives the process ----------------------------------------------------------
    def state(self) -> str:
        """The hold and the creates still inside a window, as a short JSON string."""
        now = self.now()
        horizon = max((w.seconds for w in self.windows), default=0.0)
        created = [round(t, 3) for t in self._created if t > now - horizon]
        held = round(self._held_until, 3) if self._held_until > now else None
        return json.dumps({"v": _STATE_VERSION, "created": created, "held_until": held})

    def restore(self, state: str | None) -> None:
        """Take over a state() saved by an earlier process, or by this one and then added to
        by another (a cron `syncd check` beside `syncd run`, which restores before every
        pass): creates this pacer knows already are not counted twice. Anything unreadable is
        ignored (the tracker then says again what it needs)."""
        if not state:
            return
        try:
            data = json.loads(state)
            if data.get("v") != _STATE_VERSION:
                return
            created = sorted(float(t) for t in data.get("created") or ())
            held = data.get("held_until")
            held_until = float(held) if held is not None else float("-inf")
        except (ValueError, TypeError, AttributeError):
            return
        # A multiset, not a set: two creates in the same instant are two creates. state()
        # rounds to the millisecond, so what this pacer holds is compared rounded.
        known = Counter(round(t, 3) for t in self._created)
        added = []
        for sent in created:
            if known[round(sent, 3)] > 0:
                known[round(sent, 3)] -= 1
            else:
                added.append(sent)
        horizon = max((w.seconds for w in self.windows), default=0.0)
        now = self.now()
        merged = (t for t in [*self._created, *added] if t > now - horizon)
        self._created = deque(sorted(merged))
        self._held_until = max(self._held_until, held_until)
