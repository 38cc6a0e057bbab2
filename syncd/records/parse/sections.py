"""Find the action-item sections of a review with one cheap pass over its lines.

A full Markdown parse of every review is the slow part of a cold pass (markdown-it-py spends
most of its time setting up per-character line tables: ~0.35 ms for a 1 KB section, measured),
so this module classifies lines (text, blank, fenced code, HTML comment, front matter) and finds
headings itself; only the lines inside the sections found here are read further (blocks.py).

Sections are marked in the wild (record-formats.md §2.2) by:
- ATX or setext headings at any level, possibly bold, with a trailing colon, a parenthetical,
  a leading number or emoji, or a link inside; the section runs to the next heading of the same
  or a higher level;
- a bold list key, `- **Review actions**:`, with nested items or a value on the same line;
- a bold paragraph on its own line, `**Action items:**`, running to the next heading;
- a single-item paragraph, `**Action item:** text Owner: @x`;
- a plain line, `Action Items`, followed by a list or table;
- an action table (an action and an owner column) under any heading, e.g. "Resolution".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from syncd.records.parse.headings import display, matches

if TYPE_CHECKING:
    from syncd.records.parse.words import Words

# Line kinds (a bytearray per file; 0 is the common case).
TEXT, BLANK, CODE, COMMENT, FRONT = range(5)

_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
LIST = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_BOLD_KEY_ITEM = re.compile(
    r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+\*\*([^*]+?)\*\*[ \t]*:?[ \t]*(.*)$"
)
_BOLD_LINE = re.compile(r"^ {0,3}\*\*([^*]+?)\*\*[ \t]*:?[ \t]*(.*)$")


@dataclass(frozen=True, slots=True)
class Heading:
    line: int  # 0-based index of the heading text line
    level: int  # 1-6; setext `===` is 1, `---` is 2
    text: str  # raw heading text (ATX closing hashes removed)
    setext: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """Lines `start`..`end - 1` hold the items; `head` is the heading (or key) line."""

    name: str
    head: int
    start: int
    end: int
    level: int  # 7 for pseudo-headings (bold/plain lines): any heading ends them
    kind: str  # heading | key | bold | inline | plain | table


@dataclass(frozen=True, slots=True)
class Scan:
    kinds: bytearray
    headings: tuple[Heading, ...]


def indent_of(line: str) -> int:
    rest = line.lstrip(" ")
    if not rest.startswith("\t"):
        return len(line) - len(rest)  # spaces only: no tab stops to work out
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line (`## Action Items ##`), or None.

    What `^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$` matched, in linear time: the
    lazy text group retried the rest of the line from each character of a long blank run.
    """
    start = line.lstrip(" ")
    if len(line) - len(start) > 3:
        return None
    rest = start.lstrip("#")
    level = len(start) - len(rest)
    if not 1 <= level <= 6:
        return None
    body = rest.lstrip(" \t")
    if body == rest:
        return (level, "") if not rest else None  # `#x` is no heading
    text = body.rstrip(" \t")
    closing = len(text) - len(text.rstrip("#"))  # a closing `###` after a blank
    if closing and closing < len(text):
        before = text[: len(text) - closing]
        if before != before.rstrip(" \t"):
            return level, before.rstrip(" \t")
    return level, text


def scan(lines: Sequence[str], start: int) -> Scan:
    """Classify every line and find the headings, skipping code, comments and front matter."""
    kinds = bytearray(len(lines))
    kinds[:start] = bytes([FRONT]) * start
    headings: list[Heading] = []
    fence: str | None = None
    in_comment = False
    para = ""  # kind of the paragraph in progress: "" none, "plain", "other"
    for i in range(start, len(lines)):
        line = lines[i]
        if in_comment:
            kinds[i] = COMMENT
            in_comment = "-->" not in line
            para = ""
            continue
        if fence is not None:
            kinds[i] = CODE
            m = _FENCE.match(line)
            if m and m[1][0] == fence[0] and len(m[1]) >= len(fence) and not m[2].strip():
                fence = None
            continue
        stripped = line.strip()
        if not stripped:
            kinds[i] = BLANK
            para = ""
            continue
        first = stripped[0]
        if first in "`~":
            m = _FENCE.match(line)
            if m and not (m[1][0] == "`" and "`" in m[2]):
                kinds[i] = CODE
                fence = m[1]
                para = ""
                continue
        if "<!--" in line:
            opened = line.find("<!--")
            if line.find("-->", opened + 4) < 0:
                in_comment = True
            if stripped.startswith("<!--") and (in_comment or stripped.endswith("-->")):
                kinds[i] = COMMENT
                para = ""
                continue
        if first == "#":
            atx = atx_heading(line)
            if atx is not None:
                headings.append(Heading(i, atx[0], atx[1].strip()))
                para = ""
                continue
        if first in "=-" and para == "plain" and _UNDERLINE.match(line):
            headings.append(Heading(i - 1, 1 if first == "=" else 2, lines[i - 1].strip(), True))
            para = ""
            continue
        if not para:
            plain = indent_of(line) < 4 and first not in ">|" and not LIST.match(line)
            para = "plain" if plain else "other"
        elif para == "plain" and LIST.match(line):
            para = "other"
    return Scan(kinds, tuple(headings))


