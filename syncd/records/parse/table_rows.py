"""Action tables → item drafts: one item per row, columns found by header name (tables.py).

A row's Ticket column is a ticket position (issue #9); its Status column (or status words
glued into the Ticket cell, `Bug 7721 **TODO**`) says its status; syncd's suffix may sit in
the description, ticket or status cell. A row with more or fewer cells than the header is read
anyway and reported (SYN009).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol

from syncd.model import ItemShape, Severity, Suffix
from syncd.records.parse import suffix as suffixes
from syncd.records.parse.blocks import Table
from syncd.records.parse.dates import parse_due
from syncd.records.parse.drafts import Draft, fold, placeholder
from syncd.records.parse.fields import Fields, parse_marker
from syncd.records.parse.owners import parse_owner, parse_type
from syncd.records.parse.tables import Columns, cells_of, columns
from syncd.records.parse.tickets import add_tickets
from syncd.records.parse.words import Words

__all__ = ["Reader", "table_drafts"]


class Reader(Protocol):
    """What a table needs of the section reader (`items.Collector`)."""

    @property
    def lines(self) -> Sequence[str]: ...
    @property
    def words(self) -> Words: ...
    @property
    def links(self) -> Mapping[str, str]: ...
    @property
    def review_date(self) -> date | None: ...
    @property
    def date_order(self) -> str | None: ...
    def extract_text(self, text: str, checkbox: bool | None) -> Fields: ...
    def problem(self, index: int, code: str, severity: Severity, message: str) -> None: ...


def table_drafts(reader: Reader, table: Table, section: str) -> list[Draft]:
    """The items of an action table, one per row with a description (or a ticket)."""
    drafts: list[Draft] = []
    header = reader.lines[table.header]
    cols = columns(header, reader.words)
    desc = cols.description
    if desc is None:
        known = {cols.owner, cols.due, cols.type, cols.ticket, cols.status}
        names = cells_of(header)
        desc = next(
            (
                k
                for k, n in enumerate(names)
                if k not in known and fold(n) not in {"", "pri", "priority", "no"}
            ),
            None,
        )
    if desc is None:
        return drafts
    for row in table.rows:
        _row(reader, row, cols, desc, section, drafts)
    return drafts


def _row(
    reader: Reader, row: int, cols: Columns, desc: int, section: str, drafts: list[Draft]
) -> None:
    cells = cells_of(reader.lines[row])
    if len(cells) != cols.count:
        reader.problem(
            row,
            "SYN009",
            Severity.WARNING,
            f"table row has {len(cells)} cells, the header has {cols.count}",
        )

    def cell(index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    values = {index: cell(index) for index in (desc, cols.ticket, cols.status) if index is not None}
    suffix: Suffix | None = None
    for index, value in values.items():
        rest, found = suffixes.split(value)
        if found is not None:
            values[index], suffix = rest.strip(), found
            break
    text = values[desc]
    if not text.strip() and not cell(cols.ticket).strip():
        return
    f = reader.extract_text(text, None)
    owner, owners = (
        parse_owner(cell(cols.owner), reader.words)
        if cols.owner is not None
        else (f.owner, f.owners)
    )
    due, due_raw = (
        parse_due(cell(cols.due), reader.review_date, reader.date_order)
        if cols.due is not None
        else (f.due, f.due_raw)
    )
    kind = parse_type(cell(cols.type)) if cols.type is not None else f.type
    tickets, written = f.tickets, f.written
    if cols.ticket is not None:
        tickets, written = add_tickets(tickets, written, values[cols.ticket], reader.links)
    marker, reason = f.marker, f.reason
    for where in (cols.status, cols.ticket):
        if where is not None:
            said, why = parse_marker(values[where], reader.words)
            if said is not None:
                marker, reason = said, why or f.reason
                break
    f = Fields(
        f.description,
        owner,
        owners,
        due,
        due_raw,
        kind,
        tickets,
        marker,
        reason,
        f.suppressed,
        written,
        f.unused_date if due_raw is None else None,  # read only for undated items
    )
    if placeholder(f):
        return
    drafts.append(
        Draft(
            row,
            row,
            row,
            text,
            f,
            ItemShape.TABLE_ROW,
            section,
            suffix,
            cell=desc,
            status_cell=cols.status,
            ticket_cell=cols.ticket,
        )
    )
