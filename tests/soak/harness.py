"""The soak's harness: a config for one tracker fake, and `Soak`, which runs passes the way
`syncd sync` does (or `syncd run`, with a memo), acts as the person, and checks the
invariants after every pass."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from structlog.testing import capture_logs

from syncd.clock import Clock
from syncd.config.load import LoadedConfig, load_config
from syncd.engine.context import PassContext, holder
from syncd.engine.memo import PassMemo
from syncd.engine.run import PassResult, run_pass
from syncd.model import Status
from syncd.records.parse import read_review
from syncd.store.database import Store
from syncd.trackers.protocol import Tracker
from tests.fakes.base import Request
from tests.soak.trackers import Driver, Ticket
from tests.soak.world import World

TODAY = date(2026, 11, 23)
FAULT_KINDS = ("5xx", "429", "timeout", "drop", "lost")
CLOSED = (Status.DONE, Status.DEPRIORITIZED)
WRITES = ("POST", "PUT", "PATCH", "DELETE")
COUNTED_EVENTS = {"intent_recovered", "review_changed_while_planning", "tracker_rate_limited"}


def configure(base: Path, driver: Driver, full_every: str = "2s") -> LoadedConfig:
    (base / "syncd.yaml").write_text(
        f"""\
timezone: UTC
records:
  paths: ["reviews/**/*.md"]
sync:
  full_every: {full_every}
  on_removed: close
trackers:
  t:{driver.config}
owners:
  "@priya": {{github: priya, gitlab: person, jira: acc-priya}}
