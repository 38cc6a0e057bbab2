"""What /healthz and /livez say, from the numbers the service keeps (pure functions)."""

from __future__ import annotations

from syncd.service.health import LIVENESS_LIMIT, Health, liveness, pass_health, standby_health
from syncd.service.leader import Standing

INTERVAL = 900


def test_livez_fails_only_when_the_main_loop_stalls_or_a_thread_stopped() -> None:
    assert liveness(100.0, 100.4, True) == Health(True, "ok: alive, main loop ticked 0.4 s ago")
    assert liveness(100.0, 100.0 + LIVENESS_LIMIT, True).ok
    assert liveness(100.0, 131.0, True) == Health(False, "the main loop last ticked 31 s ago")
    assert liveness(100.0, 100.1, False) == Health(
        False, "the scheduler or the leader election has stopped"
    )
    assert liveness(None, 100.0, True) == Health(False, "the service is not running")


def test_healthz_of_the_leader_says_so_only_when_there_is_an_election() -> None:
    assert pass_health(INTERVAL, 5000, 12, None, electing=True) == Health(
        True, "ok: leader; last pass finished 12 s ago"
    )
    assert pass_health(INTERVAL, 5000, 12, None, electing=False) == Health(
        True, "ok: last pass finished 12 s ago"
    )
    assert pass_health(INTERVAL, 20, None, None, electing=True) == Health(
        True, "ok: leader for 20 s; no pass finished yet"
    )
    assert pass_health(INTERVAL, 2701, None, None, electing=True) == Health(
        False, "leader: no pass has finished in 2701 s since it became leader"
    )
    assert pass_health(INTERVAL, 9000, 2701, "a tracker failed this pass", electing=True) == Health(
        False,
        "leader: the last pass finished 2701 s ago, more than 3 intervals of 900 s; "
        "last error: a tracker failed this pass",
    )


def test_healthz_of_a_standby_is_200_unless_it_cannot_reach_the_store_for_long() -> None:
    seen = Standing(True, "syncd vm pid 7", None, None, None)
    assert standby_health(INTERVAL, seen) == Health(
        True, "ok: standby; leader is another replica (syncd vm pid 7)"
    )
    assert standby_health(INTERVAL, Standing(True, None, None, None, None)) == Health(
        True, "ok: standby; leader is another replica"
    )
    assert standby_health(INTERVAL, Standing(False, None, None, None, None)) == Health(
        True, "ok: starting, electing a leader"
    )
    assert standby_health(INTERVAL, Standing(True, None, None, None, 12.0)) == Health(
        True, "ok: standby; the lock connection has not answered for 12 s"
    )
    refused = "connection refused"
    assert standby_health(INTERVAL, Standing(False, None, refused, 60.0, None)) == Health(
        True, "ok: standby; cannot reach the store yet: connection refused"
    )
    assert standby_health(INTERVAL, Standing(False, None, refused, 2701.0, None)) == Health(
        False, "standby: cannot reach the store to elect a leader for 2701 s: connection refused"
    )
