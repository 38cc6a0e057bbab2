"""Fault soak: many sync passes through the real engine against each tracker fake while 20 % of
the tracker's requests fail and a person keeps editing the reviews and the tickets.

Each pass runs what `syncd sync` runs (config_load.load_config → Store.open + lock →
engine.run.run_pass), in-process, against GitHub, GitLab and Jira fakes that answer real HTTP to
the real client libraries. Faults, mixed: 500/502/503, 429 with Retry-After (0 s: retry at
once; 1 s: wait, within max_wait; a second one in a row exceeds max_wait and the tracker sits
the pass out), stalls past the client's timeout, dropped connections, and "created, but the
response was lost" (the write happens, the client sees a broken connection; also forced on
the first create of some passes). Between
passes the person adds items and reviews, edits due dates, owners and prose, rewords linked
items, and closes (done / won't do with a reason), reopens or starts tickets; in some passes
they save a review while the pass is talking to the tracker. Some passes run during an
outage (every request fails): they must not change any review.

After every pass: every review still parses with no file problems; no ticket marker occurs
twice (one ticket per item, ever); the author's text of every review is exactly what the
author wrote (no lost or clobbered edit); syncd closed no ticket a person did not close.
At the end, after fault-free passes: every item is linked to exactly one ticket and every
ticket to exactly one item, each suffix shows its ticket's state (and won't-do reason), the
ticket carries the review-owned title (and due date), and one more pass writes nothing.

Each soak runs twice: as `syncd sync` from cron (everything read afresh each pass) and as
`syncd run` (one memo and one set of adapters kept from pass to pass, so reviews and tickets
that did not change are neither read nor judged nor planned again).

Short by default (25 passes per tracker and runner). The long soak:

    .venv/bin/pytest -q tests/soak --soak-passes 500     # or SYNCD_SOAK_PASSES=500
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.engine.memo import PassMemo
from syncd.engine.run import build_trackers
from syncd.model import Status
from syncd.records.parse import read_review
from tests.fakes.base import Faults
from tests.soak.harness import FAULT_KINDS, TODAY, WRITES, Soak, configure
from tests.soak.trackers import DRIVERS, Driver, Ticket
from tests.soak.world import World

# Each fault drawn from this bag: stalls cost a full client timeout, so they come less often.
FAULT_BAG = ("5xx", "5xx", "429", "429", "timeout", "drop", "drop", "lost", "lost")


@pytest.fixture(params=sorted(DRIVERS))
def driver(request: pytest.FixtureRequest) -> Iterator[Driver]:
    made = DRIVERS[request.param]()
    try:
        yield made
    finally:
        made.fake.before_request = None
        made.fake.stop()


@pytest.mark.parametrize("runner", ["cron", "service"])
def test_fault_soak_keeps_one_ticket_per_item_and_every_review_edit(
    driver: Driver, runner: str, tmp_path: Path, soak_passes: int
) -> None:
    rng = random.Random(f"soak-{driver.kind}" + ("-service" if runner == "service" else ""))
    world = World(tmp_path, TODAY, rng)
    for _ in range(4):
        world.add_review()
    soak = Soak(driver, world, configure(tmp_path, driver), rng)
    if runner == "service":  # one process: the memo and the adapters kept from pass to pass
        soak.memo, soak.trackers = PassMemo(), build_trackers(soak.context())
    driver.fake.set_faults(
        Faults(
            rate=0.2,
            kinds=FAULT_BAG,
            retry_afters=(0, 1),
            stall=driver.timeout + 0.3,
            seed=rng.randrange(2**32),
        )
    )
    started = time.perf_counter()
    for number in range(soak_passes):
        if number:
            soak.mutate()
        soak.faulty_pass(number)
    assert all(driver.fake.injected[k] for k in FAULT_KINDS), driver.fake.injected

    # Calm: no faults, no edits, until two passes in a row have nothing left to retry.
    driver.fake.set_faults(Faults())
    driver.fake.before_request = None
    tickets = soak.settle()
    driver.fake.reset_log()
    idle = soak.run()
    writes = [(r.method, r.path) for r in driver.fake.requests if r.method in WRITES]
    assert not writes and not idle.applied.reviews.written, (writes, idle.applied.reviews.written)
    if runner == "service":  # what the memo kept judges as a new process would
        assert idle.reports == soak.run(afresh=True).reports

    _assert_linked_exactly_once(soak, tickets)
    print(
        f"\n{driver.kind}: {soak_passes} faulty passes in {time.perf_counter() - started:.1f} s; "
        f"faults {dict(driver.fake.injected)}; {dict(soak.stats)}; "
        f"{world.items} items, {len(tickets)} tickets"
    )


def _assert_linked_exactly_once(soak: Soak, tickets: list[Ticket]) -> None:
    base = soak.loaded.base_dir
    by_url = {t.url: t for t in tickets}
    referenced: list[str] = []
    for path in sorted(soak.world.model):
        review, _ = read_review(base / path, base, soak.context().parse)
        for item in review.items:
            where = f"{path}:{item.line}"
            assert item.suffix is not None and item.suffix.ticket_url, f"{where} is not linked"
            ticket = by_url.get(item.suffix.ticket_url)
            assert ticket is not None, f"{where} links {item.suffix.ticket_url}, which is gone"
            referenced.append(ticket.url)
            assert item.suffix.status is ticket.status, (where, item.suffix, ticket)
            if ticket.status is Status.DEPRIORITIZED:
                assert item.suffix.reason == soak.driver.reasons[ticket.id], (where, item.suffix)
            assert (item.marker is Status.DONE) == (ticket.status is Status.DONE), where
            assert ticket.title == item.description, (where, ticket.title)
            if item.due is not None and soak.driver.kind != "github":
                assert ticket.due == item.due, (where, ticket.due, item.due)
    twice = [url for url, n in Counter(referenced).items() if n > 1]
    assert not twice, f"tickets linked from two items: {twice}"
    unlinked = sorted(set(by_url) - set(referenced))
    assert not unlinked, f"tickets no item links to: {unlinked}"
