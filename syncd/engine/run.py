"""One pass: gather → judge → plan → apply → report. `syncd check`, `syncd sync`, the daemon
and `syncd status` all run this same code (DESIGN §1 principle 6)."""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import syncd
from syncd import log
from syncd.config.load import LoadedConfig
from syncd.engine.apply.failpoint import failpoint
from syncd.engine.apply.reviews import ApplyResult, apply_edit_steps
from syncd.engine.judge import Rules, judge_all
from syncd.engine.plan.reviews import EditReview, compute_plan
from syncd.model import ItemReport, Problem, Review
from syncd.records import codec
from syncd.records.discover import discover
from syncd.records.lint import LintSettings, lint_review, settings_from_config
from syncd.records.reading import DEFAULT_SECTIONS, ParseOptions
from syncd.store.database import CachedReview, Store

if TYPE_CHECKING:
    from syncd.engine.tracker_pass import TrackerOutcome

_log = log.get("syncd.engine.run")

# A file modified this recently may change again within the same mtime tick without changing
# its size; such files are parsed but not cached (the "racy git" problem).
_RACY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class PassOptions:
    today: date | None = None  # injected clock; None = today in the configured time zone
    dry_run: bool = False
    write: bool = True  # False: judge and report only


@dataclass
class Gathered:
    reviews: list[Review]
    lint: list[Problem]  # lint problems incl. each review's own file problems
    discovery: list[Problem]
    parsed: int = 0
    cached: int = 0


@dataclass
class PassReport:
    today: date
    reviews: list[Review]
    reports: list[ItemReport]
    lint: list[Problem]
    apply: ApplyResult = field(default_factory=ApplyResult)
    trackers: TrackerOutcome | None = None
    parsed: int = 0
    cached: int = 0
    seconds: float = 0.0


def today_for(loaded: LoadedConfig, injected: date | None) -> date:
    if injected is not None:
        return injected
    return datetime.now(ZoneInfo(loaded.config.timezone)).date()


def parse_options(loaded: LoadedConfig) -> ParseOptions:
    records = loaded.config.records
    return ParseOptions(
        sections=tuple(records.sections) if records.sections else DEFAULT_SECTIONS,
        date_order=records.date_order,
        max_bytes=records.max_file_bytes,
    )


def lint_settings(loaded: LoadedConfig) -> LintSettings:
    return settings_from_config(loaded.config.lint, loaded.config.due_defaults)


def rules(loaded: LoadedConfig) -> Rules:
    cfg = loaded.config
    return Rules(
        follow_up_days=cfg.records.follow_up_days,
        due_soon_days=cfg.records.due_soon_days,
        due_defaults={k.upper(): v for k, v in cfg.due_defaults.items()},
    )


def gather(loaded: LoadedConfig, store: Store) -> Gathered:
    """Find and parse every review, re-using the parse cache for unchanged files."""
    records = loaded.config.records
    base = loaded.records_root()
    paths, discovery = discover(base, records.paths, records.exclude)
    options = parse_options(loaded)
    settings = lint_settings(loaded)
    fingerprint = _fingerprint(options, settings)
    cache = store.cached_reviews()
    fresh: list[tuple[str, CachedReview]] = []
    reviews: list[Review] = []
    lint: list[Problem] = []
    parsed = cached = 0
    now = time.time()
    seen: set[str] = set()
    for path in paths:
        rel = path.relative_to(base).as_posix()
        seen.add(rel)
        try:
            st = path.stat()
        except OSError:
            st = None
        hit = cache.get(rel)
        if (
            st is not None
            and hit is not None
            and hit.size == st.st_size
            and hit.mtime_ns == st.st_mtime_ns
            and hit.fingerprint == fingerprint
        ):
            review, problems = codec.loads(hit.payload)
            cached += 1
        else:
            review = _read(path, base, options)
            problems = tuple(lint_review(review, settings))
            parsed += 1
            if st is not None and review.readable and now - st.st_mtime > _RACY_SECONDS:
                fresh.append(
                    (
                        rel,
                        CachedReview(
                            st.st_size, st.st_mtime_ns, fingerprint, codec.dumps(review, problems)
                        ),
                    )
                )
        reviews.append(review)
        lint.extend(problems)
    if fresh:
        store.save_reviews(fresh)
    gone = set(cache) - seen
    if gone:
        store.forget_reviews(sorted(gone))
    return Gathered(reviews, lint, discovery, parsed, cached)