def find(
    lines: Sequence[str], found: Scan, names: frozenset[str], words: Words | None = None
) -> list[Section]:
    """Every action-item section, in file order; sections never overlap."""
    kinds = found.kinds
    total = len(lines)
    sections: list[Section] = []
    current: Heading | None = None
    for heading in found.headings:
        if current is not None and heading.level <= current.level:
            sections.append(_heading_section(current, heading.line))
            current = None
        if current is None and matches(heading.text, names):
            current = heading
    if current is not None:
        sections.append(_heading_section(current, total))
    covered = bytearray(total)
    for sec in sections:
        covered[sec.head : sec.end] = b"\x01" * (sec.end - sec.head)
    heading_lines = {h.line: h for h in found.headings}
    extra: list[Section] = []
    i = 0
    while i < total:
        if covered[i] or kinds[i] != TEXT or i in heading_lines:
            i += 1
            continue
        line = lines[i]
        if i and kinds[i - 1] == TEXT and "**" not in line and "|" not in line:
            i += 1  # inside a paragraph, no bold key, no table: _pseudo_section says None
            continue
        pseudo = _pseudo_section(lines, kinds, heading_lines, i, names, words)
        if pseudo is None:
            i += 1
            continue
        extra.append(pseudo)
        i = max(pseudo.end, i + 1)
    return sorted(sections + extra, key=lambda s: s.head)


def _heading_section(heading: Heading, end: int) -> Section:
    start = heading.line + (2 if heading.setext else 1)
    return Section(display(heading.text), heading.line, start, end, heading.level, "heading")


def _pseudo_section(
    lines: Sequence[str],
    kinds: bytearray,
    headings: dict[int, Heading],
    i: int,
    names: frozenset[str],
    words: Words | None,
) -> Section | None:
    line = lines[i]
    stripped = line.strip()
    total = len(lines)
    if "**" in line:
        m = _BOLD_KEY_ITEM.match(line)
        if m and matches(m[3], names):
            end = _key_end(lines, kinds, headings, i, (indent_of(m[1]), m[2]))
            return Section(display(m[3]), i, i, end, 7, "key")
        m = _BOLD_LINE.match(line)
        if m and matches(m[1], names):
            if m[2].strip():
                end = i + 1
                while end < total and kinds[end] == TEXT and end not in headings:
                    end += 1
                return Section(display(m[1]), i, i, end, 7, "inline")
            end = i + 1
            while end < total and end not in headings:
                bold = _BOLD_LINE.match(lines[end]) if kinds[end] == TEXT else None
                if bold and not bold[2].strip() and kinds[end - 1] == BLANK:
                    break
                end += 1
            return Section(display(m[1]), i, i + 1, end, 7, "bold")
    if (
        len(stripped) <= 60
        and (i == 0 or kinds[i - 1] != TEXT)
        and not LIST.match(line)
        and "|" not in line
        and matches(stripped, names)
    ):
        nxt = i + 1
        while nxt < total and kinds[nxt] == BLANK:
            nxt += 1
        if nxt < total and kinds[nxt] == TEXT and (LIST.match(lines[nxt]) or "|" in lines[nxt]):
            return Section(
                display(stripped), i, i + 1, _list_end(lines, kinds, headings, nxt), 7, "plain"
            )
    if "|" in line and i + 1 < total and kinds[i + 1] == TEXT and TABLE_SEP.match(lines[i + 1]):
        from syncd.records.parse.tables import is_action_header
        from syncd.records.parse.words import BUILT_IN

        if is_action_header(line, require_owner=True, words=words or BUILT_IN):
            end = i + 2
            while end < total and kinds[end] == TEXT and "|" in lines[end]:
                end += 1
            owner = max(
                (h for h in headings.values() if h.line < i), key=lambda h: h.line, default=None
            )
            name = display(owner.text) if owner else "Action items"
            return Section(name, i, i, end, 7, "table")
    return None


def _key_end(
    lines: Sequence[str],
    kinds: bytearray,
    headings: dict[int, Heading],
    i: int,
    key: tuple[int, str],
) -> int:
    """A bold-key section holds the key's children and any list that directly follows it
    (MoJ 2025 puts a `1.` list at column 0 right after `- **Review actions**:`)."""
    indent, marker = key
    end = i + 1
    total = len(lines)
    while end < total and end not in headings:
        if kinds[end] == TEXT:
            line = lines[end]
            width = indent_of(line)
            m = LIST.match(line)
            if width <= indent and m and m[2] == marker:
                break  # the next key of the same list
            if width == 0 and not m and kinds[end - 1] == BLANK:
                break  # a paragraph after the list
        end += 1
    return end


def _list_end(lines: Sequence[str], kinds: bytearray, headings: dict[int, Heading], i: int) -> int:
    end = i
    total = len(lines)
    while end < total and end not in headings:
        if kinds[end] == TEXT and kinds[end - 1] == BLANK:
            line = lines[end]
            if indent_of(line) == 0 and not LIST.match(line) and "|" not in line:
                break
        end += 1
    return end
