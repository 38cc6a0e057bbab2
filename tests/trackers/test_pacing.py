"""The Pacer alone: windows, write spacing, holds, guesses, and its state across processes."""

from __future__ import annotations

import json

from syncd.trackers.http.pacing import LONGEST_GUESS, Delay, Why, Window
from tests.trackers.clock import FakeClock

MINUTE = (Window(3, 60.0),)


def _create_delay(clock: FakeClock, windows: tuple[Window, ...] = MINUTE) -> list[Delay]:
    pacer = clock.pacer(windows=windows)
    delays = []
    for _ in range(4):
        delays.append(pacer.delay(write=True, creates=True))
        pacer.sending(creates=True)
        clock.advance(5)
    return delays


def test_full_minute_window_waits_for_the_oldest_create_to_leave_it() -> None:
    delays = _create_delay(FakeClock(start=1000.0))
    assert [d.why for d in delays[:3]] == [Why.NOTHING] * 3
    assert delays[3] == Delay(45.0, Why.WINDOW)


def test_reads_and_plain_writes_ignore_the_creation_windows() -> None:
    clock = FakeClock(start=1000.0)
    pacer = clock.pacer(windows=MINUTE)
    for _ in range(3):
        pacer.sending(creates=True)
    assert pacer.delay(write=False, creates=False).why is Why.NOTHING
    assert pacer.delay(write=True, creates=False).why is Why.NOTHING
    assert pacer.delay(write=True, creates=True).why is Why.WINDOW


def test_writes_are_spaced_from_the_end_of_the_last_write() -> None:
    clock = FakeClock(start=1000.0)
    pacer = clock.pacer(interval=1.0)
    pacer.wrote()
    clock.advance(0.25)
    assert pacer.delay(write=True, creates=False) == Delay(0.75, Why.INTERVAL)
    assert pacer.delay(write=False, creates=False).why is Why.NOTHING


def test_hold_delays_every_request_and_the_longest_hold_wins() -> None:
    clock = FakeClock(start=1000.0)
    pacer = clock.pacer()
    pacer.hold(30.0)
    pacer.hold(10.0)
    assert pacer.delay(write=False, creates=False) == Delay(30.0, Why.HOLD)


def test_guessed_holds_double_until_a_request_gets_through() -> None:
    clock = FakeClock(start=1000.0)
    pacer = clock.pacer(first_guess=60.0)
    assert [pacer.hold(None) for _ in range(3)] == [60.0, 120.0, 240.0]
    pacer.answered()
    assert pacer.hold(None) == 60.0
    for _ in range(20):
        last = pacer.hold(None)
    assert last == LONGEST_GUESS


def test_old_creates_are_forgotten() -> None:
    clock = FakeClock(start=1000.0)
    pacer = clock.pacer(windows=MINUTE)
    for _ in range(3):
        pacer.sending(creates=True)
    clock.advance(61)
    pacer.sending(creates=True)
    assert len(json.loads(pacer.state())["created"]) == 1


def test_state_round_trip_keeps_the_hour_window_and_the_hold() -> None:
    clock = FakeClock(start=1000.0)
    hour = (Window(2, 3600.0),)
    pacer = clock.pacer(windows=hour)
    pacer.sending(creates=True)
    pacer.sending(creates=True)
    pacer.hold(300.0)
    saved = pacer.state()
    clock.advance(60)  # the next cron run, a new process
    later = clock.pacer(windows=hour)
    assert later.delay(write=True, creates=True).why is Why.NOTHING  # knows nothing yet
    later.restore(saved)
    assert later.delay(write=False, creates=False) == Delay(240.0, Why.HOLD)
    clock.advance(240)
    assert later.delay(write=True, creates=True) == Delay(3300.0, Why.WINDOW)


def test_unreadable_state_is_ignored() -> None:
    pacer = FakeClock(start=1000.0).pacer(windows=MINUTE)
    for garbage in ("", "not json", '{"v": 9}', '{"v": 1, "created": "x"}', "[]"):
        pacer.restore(garbage)
    assert pacer.delay(write=True, creates=True).why is Why.NOTHING


def test_a_pacer_restored_before_every_pass_counts_each_create_once() -> None:
    # `syncd run` keeps its adapters and restores the saved state before every pass: its own
    # creates must not be counted again (the list doubled each pass: 1 GB after ~30 passes).
    clock = FakeClock(start=1000.0)
    hour = (Window(500, 3600.0),)
    pacer = clock.pacer(windows=hour)
    for _ in range(12):  # few: the old merge doubled the list each time
        pacer.restore(pacer.state())
        pacer.sending(creates=True)
        clock.advance(0.0005)  # several creates within one millisecond of each other
    assert len(json.loads(pacer.state())["created"]) == 12
    # A cron `syncd check` beside it filed two more and saved: those are added, once.
    other = clock.pacer(windows=hour)
    other.restore(pacer.state())
    other.sending(creates=True)
    other.sending(creates=True)
    for _ in range(3):
        pacer.restore(other.state())
    assert len(json.loads(pacer.state())["created"]) == 14
