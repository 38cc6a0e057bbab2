"""Benchmark building and rendering the digest of 1,000 reviews / 10,000 items.

Generates the corpus with gen_reviews.py, judges it once (as a pass would), records a status
history with some items done this week, then times, warm (after one untimed run), the pure
build and each format's rendering on top of it. Target (DESIGN §12): every format of a
10,000-item digest in under 0.3 s. Also prints payload sizes: chat messages within limits,
HTML under the Gmail clipping budget.

    python bench/bench_digest.py [--reviews 1000] [--items 10] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_reviews import generate

from syncd.clock import Clock
from syncd.config.load import load_config
from syncd.digest.build import build_digest
from syncd.digest.chat import slack_payloads, teams_payloads
from syncd.digest.history import history_since
from syncd.digest.model import BuildSettings
from syncd.digest.period import period_at
from syncd.digest.render import FORMATS, Renderer, RenderOptions
from syncd.engine.context import PassContext
from syncd.engine.run import Mode, run_pass
from syncd.model import Status
from syncd.store.database import Store

TODAY = date(2026, 11, 18)
T = TypeVar("T")


def timed(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    """Median seconds of `repeat` warm runs (after one untimed run), and the result."""
    result = work()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.reviews, args.items)
        loaded = load_config(root / "syncd.yaml", {})
        zone = loaded.config.zone()
        with Store.open(loaded.store_url()) as store:
            ctx = PassContext.build(loaded, Clock(zone, pinned_today=TODAY))
            judged = run_pass(ctx, store, Mode.READ)  # as `syncd digest` reads and judges
            reviews, reports = judged.reviews, judged.reports
            period = period_at("0 9 * * MON", zone, datetime(2026, 11, 18, 12, tzinfo=UTC))
            # History: everything first seen four months ago, every tenth done item this week.
            first = {r.item.key: (Status.OPEN, r.review.path) for r in reports}
            store.record_statuses(first, period.start - timedelta(days=120))
            store.record_statuses(
                {r.item.key: (r.status, r.review.path) for r in reports},
                period.start + timedelta(days=2),
            )
            started = time.perf_counter()
            history = history_since(store, period.start - timedelta(days=125))
            history_s = time.perf_counter() - started
        # As `syncd` runs a command: the cyclic GC off (syncd/cli/entry.py); a pass does the
        # same for its duration (engine/run.py).
        gc.disable()
        settings = BuildSettings(name="weekly", title="Open actions: weekly")
        build_s, digest = timed(
            args.repeat, lambda: build_digest(reports, settings, period, TODAY, history)
        )
        renderer = Renderer()
        options = RenderOptions(zone="UTC")
        print(
            f"{len(reviews)} reviews, {len(reports)} items; {len(history)} status changes read "
            f"in {history_s:.3f} s (store, not part of the target)"
        )
        print(f"{'step':<22}{'median s':>10}  size")
        print(f"{'build (pure)':<22}{build_s:>10.3f}  {digest.totals.open} open")
        worst = 0.0
        for fmt in FORMATS:
            render_s, text = timed(args.repeat, partial(renderer.render, digest, fmt, options))
            note = f"{len(text.encode()) / 1024:.0f} KiB"
            if fmt == "slack":
                note += f", {len(slack_payloads(renderer, digest, options))} message(s)"
            if fmt == "teams":
                note += f", {len(teams_payloads(renderer, digest, options))} card(s)"
            if fmt == "json":
                listed = sum(len(g["items"]) for g in json.loads(text)["overdue"])
                note += f", all {listed} overdue items listed"
            total = build_s + render_s
            worst = max(worst, total)
            print(f"{'render ' + fmt:<22}{render_s:>10.3f}  {note}; build + render {total:.3f} s")
        verdict = "met" if worst < 0.3 else "NOT met"
        print(f"slowest format, build + render: {worst:.3f} s (target < 0.3 s: {verdict})")
        print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
