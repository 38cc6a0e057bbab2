"""The service's Prometheus metrics, on a registry of its own (no process-wide default).

Names follow Prometheus conventions (`syncd_` prefix, base units, `_total` counters, bounded
labels: tracker and digest names from the config, never a review path, ticket, owner or error
text). Updated once per pass from the pass's result.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

import syncd
from syncd.engine.apply.execute import Result
from syncd.engine.plan.steps import Comment, CreateTicket, SetLabel, UpdateTicket
from syncd.engine.run import PassResult
from syncd.model import Flag, Status

# A pass waits on rate limits now and then: minutes, not the default 10 s ceiling.
_WRITES = (CreateTicket, UpdateTicket, SetLabel, Comment)
_COUNTED = (Result.DONE, Result.NOOP, Result.FAILED)
_PASS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        Info("syncd_build", "The running syncd.", registry=r).info({"version": syncd.__version__})
        self.items = Gauge(
            "syncd_items", "Action items by status (drafts excluded).", ["status"], registry=r
        )
        self.flagged = Gauge(
            "syncd_items_flagged", "Open action items by follow-through flag.", ["flag"], registry=r
        )
        self.overdue = Gauge("syncd_overdue_items", "Action items past their due date.", registry=r)
        self.duration = Histogram(
            "syncd_pass_duration_seconds", "Time a pass took.", buckets=_PASS_BUCKETS, registry=r
        )
        self.passes = Counter(
            "syncd_passes",
            "Passes by result: ok, problems, incomplete, failed.",
            ["result"],
            registry=r,
        )
        self.requests = Counter(
            "syncd_tracker_requests",
            "Tracker requests and writes by tracker and outcome.",
            ["tracker", "outcome"],
            registry=r,
        )
        self.rate_limited = Counter(
            "syncd_tracker_rate_limited",
            "Writes a tracker's rate limit deferred to a later pass.",
            ["tracker"],
            registry=r,
        )
        self.digests = Counter(
            "syncd_digest_sends",
            "Digest deliveries by digest, channel and outcome.",
            ["digest", "channel", "outcome"],
            registry=r,
        )
        self.last_success = Gauge(
            "syncd_last_success_timestamp_seconds",
            "When the last pass that completed finished (Unix time).",
            registry=r,
        )
        self.last_digest = Gauge(
            "syncd_digest_last_sent_timestamp_seconds",
            "When a digest was last delivered (Unix time).",
            ["digest"],
            registry=r,
        )
        self.reload_ok = Gauge(
            "syncd_config_last_reload_successful",
            "1 if the last config (re)load was valid, else 0 (the old config is kept).",
            registry=r,
        )
        self.leader = Gauge(
            "syncd_leader", "1 while this replica runs passes, 0 while it stands by.", registry=r
        )
        self.reload_ok.set(1)
        self.leader.set(1)

    def observe_pass(self, result: PassResult, outcome: str, finished_at: float) -> None:
        self.duration.observe(result.seconds)
        self.passes.labels(outcome).inc()
        if outcome in ("ok", "problems"):
            self.last_success.set(finished_at)
        active = [r for r in result.reports if not r.review.draft]
        for status in Status:
            self.items.labels(status.value).set(sum(1 for r in active if r.status is status))
        for flag in Flag:
            self.flagged.labels(flag.value).set(sum(1 for r in active if flag in r.flags))
        self.overdue.set(sum(1 for r in active if Flag.OVERDUE in r.flags))
        self._count_trackers(result)

    def _count_trackers(self, result: PassResult) -> None:
        if result.trackers is None:
            return
        for name, facts in result.trackers.items():
            outcome = "ok" if facts.ok else "failed"
            self.requests.labels(name, outcome).inc(max(facts.requests, 0 if facts.ok else 1))
        for done in result.applied.outcomes:
            step = done.step
            if isinstance(step, _WRITES) and done.result in _COUNTED:
                self.requests.labels(step.tracker, f"write_{done.result.value}").inc()
        for name in result.applied.broken:
            self.rate_limited.labels(name).inc()

    def observe_digests(self, sends: Iterable[tuple[str, str, str]], at: float) -> None:
        """(digest, channel, outcome) per delivery attempt."""
        for digest, channel, outcome in sends:
            self.digests.labels(digest, channel, outcome).inc()
            if outcome == "sent":
                self.last_digest.labels(digest).set(at)
