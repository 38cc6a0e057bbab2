"""When the service runs a pass: APScheduler 3.x, kept behind this one module.

One job runs every `sync.interval` (with a little jitter), starting now; one job per digest
fires on its cron schedule in `timezone` and runs a pass at once (the pass sends the digests
that are due; the store's digest ledger decides what is due, so a double fire sends once).
A full reconciliation needs no job of its own: a pass lists everything when `sync.full_every`
has passed since the last full listing.

Jobs never overlap: one worker thread, `max_instances=1`, and `coalesce` folds a backlog into
one run. A sync run late by less than an interval still runs (`misfire_grace_time`); a digest
run however late (the ledger decides). Decisions from digest-and-service.md §8.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

SYNC_JOB = "sync"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1}


def build_scheduler(zone: tzinfo) -> BackgroundScheduler:
    return BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults=JOB_DEFAULTS,
        timezone=zone,
    )


def jitter_for(interval: float) -> float:
    """Up to a tenth of the interval, at most 30 s: replicas and cron jobs spread out."""
    return min(30.0, interval / 10)


def run_soon(scheduler: BaseScheduler, now: datetime) -> None:
    """Run the interval pass now (a replica that just became leader), then on its interval."""
    job = scheduler.get_job(SYNC_JOB)
    if job is not None:
        job.modify(next_run_time=now)


def schedule(
    scheduler: BaseScheduler,
    job: Callable[[str], None],
    interval: float,
    digests: Mapping[str, str],
    zone: tzinfo,
    now: datetime,
) -> None:
    """(Re)place every job: the interval pass (first run `now`) and one per digest schedule."""
    for existing in scheduler.get_jobs():
        existing.remove()
    scheduler.add_job(
        job,
        IntervalTrigger(seconds=interval, jitter=jitter_for(interval), timezone=zone),
        args=["interval"],
        id=SYNC_JOB,
        next_run_time=now,
        misfire_grace_time=max(1, int(interval)),
    )
    for name, cron in digests.items():
        scheduler.add_job(
            job,
            CronTrigger.from_crontab(cron, timezone=zone),
            args=[f"digest:{name}"],
            id=f"digest:{name}",
            misfire_grace_time=None,
        )