def _read(path: Path, base: Path, options: ParseOptions) -> Review:
    # The parser is imported on first use: a pass served from the cache never loads it
    # (~30 ms of a warm `syncd check`).
    from syncd.records.parse import read_review

    return read_review(path, base, options)[0]


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A pass allocates a few hundred thousand acyclic objects (10,000 items, their reports,
    ticket snapshots); the cyclic collector would rescan the growing heap over and over for
    nothing (~30 % of a pass). It is paused for the pass and catches up right after."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def run_pass(loaded: LoadedConfig, store: Store, options: PassOptions) -> PassReport:
    """One pass: records-only, or with the configured trackers (syncd.engine.tracker_pass)."""
    with _no_cyclic_gc():
        return _run_pass(loaded, store, options)


def _run_pass(loaded: LoadedConfig, store: Store, options: PassOptions) -> PassReport:
    started = time.perf_counter()
    today = today_for(loaded, options.today)
    gathered = gather(loaded, store)
    the_rules = rules(loaded)
    write_back = loaded.config.records.write_back and options.write
    outcome: TrackerOutcome | None = None
    if loaded.config.trackers:
        # Imported here: the tracker stack (and its client libraries) costs a records-only
        # pass ~0.3 s of start-up for nothing.
        from syncd.engine.tracker_pass import sync_trackers

        outcome = sync_trackers(
            loaded,
            store,
            gathered.reviews,
            today,
            the_rules,
            dry_run=options.dry_run or not options.write,
        )
        reports = judge_all(gathered.reviews, today, the_rules, outcome.progress, outcome.settled)
    else:
        reports = judge_all(gathered.reviews, today, the_rules)
    result = ApplyResult()
    linked = outcome.linked if outcome else {}
    frozen = outcome.frozen if outcome else frozenset()
    steps = compute_plan(reports, write_back, linked, frozen)
    if steps:
        base = loaded.records_root()
        by_path = {r.path: r for r in gathered.reviews}
        progress = outcome.progress if outcome else {}

        def replan(path: str) -> EditReview | None:
            review = _read(base / path, base, parse_options(loaded))
            by_path[path] = review
            judged = judge_all([review], today, the_rules, progress)
            fresh = compute_plan(judged, write_back, linked, frozen)
            return fresh[0] if fresh else None

        result = apply_edit_steps(steps, base, replan, dry_run=options.dry_run)
        failpoint("after_review")
        if result.written and not options.dry_run:
            # Re-read what we wrote so the report and the cache show the new state.
            for path in result.written:
                review = _read(base / path, base, parse_options(loaded))
                by_path[path] = review
            gathered.reviews = [by_path[r.path] for r in gathered.reviews]
            settled = {r.item.key: r for r in reports}  # re-read files bring new items
            reports = judge_all(gathered.reviews, today, the_rules, progress, settled)
    if not options.dry_run:
        store.record_statuses(
            {r.item.key: (r.status, r.review.path) for r in reports if not r.review.draft},
            datetime.now(ZoneInfo("UTC")),
        )
    seconds = time.perf_counter() - started
    _log.info(
        "pass_finished",
        reviews=len(gathered.reviews),
        items=len(reports),
        parsed=gathered.parsed,
        cached=gathered.cached,
        written=len(result.written),
        seconds=round(seconds, 3),
    )
    return PassReport(
        today=today,
        reviews=gathered.reviews,
        reports=reports,
        lint=gathered.discovery + gathered.lint,
        apply=result,
        trackers=outcome,
        parsed=gathered.parsed,
        cached=gathered.cached,
        seconds=seconds,
    )


def _fingerprint(options: ParseOptions, settings: LintSettings) -> str:
    text = f"{syncd.__version__}|{codec.FORMAT}|{options!r}|{settings!r}|{os.name}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def holder() -> str:
    return f"syncd {syncd.__version__} pid {os.getpid()}"


def open_store(loaded: LoadedConfig) -> Store:
    return Store.open(loaded.store_url())
