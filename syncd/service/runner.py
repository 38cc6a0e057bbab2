"""`syncd run`: the service around the pass — schedule, lock, reload, health, shutdown.

The main thread owns the signals (the command installs handlers that only set events here)
and waits; passes run on the scheduler's one worker thread. A pass that fails is logged and
counted, and the next interval tries again: a tracker outage, a store that is briefly away or
a bad review never stops the service. On stop, the pass under way finishes the write it is
in and runs no more (`run_pass(stop=…)`), within `service.shutdown_grace`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from syncd import log
from syncd.clock import Clock
from syncd.config.load import LoadedConfig, load_config
from syncd.digest.render import Renderer
from syncd.engine.context import PassContext, holder
from syncd.engine.memo import PassMemo
from syncd.engine.run import Mode, PassResult, build_trackers, run_pass
from syncd.errors import ConfigError, StoreError, StoreLocked, SyncdError
from syncd.model import Flag
from syncd.service.health import Health, HealthServer
from syncd.service.metrics import Metrics
from syncd.service.scheduler import build_scheduler, schedule
from syncd.store.database import Store
from syncd.trackers.protocol import Tracker

_log = log.get("syncd.service")


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
        self._setup = _Setup.build(load_config(config_path, env), clock)
        self.metrics = Metrics()
        self._stop = threading.Event()
        self._reload = threading.Event()
        self._wake = threading.Event()  # either of the two
        self._pass_lock = threading.Lock()  # held while a pass runs; a reload waits for it
        self._store: Store | None = None
        self._started = time.monotonic()
        self._last_finished: float | None = None  # monotonic time of the last completed pass
        self._last_error: str | None = None

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
        server = self._serve()
        scheduler = build_scheduler(self._setup.ctx.clock.zone)
        self._schedule(scheduler)
        scheduler.start()
        _log.info("service_started", interval=self._interval(), listen=self._listen())
        try:
            while not self._stop.is_set():
                # With a timeout: a signal the kernel delivers to another thread runs its
                # Python handler only once the main thread executes bytecode again, and a wait
                # without one would never return to do so.
                self._wake.wait(timeout=0.5)
                self._wake.clear()
                if self._reload.is_set() and not self._stop.is_set():
                    self._reload.clear()
                    self._reload_config(scheduler)
        finally:
            scheduler.shutdown(wait=False)
            self._finish_pass_under_way()
            if server is not None:
                server.close()
            self._close_store()
        _log.info("service_stopped")
        return 0

    def health(self) -> Health:
        interval = self._interval()
        now = time.monotonic()
        if self._last_finished is None:
            waited = now - self._started
            if waited <= 3 * interval:
                return Health(True, f"ok: starting, no pass finished yet ({waited:.0f} s)")
            return Health(False, f"no pass has finished in {waited:.0f} s since the start")
        age = now - self._last_finished
        if age <= 3 * interval:
            return Health(True, f"ok: last pass finished {age:.0f} s ago")
        why = f"; last error: {self._last_error}" if self._last_error else ""
        return Health(
            False,
            f"the last pass finished {age:.0f} s ago, more than 3 intervals of {interval} s{why}",
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
            setup = self._setup
            try:
                store = self._open_store(setup.loaded)
                with self._locked(store), self._around_pass():
                    result = run_pass(
                        setup.ctx,
                        store,
                        Mode.SYNC,
                        setup.trackers,
                        stop=self._stop.is_set,
                        memo=setup.memo,
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
        self.metrics.observe_pass(result, outcome, time.time())
        if result.digests is not None:
            counts = result.digests.counts()
            self.metrics.observe_digests(
                [(d, k, o) for (d, k, o), n in counts.items() for _ in range(n)], time.time()
            )
        if outcome != "incomplete":
            self._last_finished, self._last_error = time.monotonic(), None
        else:
            self._last_error = "a tracker failed this pass"
        return result

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
                if self._stop.wait(wait):
                    raise _Stopping from None

    def _open_store(self, loaded: LoadedConfig) -> Store:
        if self._store is None:
            self._store = Store.open(loaded.store_url())
        return self._store

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _finish_pass_under_way(self) -> None:
        grace = self._setup.loaded.config.service.shutdown_grace_seconds
        if self._pass_lock.acquire(timeout=grace):
            self._pass_lock.release()
        else:
            _log.warning("shutdown_deadline_exceeded", grace=grace)

    # --- config, schedule, health server ---------------------------------------------------

    def _reload_config(self, scheduler: object) -> None:
        try:
            loaded = load_config(self._path, self._env)
        except ConfigError as exc:
            self.metrics.reload_ok.set(0)
            _log.error("config_reload_failed", error=str(exc), problems=list(exc.problems))
            return
        with self._pass_lock:  # between passes
            old = self._setup.loaded.store_url()
            self._setup = _Setup.build(loaded, self._clock)
            if loaded.store_url() != old:
                self._close_store()
            self._schedule(scheduler)
        self.metrics.reload_ok.set(1)
        _log.info("config_reloaded", path=str(loaded.path))

    def _schedule(self, scheduler: object) -> None:
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
        server = HealthServer(address, self.health, self.metrics)
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
