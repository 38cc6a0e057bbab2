"""`syncd run`: the service around the pass — schedule, lock, leader, reload, health, shutdown.

The main thread owns the signals (the command installs handlers that only set events here)
and waits, ticking every half second (`/livez`); passes run on the scheduler's one worker
thread. A pass that fails is logged and counted, and the next interval tries again: a tracker
outage, a store that is briefly away or a bad review never stops the service. On stop, the pass
under way finishes the write it is in and runs no more (`run_pass(stop=…)`), within
`service.shutdown_grace`.

With a PostgreSQL store, replicas elect a leader (service/leader.py, on the `syncd-leader`
thread): only the leader runs passes and so sends digests. A standby's jobs still fire and
return at once; a replica that becomes leader runs a pass straight away; one that loses the
lock stops writing between two writes (the same `stop` hook) and stands by.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.engine import make_url

from syncd import log
from syncd.clock import Clock
from syncd.config.load import LoadedConfig, load_config
from syncd.digest.render import Renderer
from syncd.engine.context import PassContext, holder
from syncd.engine.memo import PassMemo
from syncd.engine.run import Mode, PassResult, build_trackers, run_pass
from syncd.errors import ConfigError, StoreError, StoreLocked, SyncdError
from syncd.model import Flag
from syncd.service.health import (
    Health,
    HealthServer,
    liveness,
    pass_health,
    standby_health,
)
from syncd.service.leader import Election, Elector, Role
from syncd.service.metrics import Metrics
from syncd.service.scheduler import build_scheduler, run_soon, schedule
from syncd.store.database import Store
from syncd.trackers.protocol import Tracker

_log = log.get("syncd.service")

TICK = 0.5  # the main loop wakes this often (signals, reloads, /livez)


class _Stopping(Exception):
    """The service was asked to stop while waiting for the store's lock."""


@dataclass(frozen=True, slots=True)
class _Setup:
    """Everything built from one config: swapped whole on reload, between passes."""

    loaded: LoadedConfig
    ctx: PassContext
    trackers: Mapping[str, Tracker]
    memo: PassMemo  # what the last pass read: unchanged inputs are not decoded again
    renderer: Renderer | None  # the digests' templates, loaded once

    @classmethod
    def build(cls, loaded: LoadedConfig, clock: Clock | None) -> _Setup:
        ctx = PassContext.build(loaded, clock)
        renderer = Renderer() if loaded.config.digests else None
        return cls(loaded, ctx, build_trackers(ctx), PassMemo(), renderer)


