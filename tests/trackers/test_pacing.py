"""The Pacer on its own: windows, write spacing, holds, and sharing per account."""

from __future__ import annotations

import pytest

from syncd.trackers.http import pacing
from syncd.trackers.http.pacing import Delay, Why, Window
from tests.trackers.clock import FakeClock

MINUTE = (Window(3, 60.0),)


def _create(clock: FakeClock, pacer: pacing.Pacer, windows: tuple[Window, ...] = MINUTE) -> Delay:
    """Ask for a create's delay, wait it out, then send (as the adapter does)."""
    delay = pacer.delay(write=True, creates=True, interval=0.0, windows=windows)
    pacer.pause(delay.seconds)
    pacer.sending(creates=True)
    pacer.wrote()
    return delay


def test_full_minute_window_waits_for_the_oldest_create_to_leave_it() -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    for _ in range(3):
        assert _create(clock, pacer).seconds == 0
        clock.advance(10)
    # Sends at 0, 10, 20 s; now 30 s: the one at 0 s leaves the window at 60 s.
    assert pacer.delay(write=True, creates=True, interval=0, windows=MINUTE) == Delay(
        30.0, Why.WINDOW
    )
    assert _create(clock, pacer).seconds == 30.0
    assert clock.slept == [30.0]


def test_hour_window_counts_creates_older_than_a_minute() -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    windows = (Window(100, 60.0), Window(2, 3600.0))
    _create(clock, pacer, windows)
    clock.advance(600)
    _create(clock, pacer, windows)
    clock.advance(600)
    delay = pacer.delay(write=True, creates=True, interval=0, windows=windows)
    assert delay == Delay(2400.0, Why.WINDOW)


def test_reads_and_plain_writes_ignore_the_creation_windows() -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    for _ in range(3):
        _create(clock, pacer)
    assert pacer.delay(write=False, creates=False, interval=1.0, windows=MINUTE).seconds == 0
    clock.advance(1.0)
    assert pacer.delay(write=True, creates=False, interval=1.0, windows=MINUTE).seconds == 0


def test_writes_are_spaced_from_the_end_of_the_last_write() -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    pacer.wrote()
    clock.advance(0.25)
    assert pacer.delay(write=True, creates=False, interval=1.0, windows=()) == Delay(
        0.75, Why.INTERVAL
    )
    assert pacer.delay(write=False, creates=False, interval=1.0, windows=()).why is Why.NOTHING


def test_hold_delays_every_request_and_the_longest_hold_wins() -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    assert pacer.hold(120.0) == 120.0
    pacer.hold(30.0)
    clock.advance(20)
    assert pacer.delay(write=False, creates=False, interval=0, windows=()) == Delay(100.0, Why.HOLD)


def test_guessed_holds_double_until_a_request_gets_through() -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    assert [pacer.hold(60.0, guessed=True) for _ in range(3)] == [60.0, 120.0, 240.0]
    assert pacer.hold(60.0) == 60.0  # a named wait is taken as given
    pacer.answered()
    assert pacer.hold(60.0, guessed=True) == 60.0
    for _ in range(10):
        last = pacer.hold(60.0, guessed=True)
    assert last == pacing.LONGEST_GUESS


def test_old_creates_are_forgotten() -> None:
    clock = FakeClock()
    pacer = clock.pacer()
    windows = (Window(2, 60.0), Window(3, 3600.0))
    for _ in range(3):
        _create(clock, pacer, windows)
        clock.advance(61)
    clock.advance(3600)
    _create(clock, pacer, windows)
    assert len(pacer._created) == 1


@pytest.mark.parametrize(
    ("other_url", "other_token", "same"),
    [
        ("https://api.github.com/", "t1", True),  # trailing slash, same host
        ("https://API.github.com", "t1", True),
        ("https://api.github.com", "t2", False),  # another account
        ("https://ghe.example/api/v3", "t1", False),  # another host
    ],
)
def test_shared_pacer_is_per_host_and_token(other_url: str, other_token: str, same: bool) -> None:
    first = pacing.shared("https://api.github.com", "t1")
    assert (pacing.shared(other_url, other_token) is first) is same
