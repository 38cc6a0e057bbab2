"""The marks syncd leaves in tickets, and reading them back. Pure; shared by all adapters.

- The **item marker** ties a ticket to its action item (exactly-once creation, DESIGN §5).
  It is written inside syncd's own block at the end of a ticket body
  (`<!-- syncd:begin -->` … `<!-- syncd:item=KEY -->` … `<!-- syncd:end -->`) and read only
  from there, so review text — neutralised before it reaches a ticket, and always above the
  block — can never produce one. Bodies written before the block existed end with the bare
  marker: that is read too, but only as the body's last line.
- The **own-comment tag** `<!-- syncd:note -->` ends every comment syncd writes, so a close
  reason is never read from syncd's own words. `syncd:comment` (older GitHub comments) is
  still recognised.
- The **reminder tag** names one (item, mark, episode): a reminder whose answer was lost is
  found on the ticket instead of being posted twice.

Jira shows HTML comments as text, so its adapter keeps the same values in issue and comment
properties instead (jira/mapping.py) and reads these text forms only from older tickets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

MARKER_PREFIX = "syncd:item="
BLOCK_BEGIN = "<!-- syncd:begin -->"
BLOCK_END = "<!-- syncd:end -->"
OWN_TAG = "<!-- syncd:note -->"
_OWN_TAGS = (OWN_TAG, "<!-- syncd:comment -->")
REASON_CHARS = 200  # a deprioritization reason is one line of at most this many characters
_MARKER = re.compile(r"<!--\s*" + re.escape(MARKER_PREFIX) + r"(\S+?)\s*-->")
_BLOCK = re.compile(re.escape(BLOCK_BEGIN) + r"(.*?)" + re.escape(BLOCK_END), re.S)


def marker_comment(item_key: str) -> str:
    """The hidden marker line for `item_key` (inside the block)."""
    return f"<!-- {MARKER_PREFIX}{item_key} -->"


def reminder_tag(item_key: str, kind: str, started_on: date) -> str:
    """The hidden tag of one reminder: one per (item, mark, episode)."""
    return f"<!-- syncd:reminder={item_key}/{kind}/{started_on.isoformat()} -->"


def block(lines: Iterable[str], item_key: str) -> str:
    """syncd's own block: `lines` (already rendered, syncd's markup) and the marker."""
    return "\n".join([BLOCK_BEGIN, *lines, marker_comment(item_key), BLOCK_END])


def extract_marker(body: str | None) -> str | None:
    """The item key in syncd's own block of a ticket body; else (older tickets) a marker
    that is the body's last line; else None. A marker anywhere else is not syncd's."""
    text = body or ""
    blocks = _BLOCK.findall(text)
    if blocks:
        found = _MARKER.search(blocks[-1])
        return found.group(1) if found else None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines:
        found = _MARKER.fullmatch(lines[-1])
        if found:
            return found.group(1)
    return None


def is_own(text: str | None) -> bool:
    """Whether a comment is one syncd wrote (ends with an own-comment tag)."""
    body = text or ""
    return any(tag in body for tag in _OWN_TAGS)


def reason_line(text: str | None) -> str | None:
    """The first non-empty line of a person's comment, at most REASON_CHARS characters."""
    for line in (text or "").splitlines():
        stripped = line.strip()
        if stripped:
            if len(stripped) <= REASON_CHARS:
                return stripped
            return stripped[: REASON_CHARS - 1] + "…"
    return None


def first_reason(comments: Iterable[tuple[str | None, bool]]) -> str | None:
    """The reason from comments newest first, as (body, written by syncd or the system);
    syncd's own and system notes are skipped."""
    for body, skip in comments:
        if skip or is_own(body):
            continue
        line = reason_line(body)
        if line:
            return line
    return None