class Service:
    def __init__(
        self,
        config_path: Path | None,
        env: Mapping[str, str],
        clock: Clock | None = None,
        around_pass: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        """`around_pass` wraps each pass; the command uses it for the process's GC policy."""
        self._path, self._env, self._clock = config_path, env, clock
        self._around_pass = around_pass
        self._monotonic = clock.monotonic if clock is not None else time.monotonic
        self._setup = _Setup.build(load_config(config_path, env), clock)
        self.metrics = Metrics()
        self.metrics.leader.set_function(lambda: 1.0 if self.leading() else 0.0)
        self._stop = threading.Event()
        self._reload = threading.Event()
        self._elected = threading.Event()  # became leader: run a pass now
        self._wake = threading.Event()  # any of the three
        self._pass_lock = threading.Lock()  # held while a pass runs; a reload waits for it
        self._store: Store | None = None
        self._started = self._monotonic()
        self._since = self._started  # when this replica started, or last became leader
        self._last_finished: float | None = None  # monotonic time of the last completed pass
        self._last_error: str | None = None
        self._tick: float | None = None  # the main loop's last tick; None while not running
        self._scheduler: BaseScheduler | None = None
        self._elector: Elector | None = None  # None: no election, this process leads

    # --- what the signal handlers call (only set events: handlers must do no work) ---------

    def request_stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def request_reload(self) -> None:
        self._reload.set()
        self._wake.set()

    # --- the service -----------------------------------------------------------------------

    def run(self, *, once: bool = False) -> int:
        if once:
            result = self.pass_now("once")
            self._close_store()
            return 0 if result is not None and not result.incomplete else 3
        self._tick = self._monotonic()
        server = self._serve()
        scheduler = build_scheduler(self._setup.ctx.clock.zone)
        self._scheduler = scheduler
        try:
            self._start_election()
            self._schedule(scheduler)
            scheduler.start()
            _log.info(
                "service_started",
                interval=self._interval(),
                listen=self._listen(),
                election=self._election is not None,
            )
            while not self._stop.is_set():
                # With a timeout: a signal the kernel delivers to another thread runs its
                # Python handler only once the main thread executes bytecode again, and a wait
                # without one would never return to do so.
                self._wake.wait(timeout=TICK)
                self._wake.clear()
                self._tick = self._monotonic()
                if self._elected.is_set():
                    self._elected.clear()
                    run_soon(scheduler, self._setup.ctx.clock.now())
                if self._reload.is_set() and not self._stop.is_set():
                    self._reload_config(scheduler)
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            self._finish_pass_under_way()
            self._stop_election()  # after the last write: a standby may take over now
            if server is not None:
                server.close()
            self._close_store()
            self._tick = None
        _log.info("service_stopped")
        return 0

    @property
    def _election(self) -> Election | None:
        return self._elector.election if self._elector is not None else None

    def leading(self) -> bool:
        """May this replica write now? Always, without an election."""
        return self._election is None or self._election.leading()

    def liveness(self) -> Health:
        """/livez: the main loop ticks and the scheduler and the election still run."""
        threads_ok = self._elector is None or self._elector.alive()
        scheduler = self._scheduler
        return liveness(
            self._tick,
            self._monotonic(),
            scheduler is not None and scheduler.running and threads_ok,
        )

    def health(self) -> Health:
        """/healthz: 200 while the leader completes passes and while a standby can reach the
        store; 503 and why otherwise. Says which of the two this replica is."""
        now, interval, election = self._monotonic(), self._interval(), self._election
        if election is not None and not election.leading():
            return standby_health(interval, election.standing())
        last = self._last_finished
        done = None if last is None or last < self._since else now - last
        return pass_health(
            interval, now - self._since, done, self._last_error, electing=election is not None
        )

    # --- one pass ----------------------------------------------------------------------------

    def _job(self, reason: str) -> None:
        """The scheduler's job: a pass that never raises."""
        self._pass(reason)

    def pass_now(self, reason: str = "now") -> PassResult | None:
        """One pass as the scheduler runs it (the benchmark and `--once` call this)."""
        return self._pass(reason)

    def _pass(self, reason: str) -> PassResult | None:
        if self._stop.is_set():
            return None
        with self._pass_lock:
            # A standby skips; the leader checks its lock connection first (leader.py).
            if self._election is not None and not self._election.confirm():
                return None
            setup = self._setup
            try:
                store = self._open_store(setup.loaded)
                with self._locked(store), self._around_pass():
                    result = run_pass(
                        setup.ctx,
                        store,
                        Mode.SYNC,
                        setup.trackers,
                        stop=self._stopping,
                        memo=setup.memo,
                        digests=setup.renderer,
                    )
            except _Stopping:
                return None
            except SyncdError as exc:
                self._failed(reason, exc)
                if isinstance(exc, StoreError):
                    self._close_store()  # reopened next pass
                return None
            except Exception as exc:  # a bug must not end the service: log it whole
                _log.exception("pass_crashed", reason=reason)
                self._failed(reason, exc)
                return None
        outcome = _outcome(result, setup.loaded)
        finished = setup.ctx.clock.now().timestamp()  # Unix time for the *_timestamp_seconds
        self.metrics.observe_pass(result, outcome, finished)
        if result.digests is not None:
            counts = result.digests.counts()
            self.metrics.observe_digests(
                [(d, k, o) for (d, k, o), n in counts.items() for _ in range(n)], finished
            )
        if outcome != "incomplete":
            self._last_finished, self._last_error = time.monotonic(), None
        else:
            self._last_error = "a tracker failed this pass"
        return result

    def _stopping(self) -> bool:
        """The pass's stop hook, asked between writes: a stop was requested, or this replica
        is no longer certainly the leader (its lease ran out or its lock connection failed)."""
        return self._stop.is_set() or not self.leading()

    def _failed(self, reason: str, exc: BaseException) -> None:
        self._last_error = str(exc) or type(exc).__name__
        self.metrics.passes.labels("failed").inc()
        _log.error("pass_failed", reason=reason, error=self._last_error)

    @contextmanager
    def _locked(self, store: Store) -> Iterator[None]:
        """The store's lock, waiting while another pass (a cron `syncd check`) holds it."""
        wait = self._setup.loaded.config.service.lock_wait_seconds
        told = False
        while True:
            try:
                with store.lock(holder()):
                    yield
                    return
            except StoreLocked as exc:
                if not told:
                    _log.info("store_locked_waiting", holder=str(exc))
                    told = True
                if self._stop.wait(wait) or not self.leading():
                    raise _Stopping from None

    def _open_store(self, loaded: LoadedConfig) -> Store:
        if self._store is None:
            self._store = Store.open(loaded.store_url())
        return self._store

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # --- leader election ---------------------------------------------------------------------

    def _start_election(self) -> None:
        loaded = self._setup.loaded
        settings = loaded.config.service
        url = loaded.store_url()
        if settings.leader == "off" or make_url(url).get_backend_name() != "postgresql":
            self._elector = None  # SQLite has one writer host anyway; the pass lock stays
            return
        election = Election(
            url,
            retry=settings.leader_retry_seconds,
            lease=settings.lease_seconds,
            on_change=self._role_changed,
            monotonic=self._monotonic,
        )
        self._elector = Elector(election)
        self._elector.start()
        self._elected.clear()  # elected in the first round: the first pass runs at start anyway

    def _stop_election(self) -> None:
        """Give leadership up; until another election starts this replica does not lead."""
        if self._elector is not None:
            self._elector.close()

    def _role_changed(self, role: Role) -> None:
        if role is Role.LEADER:
            self._since = self._monotonic()
            self._elected.set()
            self._wake.set()

    def _finish_pass_under_way(self) -> None:
        grace = self._setup.loaded.config.service.shutdown_grace_seconds
        if self._pass_lock.acquire(timeout=grace):
            self._pass_lock.release()
        else:
            _log.warning("shutdown_deadline_exceeded", grace=grace)

    # --- config, schedule, health server ---------------------------------------------------

    def _reload_config(self, scheduler: BaseScheduler) -> None:
        """Between passes. While one runs, try again at the next tick: the main loop never
        blocks on a pass (that is what /livez watches)."""
        if not self._pass_lock.acquire(blocking=False):
            return
        try:
            self._reload.clear()
            try:
                loaded = load_config(self._path, self._env)
            except ConfigError as exc:
                self.metrics.reload_ok.set(0)
                _log.error("config_reload_failed", error=str(exc), problems=list(exc.problems))
                return
            before = self._setup.loaded
            self._setup = _Setup.build(loaded, self._clock)
            if loaded.store_url() != before.store_url():
                self._close_store()
            if _election_settings(loaded) != _election_settings(before):
                self._stop_election()
                self._start_election()
            self._schedule(scheduler)
        finally:
            self._pass_lock.release()
        self.metrics.reload_ok.set(1)
        _log.info("config_reloaded", path=str(loaded.path))

    def _schedule(self, scheduler: BaseScheduler) -> None:
        setup = self._setup
        schedule(
            scheduler,
            self._job,
            self._interval(),
            _digest_schedules(setup.loaded),
            setup.ctx.clock.zone,
            setup.ctx.clock.now(),
        )

    def _serve(self) -> HealthServer | None:
        address = self._setup.loaded.config.service.address()
        if address is None:
            return None
        server = HealthServer(address, self.health, self.metrics, self.liveness)
        server.start()
        return server

    def _interval(self) -> int:
        return self._setup.loaded.config.sync.interval_seconds

    def _listen(self) -> str | None:
        return self._setup.loaded.config.service.listen


def _outcome(result: PassResult, loaded: LoadedConfig) -> str:
    if result.incomplete:
        return "incomplete"
    active = (r for r in result.reports if not r.review.draft)
    fail_on = {Flag(f) for f in loaded.config.health.fail_on if f != "lint_errors"}
    return "problems" if any(r.flags & fail_on for r in active) else "ok"


def _digest_schedules(loaded: LoadedConfig) -> dict[str, str]:
    return {name: spec.schedule for name, spec in loaded.config.digests.items()}


def _election_settings(loaded: LoadedConfig) -> tuple[str, str, int, int]:
    service = loaded.config.service
    return loaded.store_url(), service.leader, service.leader_retry_seconds, service.lease_seconds
