"""An action item's text → its fields: owner, due date, type, tickets, status marker, description.

Pure and table-free: the structural parser (parse.py) finds each item and passes its own text
(list marker, checkbox and syncd's suffix already removed). Every shape handled here is one
record-formats.md §3–§4 observed; the traps it names are cited where they are handled.

Decisions worth knowing:
- A date is a due date only after a key (`due:`, `due`, `by`, `deadline:`, `期限:`, `Prazo:`)
  or as a whole trailing field (`… - @ana - 2026-06-01`, `(@x, 2026-06-01)`); a date elsewhere in
  the sentence is not ("<date> due to …", okctl 0003).
- Type drift: prevention/preventive → prevent, mitigation → mitigate; detection/repair/
  investigation → other (the SRE taxonomy has no detection type and its "other" is the rest).
- A bare `KEY-123` needs two letters before the dash and a key not in `_NOT_KEYS`
  (SEV-1, UTF-8, ISO-8601, CVE-…); dashless keys (KM512) and date-like keys (23Q1-07) are only
  taken from a link label.
- A trailing `(Lee to book a session)` is prose, not an owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from syncd.model import Status, TicketRef
from syncd.records.dates import match_date, parse_date, parse_due
from syncd.records.tickets import find_tickets, is_ticket_label

__all__ = [
    "Fields",
    "extract",
    "find_tickets",
    "parse_date",
    "parse_due",
    "parse_marker",
    "parse_owner",
    "parse_type",
]


@dataclass(frozen=True, slots=True)
class Fields:
    """What one item's text says, beside its description."""

    description: str
    owner: str | None
    owners: tuple[str, ...]
    due: date | None
    due_raw: str | None
    type: str | None
    tickets: tuple[TicketRef, ...]
    marker: Status | None
    reason: str | None
    suppressed: frozenset[str]
