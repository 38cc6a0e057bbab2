"""`syncd run`: the long-running service, in the foreground (containers and systemd run it so)."""

from __future__ import annotations

import faulthandler
import gc
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from syncd.cli.context import Ctx


@click.command()
@click.option("--once", is_flag=True, help="Run one pass (and the digests due) and exit.")
@click.pass_obj
def run(obj: Ctx, once: bool) -> int:
    """Run syncd as a service: a pass every sync.interval, each digest on its schedule.

    Stays in the foreground and logs one line per pass (JSON when stderr is not a terminal).
    With service.listen set, serves /healthz (200 while the last pass finished within three
    intervals, else 503 and why) and /metrics (Prometheus). Waits while a cron `syncd check`
    holds the store's lock.

    \b
    Signals:
      SIGTERM, SIGINT  finish the write under way, release the lock, exit 0
      SIGHUP           reload the config (an invalid one is logged and the old one kept)
      SIGUSR1          dump every thread's stack to stderr (a stuck service)
    """
    from syncd.service.runner import Service

    # A broken config stops the start with exit 2 and file:line messages.
    loaded = obj.load(service=True)
    service = Service(obj.config_path or loaded.path, os.environ, around_pass=_collect_after)
    if not once:
        _install_signals(service)
    # What start-up built (modules, config, tracker clients) lives as long as the process:
    # frozen out of the collector's scans.
    gc.collect()
    gc.freeze()
    return service.run(once=once)


@contextmanager
def _collect_after() -> Iterator[None]:
    """A pass allocates a few hundred thousand acyclic objects; the cyclic collector would
    rescan the growing heap again and again during it (~1 s of a 10,000-item pass). It is off
    in every command (entry.py); the service runs it once after each pass, off the pass's
    clock, so cycles never build up over months."""
    gc.disable()
    try:
        yield
    finally:
        gc.collect()


def _install_signals(service: object) -> None:
    from syncd.service.runner import Service

    assert isinstance(service, Service)

    def stop(signum: int, frame: FrameType | None) -> None:
        service.request_stop()

    def reload(signum: int, frame: FrameType | None) -> None:
        service.request_reload()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)
