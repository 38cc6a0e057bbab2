"""An action item's text → its fields: owner, due date, type, tickets, status marker, description.

Pure: the structural parser finds each item and passes its own text (list marker, checkbox and
syncd's suffix already removed). Every shape handled here is one record-formats.md §3–§4
observed. The parser calls `extract` for every item of every review on a cold pass.

The readers live beside this module: `tickets` (references), `markers` (status words),
`owners` (owners, types, field keys), `separators` (where fields start and end) and `work`
(one item's text taken apart, step by step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from syncd.model import Status, TicketRef
from syncd.records.lint.rules import suppression_codes
from syncd.records.parse.comments import comments, strip_comments
from syncd.records.parse.dates import date_like
from syncd.records.parse.markers import CELL_NOISE
from syncd.records.parse.ticket_places import labelled_links
from syncd.records.parse.tickets import (
    BUG,
    KEY,
    LINK,
    NO_LINKS,
    URL,
    find_refs,
    identity,
    is_ticket,
)
from syncd.records.parse.words import BUILT_IN, Words, fold_word
from syncd.records.parse.work import Work

__all__ = ["Fields", "extract", "parse_marker"]


class Fields(NamedTuple):
    """What one item's text says, beside its description.

    A NamedTuple rather than a frozen dataclass: one is built per item on every cold pass,
    and a frozen dataclass pays an `object.__setattr__` per field (bench/bench_records.py).
    """

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
    # How the first ticket is written (`[OPS-1](url)`): the key of an item that has no
    # description comes from it, as it did when `TicketRef.raw` held the Markdown.
    written: str = ""
    unused_date: str | None = None  # date-like text left in an undated item's description


# `ignore-file` is not the item's: reader.py applies it to the whole file.
_IGNORE = re.compile(r"\s*syncd\s*:\s*ignore\b(?!-file)(.*)", re.DOTALL | re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_NO_CODES: frozenset[str] = frozenset()


def parse_marker(cell: str, words: Words = BUILT_IN) -> tuple[Status | None, str | None]:
    """Status words in a table cell (`n/a **DONE**`, `Bug 7721034 TODO`, `Won't do: replaced`,
    `完了`, `em andamento`)."""
    work = Work(cell, vocab=words)
    work.strip_wont()
    work.strip_keys()
    work.strip_trailing()
    work.strip_leading(checkbox=None)
    if work.words or work.dropped:
        return work.status(None), work.reason
    rest = URL.sub(" ", LINK.sub(" ", work.text))
    rest = BUG.sub(" ", KEY.sub(" ", rest)).lower()
    said = CELL_NOISE.sub(" ", rest).split()
    for size in (3, 2, 1):
        status = words.statuses.get(fold_word(" ".join(said[-size:])))
        if status is not None and len(said) >= size:
            return status, work.reason
    return None, work.reason


def extract(
    text: str,
    *,
    checkbox: bool | None,
    review_date: date | None,
    date_order: str | None,
    links: Mapping[str, str] = NO_LINKS,
    words: Words = BUILT_IN,
) -> Fields:
    """Take one item's text apart (list marker, checkbox and syncd suffix already removed).

    `links` holds the review's link reference definitions (`links.definitions`), `words`
    the keys and status words it knows (`words.words_for`)."""
    suppressed = _NO_CODES
    if "<" in text:
        if "<!--" in text:
            codes: set[str] = set()
            for comment in comments(text):
                ignore = _IGNORE.match(comment)
                if ignore is not None:
                    codes.update(suppression_codes(ignore[1]))
            suppressed = frozenset(codes)
            text = strip_comments(text, unclosed=True)
        if "<br" in text or "<BR" in text:
            text = _BR.sub(" ", text)
    work = Work(text, review_date, date_order, links, words)
    work.strip_wont()
    work.strip_keys()
    work.strip_trailing()
    work.strip_leading(checkbox)
    if "~~" in work.text and work.unstrike():
        work.strip_trailing()
        work.strip_leading(checkbox)
    if "](" in work.text:
        work.whole_link()
    owners = work.owners
    refs = work.refs
    tickets, written = _placed_tickets(text, refs, links) if refs or "](" in text else ((), "")
    description = work.describe()
    return Fields(  # positional: the order of the fields above
        description,
        owners[0] if owners else None,
        owners,
        work.due,
        work.due_raw,
        work.type,
        tickets,
        work.status(checkbox),
        work.reason,
        suppressed,
        written,
        # Only an undated item can fall back to an implied date, so only its text is read.
        date_like(description, review_date, date_order)
        if description and work.due_raw is None
        else None,
    )


def _placed_tickets(
    text: str, parts: list[str], links: Mapping[str, str]
) -> tuple[tuple[TicketRef, ...], str]:
    """The tickets named in ticket positions (`ticket_places`), in the order they are written,
    and how the first is written."""
    if "](" in text and text.count("](") > sum(part.count("](") for part in parts):
        parts = parts + labelled_links(text)  # a link the cut parts do not hold yet
    if not parts:
        return (), ""
    found: list[tuple[int, TicketRef, str]] = []
    for part in parts:
        refs = find_refs(part, links)
        if refs:
            at = text.find(part)
            found.extend((at + off, ref, markdown) for off, ref, markdown in refs)
    if len(found) > 1:
        found.sort(key=lambda one: one[0])
    seen: set[str] = set()
    tickets: list[TicketRef] = []
    written = ""
    for _, ref, markdown in found:
        name = identity(ref)
        if name in seen or not is_ticket(ref):
            continue
        seen.add(name)
        tickets.append(ref)
        written = written or markdown
    return tuple(tickets), written
