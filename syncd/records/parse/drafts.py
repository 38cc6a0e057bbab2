"""An item found, before its key: the draft the section readers build, and what they share.

A draft becomes an `ActionItem` once the whole review is read (keys need every description).
Placeholders (P14: `N/A`, `No immediate action items.`, `- [ ] Action`, empty rows) are no
items; a heading's status (`### Done`) fills in drafts that say none of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syncd.model import ItemShape, Status, Suffix
from syncd.records.parse.fields import Fields

__all__ = ["PLACEHOLDERS", "Draft", "fold", "give_status", "placeholder"]

PLACEHOLDERS = frozenset(
    {
        "",
        "n a",
        "na",
        "none",
        "none yet",
        "nothing",
        "tbd",
        "tbc",
        "todo",
        "action",
        "action item",
        "action items",
        "no action items",
        "no immediate action items",
        "no follow up actions",
        "no follow ups",
        "no further action",
        "no further actions",
        "nothing to do",
        "not applicable",
    }
)
_NON_WORD = re.compile(r"[^\w]+")
# fold for ASCII text in one bytes.translate: letters lower-cased, other non-word bytes spaces.
_ASCII_FOLD = bytes(
    ord(chr(c).lower()) if chr(c).isalnum() or chr(c) == "_" else ord(" ") for c in range(256)
)


@dataclass(slots=True)
class Draft:
    """One item found, before its key is assigned (keys need the whole review)."""

    first: int
    last: int
    suffix_line: int
    text: str
    fields: Fields
    shape: ItemShape
    section: str
    suffix: Suffix | None = None
    checkbox_col: int | None = None
    cell: int | None = None
    status_cell: int | None = None
    ticket_cell: int | None = None


def give_status(drafts: list[Draft], start: int, status: Status) -> None:
    """Items from `start` on without a status of their own take their heading's."""
    for draft in drafts[start:]:
        if draft.fields.marker is None:
            draft.fields = draft.fields._replace(marker=status)


def placeholder(fields: Fields) -> bool:
    return not fields.tickets and fold(fields.description) in PLACEHOLDERS


def fold(text: str) -> str:
    if text.isascii():
        return " ".join(text.encode().translate(_ASCII_FOLD).decode().split())
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())
