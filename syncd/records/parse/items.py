"""Blocks of an action-item section → item drafts (fields extracted, no keys yet).

Decisions (docs/record-format.md, "How items are found"):
- Nested sub-bullets that are field lines (`Owner: x`, `Due: y`, `Type:`, `Status:`, a bare
  link) belong to their parent: their text is appended to the parent's text for extraction.
- Groups (P15): a plain bullet with other nested bullets is a category label, not an item;
  its children are the items and the label joins their section name (`Action Items / Testing`).
  A checkbox bullet is always an item; its nested checkboxes are items too, and its other
  nested bullets are notes.
- Paragraphs (P5, P13): lines starting with a link are ticket-first items, one per line;
  `**Action item:** text` is one item; a bold or colon-ended line alone is a group label;
  other prose becomes an item only when it is one short imperative sentence or carries a
  ticket reference — otherwise SYN010 (info) says it was not read as items.
- Placeholders (P14: `N/A`, `No immediate action items.`, `- [ ] Action`, empty rows) are no items.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from syncd.model import ItemShape, Problem, Severity, Status, Suffix
from syncd.records.parse import suffix as suffixes
from syncd.records.parse.blocks import (
    LINK_FIRST,
    ListItem,
    Paragraph,
    SubHeading,
    Table,
    read_blocks,
)
from syncd.records.parse.dates import parse_due
from syncd.records.parse.fields import Fields, extract, parse_marker
from syncd.records.parse.headings import display, heading_status, matches
from syncd.records.parse.hints import IMPERATIVE, starts_imperative
from syncd.records.parse.owners import parse_owner, parse_type
from syncd.records.parse.sections import Heading, Section
from syncd.records.parse.tables import Columns, cells_of, columns
from syncd.records.parse.tickets import NO_LINKS, find_refs, find_tickets, identity, is_ticket
from syncd.records.parse.words import BUILT_IN, Words

_FIELD_LINE = re.compile(
    r"^[*_]*(?:owners?|assignees?|assigned to|who|dri|due(?: date)?|deadline|target(?: date)?"
    r"|eta|type|status|state|tickets?|issues?|tracking|bugs?|prs?|links?|reason|priority"
    r"|期限|担当|オーナー|prazo)[*_]*[ \t]*[:：]",
    re.IGNORECASE,
)
_REF = (
    r"(?:!?\[[^\]]*\]\([^)\s]*\)|\[\[[^\]]*\]\([^)\s]*\)\]|<https?://[^>\s]+>|https?://\S+"
    r"|[\w.-]+/[\w.-]+#\d+|#\d+|[A-Z][A-Z0-9]+-\d+)"
)
_ONLY_REFS = re.compile(rf"^(?:{_REF}[\s,;.]*)+$")
_BOLD_KEY = re.compile(r"^\*\*([^*]+?)\*\*[ \t]*:?[ \t]*(.*)$", re.DOTALL)
_BOLD_ONLY = re.compile(r"^\*\*[^*]+\*\*[ \t]*:?$|^__[^_]+__[ \t]*:?$")
_PLACEHOLDERS = frozenset(
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
# _fold for ASCII text in one bytes.translate: letters lower-cased, other non-word bytes spaces.
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


@dataclass(slots=True)
class Collector:
    path: str
    lines: Sequence[str]
    kinds: bytearray
    headings: Mapping[int, Heading]
    names: frozenset[str]
    review_date: date | None
    date_order: str | None
    problems: list[Problem]
    links: Mapping[str, str] = field(default_factory=lambda: NO_LINKS)
    words: Words = BUILT_IN

    def collect(self, section: Section) -> list[Draft]:
        drafts: list[Draft] = []
        subs: dict[int, str] = {}
        label: str | None = None
        quiet = False  # a placeholder or prose problem already explains an empty section
        blocks = read_blocks(self.lines, self.kinds, self.headings, section.start, section.end)
        named: tuple[dict[int, str], str | None] | None = None
        name = section.name
        status: Status | None = None
        for block in blocks:
            if named != (subs, label):  # the name changes only after a sub-heading or a label
                named = (subs, label)
                parts = [section.name, *(subs[k] for k in sorted(subs))] + (
                    [label] if label else []
                )
                name = " / ".join(parts)
                status = self._status_of(parts)
            before = len(drafts)
            if isinstance(block, SubHeading):
                subs = {k: v for k, v in subs.items() if k < block.level}
                subs[block.level] = display(block.text)
                label = None
            elif isinstance(block, ListItem):
                if section.kind == "key" and block.first == section.head:
                    self._key_root(block, name, drafts)
                else:
                    self._item(block, name, drafts)
            elif isinstance(block, Table):
                self._table(block, name, drafts)
            else:
                found, new_label, placeholder = self._paragraph(block, name, drafts)
                quiet = quiet or placeholder or (not found and new_label is None)
                label = new_label or label
            if status is not None:
                _give_status(drafts, before, status)
        if not drafts and not quiet:
            self._problem(
                section.head,
                "SYN008",
                Severity.INFO,
                f"the '{section.name}' section has no action items",
            )
        elif not drafts:
            self._problem(
                section.head,
                "SYN008",
                Severity.INFO,
                f"the '{section.name}' section has no action items (placeholder or prose only)",
            )
        return drafts

    # ----- list items

    def _status_of(self, parts: list[str]) -> Status | None:
        """What the innermost heading or label says of its items (`### Done`), if anything."""
        for part in reversed(parts):
            status = heading_status(part, self.words)
            if status is not None:
                return status
        return None

    def _item(self, item: ListItem, section: str, drafts: list[Draft]) -> None:
        fields_lines = [c for c in item.children if _is_field_child(c)]
        others = [c for c in item.children if c not in fields_lines]
        if others and item.checkbox is None and not self._noted_item(item, others):
            label = display(" ".join(item.text)) if any(item.text) else ""
            inner = f"{section} / {label}" if label else section
            before = len(drafts)
            for child in others:
                self._item(child, inner, drafts)
            if label and (status := heading_status(label, self.words)) is not None:
                _give_status(drafts, before, status)
            return
        extra = [" ".join(c.text) for c in fields_lines]
        self._add_list_item(item, item.text, extra, section, drafts)
        for child in others:
            if child.checkbox is not None:
                self._item(child, section, drafts)

    def _noted_item(self, item: ListItem, children: list[ListItem]) -> bool:
        """A bullet with nested bullets is an item with notes, not a group label (P15), when
        it names a ticket (`* [[Proposal](…/issues/87)] set up monitoring …`), or reads as an
        action while none of its children does (`  * note that limits are not …`)."""
        own = " ".join(item.text).strip()
        if not own:
            return False
        fields = self._extract(own, None)
        if fields.tickets:
            return True
        return starts_imperative(fields.description) and not any(
            _task_like(child, self.links) for child in children
        )

    def _key_root(self, item: ListItem, section: str, drafts: list[Draft]) -> None:
        m = _BOLD_KEY.match(item.text[0])
        value = [m[2] if m else item.text[0], *item.text[1:]]
        if "".join(value).strip():
            self._add_list_item(item, value, [], section, drafts)
        for child in item.children:
            self._item(child, section, drafts)

    def _add_list_item(
        self, item: ListItem, own: list[str], extra: list[str], section: str, drafts: list[Draft]
    ) -> None:
        texts = list(own)
        texts[-1], suffix = suffixes.split(texts[-1])
        text = "\n".join(texts).strip()
        joined = text + "".join(f" — {e}" for e in extra) if extra else text
        fields = self._extract(joined, item.checkbox)
        if _placeholder(fields):
            return
        shape = ItemShape.CHECKBOX if item.checkbox_col is not None else ItemShape.BULLET
        drafts.append(
            Draft(
                item.first,
                item.last,
                item.last,
                text,
                fields,
                shape,
                section,
                suffix,
                checkbox_col=item.checkbox_col,
            )
        )

    # ----- paragraphs

    def _paragraph(
        self, para: Paragraph, section: str, drafts: list[Draft]
    ) -> tuple[bool, str | None, bool]:
        """(items found, new group label, placeholder seen)."""
        texts = para.text
        if LINK_FIRST.match(texts[0]):
            start = 0
            for k in range(1, len(texts) + 1):
                if k == len(texts) or LINK_FIRST.match(texts[k]):
                    self._add_paragraph(para.first + start, texts[start:k], section, drafts)
                    start = k
            return True, None, False
        m = _BOLD_KEY.match(texts[0])
        if m and m[2].strip() and matches(m[1], self.names):
            return self._add_paragraph(para.first, [m[2], *texts[1:]], section, drafts), None, False
        if len(texts) == 1 and (
            _BOLD_ONLY.match(texts[0]) or texts[0].endswith(":") or matches(texts[0], self.names)
        ):
            if len(texts[0]) > 60:  # "The following items were created:" introduces, not labels
                return False, None, True
            return False, display(texts[0]), False
        joined = " ".join(texts)
        if _fold(joined) in _PLACEHOLDERS:
            return False, None, True
        if self._reads_as_item(joined):
            return self._add_paragraph(para.first, texts, section, drafts), None, False
        self._problem(
            para.first,
            "SYN010",
            Severity.INFO,
            "prose in an action-item section was not read as items; write each "
            "action as a list item",
        )
        return False, None, False

    def _reads_as_item(self, text: str) -> bool:
        if len(text) <= 400 and find_tickets(text, self.links):
            return True
        words = text.split()
        sentence = text.rstrip(".").strip()
        return (
            len(text) <= 200
            and ". " not in sentence
            and bool(words)
            and words[0].strip("*_").casefold() in IMPERATIVE
        )

    def _add_paragraph(
        self, first: int, texts: list[str], section: str, drafts: list[Draft]
    ) -> bool:
        texts = list(texts)
        texts[-1], suffix = suffixes.split(texts[-1])
        text = "\n".join(texts).strip()
        fields = self._extract(text, None)
        if _placeholder(fields):
            return False
        last = first + len(texts) - 1
        drafts.append(Draft(first, last, last, text, fields, ItemShape.PARAGRAPH, section, suffix))
        return True

    # ----- tables

    def _table(self, table: Table, section: str, drafts: list[Draft]) -> None:
        header = self.lines[table.header]
        cols = columns(header, self.words)
        desc = cols.description
        if desc is None:
            known = {cols.owner, cols.due, cols.type, cols.ticket, cols.status}
            names = cells_of(header)
            desc = next(
                (
                    k
                    for k, n in enumerate(names)
                    if k not in known and _fold(n) not in {"", "pri", "priority", "no"}
                ),
                None,
            )
        if desc is None:
            return
        for row in table.rows:
            self._row(row, cols, desc, section, drafts)

    def _row(self, row: int, cols: Columns, desc: int, section: str, drafts: list[Draft]) -> None:
        cells = cells_of(self.lines[row])
        if len(cells) != cols.count:
            self._problem(
                row,
                "SYN009",
                Severity.WARNING,
                f"table row has {len(cells)} cells, the header has {cols.count}",
            )

        def cell(index: int | None) -> str:
            return cells[index] if index is not None and index < len(cells) else ""

        values = {
            index: cell(index) for index in (desc, cols.ticket, cols.status) if index is not None
        }
        suffix: Suffix | None = None
        for index, value in values.items():
            rest, found = suffixes.split(value)
            if found is not None:
                values[index], suffix = rest.strip(), found
                break
        text = values[desc]
        if not text.strip() and not cell(cols.ticket).strip():
            return
        f = self._extract(text, None)
        owner, owners = (
            parse_owner(cell(cols.owner), self.words)
            if cols.owner is not None
            else (f.owner, f.owners)
        )
        due, due_raw = (
            parse_due(cell(cols.due), self.review_date, self.date_order)
            if cols.due is not None
            else (f.due, f.due_raw)
        )
        kind = parse_type(cell(cols.type)) if cols.type is not None else f.type
        tickets, written = f.tickets, f.written
        if cols.ticket is not None:
            known = {identity(t) for t in f.tickets}
            for _, ref, markdown in find_refs(values[cols.ticket], self.links):
                if is_ticket(ref) and identity(ref) not in known:
                    tickets += (ref,)
                    written = written or markdown
        marker, reason = f.marker, f.reason
        for where in (cols.status, cols.ticket):
            if where is not None:
                said, why = parse_marker(values[where], self.words)
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
            f.unused_date,
        )
        if _placeholder(f):
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

    def _extract(self, text: str, checkbox: bool | None) -> Fields:
        return extract(
            text,
            checkbox=checkbox,
            review_date=self.review_date,
            date_order=self.date_order,
            links=self.links,
            words=self.words,
        )

    def _problem(self, index: int, code: str, severity: Severity, message: str) -> None:
        self.problems.append(Problem(self.path, index + 1, code, severity, message))


def _give_status(drafts: list[Draft], start: int, status: Status) -> None:
    """Items from `start` on without a status of their own take their heading's."""
    for draft in drafts[start:]:
        if draft.fields.marker is None:
            draft.fields = draft.fields._replace(marker=status)


def _task_like(child: ListItem, links: Mapping[str, str]) -> bool:
    """A nested bullet that is a task of its own rather than a note on its parent."""
    if child.checkbox is not None or child.children:
        return True
    text = " ".join(child.text)
    return starts_imperative(text) or bool(find_tickets(text, links))


def _is_field_child(child: ListItem) -> bool:
    if child.children or child.checkbox is not None:
        return False
    text = " ".join(child.text).strip()
    return bool(_FIELD_LINE.match(text) or _ONLY_REFS.match(text))


def _placeholder(fields: Fields) -> bool:
    return not fields.tickets and _fold(fields.description) in _PLACEHOLDERS


def _fold(text: str) -> str:
    if text.isascii():
        return " ".join(text.encode().translate(_ASCII_FOLD).decode().split())
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())
