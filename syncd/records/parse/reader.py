"""Markdown review → `Review`: metadata, action items with source spans, file problems.

Line model (edit.py relies on it): line i of a file is `text.split("\\n")[i]` of the decoded
text (BOM removed); a CRLF file keeps its "\\r" on each line, stripped here only for matching.
`str.splitlines` is never used: it also splits on \\x0c, \\u2028 and friends, which would
shift every span after them.

Never raises on document content: an unreadable, binary, oversized or badly encoded file
becomes a `Review` with `readable=False` and a SYN0xx problem naming the line.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from syncd.model import ActionItem, ItemShape, Problem, Review, ReviewMeta, Severity, Span
from syncd.records.keys import item_key
from syncd.records.lint.rules import suppression_codes
from syncd.records.parse.dates import parse_due
from syncd.records.parse.drafts import Draft
from syncd.records.parse.fields import Fields, extract, parse_marker
from syncd.records.parse.headings import name_set
from syncd.records.parse.hints import candidates, unlisted_headings
from syncd.records.parse.items import Collector
from syncd.records.parse.links import definitions
from syncd.records.parse.meta import (
    FrontMatter,
    build_meta,
    file_date,
    file_stem,
    read_front_matter,
)
from syncd.records.parse.owners import parse_owner, parse_type
from syncd.records.parse.sections import (
    CODE,
    COMMENT,
    find,
    scan,
)
from syncd.records.parse.tickets import NO_LINKS, add_tickets
from syncd.records.parse.words import Words, words_for
from syncd.records.reading import BOM, DEFAULT_SECTIONS, ParseOptions, decode

__all__ = ["DEFAULT_SECTIONS", "ParseOptions", "decode", "parse_text", "read_review"]

_SUPPRESS = re.compile(r"<!--\s*syncd:\s*ignore(-file)?\s+([^>]*?)\s*-->", re.IGNORECASE)


_NONE: frozenset[str] = frozenset()
_NO_DATE = (
    "no review date found (front matter `date:`, a `Date:` line, a date in the title or the "
    "file name): the needs-a-decision check cannot run for its items, and due dates written "
    "without a year stay unread"
)


def read_review(path: Path, base: Path, options: ParseOptions) -> tuple[Review, bytes | None]:
    """Read and parse one file; the bytes read come back so an editor can detect drift."""
    rel = _relative(path, base)
    try:
        size = path.stat().st_size
    except OSError as error:
        return _unreadable(rel, "SYN001", 0, f"cannot read the file: {error.strerror}"), None
    if size > options.max_bytes:
        message = f"file is larger than {options.max_bytes} bytes ({size}); not read"
        return _unreadable(rel, "SYN004", 0, message), None
    try:
        with path.open("rb") as handle:
            # read(n) allocates n bytes up front: ask for the size stat gave (plus one, to
            # notice growth) and read on to the limit only if the file did grow.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(options.max_bytes + 1 - len(data))
    except OSError as error:
        return _unreadable(rel, "SYN001", 0, f"cannot read the file: {error.strerror}"), None
    if len(data) > options.max_bytes:  # it grew since stat
        message = f"file is larger than {options.max_bytes} bytes; not read"
        return _unreadable(rel, "SYN004", 0, message), None
    digest = hashlib.sha256(data).hexdigest()
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        review = _unreadable(rel, "SYN003", line, "file is binary (contains NUL bytes)", digest)
        return review, data
    try:
        text, _bom = decode(data)
    except UnicodeDecodeError as error:
        offset = error.start + (len(BOM) if data.startswith(BOM) else 0)
        line = data.count(b"\n", 0, offset) + 1
        message = f"file is not valid UTF-8 (byte 0x{data[offset]:02x} at offset {offset})"
        return _unreadable(rel, "SYN002", line, message, digest), data
    return parse_text(text, rel, options, sha256=digest), data


def parse_text(text: str, path: str, options: ParseOptions, *, sha256: str = "") -> Review:
    """Parse decoded text (pure). `path` is the review's POSIX path relative to the base;
    `sha256` is the digest of the bytes read, carried into the `Review` for drift checks."""
    lines = text.split("\n")
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    problems: list[Problem] = []
    if not text.strip():
        problems.append(Problem(path, 0, "SYN007", Severity.INFO, "file is empty"))
        stem = file_stem(path)
        meta = ReviewMeta(id=stem, date=file_date(stem, options.date_order))
        return Review(path, meta, problems=tuple(problems), sha256=sha256)
    front = read_front_matter(lines)
    if front.error is not None:
        line, message = front.error
        problems.append(Problem(path, line, "SYN005", Severity.ERROR, message))
    found = scan(lines, front.end)
    words = words_for(options.vocabulary)
    names = name_set(options.section_names)
    sections = find(lines, found, names, words)
    meta = build_meta(
        path,
        lines=lines,
        kinds=found.kinds,
        headings=found.headings,
        front=front,
        date_order=options.date_order,
        sections=sections,
    )
    collector = Collector(
        path=path,
        lines=lines,
        kinds=found.kinds,
        headings={h.line: h for h in found.headings},
        names=names,
        review_date=meta.date,
        date_order=options.date_order,
        problems=problems,
        links=definitions(lines, found.kinds) if "]:" in text else NO_LINKS,
        words=words,
    )
    drafts = _front_matter_drafts(front, meta.date, options.date_order, words)
    for section in sections:
        drafts.extend(collector.collect(section))
    if meta.date is None and drafts:
        problems.append(Problem(path, 0, "SYN012", Severity.INFO, _NO_DATE))
    for line, heading in unlisted_headings(lines, found.kinds, found.headings, sections):
        message = (
            f"heading '{heading}' holds what look like action items, but it is not an "
            "action-item section; if they are, add it to records.sections "
            "(or records.vocabulary.sections)"
        )
        problems.append(Problem(path, line + 1, "SYN011", Severity.INFO, message))
    line_codes, file_codes = _suppressions(lines, found.kinds) if "syncd" in text else ({}, _NONE)
    items = _items(meta.id, drafts, line_codes)
    return Review(
        path=path,
        meta=meta,
        items=items,
        problems=tuple(problems),
        candidates=candidates(lines, found.kinds, sections),
        suppressed=file_codes,
        sha256=sha256,
    )


def _items(
    review_id: str, drafts: list[Draft], line_codes: dict[int, frozenset[str]]
) -> tuple[ActionItem, ...]:
    seen: dict[str, int] = {}
    items: list[ActionItem] = []
    for d in drafts:
        f = d.fields
        basis = f.description if f.description.strip() else f.written
        key = item_key(review_id, basis)
        seen[key] = occurrence = seen.get(key, 0) + 1
        if occurrence > 1:
            key = item_key(review_id, basis, occurrence)
        suppressed = f.suppressed
        if line_codes:
            suppressed = suppressed.union(
                *(line_codes.get(k, frozenset()) for k in range(d.first, d.last + 1))
            )
        items.append(
            ActionItem(
                key=key,
                review_id=review_id,
                description=f.description,
                text=d.text,
                line=d.first + 1,
                span=Span(
                    d.first,
                    d.last,
                    d.suffix_line,
                    d.checkbox_col,
                    d.cell,
                    d.status_cell,
                    d.ticket_cell,
                ),
                shape=d.shape,
                section=d.section,
                owner=f.owner,
                owners=f.owners,
                due=f.due,
                due_raw=f.due_raw,
                type=f.type,
                ticket=f.tickets[0] if f.tickets else None,
                tickets=f.tickets,
                marker=f.marker,
                reason=f.reason,
                suffix=d.suffix,
                suppressed=frozenset(suppressed),
                unused_date=f.unused_date,
            )
        )
    return tuple(items)


def _front_matter_drafts(
    front: FrontMatter, review_date: date | None, date_order: str | None, words: Words
) -> list[Draft]:
    """P16 `action_items:` entries (read-only: syncd never edits front matter)."""
    drafts: list[Draft] = []
    for line, entry in front.items:
        text = _first(entry, "description", "action", "task", "title", "summary") or ""
        f = extract(
            text, checkbox=None, review_date=review_date, date_order=date_order, words=words
        )
        owner = _first(entry, "owner", "assigned_to", "assignee")
        if owner:
            f = _replace(f, owner=parse_owner(owner, words))
        due = entry.get("deadline", entry.get("due", entry.get("due_date")))
        if isinstance(due, date):
            f = _replace(f, due=(due, due.isoformat()))
        elif due is not None:
            f = _replace(f, due=parse_due(str(due), review_date, date_order))
        kind = _first(entry, "type")
        if kind:
            f = _replace(f, type=parse_type(kind))
        status = _first(entry, "status", "state")
        if status:
            f = _replace(f, marker=parse_marker(status, words))
        ticket = _first(entry, "ticket", "issue", "link", "url", "tracking")
        if ticket:
            tickets, written = add_tickets(f.tickets, f.written, ticket)
            f = f._replace(tickets=tickets, written=written)
        if f.due_raw is not None:
            f = f._replace(unused_date=None)  # read only for undated items
        if f.description.strip() or f.tickets:
            drafts.append(Draft(line, line, line, text, f, ItemShape.FRONT_MATTER, "front matter"))
    return drafts


def _replace(f: Fields, **pair: Any) -> Fields:
    ((name, value),) = pair.items()
    if name == "owner":
        return f._replace(owner=value[0], owners=value[1])
    if name == "due":
        return f._replace(due=value[0], due_raw=value[1])
    if name == "marker":
        return f._replace(marker=value[0], reason=value[1] or f.reason)
    return f._replace(**pair)


def _first(entry: Any, *keys: str) -> str | None:
    for key in keys:
        value = entry.get(key)
        if value is not None and not isinstance(value, (list, dict)) and str(value).strip():
            return str(value).strip()
    return None


def _suppressions(
    lines: Sequence[str], kinds: bytearray
) -> tuple[dict[int, frozenset[str]], frozenset[str]]:
    """Codes ignored per item, keyed by the item's first line index, and for the whole file.

    A comment applies to the item on its own line, or to the next line when it stands alone
    on its line (`<!-- syncd: ignore SYN105 -->` above the item). Codes, rule names and `all`
    are read by `rules.suppression_codes`, the same as in an item's own text.
    """
    per_line: dict[int, frozenset[str]] = {}
    whole: set[str] = set()
    for i, line in enumerate(lines):
        if "syncd" not in line or kinds[i] == CODE:  # a code block only shows the syntax
            continue
        for m in _SUPPRESS.finditer(line):
            codes = suppression_codes(m[2])
            if m[1]:
                whole |= codes
            else:
                target = i + 1 if kinds[i] == COMMENT else i
                per_line[target] = per_line.get(target, frozenset()) | codes
    return per_line, frozenset(whole)


def _relative(path: Path, base: Path) -> str:
    if os.sep == "/":  # the common case without pathlib's part-by-part comparison
        whole, root = str(path), str(base)
        if root not in ("", ".", "/") and whole.startswith(root + "/"):
            return whole[len(root) + 1 :]
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _unreadable(rel: str, code: str, line: int, message: str, digest: str = "") -> Review:
    stem = file_stem(rel)
    problem = Problem(rel, line, code, Severity.ERROR, message)
    return Review(
        rel,
        ReviewMeta(id=stem, date=file_date(stem)),
        problems=(problem,),
        sha256=digest,
        readable=False,
    )
