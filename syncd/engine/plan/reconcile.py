"""Decide what the tickets themselves need before items are mirrored. PURE.

a ticket moved (GitHub transfer, GitLab move,   → relink the item to where it is now;
  Jira key change)                                the writes of this pass go there
two open tickets carry one item's marker        → keep the oldest, close the others as
  (two stores, a lost store: the journal          duplicates of it, relink the item to
  could not see them)                             the one kept
one ticket linked from two items                → nobody pushes anything to it (their
                                                  edits would flip its title forever)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from syncd.engine.plan.steps import Relink, UpdateTicket
from syncd.model import Status
from syncd.trackers.protocol import CloseAs, TicketChange, TicketState

Linked = tuple[str, str]  # (tracker, ticket id)
_OPEN = (Status.OPEN, Status.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class Reconciled:
    links: dict[str, Linked]  # item key → where its ticket is now
    relinks: tuple[Relink, ...]
    closes: tuple[UpdateTicket, ...]  # duplicates closed
    shared: dict[Linked, tuple[str, ...]]  # ticket → the item keys that all link it
    moved: tuple[tuple[str, str, str], ...]  # (item key, old key, new key)
    duplicates: tuple[tuple[str, str, str], ...]  # (item key, closed key, kept key)


def reconcile(
    links: Mapping[str, Linked],
    states: Mapping[str, Mapping[str, TicketState]],
    ok: frozenset[str],
    reviews: Mapping[str, str],  # item key → review path
) -> Reconciled:
    out = dict(links)
    relinks: list[Relink] = []
    moved: list[tuple[str, str, str]] = []
    for key, (name, tid) in links.items():
        state = states.get(name, {}).get(tid)
        if state is not None and state.id != tid and name in ok:
            out[key] = (name, state.id)
            relinks.append(Relink(key, state, reviews.get(key, ""), f"moved from {tid}"))
            moved.append((key, tid, state.key))
    closes, duplicates = _duplicates(out, states, ok, reviews, relinks)
    by_ticket: dict[Linked, list[str]] = {}
    for key, link in out.items():
        by_ticket.setdefault(link, []).append(key)
    shared = {link: tuple(sorted(keys)) for link, keys in by_ticket.items() if len(keys) > 1}
    return Reconciled(out, tuple(relinks), tuple(closes), shared, tuple(moved), tuple(duplicates))


def _duplicates(
    links: dict[str, Linked],
    states: Mapping[str, Mapping[str, TicketState]],
    ok: frozenset[str],
    reviews: Mapping[str, str],
    relinks: list[Relink],
) -> tuple[list[UpdateTicket], list[tuple[str, str, str]]]:
    closes: list[UpdateTicket] = []
    found: list[tuple[str, str, str]] = []
    for name in sorted(ok):
        by_marker: dict[str, dict[str, TicketState]] = {}
        for state in states.get(name, {}).values():
            if state.marker and state.status in _OPEN and not state.deleted:
                by_marker.setdefault(state.marker, {})[state.id] = state  # a moved one once
        for marker, group in sorted(by_marker.items()):
            if len(group) < 2:
                continue
            kept, *others = sorted(group.values(), key=_age)
            for dup in others:
                why = f"duplicate of {kept.key} (both carry the marker of {marker})"
                change = TicketChange(close=CloseAs.DUPLICATE, duplicate_of=kept.id)
                closes.append(UpdateTicket(name, dup.id, marker, change, why))
                found.append((marker, dup.key, kept.key))
            if marker in links and links[marker] != (name, kept.id):
                links[marker] = (name, kept.id)
                relinks.append(Relink(marker, kept, reviews.get(marker, ""), "kept of duplicates"))
    return closes, found


def _age(state: TicketState) -> tuple[int, str]:
    """Oldest first: issue numbers and Jira ids grow with creation."""
    digits = state.id.rsplit("#", 1)[-1]
    return (int(digits), state.id) if digits.isdigit() else (1 << 62, state.id)
