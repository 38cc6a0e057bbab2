"""The pass as a long-running process calls it: again and again in one process.

Two passes in one process must give what two processes give, and leave the process as they
found it (the cyclic GC on, nothing growing from pass to pass).
"""

from __future__ import annotations

import gc
import shutil
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

from structlog.testing import capture_logs

from syncd.clock import Clock
from syncd.config.load import load_config
from syncd.engine.context import PassContext, holder
from syncd.engine.run import PassResult, run_pass
from syncd.store.database import Store
from tests.system.conftest import REPO, Run, write

TODAY = date(2026, 12, 7)


def _project(base: Path) -> Path:
    shutil.copytree(REPO / "examples" / "reviews", base / "reviews")
    write(base / "syncd.yaml", 'timezone: Europe/Berlin\nrecords:\n  paths: ["reviews/**/*.md"]\n')
    return base


def _in_process(base: Path, passes: int) -> list[PassResult]:
    loaded = load_config(base / "syncd.yaml", {})
    clock = Clock(loaded.config.zone(), lambda: datetime(2026, 12, 7, 9, tzinfo=UTC))
    ctx = PassContext.build(loaded, clock)
    results = []
    with Store.open(loaded.store_url()) as store, capture_logs():
        for _ in range(passes):
            with store.lock(holder()):
                results.append(run_pass(ctx, store))
    return results


def _files(base: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((base / "reviews").rglob("*.md"))}


def _summary(result: PassResult) -> list[tuple[str, str, list[str]]]:
    return [(r.item.key, r.status.value, sorted(r.flags)) for r in result.reports]


def test_two_passes_in_one_process_equal_two_processes(tmp_path: Path, run: Run) -> None:
    inside = _project(tmp_path / "inside")
    outside = _project(tmp_path / "outside")
    first, second = _in_process(inside, 2)
    for _ in range(2):
        assert run("check", "--today", TODAY.isoformat(), cwd=outside).returncode in (0, 1)
    assert _files(inside) == _files(outside)
    assert first.applied.reviews.written and not second.applied.reviews.written
    assert _summary(first) == _summary(second)
    assert gc.isenabled()  # the library never turns the collector off


def test_a_pass_repeated_in_one_process_grows_nothing(tmp_path: Path) -> None:
    base = _project(tmp_path)
    _in_process(base, 3)  # warm: caches filled, marks written
    loaded = load_config(base / "syncd.yaml", {})
    ctx = PassContext.build(loaded, Clock(loaded.config.zone(), pinned_today=TODAY))
    with Store.open(loaded.store_url()) as store, capture_logs():

        def passes(n: int) -> int:
            for _ in range(n):
                with store.lock(holder()):
                    run_pass(ctx, store)
            gc.collect()
            return tracemalloc.get_traced_memory()[0]

        tracemalloc.start()
        try:
            settled = passes(10)
            later = passes(40)
        finally:
            tracemalloc.stop()
    # 40 more passes over 11 reviews: a leak of one small object per item per pass would be
    # ~100 KB; the allowance covers allocator and interpreter noise.
    assert later - settled < 40_000, (settled, later)