""",
        encoding="utf-8",
    )
    return load_config(base / "syncd.yaml", driver.env)


@dataclass
class Soak:
    driver: Driver
    world: World
    loaded: LoadedConfig
    rng: random.Random
    person_closed: set[str] = field(default_factory=set)  # ticket ids a person closed
    log: list[str] = field(default_factory=list)
    hook_errors: list[BaseException] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)
    # As `syncd run` runs its passes: one memo and one set of tracker adapters, kept from
    # pass to pass (None: as `syncd sync` from cron, everything read afresh each pass).
    memo: PassMemo | None = None
    trackers: dict[str, Tracker] | None = None
    # The last passes' log events: a failure names what syncd said about the item.
    recent_events: deque[list[dict[str, Any]]] = field(default_factory=lambda: deque(maxlen=4))

    def context(self) -> PassContext:
        return PassContext.build(self.loaded, Clock(self.loaded.config.zone(), pinned_today=TODAY))

    def run(self, *, afresh: bool = False) -> PassResult:
        """One pass; `afresh`: as a new process would run it (no memo, new adapters)."""
        memo, trackers = (None, None) if afresh else (self.memo, self.trackers)
        store = Store.open(self.loaded.store_url())
        with capture_logs() as events, store, store.lock(holder()):
            report = run_pass(self.context(), store, trackers=trackers, memo=memo)
        self.stats.update(e["event"] for e in events if e["event"] in COUNTED_EVENTS)
        self.recent_events.append(events)
        assert report.trackers is not None and report.plan.tickets is not None
        self.stats["passes"] += 1
        self.stats["tracker_down"] += sum(not f.ok for f in report.trackers.values())
        self.stats["created"] += len(report.applied.created)
        self.stats["write_failed"] += len(report.applied.failed)
        self.stats["create_deferred"] += len(report.plan.tickets.deferred)
        self.stats["reviews_written"] += len(report.applied.reviews.written)
        return report

    # -- the person ------------------------------------------------------------------------
    def mutate(self) -> None:
        actions: list[tuple[float, Callable[[], str]]] = [
            (0.20, self.world.add_item),
            (0.04, lambda: f"add {self.world.add_review(2)}"),
            (0.14, self.world.edit_due),
            (0.08, self.world.edit_owner),
            (0.05, self.world.edit_prose),
            (0.09, self.world.reword_linked),
            (0.10, lambda: self._ticket_action("done")),
            (0.12, lambda: self._ticket_action("drop")),
            (0.10, lambda: self._ticket_action("reopen")),
            (0.08, lambda: self._ticket_action("start")),
        ]
        weights = [w for w, _ in actions]
        for _ in range(self.rng.randint(1, 2)):
            _, act = self.rng.choices(actions, weights)[0]
            self.log.append(act())

    def _ticket_action(self, what: str) -> str:
        wanted = {
            "done": (Status.OPEN, Status.IN_PROGRESS),
            "drop": (Status.OPEN, Status.IN_PROGRESS),
            "reopen": CLOSED,
            "start": (Status.OPEN,),
        }[what]
        pick = [t for t in self.driver.tickets() if t.status in wanted]
        if not pick:
            return f"no ticket to {what}"
        ticket = self.rng.choice(pick)
        if what == "done":
            self.driver.close(ticket.id, None)
            self.person_closed.add(ticket.id)
        elif what == "drop":
            reason = f"replaced by the managed alerting (decision {len(self.log) + 1})"
            self.driver.close(ticket.id, reason)
            self.driver.reasons[ticket.id] = reason
            self.person_closed.add(ticket.id)
        elif what == "reopen":
            self.driver.reopen(ticket.id)
            self.driver.reasons.pop(ticket.id, None)
            self.person_closed.discard(ticket.id)
        else:
            self.driver.start(ticket.id)
        return f"{what} ticket {ticket.id}"

    def faulty_pass(self, number: int) -> None:
        """One soak pass: sometimes an outage (every request fails), else the faults as set."""
        self.arm(number)
        outage = number > 0 and self.rng.random() < 0.08
        if outage:
            self.driver.fake.fail_next(*["5xx"] * 50)
        report = self.run()
        if outage:
            with self.driver.fake.lock:
                self.driver.fake.scripted.clear()
            assert report.trackers is not None
            assert not any(f.ok for f in report.trackers.values()), "outage not seen"
            # Never conclude from a failure (DESIGN §1.4): no review changes this pass.
            written = report.applied.reviews.written
            assert not written, f"pass {number}: wrote {written}"
            self.stats["outage_passes"] += 1
        self.check(f"pass {number}")

    def _said_about(self, keys: set[str | None]) -> list[list[dict[str, Any]]]:
        """Per recent pass, the log events that name one of `keys`."""
        return [
            [e for e in events if keys & {e.get("item"), e.get("item_key"), e.get("marker")}]
            for events in self.recent_events
        ]

    def arm(self, number: int) -> None:
        """Maybe: lose the answer to this pass's first create; save a review mid-pass."""
        lose_create = number == 0 or self.rng.random() < 0.25
        edit_at = self.rng.randint(1, 4) if self.rng.random() < 0.3 else 0
        seen = [0]
        lock = threading.Lock()

        def before(req: Request) -> None:
            nonlocal lose_create, edit_at
            try:
                with lock:
                    seen[0] += 1
                    if lose_create and self.driver.is_create(req):
                        lose_create = False
                        self.driver.fake.fail_next("lost")
                        self.stats["forced_lost_create"] += 1
                    if edit_at and seen[0] == edit_at:
                        edit_at = 0
                        self.log.append("mid-pass: " + self.world.any_review_edit())
                        self.stats["mid_pass_edits"] += 1
            except BaseException as exc:  # surfaced in the test thread by check()
                self.hook_errors.append(exc)

        self.driver.fake.before_request = before

    def settle(self, within: float = 90.0) -> list[Ticket]:
        """Pass until two clean passes in a row: every tracker answered, nothing deferred,
        failed or over budget. A rate-limit hold from the faulty passes, Jira's search lag
        and GitHub's content-creation pace (60 a minute) may take a while to run out."""
        deadline = time.monotonic() + within
        clean = number = 0
        while clean < 2:
            report = self.run()
            tickets = self.check(f"calm pass {number}")
            number += 1
            assert report.trackers is not None and report.plan.tickets is not None
            left = [
                *(f"{f.name}: {f.error}" for f in report.trackers.values() if not f.ok),
                *(f"deferred {key}" for key in report.plan.tickets.deferred),
                *(f"{step}: {error}" for step, error in report.applied.failed),
                *(f"{n} over budget" for n in report.applied.postponed.values()),
            ]
            clean = 0 if left else clean + 1
            if left:
                assert time.monotonic() < deadline, f"not settled in {within} s: {left[:5]}"
                time.sleep(1.0)
        return tickets

    # -- the invariants ----------------------------------------------------------------------
    def check(self, when: str) -> list[Ticket]:
        assert not self.hook_errors, self.hook_errors
        base = self.loaded.base_dir
        for path in self.world.model:
            review, _ = read_review(base / path, base, self.context().parse)
            assert review.readable and not review.problems, (when, path, review.problems)
        lost = self.world.lost_edits()
        assert not lost, f"{when}: review edits lost or clobbered:\n" + "\n".join(lost)
        tickets = self.driver.tickets()
        markers = Counter(t.marker for t in tickets)
        assert None not in markers, f"{when}: a ticket without syncd's marker"
        twice = {m: n for m, n in markers.items() if n > 1}
        assert not twice, (
            f"{when}: duplicate tickets for items {twice}; recent: {self.log[-6:]}; "
            f"tickets: {[t for t in tickets if t.marker in twice]}; what syncd said: "
            f"{self._said_about(set(twice))}"
        )
        closed = {t.id for t in tickets if t.status in CLOSED}
        assert closed <= self.person_closed, (
            f"{when}: syncd closed tickets nobody closed: {sorted(closed - self.person_closed)}; "
            f"recent: {self.log[-6:]}"
        )
        return tickets
