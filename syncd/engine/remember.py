"""What a long-running caller's PassMemo learns from a pass: the store's tables as this pass
left them, with the version tokens after its own writes (engine/memo.py says why)."""

from __future__ import annotations

from collections.abc import Mapping

from syncd.engine.apply.execute import Applied, Result
from syncd.engine.gather.tickets import GatheredTickets
from syncd.engine.memo import PassMemo
from syncd.engine.plan.pass_plan import Plan
from syncd.engine.plan.steps import RecordStatuses, SaveTickets
from syncd.model import Status
from syncd.store.database import Store


def recorded_statuses(
    memo: PassMemo | None, versions: Mapping[str, str]
) -> Mapping[str, tuple[Status, str]] | None:
    """The statuses the store's history holds, if the memo knows them still."""
    if memo is None or memo.statuses is None or memo.statuses[0] != versions.get("statuses"):
        return None
    return memo.statuses[1]


def remember(
    memo: PassMemo, store: Store, tickets: GatheredTickets | None, plan: Plan, applied: Applied
) -> None:
    """Keep what this pass left in the store, with the store's versions after its writes."""
    versions = store.versions()
    done = [o.step for o in applied.outcomes if o.result is Result.DONE]
    for step in done:
        if isinstance(step, RecordStatuses):
            memo.statuses = (versions.get("statuses", ""), step.observed)
    if tickets is None:
        memo.tickets.clear()
        return
    for name, facts in tickets.facts.items():
        saved = any(isinstance(s, SaveTickets) and s.tracker == name for s in done)
        unchanged = facts.ok and not any(
            isinstance(s, SaveTickets) and s.tracker == name for s in plan.steps
        )
        version = versions.get(f"tickets:{name}")
        if (saved or unchanged) and version is not None:
            states = dict(facts.states)
            states.update({tid: s for (n, tid), s in applied.learned.items() if n == name})
            memo.tickets[name] = (version, states)
        else:
            memo.tickets.pop(name, None)  # read from the store next pass
