"""Blocks of an action-item section → item drafts (fields extracted, no keys yet).

Decisions (docs/record-format.md, "How items are found"):
- Nested sub-bullets that are field lines (`Owner: x`, `Due: y`, `Type:`, `Status:`, a bare
  link) belong to their parent: their text is appended to the parent's text for extraction.
- Groups (P15): a plain bullet with other nested bullets is a category label, not an item;
  its children are the items and the label joins their section name (`Action Items / Testing`)
  — unless the bullet names a ticket, or reads as an action while none of its children does:
  then it is an item and its nested bullets are notes (issue #12). A checkbox bullet is always
  an item; its nested checkboxes are items too, and its other nested bullets are notes.
- Status from headings: `### Done`, `Immediate Actions (Completed)` or a `- Done` label give
  their items that status when the items say none of their own.
- Tables: table_rows.py.
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

from syncd.model import ItemShape, Problem, Severity, Status
from syncd.records.parse import suffix as suffixes
from syncd.records.parse.blocks import (
    LINK_FIRST,
    ListItem,
    Paragraph,
    SubHeading,
    Table,
    read_blocks,
)
from syncd.records.parse.drafts import PLACEHOLDERS, Draft, fold, give_status, placeholder
from syncd.records.parse.fields import Fields, extract
from syncd.records.parse.headings import display, heading_status, matches
from syncd.records.parse.hints import IMPERATIVE, starts_imperative
from syncd.records.parse.sections import Heading, Section
from syncd.records.parse.table_rows import table_drafts
from syncd.records.parse.tickets import NO_LINKS, find_tickets
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
                drafts.extend(table_drafts(self, block, name))
            else:
                found, new_label, placeholder = self._paragraph(block, name, drafts)
                quiet = quiet or placeholder or (not found and new_label is None)
                label = new_label or label
            if status is not None:
                give_status(drafts, before, status)
        if not drafts and not quiet:
            self.problem(
                section.head,
                "SYN008",
                Severity.INFO,
                f"the '{section.name}' section has no action items",
            )
        elif not drafts:
            self.problem(
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
                give_status(drafts, before, status)
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
        fields = self.extract_text(own, None)
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
        fields = self.extract_text(joined, item.checkbox)
        if placeholder(fields):
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
        if fold(joined) in PLACEHOLDERS:
            return False, None, True
        if self._reads_as_item(joined):
            return self._add_paragraph(para.first, texts, section, drafts), None, False
        self.problem(
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
        fields = self.extract_text(text, None)
        if placeholder(fields):
            return False
        last = first + len(texts) - 1
        drafts.append(Draft(first, last, last, text, fields, ItemShape.PARAGRAPH, section, suffix))
        return True

    def extract_text(self, text: str, checkbox: bool | None) -> Fields:
        return extract(
            text,
            checkbox=checkbox,
            review_date=self.review_date,
            date_order=self.date_order,
            links=self.links,
            words=self.words,
        )

    def problem(self, index: int, code: str, severity: Severity, message: str) -> None:
        self.problems.append(Problem(self.path, index + 1, code, severity, message))


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
