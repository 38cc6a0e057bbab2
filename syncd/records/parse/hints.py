"""What looks like action items outside every action-item section: the lint hints.

- `candidates`: a checkbox, or a bullet with `owner:`, `due:` or `TODO`, outside every section
  (SYN109, low confidence);
- `unlisted_headings`: a heading whose words suggest actions (`Improvements`, `Fixes`, `Tasks`)
  over a list that reads like action items, when the heading is not a configured section name
  (SYN011): the review may hold items syncd silently skips, and `records.sections` can say so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from syncd.records.parse.headings import display, looks_like_actions
from syncd.records.parse.sections import LIST, TEXT, Heading, Section

__all__ = ["IMPERATIVE", "candidates", "starts_imperative", "unlisted_headings"]

# Verbs that open an action item (`Add …`, `Pin …`): a paragraph that starts with one reads as
# an item, and so does a bullet under an unlisted heading.
IMPERATIVE = frozenset(
    """add adopt agree alert archive ask audit automate block build change check clean configure
    create decide define delete deploy deprecate disable document drop enable enforce ensure
    extend fix freeze fuzz give hold implement improve increase introduce investigate limit
    lower make migrate monitor move notify page pin publish raise rate-limit reduce reject
    remove rename replace require restrict retire review revert rewrite rotate run schedule
    send separate set share shard split standardise standardize stop switch test track train
    tune update upgrade use validate verify watch write""".split()  # noqa: SIM905 - word list
)
_CHECKBOX_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[(?: |x|X|)\](?:[ \t]|$)")
_CANDIDATE_WORDS = re.compile(r"\b(?:owner|due)\s*:|\bTODO\b", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[*_\s]*([A-Za-z][\w-]*)")
_LOOK_AHEAD = 60  # lines under a heading read for the hint


def starts_imperative(text: str) -> bool:
    """The text opens with an imperative verb (`Add a lag alert`, `**Pin** the image`)."""
    m = _FIRST_WORD.match(text)
    return m is not None and m[1].casefold() in IMPERATIVE


def candidates(lines: Sequence[str], kinds: bytearray, sections: list[Section]) -> tuple[int, ...]:
    """1-based lines outside every section that look like action items (SYN109)."""
    inside = _inside(len(lines), sections)
    found: list[int] = []
    for i, line in enumerate(lines):
        if inside[i] or kinds[i] != TEXT:
            continue
        if "[" not in line:  # no checkbox; the words below are ASCII-only, even ignoring case
            low = line.lower()
            if "owner" not in low and "due" not in low and "todo" not in low:
                continue
        if _CHECKBOX_ITEM.match(line) or (LIST.match(line) and _CANDIDATE_WORDS.search(line)):
            found.append(i + 1)
    return tuple(found)


def unlisted_headings(
    lines: Sequence[str],
    kinds: bytearray,
    headings: Sequence[Heading],
    sections: list[Section],
) -> list[tuple[int, str]]:
    """(0-based line, heading as shown) of each heading outside every section that suggests
    actions and has a list reading like action items under it (SYN011)."""
    found: list[tuple[int, str]] = []
    inside = _inside(len(lines), sections)
    starts: Mapping[int, Heading] = {h.line: h for h in headings}
    for heading in headings:
        if inside[heading.line] or not _suggests_actions(heading.text):
            continue
        first = heading.line + (2 if heading.setext else 1)
        for i in range(first, min(len(lines), first + _LOOK_AHEAD)):
            if i in starts or inside[i]:
                break
            if kinds[i] == TEXT and _reads_as_action(lines[i]):
                found.append((heading.line, display(heading.text)))
                break
    return found


@functools.lru_cache(maxsize=1024)  # heading texts repeat across reviews
def _suggests_actions(text: str) -> bool:
    return looks_like_actions(text)


def _reads_as_action(line: str) -> bool:
    m = LIST.match(line)
    if m is None:
        return False
    rest = line[m.end() :]
    if _CHECKBOX_ITEM.match(line) or _CANDIDATE_WORDS.search(rest):
        return True
    return starts_imperative(rest)


def _inside(total: int, sections: list[Section]) -> bytearray:
    inside = bytearray(total)
    for sec in sections:
        inside[sec.head : sec.end] = b"\x01" * (sec.end - sec.head)
    return inside
