"""What leads an item's text: checkboxes, status words, labels, tickets, a due date in a
bracket, owners. Part of `work.Work` (which calls `strip_leading`), kept apart for size.

Owners that lead an item (record-formats.md P8, issue #12): `[maria]`, `(platform, data
teams)`, `Network team:`, and handles (`@jorge add …`, `@sam @jorge move …`); a bracket that is
all date is the due date (`- [Priya] [2026-05-28] Add …`, the lightweight template).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from syncd.model import Status
from syncd.records.parse.dates import match_date
from syncd.records.parse.markers import LEAD_BOX, LEAD_LABEL, LEAD_STATUS, LEAD_TERM, word_status
from syncd.records.parse.owners import (
    LEAD_BRACKET,
    LEAD_PAREN,
    NOT_OWNER,
    TEAM,
    is_handles,
    is_name,
    split_owners,
)
from syncd.records.parse.separators import lstrip_separators
from syncd.records.parse.ticket_places import LEAD_TICKET, TICKET_LABEL, lead_ok, may_lead_ticket

if TYPE_CHECKING:
    from syncd.records.parse.work import Work

__all__ = ["MAX_PARTS", "strip_leading"]

# Leading or trailing parts cut one at a time: a real item has a handful; a line of thousands
# (`DONE DONE DONE …`) must not cost a copy of the line for each.
MAX_PARTS = 24
PARTS = re.compile(r"[,;]")
# `@sam @jorge move runners …`, `@ana: add …`: handles leading an item are its owners.
_HANDLE = re.compile(r"@\w[\w.-]*(?:/[\w.-]+)?")
_LEAD_HANDLES = re.compile(
    r"(@\w[\w.-]*(?:/[\w.-]+)?(?:(?:[ \t]*[,&][ \t]*|[ \t]+and[ \t]+|[ \t]+)"
    r"@\w[\w.-]*(?:/[\w.-]+)?){0,9})[ \t]*[:：,—–-]?[ \t]+(?=\S)"
)


def strip_leading(work: Work, checkbox: bool | None) -> None:
    """Cut what leads the text: boxes, status words and labels, tickets, a bracketed due date,
    owners (`[maria]`, `(platform team)`, `Network team:`, `@sam @jorge`)."""
    for _ in range(MAX_PARTS):
        text = lstrip_separators(work.text)
        work.text = text
        if not text:
            return
        first = text[0]
        m: re.Match[str] | None = None
        if first == "[" and (m := LEAD_BOX.match(text)):
            if checkbox is None and work.box is None:
                work.box = m[1] in ("x", "X")
        elif first in "✅✔☑*DTW" and (m := LEAD_STATUS.match(text)):
            work.words.add(word_status(m["w"]) if m["w"] else Status.DONE)
        elif first in "[【" and (m := work.vocab.bracket_status.match(text)):
            work.words.add(word_status(m["w"], work.vocab))
        elif first in "(（" and (m := work.vocab.paren_status.match(text)):
            if not m["none"]:
                work.words.add(word_status(m["w"], work.vocab))
        elif first in "*_Aa" and (m := LEAD_LABEL.match(text)):
            pass
        elif first in "*_SMLNIsmlni" and (m := LEAD_TERM.match(text)):
            if work.due_raw is None:  # "Long term:" is a timeframe; lint reports it as no date
                work.due_raw = m["t"]
        elif first == "[" and (m := _leading_date(work, text)):
            pass
        elif may_lead_ticket(text) and (m := LEAD_TICKET.match(text)) and lead_ok(m):
            work.refs.append(m[0])
        elif work.owners or not (m := _leading_owner(work, text)):
            return
        work.text = text[m.end() :]


def _leading_date(work: Work, text: str) -> re.Match[str] | None:
    """`[2026-05-28]`, `[Sep 16]`: the lightweight template's `- [Owner] [Due date] …`
    puts the due date in a leading bracket; a bracket that is all date is never an owner."""
    m = LEAD_BRACKET.match(text)
    if m is None or not m[1][:1].isalnum():
        return None
    inside = m[1].strip()
    found = match_date(inside, 0, work.review_date, work.date_order)
    if found is None or found[0] != len(inside):
        return None
    if work.due_raw is None:
        work.due, work.due_raw = found[1], inside
    return m


def _leading_owner(work: Work, text: str) -> re.Match[str] | None:
    first = text[0]
    if first == "@":
        m = _LEAD_HANDLES.match(text)
        if m is None:
            return None
        owners = tuple(h.rstrip(".-") for h in _HANDLE.findall(m[1]))
    elif first == "[":
        m = LEAD_BRACKET.match(text)
        if m is None or NOT_OWNER.fullmatch(m[1].strip()) or TICKET_LABEL.fullmatch(m[1]):
            return None
        owners = split_owners(m[1])
    elif first == "(":
        m = LEAD_PAREN.match(text)
        if m is None:
            return None
        parts = [part.strip() for part in PARTS.split(m[1])]
        if not all(is_name(part, words=4) or is_handles(part) for part in parts):
            return None
        owners = split_owners(m[1])
    elif "team" in text[:60].lower():
        m = TEAM.match(text)
        if m is None:
            return None
        owners = (m[1],)
    else:
        return None
    if not owners or not any(c.isalnum() for c in text[m.end() :]):
        return None  # a bracket alone is the description, not an owner
    work.owners = owners
    return m
