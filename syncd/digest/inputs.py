"""What a digest is made of, from the config, the store and the judged items: which
digests exist, the instant and period they are for, the item → tracker routes, and the
built digest with its render options. Used by deliver.py and `syncd digest`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta

from syncd.clock import Clock
from syncd.config.load import LoadedConfig
from syncd.digest.build import build_digest
from syncd.digest.config import DigestSpec
from syncd.digest.history import history_since
from syncd.digest.model import BuildSettings, Digest, Selection, TicketLink
from syncd.digest.period import period_at
from syncd.digest.render import RenderOptions
from syncd.errors import UsageError
from syncd.model import ItemReport
from syncd.store.database import Store
from syncd.trackers.protocol import TicketState

DEFAULT_NAME = "digest"


def tickets_of(linked: Mapping[str, TicketState]) -> dict[str, TicketLink]:
    """Item key → the ticket it links to, as the digest shows it."""
    return {key: TicketLink(s.key, s.url, s.status.value) for key, s in linked.items()}


def as_of(clock: Clock) -> datetime:
    """The instant a digest is made for: now, or the end of a pinned day (`--today`)."""
    if clock.pinned_today is None:
        return clock.now()
    start_next = datetime.combine(clock.pinned_today + timedelta(days=1), time(), clock.zone)
    return min(clock.now(), start_next - timedelta(microseconds=1))


def specs(loaded: LoadedConfig, only: str | None = None) -> dict[str, DigestSpec]:
    """The configured digests (or the one named); with none configured, one default digest
    of everything that has no channels (`syncd digest` still renders it)."""
    configured = dict(loaded.config.digests) or {DEFAULT_NAME: DigestSpec()}
    if only is None:
        return configured
    if only not in configured:
        names = ", ".join(sorted(configured))
        raise UsageError(f"no digest named `{only}` in {loaded.path.name} (configured: {names})")
    return {only: configured[only]}


def make_digest(
    loaded: LoadedConfig,
    store: Store,
    reports: Sequence[ItemReport],
    clock: Clock,
    name: str,
    spec: DigestSpec,
    *,
    selection: Selection | None = None,
    tracker_of: Mapping[str, str] | None = None,
    tickets: Mapping[str, TicketLink] | None = None,
) -> tuple[Digest, RenderOptions]:
    """The digest `name` for the period of `as_of(clock)`, and how to render it."""
    zone = loaded.config.zone()
    period = period_at(spec.schedule, zone, as_of(clock))
    window = timedelta(days=spec.window_days + 35)  # the trend looks four weeks further back
    settings = BuildSettings(
        name=name,
        title=spec.heading(name),
        window_days=spec.window_days,
        review_base=_review_base(loaded),
        review_url=loaded.config.sync.review_url,
        selection=selection or spec.filter.selection(),
    )
    digest = build_digest(
        reports,
        settings,
        period,
        clock.today(),
        history_since(store, min(period.start, as_of(clock) - window)),
        tracker_of=tracker_of if tracker_of is not None else routes(loaded, reports),
        tickets=tickets,
    )
    options = RenderOptions(
        max_items=spec.max_items, more_url=spec.more_url, zone=loaded.config.timezone
    )
    return digest, options


def _review_base(loaded: LoadedConfig) -> str:
    root = loaded.records_root()
    try:
        rel = root.resolve().relative_to(loaded.base_dir.resolve()).as_posix()
    except ValueError:
        return root.resolve().as_posix()
    return "" if rel == "." else rel


def routes(loaded: LoadedConfig, reports: Sequence[ItemReport]) -> dict[str, str]:
    """Item key → tracker for `filter.trackers`: front matter `tracker:`, then the first
    matching rule, then `routing.default` (the pass's own routing; a pass that has its routes
    passes them as `tracker_of` instead)."""
    config = loaded.config
    if not config.trackers:
        return {}
    out: dict[str, str] = {}
    for r in reports:
        meta = r.review.meta
        tracker = meta.tracker
        if tracker is None:
            for rule in config.routing.rules:
                if rule.team and (meta.team or "").casefold() != rule.team.casefold():
                    continue
                wanted = {s.casefold() for s in rule.services}
                if wanted and not wanted & {s.casefold() for s in meta.services}:
                    continue
                if rule.severity and (meta.severity or "").upper() not in rule.severity:
                    continue
                tracker = rule.tracker
                break
        if tracker is None:
            tracker = config.routing.default or (
                next(iter(config.trackers)) if len(config.trackers) == 1 else None
            )
        if tracker is not None:
            out[r.item.key] = tracker
    return out
