"""The block structure of one section: list items (nested), paragraphs, tables, sub-headings.

A small line-based reader instead of markdown-it-py, for two reasons. Speed: only section
lines are read and a cold pass parses 1,000 reviews (sections.py has the measurement). Intent:
real reviews nest sub-bullets by "more indented than the parent's marker" (two spaces under
`1.` is common) and write `** child` as a second-level bullet (taskcluster 2016); CommonMark
would read both as paragraph text. Where authors' intent and CommonMark agree — lazy
continuation lines, blank lines between items, fenced and indented code, HTML comments — this
follows CommonMark.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from syncd.records.parse.sections import (
    BLANK,
    HR,
    LIST,
    TABLE_SEP,
    TEXT,
    Heading,
    indent_of,
)

# `** child`: `**` followed by a space never opens bold, so it is a bullet (taskcluster 2016).
_STAR_BULLET = re.compile(r"^([ \t]*)\*\*[ \t]+(?=\S)")
_CHECKBOX = re.compile(r"\[( |x|X|)\](?=[ \t]|$)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S")
# A line that starts with a link: a ticket-first item (record-formats.md P5, okctl).
LINK_FIRST = re.compile(r"^(?:\[[^\]]+\]\([^)\s]+\)|<https?://[^>\s]+>|https?://\S)")


@dataclass(slots=True)
class ListItem:
    first: int
    last: int  # last line of the item's own text (its first paragraph)
    indent: int  # column of the list marker
    marker: str
    text: list[str]  # own text lines, marker and checkbox removed, stripped
    checkbox: bool | None = None  # True [x], False [ ] or [], None without a checkbox
    checkbox_col: int | None = None
    children: list[ListItem] = field(default_factory=list)
    para_open: bool = True  # a lazy continuation line may still join a paragraph
    own_open: bool = True  # ... and that paragraph is the item's own text


@dataclass(slots=True)
class Paragraph:
    first: int
    last: int
    text: list[str]


@dataclass(slots=True)
class Table:
    header: int
    rows: list[int]


@dataclass(slots=True)
class SubHeading:
    line: int
    level: int
    text: str


Block = ListItem | Paragraph | Table | SubHeading


def read_blocks(
    lines: Sequence[str],
    kinds: bytearray,
    headings: Mapping[int, Heading],
    start: int,
    end: int,
) -> list[Block]:
    """Top-level blocks of lines[start:end]; nested list items hang off their parents."""
    out: list[Block] = []
    stack: list[ListItem] = []
    para: Paragraph | None = None
    after_break = True  # a blank line, code or comment came last: no lazy continuation
    i = start
    while i < end:
        kind = kinds[i]
        if kind != TEXT:
            para = None
            if kind != BLANK:  # a fence or comment ends the list items it is not inside
                width = indent_of(lines[i])
                while stack and stack[-1].indent >= width:
                    stack.pop()
            for open_item in stack:
                open_item.para_open = open_item.own_open = False
            after_break = True
            i += 1
            continue
        line = lines[i]
        heading = headings.get(i)
        if heading is not None:
            stack.clear()
            para = None
            out.append(SubHeading(i, heading.level, heading.text))
            i += 2 if heading.setext else 1
            after_break = True
            continue
        if HR.match(line):
            stack.clear()
            para = None
            after_break = True
            i += 1
            continue
        if "|" in line and i + 1 < end and kinds[i + 1] == TEXT and TABLE_SEP.match(lines[i + 1]):
            rows: list[int] = []
            j = i + 2
            while j < end and kinds[j] == TEXT and "|" in lines[j]:
                rows.append(j)
                j += 1
            stack.clear()
            para = None
            out.append(Table(i, rows))
            after_break = True
            i = j
            continue
        width = indent_of(line)
        if not stack and after_break and width >= 4:
            i += 1  # indented code block
            continue
        if after_break and _REF_DEF.match(line):
            i += 1  # a link reference definition (`[#1234]: https://…`) is not text
            continue
        item = _start_item(line, i, stack)
        if item is not None:
            if stack:
                parent = stack[-1]
                parent.children.append(item)
                parent.para_open = parent.own_open = False
            else:
                out.append(item)
            stack.append(item)
            para = None
            after_break = False
            i += 1
            continue
        if stack and not after_break and stack[-1].para_open and not _next_ticket(line, stack):
            top = stack[-1]
            if top.own_open:
                top.text.append(line.strip())
                top.last = i
            i += 1
            continue
        while stack and stack[-1].indent >= width:
            stack.pop()
        if stack:
            stack[-1].para_open = True  # a later paragraph of the item: a note, not its text
            after_break = False
            i += 1
            continue
        if para is not None and not after_break:
            para.text.append(line.strip())
            para.last = i
        else:
            para = Paragraph(i, i, [line.strip()])
            out.append(para)
        after_break = False
        i += 1
    return out


def _next_ticket(line: str, stack: list[ListItem]) -> bool:
    """Unindented ticket-first lines after a ticket-first bullet are items of their own
    (okctl 0004), not the lazy continuation CommonMark would make them."""
    top = stack[-1]
    return (
        indent_of(line) <= top.indent
        and LINK_FIRST.match(line.lstrip()) is not None
        and LINK_FIRST.match(stack[0].text[0]) is not None
    )


def _start_item(line: str, index: int, stack: list[ListItem]) -> ListItem | None:
    m = LIST.match(line)
    if m is not None:
        width = indent_of(m[1])
        while stack and stack[-1].indent >= width:
            stack.pop()
        marker = m[2]
        rest_at = m.end()
    else:
        star = _STAR_BULLET.match(line)
        if star is None:
            return None
        while stack and stack[-1].marker == "**":
            stack.pop()
        width = stack[-1].indent + 1 if stack else indent_of(star[1])
        marker = "**"
        rest_at = star.end()
    item = ListItem(index, index, width, marker, [])
    box = _CHECKBOX.match(line, rest_at)
    if box is not None:
        item.checkbox = box[1] in ("x", "X")
        item.checkbox_col = rest_at + 1
        rest_at = box.end()
    item.text.append(line[rest_at:].strip())
    return item
