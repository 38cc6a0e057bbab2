"""What the three adapters do alike, in one place. Pure.

- `unique_labels`: labels without case-insensitive repeats (GitHub and GitLab fold case;
  `Overdue` and `overdue` are one label), first spelling wins.
- `diff`: what a TicketChange really changes on a ticket as it is now; an empty Diff means
  the update is a NOOP and costs no write (and no write budget).
- `newest_first`: the paging loop of has_comment (newest comments first, stop at the first
  one older than the cut).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from syncd.trackers.protocol import CloseAs, TicketChange
from syncd.trackers.text import clean_title

T = TypeVar("T")


def unique_labels(names: Iterable[str]) -> list[str]:
    """`names` without empty ones and case-insensitive repeats, in order."""
    seen: dict[str, str] = {}
    for name in names:
        if name.strip():
            seen.setdefault(name.strip().casefold(), name.strip())
    return list(seen.values())


def user_name(raw: str) -> str:
    """A user name as configured (`@priya`, `priya`) the way trackers spell it."""
    return raw.strip().removeprefix("@")


@dataclass(frozen=True, slots=True)
class Current:
    """The fields of a ticket as it is now, as the diff needs them."""

    title: str
    assignees: tuple[str, ...]
    due: date | None
    labels: frozenset[str]
    is_open: bool


@dataclass(frozen=True, slots=True)
class Diff:
    """The part of a TicketChange that differs from the ticket; empty: nothing to do."""

    title: str | None = None  # cleaned of control and bidi characters
    assignees: tuple[str, ...] | None = None
    due: date | None = None
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    close: CloseAs | None = None
    duplicate_of: str | None = None

    def __bool__(self) -> bool:
        return any(
            (
                self.title is not None,
                self.assignees is not None,
                self.due is not None,
                self.add_labels,
                self.remove_labels,
                self.close is not None,
            )
        )

    @property
    def fields(self) -> bool:
        """Whether any review-owned field (title, assignees, due) changes."""
        return self.title is not None or self.assignees is not None or self.due is not None


def wants_read(change: TicketChange, *, supports_due: bool) -> bool:
    """Whether `change` could change anything at all (else no request is made)."""
    return any(
        (
            change.title is not None,
            change.assignees is not None,
            change.due is not None and supports_due,
            change.add_labels,
            change.remove_labels,
            change.close is not None,
        )
    )


def diff(
    change: TicketChange, now: Current, *, supports_due: bool, one_assignee: bool = False
) -> Diff:
    """What `change` changes on a ticket that is `now` (names and labels fold case)."""
    title = clean_title(change.title) if change.title is not None else None
    assignees = None
    if change.assignees is not None:
        wanted = tuple(user_name(a) for a in change.assignees)
        if one_assignee:
            wanted = wanted[:1]
        have = tuple(user_name(a) for a in now.assignees)
        if {a.casefold() for a in wanted} != {a.casefold() for a in have}:
            assignees = wanted
    have_labels = {label.casefold() for label in now.labels}
    removing = {label.casefold() for label in change.remove_labels}
    add = tuple(
        label
        for label in unique_labels(change.add_labels)
        if label.casefold() not in have_labels and label.casefold() not in removing
    )
    remove = tuple(label for label in now.labels if label.casefold() in removing)
    return Diff(
        title=title if title is not None and title != now.title else None,
        assignees=assignees,
        due=change.due
        if supports_due and change.due is not None and change.due != now.due
        else None,
        add_labels=add,
        remove_labels=tuple(sorted(remove)),
        close=change.close if change.close is not None and now.is_open else None,
        duplicate_of=change.duplicate_of if now.is_open else None,
    )


def newest_first(
    page: Callable[[int], Sequence[T]],
    *,
    size: int,
    matches: Callable[[T], bool],
    older: Callable[[T], bool],
) -> bool:
    """Whether any row matches, reading pages 1, 2, … of rows newest first until a row is
    `older` than the cut or a page is short."""
    number = 1
    while True:
        rows = page(number)
        for row in rows:
            if matches(row):
                return True
            if older(row):
                return False
        if len(rows) < size:
            return False
        number += 1
