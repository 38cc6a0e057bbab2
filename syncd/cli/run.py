"""`syncd run`: the long-running service, in the foreground (containers and systemd run it so)."""

from __future__ import annotations

import faulthandler
import gc
import os
import signal
import sys
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

    loaded = obj.load()  # a broken config stops the start with exit 2 and file:line messages
    service = Service(obj.config_path or loaded.path, os.environ)
    if not once:
        _install_signals(service)
    # A service lives long: the cyclic collector stays on, but what start-up built (modules,
    # config, tracker clients) is frozen out of its scans, which a pass would repeat for nothing.
    gc.enable()
    gc.freeze()
    return service.run(once=once)


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
